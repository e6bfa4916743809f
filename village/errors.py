"""The one exception base of the core package and its specialisations."""


class VillageError(Exception):
    """Base of every error the core raises on purpose; the CLI prints these without a trace."""

    exit_code = 1


class ConfigError(VillageError):
    """The configuration file is missing, unreadable or invalid.

    ``problems`` lists every problem found, each as ``(key, message)``.
    """

    def __init__(self, problems: list[tuple[str, str]], source: str = "") -> None:
        self.problems = problems
        self.source = source
        lines = [f"{key}: {message}" for key, message in problems]
        where = f" trong {source}" if source else ""
        super().__init__(f"{len(problems)} lỗi cấu hình{where}:\n  " + "\n  ".join(lines))


class StoreError(VillageError):
    """The content store or a log cannot be read or written."""


class MediaError(VillageError):
    """A media file is unreadable, corrupt or of an unsupported type."""

    exit_code = 2


class PlanError(VillageError):
    """A broadcast plan or calendar file is invalid."""

    exit_code = 2
