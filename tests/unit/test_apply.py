"""The applier on a real content store: what a version lacks, whether it fits the disk,
plans refused before anything is fetched, the switch in one transaction (or not at all),
and media no version needs deleted, never what is on air."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from controller.sync.apply import MB, ContentApplier
from village.content import Segment
from village.plan import Plan, Policy
from village.store import ContentStore
from village.wire.errors import Refused
from village.wire.manifest import Manifest, MediaRef

T0 = dt.datetime(2030, 3, 4, 2, 0, tzinfo=dt.UTC)
POLICY = Policy(quiet_hours="", holidays=())


class Files:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def make(self, name: str, size: int) -> tuple[Path, MediaRef]:
        path = self.folder / name
        path.write_bytes(name.encode() * (size // len(name) + 1))
        data = path.read_bytes()[:size]
        path.write_bytes(data)
        return path, MediaRef(hashlib.sha256(data).hexdigest(), size, 4096)


def segment(sid: str, ref: MediaRef) -> dict:
    return Segment(sid, f"Bài {sid}", ref.sha256, "wav", ref.size, 60.0, "2030-01-01").to_dict()


def plan(pid: str, rrule: str = "FREQ=DAILY") -> dict:
    return Plan(pid, f"Lịch {pid}", "2030-03-01T06:30:00", rrule=rrule, segments=["a"]).to_dict()


def manifest(version: int, refs: dict[str, MediaRef], plans: tuple = ()) -> Manifest:
    return Manifest(
        "xa-a",
        "pi-01",
        version,
        T0.isoformat(),
        segments=tuple(segment(sid, ref) for sid, ref in refs.items()),
        plans=plans,
        media=tuple(refs.values()),
    )


@pytest.fixture
def store(tmp_path: Path) -> ContentStore:
    return ContentStore(tmp_path / "data")


def test_what_a_version_lacks_and_whether_it_fits(tmp_path, store) -> None:
    files = Files(tmp_path / "files")
    held, held_ref = files.make("held", 5000)
    _, new_ref = files.make("new", 3000)
    store.add_media(held)
    applier = ContentApplier(store, reserve_bytes=0)
    assert applier.missing_media(manifest(2, {"a": held_ref, "b": new_ref})) == [new_ref]

    big = MediaRef("f" * 64, 300 * MB, 4096)  # sizes as a manifest gives them
    applier.check_space([big], already_held=0)  # no reserve: it fits if the disk has room
    free = shutil.disk_usage(store.data_dir).free
    tight = ContentApplier(store, reserve_bytes=max(0, free - 100 * MB))
    with pytest.raises(Refused) as full:
        tight.check_space([big], already_held=0)  # 300 MB needed, 100 MB above the reserve
    assert full.value.code == "disk-full"
    tight.check_space([big], already_held=300 * MB - 1)  # nearly all downloaded already


def test_a_plan_the_device_could_not_expand_refuses_the_version(tmp_path, store) -> None:
    _, ref = Files(tmp_path / "files").make("a", 100)
    applier = ContentApplier(store, reserve_bytes=0)
    applier.check_plans(manifest(2, {"a": ref}, (plan("ok"),)), POLICY, T0)
    bad = manifest(3, {"a": ref}, (plan("ok"), plan("lap", "FREQ=DAILY;INTERVAL=0")))
    with pytest.raises(Refused) as refused:
        applier.check_plans(bad, POLICY, T0)
    assert refused.value.code == "bad-plan" and "(lap)" in refused.value.detail
    assert "(ok)" not in refused.value.detail


def test_the_switch_is_all_or_nothing(tmp_path, store) -> None:
    files = Files(tmp_path / "files")
    a, a_ref = files.make("a", 100)
    _, b_ref = files.make("b", 200)
    store.add_media(a)
    applier = ContentApplier(store, reserve_bytes=0)
    before = store.revision()
    with pytest.raises(Refused) as refused:
        applier.apply(manifest(2, {"a": a_ref, "b": b_ref}, (plan("p"),)), None)
    assert refused.value.code == "malformed"
    assert store.revision() == before and store.snapshot().segments == {}  # nothing switched
    revision = applier.apply(manifest(2, {"a": a_ref}, (plan("p"),)), None)
    snapshot = store.snapshot()
    assert revision == store.revision() > before
    assert list(snapshot.segments) == ["a"] and list(snapshot.plans) == ["p"]
    assert applier.current_version() == 2 and snapshot.meta["content_issued_at"] == T0.isoformat()


def test_unused_media_go_but_never_the_ones_on_air(tmp_path, store) -> None:
    files = Files(tmp_path / "files")
    shas = [store.add_media(files.make(name, 100 + i)[0]) for i, name in enumerate("abc")]
    applier = ContentApplier(store, reserve_bytes=0)
    removed = applier.collect_garbage(keep={shas[0]}, in_use={shas[1]})
    assert removed == [shas[2]]
    assert sorted(p.name for p in store.media_dir.iterdir()) == sorted(shas[:2])


def test_the_version_being_fetched_is_noted_until_it_is_done(tmp_path, store) -> None:
    _, ref = Files(tmp_path / "files").make("a", 100)
    applier = ContentApplier(store, reserve_bytes=0)
    applier.note_target(manifest(4, {"a": ref}))
    noted = json.loads(applier.target_file.read_text())
    assert noted == {"version": 4, "media": [ref.sha256]}
    applier.note_target(None)
    assert not applier.target_file.exists()
