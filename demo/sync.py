"""The networked part of ``village demo``: a private Mosquitto on a free loopback port with
a generated configuration, a commune hub, and the device's settings to reach them.

The sample content is imported into the hub's library and pushed as one version; the device
receives it over MQTT like a Pi in a commune would, and its play log goes back up.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from village.config import Config
from village.content import Segment
from village.errors import VillageError
from village.plan import Plan

DEMO_COMMUNE = "xa-demo"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoSync:
    def __init__(self, root: Path, device: str, say: Any) -> None:
        self.root = root
        self.device = device
        self.say = say  # the hub's catalogue: commune.catalogue.say
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.daemon: Any = None
        self.hub: Any = None
        self.files: Any = None
        self.version = 0
        self.applied_seen = False

    # -- start and stop --------------------------------------------------------------------

    def start(self, config: Config) -> None:
        from commune.broker import BrokerPlan, hub_user, write_broker_config
        from commune.daemon import HubDaemon
        from commune.hubdata import HubData

        run_as = "root" if os.geteuid() == 0 else getpass.getuser()
        self.files = write_broker_config(
            BrokerPlan(
                out=self.root / "broker",
                commune=DEMO_COMMUNE,
                devices=(self.device,),
                port=self.port,
                run_as=run_as,
            )
        )
        log = open(self.root / "broker" / "mosquitto.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            ["mosquitto", "-c", str(self.files.config)], stdout=log, stderr=log
        )
        log.close()
        self._wait_for_port()
        print(self.say("demo_broker", port=self.port, config=self.files.config), flush=True)

        self.hub = HubData.init(self.root / "hub", DEMO_COMMUNE, [self.device])
        hub_config = self._with_mqtt(config, hub_user(DEMO_COMMUNE)).replace(
            "hub", data=str(self.root / "hub")
        )
        self.daemon = HubDaemon(hub_config, self.hub, on_event=self._hub_event)
        self.daemon.start()
        deadline = time.monotonic() + 10
        while not self.daemon.session.connected:
            if time.monotonic() > deadline:
                raise VillageError("the demo hub could not connect to its broker")
            time.sleep(0.05)
        key = self.hub.public_key().text()
        print(self.say("demo_hub", commune=DEMO_COMMUNE, key=key), flush=True)

    def _wait_for_port(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise VillageError("mosquitto stopped at once; see broker/mosquitto.log")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            time.sleep(0.02)
        raise VillageError("mosquitto did not open its port")

    def stop(self) -> None:
        if self.daemon is not None:
            self.daemon.stop()
            self.daemon = None
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    # -- settings --------------------------------------------------------------------------

    def _with_mqtt(self, config: Config, user: str) -> Config:
        return config.replace(
            "mqtt",
            host="127.0.0.1",
            port=self.port,
            username=user,
            password=self.files.users[user],
            reconnect_max_s=2.0,
            status_interval_s=5.0,
        )

    def device_config(self, config: Config) -> Config:
        config = self._with_mqtt(config, self.device)
        config = config.replace("mqtt", hub_key=self.hub.public_key().text())
        return config.replace("device", id=self.device, commune=DEMO_COMMUNE)

    # -- content ---------------------------------------------------------------------------

    def import_samples(self, timezone: str) -> tuple[list[Segment], list[Plan]]:
        """The shipped segments and plans, into the hub's library."""
        from village.library import default_plan_file, import_plans, import_sample_segments

        segments = import_sample_segments(self.hub.library)
        plans = import_plans(self.hub.library, default_plan_file(), timezone)
        return segments, plans

    def push(self, segments: list[Segment], plans: list[Plan]) -> int:
        """Everything as one version for the whole commune; the kiosk's samples too."""
        changes: list[tuple[str, str, dict | None]] = [
            ("segments", s.id, s.to_dict()) for s in segments
        ]
        changes += [("plans", p.id, p.to_dict()) for p in plans]
        extras = []
        try:
            from commune.desired import PROCEDURES_KEY
            from village.clips import import_sample_kiosk_content
            from village.wire.manifest import procedures_document

            _report, clips = import_sample_kiosk_content(self.hub.library)
            changes += [("clips", c.id, c.to_dict()) for c in clips]
            records = sorted(
                self.hub.library.snapshot().procedures.values(), key=lambda r: r["code"]
            )
            doc = self.root / "hub" / "procedures.json"
            doc.write_bytes(procedures_document(records))
            sha = self.hub.library.add_media(doc)
            doc.unlink()
            changes.append(("procedures", PROCEDURES_KEY, {"sha256": sha, "count": len(records)}))
            extras = [f"{len(clips)} clip", f"{len(records)} thủ tục"]
        except (ImportError, VillageError):
            pass  # the kiosk's samples are optional here
        version = self.hub.repository.add_version(changes, ["*"], "demo sample content")
        self.version = version.version
        items = [f"{len(segments)} bài", f"{len(plans)} lịch", *extras]
        print(self.say("demo_push", version=self.version, items=", ".join(items)), flush=True)
        return self.version

    # -- what comes back -------------------------------------------------------------------

    def _hub_event(self, kind: str, data: dict[str, Any]) -> None:
        if kind != "status" or self.applied_seen or not self.version:
            return
        status = data["status"]
        if int(status.get("content_version") or 0) >= self.version:
            from commune.desired import desired_state

            self.applied_seen = True
            held = desired_state(self.hub.repository.entries(), data["device"]).items
            print(
                self.say(
                    "demo_applied",
                    device=data["device"],
                    version=self.version,
                    segments=len(held["segments"]),
                    plans=len(held["plans"]),
                ),
                flush=True,
            )

    def wait_for_record(self, record_id: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ids = {r["id"] for r in self.hub.repository.records(device=self.device)}
            if record_id in ids:
                return True
            time.sleep(0.1)
        return False

    def hub_records(self) -> list[dict[str, Any]]:
        return self.hub.repository.records(device=self.device)
