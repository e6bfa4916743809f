"""The hub's ``village push plan``: a preview (--dry-run) that changes nothing, and a push of
an updated export that removes from the devices what the calendar no longer holds."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_village
from tests.test_ics_exports import GOOGLE_MASTER, GOOGLE_UID, google
from village.ics import plan_id_for


def state(root: Path) -> tuple:
    """What a push changes: the versions and their entries, and the hub's library."""
    from commune.hubdata import HubData

    hub = HubData.open(root)
    entries = [(e.version, e.kind, e.key, e.target, e.record) for e in hub.repository.entries()]
    library = (
        sorted(p.name for p in hub.library.media_dir.glob("*"))
        if hub.library.media_dir.exists()
        else []
    )
    return hub.repository.latest_version(), entries, hub.library.path.read_bytes(), library


def test_push_plan_dry_run_then_push_an_updated_export(tmp_path: Path) -> None:
    from commune.desired import desired_state
    from commune.hubdata import HubData
    from commune.push import push_plans

    hub = HubData.init(tmp_path / "hub", "xa-mau", ["pi-01", "pi-02"])
    evening_uid = "toi@google.com"
    evening = GOOGLE_MASTER.replace(GOOGLE_UID, evening_uid).replace("T17", "T19")
    first = tmp_path / "phat-thanh.ics"
    first.write_bytes(google(GOOGLE_MASTER, evening))
    push_plans(hub, first, "Asia/Ho_Chi_Minh")

    update = tmp_path / "phat-thanh-moi.ics"
    update.write_bytes(google(GOOGLE_MASTER.replace("BYDAY=MO,TH", "BYDAY=MO")))
    before = state(hub.root)
    proc = run_village("push", "plan", str(update), "--data", str(hub.root), "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "Lịch «Phát thanh xã» (phat-thanh-moi.ics): thêm 0, thay 1, bỏ 1" in proc.stdout
    assert f"- {plan_id_for(evening_uid)}: «Bản tin chiều»" in proc.stdout
    assert "2021-03-01 Mon 17:00–17:15" in proc.stdout
    assert "chưa thay đổi gì" in proc.stdout
    assert state(hub.root) == before  # no version, no library change

    result = push_plans(hub, update, "Asia/Ho_Chi_Minh")
    assert any(item.startswith(f"- {plan_id_for(evening_uid)}") for item in result.items)
    entries = hub.repository.entries()
    for device in ("pi-01", "pi-02"):
        plans = desired_state(entries, device).items["plans"]
        assert set(plans) == {plan_id_for(GOOGLE_UID)}
        assert "BYDAY=MO;" in plans[plan_id_for(GOOGLE_UID)]["rrule"] + ";"
    assert set(hub.library.snapshot().plans) == {plan_id_for(GOOGLE_UID)}
