"""scripts/install.sh and uninstall.sh against a temporary root (--root): the documented
layout, owners and modes, a second run that changes nothing, an upgrade that keeps the
configuration and the data, a provisioned configuration, and the uninstall."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.install_helpers import (
    INSTALL,
    REPO,
    SEEDED_GROUPS,
    UNINSTALL,
    account,
    copy_root,
    installed_root,
    run_script,
    snapshot,
)

PI_UNITS = ("village-relay-guard.service", "village-controller.service", "village-kiosk.service")
PI_GROUPS = ("gpio", "audio", "video", "render", "input")


def ids(root: Path, name: str) -> tuple[int, int]:
    user = account(root, "passwd", name)
    assert user is not None, f"no {name} in {root}/etc/passwd"
    return int(user[2]), int(user[3])


def owner(path: Path) -> tuple[int, int]:
    info = path.lstat()
    return info.st_uid, info.st_gid


def mode(path: Path) -> int:
    return path.lstat().st_mode & 0o7777


@pytest.fixture(scope="module")
def pi(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return installed_root(tmp_path_factory, "pi")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return installed_root(tmp_path_factory, "hub")


def test_pi_layout_owners_and_modes(pi: tuple[Path, str]) -> None:
    root, output = pi
    uid, gid = ids(root, "village")
    village_group = account(root, "group", "village")
    assert village_group is not None
    village_gid = int(village_group[2])
    assert gid == village_gid

    # the user: a system account with no login, home on the data folder, created in the root
    user = account(root, "passwd", "village")
    assert user is not None
    assert uid < 1000 and user[5] == "/var/lib/village" and user[6] == "/usr/sbin/nologin"
    assert account(Path("/"), "passwd", "village") is None, "the host's users were changed"
    for group in PI_GROUPS:
        entry = account(root, "group", group)
        if entry is None:
            assert f"không có nhóm {group}" in output
        else:
            assert "village" in entry[3].split(","), f"village not in group {group}"
    assert set(SEEDED_GROUPS) <= {g for g in PI_GROUPS if account(root, "group", g)}

    # the app: a virtual environment behind a stable link, and the command
    opt = root / "opt" / "village"
    link = opt / "venv"
    assert link.is_symlink() and re.fullmatch(r"venv-[0-9a-f]{12}", link.readlink().name)
    assert not link.readlink().is_absolute()
    village = link / "bin" / "village"
    assert village.is_file() and mode(village) & 0o111
    proc = subprocess.run([str(village), "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "village" in proc.stdout
    site = next((link / "lib").glob("python3*/site-packages"))
    assert (site / "controller").is_dir() and (site / "kiosk").is_dir()
    assert not list(site.glob("__editable__*")), "the app must not be an editable install"
    installed = dict(
        line.split("=", 1) for line in (opt / "INSTALLED").read_text().splitlines() if line
    )
    assert installed["role"] == "pi" and installed["source"] == link.readlink().name[5:]
    for path in (opt, opt / "media", opt / "docs"):
        assert owner(path) == (0, 0) and mode(path) == 0o755
    shipped = REPO / "media" / "segments" / "segments.json"
    copy = opt / "media" / "segments" / "segments.json"
    assert copy.read_bytes() == shipped.read_bytes() and mode(copy) == 0o644
    assert (opt / "docs" / "pi.md").read_bytes() == (REPO / "docs" / "pi.md").read_bytes()
    wrapper = root / "usr" / "local" / "bin" / "village"
    assert mode(wrapper) == 0o755 and owner(wrapper) == (0, 0)
    assert "runuser -u village" in wrapper.read_text()

    # configuration: root:village 0640, every key documented, only the Pi's settings active
    etc = root / "etc" / "village"
    assert owner(etc) == (0, village_gid) and mode(etc) == 0o750
    config_file = etc / "village.toml"
    assert owner(config_file) == (0, village_gid) and mode(config_file) == 0o640
    text = config_file.read_text()
    raw = tomllib.loads(text)
    assert raw["paths"] == {"control_socket": "/run/village/control.sock"}
    assert raw["audio"] == {"driver": "alsa"}
    assert "# pin = 17" in text and "# BCM pin driving the amplifier relay" in text
    from village.config import parse_config

    parse_config(raw)

    # data: the service user's, 0750; the kiosk's and the relay guard's writable folders exist
    data = root / "var" / "lib" / "village"
    for path in (data, data / "journal", data / "kivy", data / "state"):
        assert owner(path) == (uid, gid) and mode(path) == 0o750, path

    # units and the journald drop-in, as shipped, root 0644
    units = root / "usr" / "local" / "lib" / "systemd" / "system"
    for name in PI_UNITS:
        assert (units / name).read_bytes() == (REPO / "systemd" / name).read_bytes()
        assert mode(units / name) == 0o644 and owner(units / name) == (0, 0)
    assert not (units / "village-hub.service").exists()
    journald = root / "usr" / "local" / "lib" / "systemd" / "journald.conf.d" / "village.conf"
    assert journald.read_bytes() == (REPO / "systemd/journald.conf.d/village.conf").read_bytes()
    assert "systemd không chạy" in output


def test_second_run_changes_nothing(pi: tuple[Path, str]) -> None:
    root, _ = pi
    before = snapshot(root)
    proc = run_script(INSTALL, "--role", "pi", "--root", str(root))
    after = snapshot(root)
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert not changed, f"a second run changed: {sorted(changed)[:20]}"
    assert "Không có gì thay đổi" in proc.stdout
    assert "đã cài: giữ nguyên" in proc.stdout  # the venv was not rebuilt


def test_hub_layout(hub: tuple[Path, str]) -> None:
    root, _ = hub
    uid, gid = ids(root, "village")
    units = root / "usr" / "local" / "lib" / "systemd" / "system"
    assert (units / "village-hub.service").is_file()
    for name in PI_UNITS:
        assert not (units / name).exists()
    dropin = units / "mosquitto.service.d" / "village.conf"
    assert dropin.read_bytes() == (REPO / "systemd/mosquitto.service.d/village.conf").read_bytes()
    assert not (root / "usr/local/lib/systemd/journald.conf.d/village.conf").exists()
    hub_data = root / "var" / "lib" / "village-hub"
    assert owner(hub_data) == (uid, gid) and mode(hub_data) == 0o750
    for group in PI_GROUPS:
        entry = account(root, "group", group)
        assert entry is None or "village" not in entry[3].split(",")
    raw = tomllib.loads((root / "etc" / "village" / "village.toml").read_text())
    assert all(not values for values in raw.values()), "the hub's config sets nothing yet"
    site = next((root / "opt/village/venv/lib").glob("python3*/site-packages"))
    assert (site / "commune").is_dir() and (site / "docx").is_dir()  # the report extra
    assert (site / "openpyxl").is_dir()  # procedures from XLSX
    assert not (site / "kivy").exists() and not (site / "pygame").exists()


def test_upgrade_keeps_config_and_data_then_uninstall(
    hub: tuple[Path, str], tmp_path: Path
) -> None:
    root = copy_root(hub[0], tmp_path / "root")
    old_venv = (root / "opt/village/venv").readlink().name
    config_file = root / "etc" / "village" / "village.toml"
    text = config_file.read_text()
    assert '# commune = "xa-mau"' in text
    config_file.write_text(text.replace('# commune = "xa-mau"', 'commune = "xa-moi"'))
    edited = config_file.read_bytes()
    record = root / "var" / "lib" / "village-hub" / "kept.txt"
    record.write_text("data")

    # a newer source tree: the app is rebuilt, configuration and data stay
    source = tmp_path / "source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build"),
    )
    init = source / "commune" / "__init__.py"
    init.write_text(init.read_text() + "# a later version\n")
    newer = source / "scripts" / "install.sh"  # the same tree from here on: no rebuild
    proc = run_script(newer, "--role", "hub", "--root", str(root))
    new_venv = (root / "opt/village/venv").readlink().name
    assert new_venv != old_venv and not (root / "opt/village" / old_venv).exists()
    assert f"venv → {new_venv}" in proc.stdout
    assert config_file.read_bytes() == edited
    assert record.read_text() == "data"
    village = root / "opt/village/venv/bin/village"
    shown = subprocess.run(
        [str(village), "--config", str(config_file), "config", "show"],
        capture_output=True,
        text=True,
    )
    assert shown.returncode == 0 and 'commune = "xa-moi"' in shown.stdout

    # a provisioned configuration replaces it (the old one is kept aside); a bad one is refused
    provisioned = tmp_path / "provisioned.toml"
    provisioned.write_text('[device]\nid = "pi-02"\ncommune = "xa-mau"\n')
    done = run_script(newer, "--role", "hub", "--root", str(root), "--config", str(provisioned))
    assert "đã cài: giữ nguyên" in done.stdout
    assert config_file.read_bytes() == provisioned.read_bytes()
    assert (config_file.parent / "village.toml.old").read_bytes() == edited
    assert mode(config_file) == 0o640
    bad = tmp_path / "bad.toml"
    bad.write_text("[relay]\npin = 99\n[nonsense]\nx = 1\n")
    refused = run_script(
        newer, "--role", "hub", "--root", str(root), "--config", str(bad), check=False
    )
    assert refused.returncode != 0 and "relay.pin" in refused.stderr
    assert config_file.read_bytes() == provisioned.read_bytes()

    # uninstall: the app and units go, configuration, data and the user stay
    run_script(UNINSTALL, "--root", str(root))
    assert not (root / "opt" / "village").exists()
    assert not (root / "usr/local/bin/village").exists()
    assert not (root / "usr/local/lib/systemd/system/village-hub.service").exists()
    assert not (root / "usr/local/lib/systemd/system/mosquitto.service.d").exists()
    assert config_file.exists() and record.exists()
    assert account(root, "passwd", "village") is not None
    # --purge takes the rest
    run_script(UNINSTALL, "--root", str(root), "--purge")
    assert not (root / "etc" / "village").exists()
    assert not (root / "var" / "lib" / "village-hub").exists()
    assert account(root, "passwd", "village") is None
    assert account(Path("/"), "passwd", "village") is None


def test_bad_arguments_change_nothing(tmp_path: Path) -> None:
    for args in (["--role", "kiosk"], ["--frobnicate"]):
        proc = run_script(INSTALL, *args, "--root", str(tmp_path / "r"), check=False)
        assert proc.returncode != 0 and "Lỗi:" in proc.stderr
    assert not (tmp_path / "r" / "opt").exists()
    proc = run_script(INSTALL, "--root", str(tmp_path / "empty"), check=False)
    assert proc.returncode != 0 and "etc/passwd" in proc.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_scripts_are_shellcheck_clean() -> None:
    proc = subprocess.run(
        ["shellcheck", *sorted(str(p) for p in INSTALL.parent.glob("*.sh"))],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout
