"""The site's options from the configuration: the office's name, the station's rules, the
base address, the year of the schedule."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

from commune.catalogue import say
from commune.site.build import SiteOptions
from village.config import Config
from village.plan import Policy
from village.search import synonyms_path


def office_name(config: Config) -> str:
    """'[site] office', else 'UBND xã' and '[report] commune_name', else '[device] name'."""
    if config.site.office.strip():
        return config.site.office.strip()
    if config.report.commune_name.strip():
        return say("site_office", name=config.report.commune_name.strip())
    return config.device.name


def site_options(
    config: Config, cache_dir: Path | None, *, year: int | None = None, audio: bool = True
) -> SiteOptions:
    now = dt.datetime.now(zoneinfo.ZoneInfo(config.schedule.timezone))
    return SiteOptions(
        office=office_name(config),
        policy=Policy.from_config(config),
        year=year or now.year,
        now=now,
        recent_count=config.kiosk.recent_count,
        base_url=config.site.base_url,
        cache_dir=cache_dir,
        audio=audio,
        synonyms=synonyms_path(config.kiosk.synonyms_file),
    )
