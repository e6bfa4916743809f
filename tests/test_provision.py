"""`village provision device`: one command on the hub registers a device, gives it broker
credentials and its ACL entry, and writes the configuration to copy onto the Pi; checked
against a real Mosquitto running the regenerated files."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from tests.install_helpers import Broker, hub_with_broker
from village import cli
from village.config import load_config

needs_mosquitto = pytest.mark.skipif(
    shutil.which("mosquitto") is None, reason="Mosquitto is not installed"
)
PREFIX = "village/v1/xa-mau"


@pytest.fixture
def village(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run `village …` in this process, without the machine's configuration."""
    monkeypatch.setenv("VILLAGE_CONFIG", "/dev/null")

    def run(*args: str) -> tuple[int, str, str]:
        status = cli.main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def provision(village, hub: Path, broker: Path, out: Path, device: str, *more: str):
    return village(
        "provision",
        "device",
        device,
        "--data",
        str(hub),
        "--broker",
        str(broker),
        "--out",
        str(out),
        *more,
    )


def device_config(out: Path, device: str) -> dict:
    return tomllib.loads((out / device / "village.toml").read_text())


@needs_mosquitto
def test_provisioned_device_connects_within_its_acl(village, tmp_path: Path) -> None:
    hub_dir, broker_dir, port = hub_with_broker(tmp_path)
    out = tmp_path / "out"
    status, said, err = provision(
        village, hub_dir, broker_dir, out, "pi-02", "--name", "UBND xã Mậu"
    )
    assert status == 0, err
    assert "Đã đăng ký thiết bị mới pi-02" in said and "Đã tạo mật khẩu" in said

    # the configuration for the Pi: complete, valid, the hub's key, the Pi's runtime paths
    path = out / "pi-02" / "village.toml"
    assert path.stat().st_mode & 0o777 == 0o600
    config = load_config(path)
    from commune.hubdata import HubData

    hub = HubData.open(hub_dir)
    assert config.device.id == "pi-02" and config.device.commune == "xa-mau"
    assert config.device.name == "UBND xã Mậu"
    assert config.mqtt.hub_key == hub.public_key().text()
    assert (config.mqtt.host, config.mqtt.port) == ("127.0.0.1", port)
    assert config.mqtt.username == "pi-02" and len(config.mqtt.password) >= 20
    assert str(config.control_socket) == "/run/village/control.sock"
    assert config.audio.driver == "alsa"
    assert "pi-02" in hub.repository.device_ids()
    acl = (broker_dir / "acl").read_text()
    assert f"user pi-02\ntopic read {PREFIX}/hub/status" in acl

    with Broker(broker_dir, port) as broker:
        device = broker.client("pi-02", config.mqtt.password)
        try:
            # MQTT 5 PUBACK: below 128 is accepted (16: no subscriber yet), 135 not authorised
            assert broker.publish_reason(device, f"{PREFIX}/device/pi-02/status") < 128
            assert broker.publish_reason(device, f"{PREFIX}/device/pi-09/status") == 135
            assert broker.publish_reason(device, f"{PREFIX}/cmd") == 135
        finally:
            device.disconnect()
            device.loop_stop()
        assert broker.refused("pi-02", "not-the-password")
        assert broker.refused("pi-03", "anything")

        # a second device while the broker runs: the first keeps its password
        status, said, err = provision(village, hub_dir, broker_dir, out, "pi-03")
        assert status == 0, err
        broker.reload()
        third = device_config(out, "pi-03")["mqtt"]
        for user, password in (("pi-03", third["password"]), ("pi-02", config.mqtt.password)):
            client = broker.client(user, password)
            client.disconnect()
            client.loop_stop()

        # asked for, a new password replaces the old one
        status, said, err = provision(village, hub_dir, broker_dir, out, "pi-02", "--new-password")
        assert status == 0, err
        assert "đã có: cập nhật lại" in said and "Đã tạo mật khẩu" in said
        broker.reload()
        renewed = device_config(out, "pi-02")["mqtt"]["password"]
        assert renewed != config.mqtt.password
        assert broker.refused("pi-02", config.mqtt.password)
        client = broker.client("pi-02", renewed)
        client.disconnect()
        client.loop_stop()


def test_provisioning_again_keeps_password_and_broker_settings(village, tmp_path: Path) -> None:
    hub_dir, broker_dir, port = hub_with_broker(
        tmp_path, host="0.0.0.0", devices=("pi-01",), public_host=""
    )
    out = tmp_path / "out"
    kept_before = (broker_dir / "credentials" / "pi-01.toml").read_text()
    status, said, _ = provision(village, hub_dir, broker_dir, out, "pi-02")
    assert status == 0
    # listening everywhere with no public name: the technician is told to set the host
    assert "broker.example" in (out / "pi-02" / "village.toml").read_text()
    assert "--public-host" in said
    first = device_config(out, "pi-02")["mqtt"]["password"]

    status, said, _ = provision(
        village, hub_dir, broker_dir, out, "pi-02", "--public-host", "hub.xa-mau.vn"
    )
    assert status == 0 and "Giữ mật khẩu cũ" in said
    again = device_config(out, "pi-02")["mqtt"]
    assert again["password"] == first and again["host"] == "hub.xa-mau.vn"
    conf = (broker_dir / "mosquitto.conf").read_text()
    assert f"listener {port} 0.0.0.0" in conf and "user root" in conf
    # a device the broker knew (but the hub did not) keeps its account and password
    acl = (broker_dir / "acl").read_text()
    assert "user pi-01" in acl and "user pi-02" in acl
    kept_after = tomllib.loads((broker_dir / "credentials" / "pi-01.toml").read_text())
    assert kept_after["mqtt"]["password"] == tomllib.loads(kept_before)["mqtt"]["password"]


def test_provisioning_keeps_tls(village, tmp_path: Path) -> None:
    from commune.broker import TlsFiles
    from commune.ca import make_ca, make_server_cert

    ca_dir = tmp_path / "ca"
    ca = make_ca(ca_dir, "xa-mau", 365)
    cert = make_server_cert(ca_dir, ["hub.xa-mau.vn"], ["127.0.0.1"], 365)
    hub_dir, broker_dir, port = hub_with_broker(
        tmp_path, public_host="hub.xa-mau.vn", tls=TlsFiles(cert, cert.with_suffix(".key"), ca)
    )
    out = tmp_path / "out"
    status, said, err = provision(village, hub_dir, broker_dir, out, "pi-02")
    assert status == 0, err
    conf = (broker_dir / "mosquitto.conf").read_text()
    assert "certfile" in conf and "cafile" in conf and f"listener {port}" in conf
    config = load_config(out / "pi-02" / "village.toml")
    assert config.mqtt.ca_file == "/etc/village/ca.crt"
    assert (out / "pi-02" / "ca.crt").read_bytes() == ca.read_bytes()
    assert "có mã hoá TLS" in said


def test_provisioning_refuses_bad_requests(village, tmp_path: Path) -> None:
    hub_dir, broker_dir, _ = hub_with_broker(tmp_path)
    out = tmp_path / "out"
    for device in ("Pi 02", "hub-xa-mau"):
        status, _, err = provision(village, hub_dir, broker_dir, out, device)
        assert status != 0 and "Lỗi:" in err
    status, _, err = provision(village, hub_dir, tmp_path / "no-broker", out, "pi-02")
    assert status != 0 and "village broker config" in err
    status, _, err = provision(village, tmp_path / "no-hub", broker_dir, out, "pi-02")
    assert status != 0 and "hub init" in err
    assert not (out / "pi-02").exists()
    from commune.hubdata import HubData

    assert HubData.open(hub_dir).repository.device_ids() == []


def test_deleted_credentials_are_not_silently_renewed(village, tmp_path: Path) -> None:
    """A device whose password snippet was deleted would be cut off by a new password."""
    hub_dir, broker_dir, _ = hub_with_broker(tmp_path, devices=("pi-01",))
    passwd_before = (broker_dir / "passwd").read_text()
    (broker_dir / "credentials" / "pi-01.toml").unlink()
    out = tmp_path / "out"
    status, _, err = provision(village, hub_dir, broker_dir, out, "pi-02")
    assert status != 0 and "pi-01" in err and "--renew-missing" in err
    assert (broker_dir / "passwd").read_text() == passwd_before
    status, _, err = provision(village, hub_dir, broker_dir, out, "pi-02", "--renew-missing")
    assert status == 0, err
    assert (broker_dir / "credentials" / "pi-01.toml").exists()
