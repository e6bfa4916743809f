"""The sync agent with a recording session and a recording host (no broker): a command is
checked, carried out on the host and answered; a version is fetched block by block,
applied and reported in the retained status; the last word is the offline status."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from controller.sync.agent import DeviceAgent
from tests.unit.doubles import RecordingHost, RecordingSession
from village.clock import SystemClock
from village.config import Config
from village.content import Segment
from village.plan import Priority
from village.store import ContentStore
from village.wire import codec
from village.wire.blocks import encode_block
from village.wire.commands import Command
from village.wire.manifest import Manifest, MediaRef
from village.wire.signing import SigningKey
from village.wire.status import hub_status
from village.wire.topics import CommuneTopics

COMMUNE, DEVICE = "xa-a", "pi-01"
HUB = SigningKey.generate()
TOPICS = CommuneTopics(COMMUNE)
BLOCK = 4096


@dataclass
class Rig:
    agent: DeviceAgent
    session: RecordingSession
    host: RecordingHost

    def online(self) -> None:
        """The broker connects the agent and the hub's retained status says it is online."""
        self.session.connect()
        self.session.deliver(TOPICS.hub_status, codec.encode(hub_status(True)), retained=True)

    def published(self, leaf: str, **match: Any) -> dict[str, Any]:
        def fits(message: Any) -> bool:
            body = json.loads(message.payload)
            return all(body.get(k) == v for k, v in match.items())

        found = self.session.wait_for(TOPICS.device(DEVICE, leaf), fits)
        return json.loads(found.payload)


def make_rig(config: Config) -> Rig:
    """The real agent, unstarted, on a recording session and a recording host."""
    config = config.replace("mqtt", host="127.0.0.1", hub_key=HUB.public.text())
    config = config.replace("device", id=DEVICE, commune=COMMUNE)
    host = RecordingHost(ContentStore(config.data_dir), SystemClock("assume"))
    sessions: list[RecordingSession] = []

    def open_session(endpoint: Any, **options: Any) -> RecordingSession:
        sessions.append(RecordingSession(endpoint, **options))
        return sessions[-1]

    agent = DeviceAgent(config, host, open_session)
    (session,) = sessions
    return Rig(agent, session, host)


@pytest.fixture
def rig(config: Config) -> Iterator[Rig]:
    rig = make_rig(config)
    rig.agent.start()
    assert rig.session.started
    yield rig
    rig.agent.stop()


def add_segment(store: ContentStore, sid: str) -> None:
    with store.transaction() as tables:
        record = Segment(sid, f"Bài {sid}", "0" * 64, "wav", 1, 60.0, "2030-01-01")
        tables.upsert("segments", record.to_dict())


def test_a_command_is_checked_carried_out_and_answered(rig: Rig) -> None:
    add_segment(rig.host.store, "tin")
    rig.online()
    assert TOPICS.device(DEVICE, "cmd") in rig.session.subscribed
    command = Command.create(
        COMMUNE, DEVICE, "play-now", ttl=dt.timedelta(minutes=5), segments=("tin",), title="Tin"
    )
    payload = HUB.seal(command.to_message())
    rig.session.deliver(TOPICS.device(DEVICE, "cmd"), payload)
    rig.session.deliver(TOPICS.device(DEVICE, "cmd"), payload)  # delivered twice: runs once
    stop = Command.create(COMMUNE, "*", "stop", ttl=dt.timedelta(minutes=5))
    rig.session.deliver(TOPICS.commune_command, HUB.seal(stop.to_message()))

    assert rig.published("reply", command=command.id)["ok"] is True
    assert rig.published("reply", command=stop.id)["code"] == "idle"
    assert rig.host.played == [(["tin"], Priority.ORDINARY, "Tin")]
    assert rig.agent.refusals["replayed"] == 1


def test_a_version_is_fetched_in_blocks_applied_and_reported(rig: Rig) -> None:
    data = os.urandom(3 * BLOCK + 100)
    sha = hashlib.sha256(data).hexdigest()
    ref = MediaRef(sha, len(data), BLOCK)
    segment = Segment("tin", "Tin", sha, "wav", len(data), 2.0, "2030-01-01").to_dict()
    version = Manifest(COMMUNE, DEVICE, 7, "2030-03-04T02:00:00+00:00", (segment,), media=(ref,))
    rig.online()
    rig.session.deliver(
        TOPICS.device(DEVICE, "manifest"), HUB.seal(version.to_message()), retained=True
    )

    fetch = rig.published("fetch", sha256=sha)  # subscribed to its blocks, then asked
    assert TOPICS.device_media(DEVICE, sha) in rig.session.subscribed
    assert fetch["block_size"] == BLOCK
    for index in range(ref.blocks):
        block = data[index * BLOCK : (index + 1) * BLOCK]
        rig.session.deliver(
            TOPICS.device_media(DEVICE, sha), encode_block(index, ref.blocks, ref.size, block)
        )

    status = rig.published("status", content_version=7)
    assert status["sync"]["state"] == "applied" and status["device"] == DEVICE
    assert rig.host.store.media_path(sha).read_bytes() == data
    assert list(rig.host.store.snapshot().segments) == ["tin"]
    assert rig.host.switched == 1
    assert TOPICS.device_media(DEVICE, sha) in rig.session.unsubscribed


def test_a_manifest_not_signed_by_the_hub_changes_nothing(rig: Rig) -> None:
    version = Manifest(COMMUNE, DEVICE, 8, "2030-03-04T02:00:00+00:00")
    rig.online()
    forged = SigningKey.generate().seal(version.to_message())
    rig.session.deliver(TOPICS.device(DEVICE, "manifest"), forged, retained=True)
    deadline = time.monotonic() + 5
    while rig.agent.last_refusal is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert rig.agent.last_refusal is not None and rig.agent.last_refusal["what"] == "manifest"
    assert rig.agent.version == 0 and rig.host.switched == 0
    assert rig.published("status", last_refusal=rig.agent.last_refusal)["content_version"] == 0


def test_the_agent_says_offline_when_it_stops(config: Config) -> None:
    rig = make_rig(config)
    will = rig.session.options["will"]  # what the broker says if the connection is lost
    assert will.retained and json.loads(will.payload)["online"] is False
    rig.agent.start()
    rig.session.connect()
    rig.agent.stop()
    final = rig.session.final
    assert rig.session.closed and final is not None and final.retained
    assert json.loads(final.payload) == {
        "type": "status",
        "device": DEVICE,
        "online": False,
        "reason": "controller stopped",
    }
