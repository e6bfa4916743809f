"""Helpers for the sync tests: a real Mosquitto started from the project's own generated
configuration, an in-process hub daemon, devices (a whole controller, or only the agent on
a small host), a raw MQTT client for playing the attacker, and a hostile device in a
process of its own under CPU and memory limits (``hostile``; this module is its program).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import logging
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, run_village
from village.config import Config, parse_config
from village.plan import Policy, Priority
from village.store import ContentStore

COMMUNE = "xa-mau"
DEVICES = ("pi-01", "pi-02")
HUB_USER = f"hub-{COMMUNE}"

needs_mosquitto = pytest.mark.skipif(
    shutil.which("mosquitto") is None, reason="Mosquitto is not installed"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something true; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


class Broker:
    """Mosquitto as a child process, configured by ``village broker config``."""

    def __init__(
        self,
        folder: Path,
        devices: tuple[str, ...] = DEVICES,
        commune: str = COMMUNE,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.folder = folder
        self.commune = commune
        self.devices = devices
        self.port = free_port()
        args = ["broker", "config", "--out", str(folder), "--commune", commune]
        for device in devices:
            args += ["--device", device]
        args += ["--port", str(self.port), "--user", "root", *extra_args]
        run_village(*args, check=True)
        self.config_path = folder / "mosquitto.conf"
        self.log_path = folder / "mosquitto.log"
        self.process: subprocess.Popen | None = None

    def credentials(self, user: str) -> dict[str, Any]:
        text = (self.folder / "credentials" / f"{user}.toml").read_text(encoding="utf-8")
        return tomllib.loads(text)["mqtt"]

    def mqtt_settings(self, user: str, **overrides: Any) -> dict[str, Any]:
        creds = self.credentials(user)
        values = {
            "host": "127.0.0.1",
            "port": self.port,
            "username": user,
            "password": creds["password"],
            "reconnect_max_s": 1.0,
            "keepalive_s": 10,
        }
        values.update(overrides)
        return values

    def start(self) -> Broker:
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's life
        self.process = subprocess.Popen(
            ["mosquitto", "-c", str(self.config_path)], stdout=log, stderr=log
        )
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"mosquitto exited:\n{self.log_path.read_text()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return self
            time.sleep(0.02)
        raise AssertionError("mosquitto did not open its port")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def make_config(data_dir: Path, mqtt: dict[str, Any], **sections: dict[str, Any]) -> Config:
    raw: dict[str, dict[str, Any]] = {
        "device": {"commune": COMMUNE},
        "paths": {"data": str(data_dir)},
        "schedule": {"clock_sync": "assume", "quiet_hours": "", "holidays": []},
        "relay": {"warmup_s": 0.3, "tail_s": 0.2},
        "mqtt": mqtt,
    }
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    return parse_config(raw)


class HubRun:
    """``village hub init`` then the hub daemon in this process."""

    def __init__(
        self,
        folder: Path,
        broker: Broker,
        devices: tuple[str, ...] = DEVICES,
        *,
        device_limits: Any = None,
        intake_limits: Any = None,
        **hub: Any,
    ) -> None:
        from commune.hubdata import HubData

        self.device_limits = device_limits
        self.intake_limits = intake_limits
        self.hub = HubData.init(folder, broker.commune, list(devices))
        self.broker = broker
        self.config = make_config(
            folder / "unused-device-data",
            broker.mqtt_settings(f"hub-{broker.commune}"),
            hub={"data": str(folder), "block_kb": 16, **hub},
        )
        self.events: list[tuple[str, dict]] = []
        self.daemon: Any = None  # the HubDaemon once started

    @property
    def key_text(self) -> str:
        return self.hub.public_key().text()

    def start(self) -> HubRun:
        from commune.daemon import HubDaemon

        self.daemon = HubDaemon(
            self.config,
            self.hub,
            on_event=lambda k, d: self.events.append((k, d)),
            device_limits=self.device_limits,
            intake_limits=self.intake_limits,
        )
        self.daemon.start()
        wait_until(lambda: self.daemon.session.connected, 10, "the hub to connect")
        return self

    def stop(self) -> None:
        if self.daemon is not None:
            self.daemon.stop()
            self.daemon = None

    def device_row(self, device: str):
        return next((r for r in self.hub.repository.devices() if r.device == device), None)

    def status(self, device: str) -> dict[str, Any]:
        row = self.device_row(device)
        return row.status if row else {}


class SmallHost:
    """A device without loudspeakers: a content store and a clock, for agent-only tests."""

    def __init__(self, data_dir: Path, now: Callable[[], dt.datetime] | None = None) -> None:
        self.store = ContentStore(data_dir)
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self.played: list[tuple[list[str], Priority, str]] = []
        self.stopped: list[str] = []
        self.switched = threading.Event()
        self.on_air: str | None = None

    def device_status(self) -> dict[str, Any]:
        return {
            "state": "idle",
            "relay": self.on_air is not None,
            "on_air": self.on_air,
            "clock_synchronized": True,
            "content_revision": self.store.revision(),
            "last_broadcast": None,
        }

    def play_now(self, segments: list[str], priority: Priority, title: str) -> dict[str, Any]:
        self.played.append((segments, priority, title))
        return {"ok": True}

    def stop_broadcast(self, reason: str) -> bool:
        self.stopped.append(reason)
        return True

    def content_switched(self) -> None:
        self.switched.set()

    def media_in_use(self) -> set[str]:
        return set()

    def policy(self) -> Policy:
        return Policy(quiet_hours="", holidays=())

    def now(self) -> dt.datetime:
        return self._now()


class AgentRun:
    """The real device agent on a ``SmallHost``."""

    def __init__(self, config: Config, host: SmallHost | None = None) -> None:
        from controller.sync.agent import DeviceAgent

        self.config = config
        self.host = host or SmallHost(config.data_dir)
        self.agent = DeviceAgent(config, self.host)

    def start(self) -> AgentRun:
        self.agent.start()
        return self

    def stop(self) -> None:
        self.agent.stop()

    def wait_version(self, version: int, timeout: float = 30.0) -> None:
        wait_until(lambda: self.agent.version >= version, timeout, f"content version {version}")


def device_mqtt(broker: Broker, hub: HubRun, device: str, **overrides: Any) -> dict[str, Any]:
    return broker.mqtt_settings(device, hub_key=hub.key_text, **overrides)


class Client:
    """A raw MQTT 5 client with someone's credentials, for tests that publish by hand."""

    def __init__(self, broker: Broker, user: str, client_id: str | None = None, **kw: Any):
        from village.wire.mqtt import Endpoint, Session

        creds = broker.credentials(user)
        self.timeout = kw.pop("timeout", 10.0)
        self.messages: list[Any] = []
        self.session = Session(
            Endpoint(
                "127.0.0.1", broker.port, user, creds["password"], ca_file=kw.pop("ca_file", "")
            ),
            client_id or user,
            on_message=self.messages.append,
            reconnect_max_s=1.0,
            **kw,
        )

    def __enter__(self) -> Client:
        self.session.connect(self.timeout)
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()

    def publish(self, topic: str, payload: bytes, **kw: Any) -> int | None:
        return self.session.publish(topic, payload, **kw).wait(10)


@contextlib.contextmanager
def captured(logger: str = "controller") -> Iterator[list[logging.LogRecord]]:
    """Records logged under ``logger`` (works across threads, unlike caplog's handler)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    target = logging.getLogger(logger)
    old_level = target.level
    target.addHandler(handler)
    target.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        target.removeHandler(handler)
        target.setLevel(old_level)


# --- a hostile device in its own process ------------------------------------------------

HOSTILE_CPU_S = 30  # RLIMIT_CPU of the hostile process: a runaway loop dies
HOSTILE_MEMORY = 1 << 30  # RLIMIT_AS


def _hostile_limits() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (HOSTILE_CPU_S, HOSTILE_CPU_S))
    resource.setrlimit(resource.RLIMIT_AS, (HOSTILE_MEMORY, HOSTILE_MEMORY))


def hostile(
    broker: Broker,
    user: str,
    topic: str,
    payloads: list[bytes],
    *,
    qos: int = 0,
    listen: tuple[str, ...] = (),
    quiet_s: float = 1.0,
    timeout: float = 60.0,
) -> dict[str, Any]:
    """``user``'s real credentials in another process (CPU and memory capped, a timeout):
    publishes ``payloads`` on ``topic``, then listens on ``listen`` until ``quiet_s`` pass
    without a message. Returns what it received: ``count`` and ``bytes`` per topic, and the
    JSON messages of topics that are not media blocks."""
    spec = {
        "port": broker.port,
        "user": user,
        "password": broker.credentials(user)["password"],
        "topic": topic,
        "qos": qos,
        "listen": list(listen),
        "quiet_s": quiet_s,
        "payloads": [p.hex() for p in payloads],
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.sync_helpers"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        preexec_fn=_hostile_limits,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _hostile_main() -> None:
    from village.wire.mqtt import Endpoint, Session

    spec = json.loads(sys.stdin.read())
    counts: collections.Counter[str] = collections.Counter()
    sizes: collections.Counter[str] = collections.Counter()
    messages: list[Any] = []
    last = [time.monotonic()]

    def received(message: Any) -> None:
        counts[message.topic] += 1
        sizes[message.topic] += len(message.payload)
        if "/media/" not in message.topic and len(messages) < 1000:
            messages.append({"topic": message.topic, "body": json.loads(message.payload)})
        last[0] = time.monotonic()

    session = Session(
        Endpoint("127.0.0.1", spec["port"], spec["user"], spec["password"]),
        spec["user"],
        on_message=received,
        max_packet=2 * 1024 * 1024,
    )
    session.connect(10)
    if spec["listen"]:
        session.subscribe([(t, 1) for t in spec["listen"]]).wait()
    outcomes = [
        session.publish(spec["topic"], bytes.fromhex(p), qos=spec["qos"]) for p in spec["payloads"]
    ]
    codes = collections.Counter(str(o.wait(30)) for o in outcomes) if spec["qos"] else {}
    last[0] = time.monotonic()
    while time.monotonic() - last[0] < spec["quiet_s"]:
        time.sleep(0.05)
    session.close()
    print(
        json.dumps(
            {"count": dict(counts), "bytes": dict(sizes), "messages": messages, "codes": codes}
        )
    )


if __name__ == "__main__":
    _hostile_main()
