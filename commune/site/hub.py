"""The hub keeps its copy of the public site current: ``HUB/site/`` is rebuilt whenever the
content changes (a push records a new version, staff record a conference, the library is
imported into), when the year turns (the schedule is the year's) and when the kiosk's
synonyms file changes (the search's index holds them). The console serves that folder at
``/cong-khai/``.

A rebuild writes only the pages that changed (``commune.site.writer``), each replaced
atomically, so a reader never sees half a page; the watcher runs on its own thread and a
failed build is logged and tried again at the next change, never stopping the hub.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import threading
import zoneinfo
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING

from commune.hubdata import HubData
from commune.site.errors import SiteError
from village.atomic import exclusive_lock
from village.config import Config
from village.errors import VillageError
from village.search import synonyms_path

if TYPE_CHECKING:  # the build (Jinja, QR codes: Pillow, NumPy) loads in the child that runs it
    from commune.site.build import BuildResult

log = logging.getLogger(__name__)

SITE_DIR = "site"
POLL_S = 5.0
BUILD_TIMEOUT_S = 1800


def site_folder(hub_root: Path) -> Path:
    return Path(hub_root) / SITE_DIR


def build_hub_site(hub_root: Path, config: Config) -> BuildResult:
    """One build of the hub's site from its library and conferences, into ``HUB/site``."""
    from commune.site.build import build_site
    from commune.site.settings import site_options
    from commune.site.source import from_store

    hub = HubData.open(hub_root)
    with exclusive_lock(hub.root / "run" / "site.lock"):
        content = from_store(hub.library, hub.repository.conferences())
        options = site_options(config, hub.root / "cache" / "site")
        return build_site(content, options, site_folder(hub.root))


def _build_in_child(hub_root: Path, config: Config, sender: Connection) -> None:
    try:
        result = build_hub_site(hub_root, config)
        result.page_sizes = {}  # the parent does not need 5,000 sizes
        sender.send(("ok", result))
    except Exception as exc:  # reported to the parent, which logs it
        sender.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


def _stamp(path: Path) -> list[int]:
    """A file's time and size ([] when it cannot be read)."""
    try:
        stat = path.stat()
    except OSError:
        return []
    return [stat.st_mtime_ns, stat.st_size]


class SiteRebuilder:
    """Watches the hub's content and rebuilds its site when it changes."""

    def __init__(
        self,
        hub: HubData,
        config: Config,
        poll_s: float = POLL_S,
        separate_process: bool = True,
    ) -> None:
        self.hub = hub
        self.separate_process = separate_process
        self._process: BaseProcess | None = None
        self.config = config
        self.poll_s = poll_s
        self.out = site_folder(hub.root)
        self.built: str | None = None  # fingerprint of the content of the last build
        self.last: BuildResult | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def fingerprint(self) -> str:
        """Changes whenever anything the site shows may have changed."""
        repository = self.hub.repository
        conferences = repository.conferences()
        zone = zoneinfo.ZoneInfo(self.config.schedule.timezone)
        parts = [
            repository.latest_version(),
            _stamp(self.hub.library.path),
            len(conferences),
            conferences[-1].get("id") if conferences else "",
            dt.datetime.now(zone).year,
            _stamp(synonyms_path(self.config.kiosk.synonyms_file)),  # the search's words
        ]
        return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()

    def rebuild(self) -> BuildResult | None:
        """Build now if the content changed since the last build; None when it had not."""
        mark = self.fingerprint()
        if mark == self.built:
            return None
        self.built = mark  # a build that fails is tried again at the next change
        if not self.hub.library.path.is_file():
            return None  # nothing published yet
        result = (
            self._build_apart()
            if self.separate_process
            else build_hub_site(self.hub.root, self.config)
        )
        self.last = result
        log.info(
            "public site rebuilt: %d pages, %d written, %d removed, %.1f s",
            result.pages,
            result.written,
            result.removed,
            result.seconds,
        )
        for warning in result.warnings:
            log.warning("public site: %s", warning)
        return result

    def _build_apart(self) -> BuildResult:
        """The build in a child process: the hub's memory stays small whatever the library."""
        context = multiprocessing.get_context("spawn")  # the hub has threads: never fork it
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_build_in_child, args=(self.hub.root, self.config, sender), name="hub-site"
        )
        self._process = process
        process.start()
        sender.close()
        try:
            if not receiver.poll(BUILD_TIMEOUT_S):
                raise SiteError(f"site build took longer than {BUILD_TIMEOUT_S} s")
            outcome, value = receiver.recv()
        except EOFError as exc:
            raise SiteError(f"site build ended with code {process.exitcode}") from exc
        finally:
            if process.is_alive():
                process.join(10)
            if process.is_alive():
                process.kill()
            self._process = None
        if outcome != "ok":
            raise SiteError(str(value))
        return value

    # -- the thread ------------------------------------------------------------------------

    def start(self) -> None:
        if not self.config.site.rebuild or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hub-site", daemon=True)
        self._thread.start()

    def alive(self) -> bool:
        return self._thread is None or self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()  # a build cut short leaves its manifest unfinished: redone
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.rebuild()
            except (VillageError, OSError) as exc:
                log.error("public site not rebuilt: %s", exc)
            except Exception:  # the site must never stop the hub
                log.exception("public site not rebuilt")
            self._stop.wait(self.poll_s)
