"""Everything a console request may need, made once when the console starts."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from commune.console.accounts import Accounts
from commune.console.audit import AuditLog
from commune.console.catalogue import MESSAGES, t
from commune.console.content_filters import install as install_content_formats
from commune.console.database import Database
from commune.console.formatting import human_bytes, local_time, vn_day
from commune.console.sends import SendLog
from commune.console.sessions import SessionStore
from commune.console.throttle import LoginThrottle
from commune.hubdata import DB_FILE, HubData
from village.config import Config

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"

Now = Callable[[], dt.datetime]


def system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_templates(zone: zoneinfo.ZoneInfo) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = t
    env.globals["messages"] = MESSAGES
    env.filters["localtime"] = lambda text, fmt="%d/%m/%Y %H:%M": local_time(text, zone, fmt)
    env.filters["bytes"] = human_bytes
    env.filters["vnday"] = vn_day
    install_content_formats(env)  # the content pages' filters
    return env


@dataclass
class Console:
    config: Config
    hub: HubData
    now: Now
    accounts: Accounts
    sessions: SessionStore
    audit: AuditLog
    throttle: LoginThrottle
    sends: SendLog
    templates: jinja2.Environment
    upload_dir: Path
    on_command: Callable[[], None] = lambda: None  # the daemon's wake-up, in `village hub`

    @classmethod
    def open(
        cls,
        config: Config,
        hub: HubData,
        now: Now = system_now,
        on_command: Callable[[], None] | None = None,
    ) -> Console:
        path = hub.root / DB_FILE
        durable = Database(path, durable=True)
        light = Database(path, durable=False)

        def seconds() -> float:
            return now().timestamp()

        return cls(
            config=config,
            hub=hub,
            now=now,
            accounts=Accounts(durable),
            sessions=SessionStore(light, seconds, config.console.idle_minutes * 60),
            audit=AuditLog(durable, now),
            throttle=LoginThrottle(seconds),
            sends=SendLog(durable),
            templates=make_templates(zoneinfo.ZoneInfo(config.schedule.timezone)),
            upload_dir=hub.root / "uploads",
            on_command=on_command or (lambda: None),
        )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.config.schedule.timezone)

    @property
    def https(self) -> bool:
        return bool(self.config.console.cert_file)

    @property
    def upload_cap(self) -> int:
        return self.config.console.upload_mb * 1_000_000
