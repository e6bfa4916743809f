"""The hub as staff run it: ``village hub init`` and ``village hub`` as a process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from tests.conftest import REPO, VILLAGE, run_village, write_config
from tests.sync_helpers import HUB_USER, Broker, Client, needs_mosquitto, wait_until
from village.wire.topics import CommuneTopics


def test_hub_init_prints_the_key_once_and_never_overwrites_it(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    made = run_village(
        "hub", "init", "--data", str(hub), "--commune", "xa-mau", "--device", "pi-01"
    )
    assert made.returncode == 0, made.stderr
    assert "Đã khởi tạo máy chủ xã «xa-mau»" in made.stdout
    key = made.stdout.split("hub_key của mỗi thiết bị):")[1].split()[0]
    assert len(key) == 44 and (hub / "signing.key").stat().st_mode & 0o077 == 0
    again = run_village("hub", "key", "--data", str(hub))
    assert again.stdout.strip() == key
    refused = run_village("hub", "init", "--data", str(hub), "--commune", "xa-mau")
    assert refused.returncode != 0 and "already holds a hub" in refused.stderr
    assert run_village("hub", "key", "--data", str(hub)).stdout.strip() == key
    # a device configured with it passes the configuration check
    device = write_config(tmp_path / "pi.toml", {"mqtt": {"host": "x", "hub_key": key}})
    shown = run_village("config", "show", env={"VILLAGE_CONFIG": str(device)})
    assert shown.returncode == 0 and key in shown.stdout


@needs_mosquitto
def test_the_hub_daemon_says_online_and_offline(tmp_path: Path) -> None:
    broker = Broker(tmp_path / "broker").start()
    hub = None
    try:
        made = run_village("hub", "init", "--data", str(tmp_path / "hub"), "--commune", "xa-mau")
        assert made.returncode == 0, made.stderr
        creds = broker.credentials(HUB_USER)
        config = write_config(
            tmp_path / "hub.toml",
            {
                "device": {"commune": "xa-mau"},
                "mqtt": {"host": "127.0.0.1", "port": broker.port, "username": HUB_USER,
                         "password": creds["password"]},
                "hub": {"data": str(tmp_path / "hub")},
            },
        )  # fmt: skip
        env = {**os.environ, "VILLAGE_CONFIG": str(config)}
        hub = subprocess.Popen(
            [*VILLAGE, "hub"], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        status = CommuneTopics("xa-mau").hub_status
        with Client(broker, "pi-01") as device:
            device.session.subscribe([(status, 1)]).wait()

            def hub_says(online: bool) -> bool:
                return any(json.loads(m.payload).get("online") is online for m in device.messages)

            wait_until(lambda: hub_says(True), 15, "the hub online")
            second = run_village("hub", env={"VILLAGE_CONFIG": str(config)}, timeout=30)
            assert second.returncode != 0 and "another hub daemon" in second.stderr
            hub.send_signal(signal.SIGTERM)
            assert hub.wait(15) == 0
            wait_until(lambda: hub_says(False), 10, "the hub offline")
    finally:
        if hub is not None and hub.poll() is None:
            hub.kill()
            hub.wait()
        broker.stop()
