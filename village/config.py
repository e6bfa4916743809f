"""Configuration: one TOML file checked against a declared schema.

Each section is a frozen dataclass whose fields carry their default, a help text, a
``secret`` flag (masked by ``village config show``) and an optional check. Every number has a
declared range (``between``), and inf or nan is never a number here. Text keys are free text
(``text=FREE``: normalised to NFC, invisible characters removed) or plain (an invisible or
control character refuses them; secrets are left as they are). Loading collects every
problem in the file (unknown keys, wrong types, failed checks) and raises one ``ConfigError``
listing them all; a file too big or nested too deep for a configuration is refused whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
import tomllib
import types
import typing
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from village.errors import ConfigError
from village.messages import say
from village.text import clean_text, describe_char, first_invisible

DEFAULT_CONFIG_PATH = Path("/etc/village/village.toml")
DEFAULT_DATA_DIR = "/var/lib/village"
MASK = "********"
MAX_CONFIG_BYTES = 1 << 20  # a real configuration is a few kilobytes
FREE = "free"  # text=FREE: a name or sentence, cleaned (NFC, no invisible characters)
PLAIN = "plain"  # a name the machine reads (path, host, id): invisible characters refused

Check = Callable[[Any], str | None]


def setting(
    default: Any,
    help: str,
    *,
    secret: bool = False,
    check: Check | None = None,
    text: str = PLAIN,
) -> Any:
    """Declare one configuration key."""
    meta = {"help": help, "secret": secret, "check": check, "text": text}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=meta)
    return field(default=default, metadata=meta)


# --- checks -----------------------------------------------------------------------------


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Range:
    """The declared range of a numeric key, both ends included (an unset key passes)."""

    low: float
    high: float
    message: str = ""

    def __call__(self, value: float | None) -> str | None:
        if value is None or self.low <= value <= self.high:
            return None
        low, high = _number_text(self.low), _number_text(self.high)
        return self.message or say("config_range", low=low, high=high)


def between(low: float, high: float) -> Range:
    return Range(low, high)


def at_least(low: float) -> Check:
    """A lower bound only (prefer ``between``: every number should have both ends)."""

    def check(value: float) -> str | None:
        return None if value >= low else say("config_at_least", low=low)

    return check


gpio_pin = Range(0, 27, say("config_gpio_pin"))


def one_of(*choices: str) -> Check:
    def check(value: str) -> str | None:
        return None if value in choices else say("config_one_of", choices=", ".join(choices))

    return check


def time_zone(value: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return say("config_time_zone", value=repr(value))
    return None


_HHMM_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def time_range(value: str) -> str | None:
    if value == "" or _HHMM_RANGE.match(value):
        return None
    return say("config_time_range")


def holiday_dates(values: list[str]) -> str | None:
    """Each entry is a date (YYYY-MM-DD) or a yearly date (MM-DD)."""
    bad = []
    for value in values:
        try:
            if len(value) == 5:
                dt.date.fromisoformat(f"2000-{value}")
            else:
                dt.date.fromisoformat(value)
        except ValueError:
            bad.append(value)
    return say("config_holidays", dates=", ".join(bad)) if bad else None


def base64_key(value: str) -> str | None:
    """Empty, or base64 of a 32-byte (Ed25519) public key."""
    if not value:
        return None
    import base64
    import binascii

    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return say("config_base64")
    return None if len(raw) == 32 else say("config_key_length")


def identifier(value: str) -> str | None:
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", value):
        return None
    return say("config_identifier")


# --- sections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceSettings:
    id: str = setting("pi-01", "This device's id (MQTT client id, log records)", check=identifier)
    name: str = setting("UBND xã", "Human name of the place the device serves", text=FREE)
    commune: str = setting("xa-mau", "Commune id this device belongs to", check=identifier)


@dataclass(frozen=True)
class PathSettings:
    data: str = setting(DEFAULT_DATA_DIR, "Folder for the content store, media and logs")
    control_socket: str = setting(
        "", "Unix socket of the controller's control channel (default DATA/run/control.sock)"
    )


@dataclass(frozen=True)
class RelaySettings:
    pin: int = setting(17, "BCM pin driving the amplifier relay", check=gpio_pin)
    active_high: bool = setting(False, "True if the relay closes on a high pin (most boards: low)")
    warmup_s: float = setting(
        3.0, "Seconds between relay on and the first audio", check=between(0, 60)
    )
    tail_s: float = setting(
        2.0, "Seconds between the last audio and relay off", check=between(0, 60)
    )
    max_on_minutes: float = setting(
        30.0,
        "The relay is forced off after this long, whatever happens (at least 3 s)",
        check=between(0.05, 180),
    )


@dataclass(frozen=True)
class ScheduleSettings:
    timezone: str = setting(
        "Asia/Ho_Chi_Minh", "Time zone of plans and quiet hours", check=time_zone
    )
    late_grace_minutes: float = setting(
        10.0,
        "A slot may still start this late (shortened to its end)",
        check=between(0, 24 * 60),
    )
    quiet_hours: str = setting(
        "21:30-05:30", "No ordinary or priority broadcast in these hours", check=time_range
    )
    holidays: list[str] = setting(
        ["01-01", "04-30", "05-01", "09-02"],
        "Days with no ordinary broadcast: YYYY-MM-DD, or MM-DD for every year (add Tết and "
        "the Hùng Kings' day, which follow the lunar calendar, year by year)",
        check=holiday_dates,
    )
    clock_sync: str = setting(
        "kernel",
        "How to know the clock is right: 'kernel' (NTP status), or 'assume' (trust it)",
        check=one_of("kernel", "assume"),
    )


@dataclass(frozen=True)
class MqttSettings:
    host: str = setting("", "Broker host name (empty: no sync, the device works offline)")
    port: int = setting(1883, "Broker port (8883 with TLS)", check=between(1, 65535))
    username: str = setting("", "MQTT user name (default: the device id)")
    password: str = setting("", "MQTT password", secret=True)
    ca_file: str = setting("", "CA certificate for TLS (empty: no TLS)")
    cert_file: str = setting("", "Client certificate for TLS, if the broker asks for one")
    key_file: str = setting("", "Private key of the client certificate")
    keepalive_s: int = setting(60, "MQTT keep-alive in seconds", check=between(5, 3600))
    hub_key: str = setting(
        "",
        "The commune hub's public key (base64, printed by 'village hub init'); content and "
        "commands are accepted only when signed by it",
        check=base64_key,
    )
    session_expiry_h: float = setting(
        24.0,
        "How long the broker keeps this device's session and commands sent to it while it "
        "is offline (hours)",
        check=between(0, 24 * 30),
    )
    reconnect_max_s: float = setting(
        30.0, "Longest wait between two connection attempts (seconds)", check=between(0.5, 600)
    )
    max_manifest_kb: int = setting(
        512, "Largest content manifest accepted (KiB)", check=between(16, 1000)
    )
    disk_reserve_mb: int = setting(
        200,
        "Free disk space always kept: a content version that would leave less is refused (MB)",
        check=between(0, 10**9),
    )
    fetch_window: int = setting(
        16, "Media blocks requested ahead while downloading", check=between(1, 256)
    )
    log_batch: int = setting(
        500, "Log records sent to the hub in one message", check=between(1, 1000)
    )
    status_interval_s: float = setting(
        60.0, "Seconds between two status reports when nothing changes", check=between(1, 3600)
    )


# --- the sections: the core's here, each app's registered from the app ----------------------

ENTRY_POINT_GROUP = "village.config"  # setup.py: each app's ``register(sections)``


class SectionRegistry(Mapping[str, type]):
    """Every section a configuration may have, in the order ``village config show`` lists them.

    The core adds its own sections below; each app adds its sections from its own module
    (``kiosk.settings``, ``controller.settings``, ``commune.settings``), found through the
    entry-point group ``village.config`` the first time the sections are asked for, so the
    core never imports an app. An app that is not installed adds nothing.
    """

    def __init__(self) -> None:
        self._sections: dict[str, tuple[int, type]] = {}
        self._discovered = False

    def add(self, name: str, cls: type, *, order: int) -> None:
        """Register the section ``[name]``; ``order`` places it in ``config show``."""
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"section [{name}]: {cls!r} is not a dataclass")
        known = self._sections.get(name)
        if known and known[1] is not cls:
            raise ValueError(f"section [{name}] registered twice: {known[1]!r} and {cls!r}")
        self._sections[name] = (order, cls)

    def _discover(self) -> None:
        if self._discovered:
            return
        self._discovered = True
        from importlib.metadata import entry_points

        for entry in entry_points(group=ENTRY_POINT_GROUP):
            try:
                register = entry.load()
            except ModuleNotFoundError as exc:
                module = entry.value.partition(":")[0]
                if exc.name not in (module, module.partition(".")[0]):
                    raise
                continue  # that app is not installed
            register(self)

    def _ordered(self) -> list[str]:
        self._discover()
        return sorted(self._sections, key=lambda name: (self._sections[name][0], name))

    def __getitem__(self, name: str) -> type:
        self._discover()
        return self._sections[name][1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ordered())

    def __len__(self) -> int:
        self._discover()
        return len(self._sections)


SECTIONS = SectionRegistry()
SECTIONS.add("device", DeviceSettings, order=10)
SECTIONS.add("paths", PathSettings, order=20)
SECTIONS.add("relay", RelaySettings, order=30)
SECTIONS.add("schedule", ScheduleSettings, order=70)
SECTIONS.add("mqtt", MqttSettings, order=80)


class Config:
    """The effective configuration: one frozen settings object per section.

    ``config.kiosk`` is the ``[kiosk]`` section (whichever app registered it); the core's
    sections are typed properties. Immutable: ``replace`` makes a changed copy.
    """

    def __init__(self, sections: Mapping[str, Any], source: str = "(defaults)") -> None:
        object.__setattr__(self, "_sections", dict(sections))
        object.__setattr__(self, "source", source)

    source: str
    _sections: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._sections[name]
        except KeyError:
            raise AttributeError(f"the configuration has no section [{name}]") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Config):
            return NotImplemented
        return self._sections == other._sections and self.source == other.source

    def __hash__(self) -> int:
        return hash((tuple(self._sections.items()), self.source))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Config, (self._sections, self.source))

    def __repr__(self) -> str:
        return f"Config(source={self.source!r}, sections={list(self._sections)})"

    def section_names(self) -> list[str]:
        return list(self._sections)

    @property
    def device(self) -> DeviceSettings:
        return self._sections["device"]

    @property
    def paths(self) -> PathSettings:
        return self._sections["paths"]

    @property
    def relay(self) -> RelaySettings:
        return self._sections["relay"]

    @property
    def schedule(self) -> ScheduleSettings:
        return self._sections["schedule"]

    @property
    def mqtt(self) -> MqttSettings:
        return self._sections["mqtt"]

    @property
    def data_dir(self) -> Path:
        return Path(self.paths.data)

    @property
    def control_socket(self) -> Path:
        if self.paths.control_socket:
            return Path(self.paths.control_socket)
        return self.data_dir / "run" / "control.sock"

    def replace(self, section: str, **values: Any) -> Config:
        """A copy with some keys of one section changed (values are not re-checked)."""
        sections = dict(self._sections)
        sections[section] = dataclasses.replace(sections[section], **values)
        return Config(sections, self.source)


# --- loading ----------------------------------------------------------------------------


def _type_problem(expected: Any, value: Any) -> str | None:
    """Return a message when ``value`` does not fit the annotation ``expected``."""
    origin = typing.get_origin(expected)
    if origin in (types.UnionType, typing.Union):
        options = [t for t in typing.get_args(expected) if t is not type(None)]
        return _type_problem(options[0], value)
    if origin is list:
        (item,) = typing.get_args(expected)
        if not isinstance(value, list):
            return say("config_list")
        for element in value:
            problem = _type_problem(item, element)
            if problem:
                return say("config_every_item", problem=problem)
        return None
    if expected is bool:
        return None if isinstance(value, bool) else say("config_bool")
    if expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else say("config_int")
    if expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and not math.isfinite(value):
            return say("config_finite")
        return None if ok else say("config_number")
    if expected is str:
        return None if isinstance(value, str) else say("config_str")
    return None


def _text_value(meta: Any, value: Any) -> tuple[Any, str | None]:
    """Free text cleaned; plain text with an invisible or control character refused."""
    if meta.get("secret"):
        return value, None
    texts = value if isinstance(value, list) else [value]
    if not all(isinstance(t, str) for t in texts):
        return value, None
    if meta.get("text") == FREE:
        cleaned = [clean_text(t) for t in texts]
        return (cleaned if isinstance(value, list) else cleaned[0]), None
    for text in texts:
        hidden = first_invisible(text)
        if hidden:
            return value, say("config_invisible", char=describe_char(hidden))
    return value, None


def _build_section(name: str, cls: type, raw: dict[str, Any], problems: list) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append((f"{name}.{key}", say("config_unknown_key")))
            continue
        problem = _type_problem(hints[key], value)
        if problem is None:
            if hints[key] is float and isinstance(value, int):
                value = float(value)
            value, problem = _text_value(known[key].metadata, value)
        if problem is None:
            check = known[key].metadata.get("check")
            problem = check(value) if check else None
        if problem:
            problems.append((f"{name}.{key}", problem))
        else:
            values[key] = value
    return cls(**values)


def parse_config(raw: dict[str, Any], source: str = "(defaults)") -> Config:
    """Build a Config from parsed TOML, listing every problem at once."""
    problems: list[tuple[str, str]] = []
    sections: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in SECTIONS:
            problems.append((name, say("config_unknown_section")))
        elif not isinstance(value, dict):
            problems.append((name, say("config_not_a_section")))
    for name, cls in SECTIONS.items():
        table = raw.get(name, {})
        sections[name] = _build_section(
            name, cls, table if isinstance(table, dict) else {}, problems
        )
    if problems:
        raise ConfigError(problems, source)
    return Config(sections, source)


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; too big, not UTF-8, bad syntax or nested too deep: a ConfigError."""

    def refuse(key: str, message: str) -> ConfigError:
        return ConfigError([(key, message)], str(path))

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise refuse("(file)", say("config_unreadable", detail=exc.strerror)) from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise refuse("(file)", say("config_too_big", mb=MAX_CONFIG_BYTES >> 20))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse("(file)", say("config_not_utf8")) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise refuse("(syntax)", str(exc)) from exc
    except RecursionError as exc:  # tomllib parses nested arrays and tables recursively
        raise refuse("(syntax)", say("config_too_deep")) from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise refuse("(syntax)", say("config_long_int")) from exc


def load_config(path: str | os.PathLike | None = None, data_dir: str | None = None) -> Config:
    """Load the configuration.

    With no ``path``, ``$VILLAGE_CONFIG`` or the default ``/etc/village/village.toml`` is used
    when it exists, and the shipped defaults otherwise. ``data_dir`` overrides ``paths.data``.
    """
    explicit = path is not None or "VILLAGE_CONFIG" in os.environ
    chosen = Path(path or os.environ.get("VILLAGE_CONFIG") or DEFAULT_CONFIG_PATH)
    if chosen.exists() or explicit:
        config = parse_config(_read_toml(chosen), str(chosen))
    else:
        config = parse_config({})
    if data_dir:
        config = config.replace("paths", data=str(Path(data_dir).resolve()))
    return config


# --- showing ----------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def render_config(config: Config, *, mask_secrets: bool = True, with_help: bool = True) -> str:
    """The effective configuration as TOML; secrets are masked unless asked otherwise."""
    lines = [f"# effective configuration (source: {config.source})"]
    for name in SECTIONS:
        section = getattr(config, name)
        lines.append("")
        lines.append(f"[{name}]")
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            if with_help:
                lines.append(f"# {f.metadata['help']}")
            if value is None:
                lines.append(f"# {f.name} = (unset)")
                continue
            if f.metadata.get("secret") and mask_secrets and value:
                lines.append(f'{f.name} = "{MASK}"')
                continue
            lines.append(f"{f.name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
