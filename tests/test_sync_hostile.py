"""Hostile input: each is refused, leaves the device's content and broadcasts as they were,
and is logged with its reason. The attacker has the broker's hub account (the hub daemon is
stopped first so the two do not fight over the session) or a key of its own."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from commune.desired import build_manifest, desired_state
from commune.push import push_segment
from tests.sync_helpers import (
    HUB_USER,
    AgentRun,
    Broker,
    Client,
    HubRun,
    captured,
    device_mqtt,
    make_config,
    needs_mosquitto,
    wait_until,
)
from village.wire import codec
from village.wire.commands import Command
from village.wire.signing import SigningKey
from village.wire.topics import CommuneTopics

pytestmark = needs_mosquitto
TOPICS = CommuneTopics("xa-mau")
MANIFEST = TOPICS.device("pi-01", "manifest")
COMMAND = TOPICS.device("pi-01", "cmd")


def device_state(data_dir: Path) -> tuple[bytes | None, list[str]]:
    """Everything a broadcast or the kiosk could see: the store document and the media."""
    content = data_dir / "content.json"
    media = data_dir / "media"
    return (
        content.read_bytes() if content.exists() else None,
        sorted(p.name for p in media.iterdir()) if media.is_dir() else [],
    )


def tone_file(folder: Path, name: str, seconds: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    subprocess.run(
        ["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(target), "synth", str(seconds),
         "sine", "440", "vol", "0.3"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


class Scene:
    def __init__(self, tmp_path: Path) -> None:
        self.broker = Broker(tmp_path / "broker").start()
        self.hub = HubRun(tmp_path / "hub", self.broker).start()
        self.config = make_config(
            tmp_path / "pi-01", device_mqtt(self.broker, self.hub, "pi-01"), device={"id": "pi-01"}
        )
        self.device = AgentRun(self.config).start()
        tone = tone_file(tmp_path / "tones", "tin.wav", 0.6)
        self.pushed = push_segment(self.hub.hub, tone, "Tin", segment_id="tin")
        self.device.wait_version(self.pushed.version.version)
        self.key = self.hub.hub.signing_key()

    @property
    def agent(self):
        return self.device.agent

    def manifest(self, version: int | None = None) -> dict[str, Any]:
        """The real manifest of pi-01, as the hub builds it, at another version."""
        repo = self.hub.hub.repository
        state = desired_state(repo.entries(), "pi-01")
        manifest = build_manifest(
            state, "xa-mau", "2030-01-01T00:00:00+00:00", 16 * 1024, self.hub.hub.media_size
        )
        message = manifest.to_message()
        message["version"] = version or self.pushed.version.version + 10
        return message

    def command(self, **changes: Any) -> dict[str, Any]:
        command = Command.create(
            "xa-mau", "pi-01", "play-now", ttl=dt.timedelta(minutes=5), segments=("tin",)
        )
        return {**command.to_message(), **changes}

    def refusal(self, code: str, what: str) -> dict:
        return wait_until(
            lambda: (self.agent.last_refusal or {}).get("code") == code and self.agent.last_refusal,
            15,
            f"{what} refused with {code}",
        )

    def close(self) -> None:
        self.device.stop()
        self.hub.stop()
        self.broker.stop()


@pytest.fixture
def scene(tmp_path: Path):
    built = Scene(tmp_path)
    built.hub.stop()  # from here on, whoever holds the hub's account is the attacker
    yield built
    built.close()


@pytest.fixture(scope="module")
def shared_scene(tmp_path_factory: pytest.TempPathFactory):
    """One device for the attacks that must each leave it exactly as it was."""
    built = Scene(tmp_path_factory.mktemp("hostile"))
    built.hub.stop()
    yield built
    built.close()


def _sealed_by_stranger(message: dict) -> bytes:
    return SigningKey.generate().seal(message)


def _tampered(key: SigningKey, message: dict) -> bytes:
    envelope = json.loads(key.seal(message))
    envelope["signed"] = envelope["signed"].replace('"device":"pi-01"', '"device":"pi-01" ')
    return codec.encode(envelope)


def _path_for_hash(key: SigningKey, message: dict) -> bytes:
    message["segments"][0]["sha256"] = "../../../etc/passwd"
    return key.seal(message)


def _media_with_path(key: SigningKey, message: dict) -> bytes:
    message["media"][0]["path"] = "/var/lib/village/media/x.ogg"
    return key.seal(message)


MANIFEST_ATTACKS = {
    "unsigned": (lambda key, m: codec.encode(m), "unsigned"),
    "signed by another key": (lambda key, m: _sealed_by_stranger(m), "wrong-key"),
    "signature does not match": (_tampered, "bad-signature"),
    "not JSON": (lambda key, m: b'{"alg": "ed25519", "signed": ', "malformed"),
    "oversized": (lambda key, m: key.seal({**m, "pad": "x" * 600_000}), "oversized"),
    "a path instead of a hash": (_path_for_hash, "malformed"),
    "an unknown field naming a path": (_media_with_path, "malformed"),
    "for another device": (lambda key, m: key.seal({**m, "device": "pi-02"}), "wrong-address"),
}


@pytest.mark.parametrize("attack", list(MANIFEST_ATTACKS))
def test_hostile_manifest_changes_nothing(shared_scene: Scene, attack: str) -> None:
    scene = shared_scene
    forge, code = MANIFEST_ATTACKS[attack]
    before = device_state(scene.config.data_dir)
    scene.agent.last_refusal = None
    with captured() as logged, Client(scene.broker, HUB_USER) as attacker:
        assert attacker.publish(MANIFEST, forge(scene.key, scene.manifest())) == 0
        refusal = scene.refusal(code, attack)
    assert refusal["what"] == "manifest"
    assert device_state(scene.config.data_dir) == before
    assert scene.agent.version == scene.pushed.version.version
    assert any(f"manifest refused ({code})" in r.getMessage() for r in logged)


def test_replayed_older_manifest_is_ignored(scene: Scene, tmp_path: Path) -> None:
    old_envelope = scene.key.seal(scene.manifest(version=scene.pushed.version.version))
    scene.hub.start()  # the real hub sends a newer version
    tone = tone_file(tmp_path / "tones", "moi.wav", 0.5)
    pushed = push_segment(scene.hub.hub, tone, "Mới", segment_id="moi")
    scene.device.wait_version(pushed.version.version)
    scene.hub.stop()
    before = device_state(scene.config.data_dir)
    with captured() as logged, Client(scene.broker, HUB_USER) as attacker:
        assert attacker.publish(MANIFEST, old_envelope) == 0
        scene.refusal("stale", "the old manifest")
    assert device_state(scene.config.data_dir) == before
    assert set(scene.device.host.store.snapshot().segments) == {"tin", "moi"}
    assert any("older than the applied" in r.getMessage() for r in logged)


def test_media_that_does_not_match_its_hash_is_never_used(scene: Scene, tmp_path: Path) -> None:
    tone = tone_file(tmp_path / "tones", "hong.wav", 0.5)
    pushed = push_segment(scene.hub.hub, tone, "Hỏng", segment_id="hong")
    sha = hashlib.sha256(tone.read_bytes()).hexdigest()
    library_copy = scene.hub.hub.library.media_path(sha)
    library_copy.write_bytes(bytes(len(tone.read_bytes())))  # same size, other bytes
    before = device_state(scene.config.data_dir)
    with captured() as logged:
        scene.hub.start()
        wait_until(
            lambda: scene.agent.sync.get("state") == "refused",
            30,
            "the version to be refused",
        )
    sync = scene.agent.sync
    assert sync["code"] == "hash-mismatch" and sync["version"] == pushed.version.version
    assert device_state(scene.config.data_dir) == before
    assert not scene.device.host.store.has_media(sha)
    assert sum("did not match its SHA-256" in r.getMessage() for r in logged) == 1
    assert sum("SHA-256 of the received file" in r.getMessage() for r in logged) == 3
    # and the hub hears why
    wait_until(lambda: scene.hub.status("pi-01").get("sync", {}).get("code") == "hash-mismatch")


def _command_attacks(scene: Scene) -> dict[str, tuple[bytes, str]]:
    stale = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    return {
        "unsigned": (codec.encode(scene.command()), "unsigned"),
        "signed by another key": (_sealed_by_stranger(scene.command()), "wrong-key"),
        "signature does not match": (_tampered(scene.key, scene.command()), "bad-signature"),
        "not JSON": (b"\xff\xfe not json", "malformed"),
        "oversized": (scene.key.seal(scene.command(title="x" * 20_000)), "oversized"),
        "expired": (
            scene.key.seal(
                scene.command(
                    issued_at=stale.isoformat(),
                    expires_at=(stale + dt.timedelta(minutes=5)).isoformat(),
                )
            ),
            "expired",
        ),
        "for another device": (scene.key.seal(scene.command(device="pi-02")), "wrong-address"),
        "for another commune": (scene.key.seal(scene.command(commune="xa-khac")), "wrong-address"),
    }


def test_hostile_commands_change_nothing(shared_scene: Scene) -> None:
    scene = shared_scene
    before = device_state(scene.config.data_dir)
    with captured() as logged, Client(scene.broker, HUB_USER) as attacker:
        for attack, (payload, code) in _command_attacks(scene).items():
            scene.agent.last_refusal = None
            assert attacker.publish(COMMAND, payload) == 0
            refusal = scene.refusal(code, attack)
            assert refusal["what"] == "command", attack
    assert scene.device.host.played == [] and scene.device.host.stopped == []
    assert device_state(scene.config.data_dir) == before
    messages = [r.getMessage() for r in logged]
    for code in ("unsigned", "wrong-key", "bad-signature", "expired", "wrong-address"):
        assert any(f"command refused ({code})" in m for m in messages), code


def test_a_replayed_command_runs_once_even_across_a_restart(scene: Scene) -> None:
    envelope = scene.key.seal(scene.command())
    with Client(scene.broker, HUB_USER) as attacker:
        assert attacker.publish(COMMAND, envelope) == 0
        wait_until(lambda: scene.device.host.played, 10, "the command to run")
        assert attacker.publish(COMMAND, envelope) == 0
        scene.refusal("replayed", "the replay")
    host = scene.device.host
    scene.device.stop()
    scene.device = AgentRun(scene.config, host).start()  # the nonce survived on disk
    with Client(scene.broker, HUB_USER) as attacker:
        wait_until(lambda: scene.agent.session.connected, 10, "reconnect")
        assert attacker.publish(COMMAND, envelope) == 0
        scene.refusal("replayed", "the replay after a restart")
    assert len(host.played) == 1
