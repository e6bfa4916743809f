"""A hub repository filled with a known month of outreach, for the report tests.

The commune's shipped 2021 plan (Monday, Wednesday, Friday at 06:30, 15 minutes) is pushed
to pi-01. From 1 March to 4 April 2021 (ISO weeks 9 to 13):

- week 9: three sessions aired;
- week 10: one partial (interrupted by an emergency broadcast, which aired), two missed;
- week 11: three aired (one late, one faded at the slot's end), plus a priority broadcast;
- week 12: two aired, the third never reported;
- week 13: nothing reported at all.

Kiosk journals from pi-01 and pi-02, presence changes (pi-01 offline from before the
period; pi-02 offline two days in the middle and again at the end) and records outside the
period, which must not count.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import MEDIA, write_config

ZONE = dt.timezone(dt.timedelta(hours=7))
PLAN_FILE = MEDIA / "plans" / "ke-hoach-2021.ics"
PROCEDURES_FILE = MEDIA / "procedures" / "thu-tuc-cap-xa.json"
FIRST, LAST = "2021-03-01", "2021-04-04"
FULL = [
    ("nhac-hieu", 30),
    ("loi-chao", 20),
    ("mot-cua", 360),
    ("dich-vu-cong", 290),
    ("loi-ket", 20),
]


def local(text: str) -> dt.datetime:
    """'2021-03-01 06:30' in Hà Nội time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE)


@dataclass
class Fixture:
    folder: Path
    config: Path
    plan_id: str
    playlog: list[dict[str, Any]] = field(default_factory=list)
    journal: list[dict[str, Any]] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # field -> a procedure code of it

    def in_period(self) -> list[dict[str, Any]]:
        first, last = local(f"{FIRST} 00:00"), local(f"{LAST} 00:00") + dt.timedelta(days=1)
        return [
            r for r in self.playlog if first <= dt.datetime.fromisoformat(r["planned_start"]) < last
        ]


def _segments(start: dt.datetime, parts: Sequence[tuple[str, float]], cut: int = -1) -> list[dict]:
    """Segments played back to back from ``start``; the one at index ``cut`` is incomplete."""
    out = []
    at = start + dt.timedelta(seconds=3)
    for index, (sid, seconds) in enumerate(parts):
        end = at + dt.timedelta(seconds=seconds)
        out.append(
            {
                "id": sid,
                "title": f"Bài {sid}",
                "start": at.isoformat(),
                "end": end.isoformat(),
                "complete": index != cut,
                "error": "",
            }
        )
        at = end
    return out


def broadcast(
    start: str,
    outcome: str,
    *,
    plan_id: str = "",
    device: str = "pi-01",
    reason: str = "",
    parts: Sequence[tuple[str, float]] | None = None,
    cut: int = -1,
    title: str = "Tuyên truyền cải cách hành chính",
    priority: str = "ordinary",
    trigger: str = "schedule",
    minutes: float = 15,
) -> dict[str, Any]:
    begin = local(start)
    slot = ""
    if trigger == "schedule":
        slot = f"{plan_id}@{begin.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    segments = _segments(begin, parts or [], cut) if outcome != "missed" else []
    relay_off = None
    if segments:
        relay_off = dt.datetime.fromisoformat(segments[-1]["end"]) + dt.timedelta(seconds=2)
    return {
        "id": uuid.uuid4().hex,
        "kind": "broadcast",
        "device": device,
        "slot": slot,
        "plan": plan_id if trigger == "schedule" else "",
        "title": title,
        "priority": priority,
        "trigger": trigger,
        "planned_start": begin.isoformat(),
        "planned_end": (begin + dt.timedelta(minutes=minutes)).isoformat(),
        "relay_on": begin.isoformat() if segments else None,
        "relay_off": relay_off.isoformat() if relay_off else None,
        "segments": segments,
        "outcome": outcome,
        "reason": reason,
        "content_revision": 3,
        "logged_at": (begin + dt.timedelta(minutes=minutes)).isoformat(),
    }


def usage(device: str, day: str, **counts: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex,
        "type": "usage",
        "day": day,
        "at": f"{day}T16:00:00+00:00",
        "device": device,
        **counts,
    }


def feedback(device: str, day: str, rating: int, reasons: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex,
        "type": "feedback",
        "day": day,
        "at": f"{day}T03:00:00+00:00",
        "device": device,
        "rating": rating,
        "reasons": list(reasons),
    }


def build_hub(folder: Path) -> Fixture:
    """A hub with the fixture's records (conferences are added by the tests, via the CLI)."""
    from commune.hubdata import HubData
    from commune.push import push_plans
    from commune.repository import Presence
    from village.procedures import import_procedures

    hub = HubData.init(folder / "hub", "xa-mau", ["pi-01", "pi-02"])
    push_plans(hub, PLAN_FILE, "Asia/Ho_Chi_Minh", devices=["pi-01"])
    (plan_id,) = hub.library.snapshot().plans
    import_procedures(hub.library, PROCEDURES_FILE)
    config = write_config(
        folder / "village.toml",
        {
            "report": {
                "commune_name": "Tân Lập",
                "signer_name": "Nguyễn Văn An",
                "recipients": ["UBND huyện Đồng Hỷ (để báo cáo)", "Lưu: VT, VHTT"],
            }
        },
    )
    fx = Fixture(folder / "hub", config, plan_id)
    for record in json.loads(PROCEDURES_FILE.read_text(encoding="utf-8")):
        fx.codes.setdefault(record["field"], record["code"])

    p = plan_id
    late = "started 95 s late"
    faded = "faded out at slot end; not finished: dich-vu-cong"
    fx.playlog = [
        broadcast("2021-02-26 06:30", "aired", plan_id=p, parts=FULL),  # before the period
        # week 9
        broadcast("2021-03-01 06:30", "aired", plan_id=p, parts=FULL),
        broadcast("2021-03-03 06:30", "aired", plan_id=p, parts=FULL),
        broadcast("2021-03-05 06:30", "aired", plan_id=p, parts=FULL),
        # week 10
        broadcast(
            "2021-03-08 06:30",
            "partial",
            plan_id=p,
            parts=FULL[:3],
            cut=2,
            reason="interrupted by emergency broadcast",
        ),
        broadcast(
            "2021-03-08 06:34",
            "aired",
            parts=[("bao-so-2", 180)],
            title="Thông báo khẩn: bão số 2",
            priority="emergency",
            trigger="hub",
            minutes=5,
        ),
        broadcast(
            "2021-03-10 06:30",
            "missed",
            plan_id=p,
            reason="the controller was not running at slot time (device off or restarting)",
        ),
        broadcast(
            "2021-03-12 06:30",
            "missed",
            plan_id=p,
            reason="too late to start (900 s after the planned start)",
        ),
        # week 11
        broadcast("2021-03-15 06:30", "aired", plan_id=p, parts=FULL),
        broadcast("2021-03-17 06:30", "aired", plan_id=p, parts=FULL, reason=late),
        broadcast(
            "2021-03-17 14:00",
            "aired",
            parts=[("tiep-cong-dan", 240)],
            title="Lịch tiếp công dân tháng 3",
            priority="priority",
            trigger="manual",
            minutes=10,
        ),
        broadcast("2021-03-19 06:30", "aired", plan_id=p, parts=FULL, cut=3, reason=faded),
        # week 12: the Friday session never reported
        broadcast("2021-03-22 06:30", "aired", plan_id=p, parts=FULL),
        broadcast("2021-03-24 06:30", "aired", plan_id=p, parts=FULL),
        # after the period
        broadcast("2021-04-05 06:30", "aired", plan_id=p, parts=FULL),
    ]
    c = fx.codes
    fx.journal = [
        usage("pi-01", "2021-02-27", views={c["Hộ tịch"]: 100}, searches=4, found=4),
        usage(
            "pi-01",
            "2021-03-02",
            views={c["Hộ tịch"]: 5, c["Cư trú"]: 3},
            clips={"bo-phan-mot-cua": 2},
            searches=10,
            found=8,
            not_found={"ly hon": 2},
        ),
        usage(
            "pi-01",
            "2021-03-09",
            views={c["Hộ tịch"]: 2, c["Chứng thực"]: 4},
            searches=6,
            found=5,
            not_found={"ly hon": 1},
        ),
        usage(
            "pi-02",
            "2021-03-16",
            views={c["Cư trú"]: 7, "9.999999": 1},
            searches=3,
            found=2,
            not_found={"cấp sổ đỏ cho đất rừng": 1},
        ),
        feedback("pi-01", "2021-03-02", 5),
        feedback("pi-01", "2021-03-09", 4),
        feedback("pi-02", "2021-03-16", 2, ["long_wait", "text_too_small"]),
        feedback("pi-01", "2021-03-20", 5),
        feedback("pi-01", "2021-04-10", 1, ["staff_attitude"]),  # after the period
    ]
    repository = hub.repository
    for device in ("pi-01", "pi-02"):
        repository.store_records(
            device, "playlog", [r for r in fx.playlog if r["device"] == device]
        )
        repository.store_records(
            device, "journal", [r for r in fx.journal if r["device"] == device]
        )
    for device, at, online in (
        ("pi-01", "2021-02-20 07:00", True),
        ("pi-01", "2021-02-27 10:00", False),  # offline from before the period ...
        ("pi-01", "2021-03-01 09:00", True),  # ... 9 h into it
        ("pi-02", "2021-02-20 07:00", True),
        ("pi-02", "2021-03-10 08:00", False),  # 2 days 2 hours
        ("pi-02", "2021-03-12 10:00", True),
        ("pi-02", "2021-04-03 20:00", False),  # still offline at the period's end: 28 h
        ("pi-02", "2021-04-06 07:00", True),
    ):
        repository.add_presence(
            Presence(device, local(at).astimezone(dt.UTC).isoformat(), online, "")
        )
    repository.close()
    return fx


def audio_s(records: list[dict[str, Any]]) -> float:
    """Seconds of audio on air, summed independently of the report's code."""
    total = 0.0
    for record in records:
        for s in record["segments"]:
            start = dt.datetime.fromisoformat(s["start"])
            total += (dt.datetime.fromisoformat(s["end"]) - start).total_seconds()
    return total
