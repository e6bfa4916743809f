"""The report as plain data: every figure, computed from the hub's repository.

Nothing here knows about documents. ``build_report`` reads the play logs, the kiosk
journals, the presence history, the conferences and the plans the hub pushed, and returns
a ``Report`` that every writer lays out as it is (so the DOCX, PDF, HTML and CSV agree).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from commune.hubdata import HubData
from commune.refusals import LOG_OVER_QUOTA
from commune.report.broadcasts import Broadcasts, broadcasts
from commune.report.conference import Conference, conferences
from commune.report.kiosk_use import KioskUse, kiosk_use
from commune.report.period import Period
from commune.report.presence import DevicePresence, presence
from commune.settings import ReportSettings
from village.config import Config
from village.plan import Policy


@dataclass
class Report:
    period: Period
    made_at: dt.datetime  # local time of the period's zone
    commune: str  # the hub's commune id
    settings: ReportSettings
    broadcasts: Broadcasts
    conferences: list[Conference]
    kiosk: KioskUse
    presence: list[DevicePresence]
    number: str = ""  # the document number, when staff gave one
    playlog_records: int = 0
    journal_records: int = 0
    devices: list[str] = field(default_factory=list)  # every device the hub knows
    # devices whose records over a daily quota the hub refused (they keep them): their
    # figures may be incomplete
    held_back: list[str] = field(default_factory=list)

    @property
    def attendees(self) -> int:
        return sum(c.attendees for c in self.conferences)

    @property
    def presence_changes(self) -> bool:
        return any(d.spells for d in self.presence)

    @property
    def empty(self) -> bool:
        """Nothing at all was reported or entered for the period."""
        return not (
            self.playlog_records
            or self.journal_records
            or self.conferences
            or self.presence_changes
        )


def build_report(
    hub: HubData, config: Config, period: Period, now: dt.datetime, number: str = ""
) -> Report:
    """Every figure of the period; ``now`` bounds what counts as due (planned sessions,
    offline spells still running)."""
    repository = hub.repository
    since = period.begin.astimezone(dt.UTC).isoformat()
    playlog = repository.records(stream="playlog", since=since, flags=True)
    journal = repository.records(stream="journal")
    known = repository.device_ids()
    devices = sorted(set(known) | {str(r.get("device", "")) for r in playlog} - {""})
    library = hub.library.snapshot()
    policy = Policy.from_config(config)
    aired = broadcasts(playlog, repository.entries(), devices, period, policy, now)
    use = kiosk_use(
        journal,
        period,
        library.procedures,
        {key: clip.title for key, clip in library.clips.items()},
    )
    return Report(
        period=period,
        made_at=now.astimezone(period.zone),
        commune=hub.commune,
        settings=config.report,
        broadcasts=aired,
        conferences=conferences(repository, period),
        kiosk=use,
        presence=presence(known, repository.presence(), period, now),
        number=number,
        playlog_records=aired.total.records,
        journal_records=use.records,
        devices=known,
        held_back=sorted({r.device for r in repository.refusals() if r.kind == LOG_OVER_QUOTA}),
    )
