"""The systemd units: `systemd-analyze verify` against an installed root, and their commands
run as systemd would run them (environment, working folder, readiness and watchdog over
NOTIFY_SOCKET, SIGTERM on stop, then ExecStopPost) on the installed programs.

Differences with a real Pi, on purpose: no systemd (so no sandbox and no User=), the
paths of the units mapped into the test's folders, gpiozero's mock pins (their changes are
logged across processes), SDL's dummy audio, SDL's offscreen video instead of kmsdrm, and
a watchdog interval of 2 s instead of the unit's so that a ping is seen quickly.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.install_helpers import (
    REPO,
    UNIT_DIR,
    Broker,
    NotifySocket,
    Unit,
    add_system_units,
    hub_with_broker,
    installed_root,
    pin_events,
    pin_log_env,
    service_env,
    terminate,
    timespan,
    verify_units,
)
from tests.sync_helpers import wait_until

pytestmark = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)
PI_UNITS = ("village-relay-guard.service", "village-controller.service", "village-kiosk.service")
OURS = (
    "village-controller",
    "village-relay-guard",
    "village-kiosk",
    "village-hub",
    "mosquitto",
    "/opt/village",
)


@pytest.fixture(scope="module")
def pi_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root, _ = installed_root(tmp_path_factory, "pi")
    add_system_units(root)
    return root


@pytest.fixture(scope="module")
def hub_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root, _ = installed_root(tmp_path_factory, "hub")
    add_system_units(root)
    return root


# --- systemd-analyze verify -----------------------------------------------------------------


def test_pi_units_verify_clean(pi_root: Path) -> None:
    lines = verify_units(pi_root, *PI_UNITS)
    assert lines == [], "systemd-analyze verify:\n" + "\n".join(lines)


def test_hub_units_verify_clean(hub_root: Path) -> None:
    if not (hub_root / "usr/sbin/mosquitto").exists():
        pytest.skip("mosquitto is not installed: the broker drop-in cannot be verified")
    lines = verify_units(hub_root, "village-hub.service", "mosquitto.service")
    assert lines == [], "systemd-analyze verify:\n" + "\n".join(lines)
    proc = subprocess.run(
        ["systemd-analyze", "cat-config", f"--root={hub_root}", "systemd/system/mosquitto.service"],
        capture_output=True,
        text=True,
    )
    # the drop-in is picked up: the broker runs the generated configuration
    if proc.returncode == 0:
        assert "/etc/mosquitto/village/mosquitto.conf" in proc.stdout


def test_verify_is_a_real_check(pi_root: Path, tmp_path: Path) -> None:
    """The same check on broken copies reports each problem (so a clean run means clean)."""
    root = tmp_path / "root"
    shutil.copytree(pi_root / "lib", root / "lib", symlinks=True)
    village = root / "opt" / "village" / "venv" / "bin" / "village"
    village.parent.mkdir(parents=True)
    village.write_text("#!/bin/sh\n")
    village.chmod(0o755)
    units = root / UNIT_DIR
    units.mkdir(parents=True)
    text = (REPO / "systemd" / "village-controller.service").read_text()
    (units / "typo.service").write_text(text.replace("NoNewPrivileges=", "NoNewPrivilege="))
    (units / "missing.service").write_text(text.replace("venv/bin/village controller", "nope"))
    (units / "badvalue.service").write_text(text.replace("WatchdogSec=60s", "WatchdogSec=often"))
    for name, clue in (
        ("typo.service", "NoNewPrivilege"),
        ("missing.service", "/opt/village/nope"),
        ("badvalue.service", "often"),
    ):
        lines = verify_units(root, name)
        assert any(clue in line for line in lines), f"{name} not reported: {lines}"


def test_units_exposure(pi_root: Path, hub_root: Path) -> None:
    """systemd's own security review of the units, offline: all rated OK or better."""
    for root, names in (
        (pi_root, PI_UNITS),
        (hub_root, ("village-hub.service",)),
    ):
        proc = subprocess.run(
            [
                "systemd-analyze",
                "security",
                "--offline=yes",
                f"--root={root}",
                "--threshold=30",
                "--no-pager",
                *names,
            ],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        for line in proc.stdout.splitlines():
            if "Overall exposure level" in line:
                score = float(line.split(":")[1].split()[0])
                assert score <= 3.0, line


def test_units_settings_are_coherent() -> None:
    """The choices the units rely on (see the comments in them) stay in place."""
    controller = Unit.read(REPO / "systemd" / "village-controller.service")
    guard = Unit.read(REPO / "systemd" / "village-relay-guard.service")
    kiosk = Unit.read(REPO / "systemd" / "village-kiosk.service")
    hub = Unit.read(REPO / "systemd" / "village-hub.service")
    for unit in (controller, guard, kiosk, hub):
        assert unit.get("Type") == "notify" and unit.get("NotifyAccess") == "main"
        assert timespan(unit.get("WatchdogSec")) > 0
        assert unit.get("User") == "village" and unit.get("NoNewPrivileges") == "yes"
        assert unit.get("ProtectSystem") == "strict" and unit.get("PrivateTmp") == "yes"
        assert unit.get("StandardOutput") == "journal"
    for unit in (controller, kiosk, hub):
        assert unit.get("Restart") == "on-failure" and unit.get("StartLimitBurst")
    # the relay guard: restarted whatever happens, the pin off after every stop, the
    # controller after it and through it, never holding the pin itself
    assert guard.get("Restart") == "always" and guard.get("StartLimitIntervalSec") == "0"
    assert guard.get("ExecStopPost").endswith("village relay off --direct")
    assert timespan(guard.get("WatchdogSec")) <= 10
    assert guard.get("RestrictAddressFamilies") == "AF_UNIX"
    assert "/var/lib/village/state" in guard.get("ReadWritePaths")
    assert "village-relay-guard.service" in controller.get("Wants")
    assert "village-relay-guard.service" in " ".join(controller.settings["After"])
    assert controller.get("ExecStart").endswith("village controller --relay-guard process")
    assert controller.get("ExecStopPost").endswith("village relay off")
    assert "network-online.target" not in " ".join(controller.settings.get("After", []))
    assert "time-set.target" in " ".join(controller.settings.get("After", []))
    assert "time-sync.target" not in " ".join(controller.settings.get("After", []))
    # the pins' and sound's device nodes stay reachable; the clock's status stays readable
    for unit in (controller, guard, kiosk):
        assert unit.get("PrivateDevices", "no") == "no" and not unit.settings.get("DeviceAllow")
        assert unit.get("PrivateUsers", "no") == "no"
    for unit in (controller, kiosk):
        assert unit.get("ProtectClock", "no") == "no"
    assert "adjtimex" in " ".join(controller.settings["SystemCallFilter"])
    for unit in (controller, guard):  # /run/village, shared: neither removes it on stop
        assert unit.get("RuntimeDirectory") == "village"
        assert unit.get("RuntimeDirectoryPreserve") == "yes"
    assert not kiosk.get("RuntimeDirectory"), "the kiosk only reads /run/village"
    env = kiosk.environment({})
    assert env["SDL_VIDEODRIVER"] == "kmsdrm" and env["KIVY_HOME"].startswith("/var/lib/village")
    assert kiosk.get("TTYPath") == "/dev/tty1" and "getty@tty1.service" in kiosk.get("Conflicts")


# --- the controller's commands --------------------------------------------------------------


@dataclass
class PiServices:
    """The controller's and the relay guard's units, run as systemd would on one Pi."""

    controller: Unit
    guard: Unit
    env: dict
    guard_env: dict
    paths: dict

    def village(self, *args: str) -> subprocess.CompletedProcess:
        village = str(self.paths["/opt/village"] / "venv" / "bin" / "village")
        return subprocess.run(
            [village, *args], env=self.env, capture_output=True, text=True, timeout=60
        )

    def records(self) -> list[dict]:
        return json.loads(self.village("log", "--json").stdout or "[]")

    def state(self) -> dict:
        return json.loads((self.paths["/run/village"] / "state.json").read_text())


def controller_setup(pi_root: Path, tmp_path: Path, make_tone) -> PiServices:
    """Paths of the units mapped into tmp_path, the installed config adapted, one segment."""
    data, run = tmp_path / "data", tmp_path / "run"
    (data / "state").mkdir(parents=True)  # made by the installer
    run.mkdir()
    paths = {
        "/opt/village": pi_root / "opt" / "village",
        "/var/lib/village": data,
        "/run/village": run,
    }
    installed = tomllib.loads((pi_root / "etc/village/village.toml").read_text())
    installed.setdefault("paths", {}).update(
        data=str(data), control_socket=str(run / "control.sock")
    )
    installed.setdefault("schedule", {}).update(clock_sync="assume", quiet_hours="")
    installed.setdefault("relay", {}).update(warmup_s=0.5, tail_s=0.3)
    installed["audio"]["driver"] = "dummy"
    config = write_config(tmp_path / "village.toml", installed)

    common = {
        "VILLAGE_CONFIG": str(config),
        "GPIOZERO_PIN_FACTORY": "mock",
        "WATCHDOG_USEC": "2000000",
        **pin_log_env(tmp_path),
    }
    unit = Unit.read(pi_root / UNIT_DIR / "village-controller.service")
    guard = Unit.read(pi_root / UNIT_DIR / "village-relay-guard.service")
    env = service_env(
        unit,
        paths,
        SDL_AUDIODRIVER="dummy",
        NOTIFY_SOCKET=str(tmp_path / "notify.sock"),
        **common,
    )
    guard_env = service_env(
        guard, paths, NOTIFY_SOCKET=str(tmp_path / "notify-guard.sock"), **common
    )
    services = PiServices(unit, guard, env, guard_env, paths)
    tone = make_tone("tone.ogg", freq=440, seconds=8)
    done = services.village("import", "segment", str(tone), "--title", "Thử", "--id", "tone")
    assert done.returncode == 0, done.stderr
    return services


def start(unit: Unit, env: dict, paths: dict) -> subprocess.Popen:
    (command,) = unit.commands("ExecStart", paths)
    cwd = paths.get(unit.get("WorkingDirectory"), Path(unit.get("WorkingDirectory", "/")))
    return subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@dataclass
class Started:
    """A unit's main process, systemd's notify socket for it, and (once stopped) its output."""

    proc: subprocess.Popen
    notify: NotifySocket
    output: str = ""


@contextlib.contextmanager
def started(unit: Unit, env: dict, paths: dict) -> Iterator[Started]:
    """The unit's ExecStart running, listened to on $NOTIFY_SOCKET; on leaving, killed if
    still running, its output read and the last notifications collected."""
    notify = NotifySocket(Path(env["NOTIFY_SOCKET"]))
    run = Started(start(unit, env, paths), notify)
    try:
        yield run
    finally:
        if run.proc.poll() is None:
            run.proc.kill()
        run.proc.wait(10)
        run.output = run.proc.stdout.read() if run.proc.stdout else ""
        notify.drain()
        notify.close()


def on_air(env: dict, paths: dict, run: Path) -> None:
    village = str(paths["/opt/village"] / "venv" / "bin" / "village")
    done = subprocess.run(
        [village, "play-now", "tone"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    wait_until(
        lambda: json.loads((run / "state.json").read_text()).get("relay"),
        10,
        "the relay to come on",
    )


def stop_post(unit: Unit, env: dict, paths: dict) -> subprocess.CompletedProcess:
    (command,) = unit.commands("ExecStopPost", paths)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def driven(events: list, pid: int) -> list[int]:
    return [level for p, action, level in events if p == pid and action == "drive"]


def guard_ready(pi: PiServices) -> contextlib.AbstractContextManager[Started]:
    return started(pi.guard, pi.guard_env, pi.paths)


def test_controller_start_ready_watchdog_stop_relay_off(
    pi_root: Path, tmp_path: Path, make_tone
) -> None:
    pi = controller_setup(pi_root, tmp_path, make_tone)
    log = Path(pi.env["VILLAGE_PIN_LOG"])
    with guard_ready(pi) as guard:
        assert guard.notify.wait_for("READY=1", 60, guard.proc), guard.notify.messages
        assert guard.notify.wait_for("WATCHDOG=1", 10, guard.proc), guard.notify.messages
        with started(pi.controller, pi.env, pi.paths) as run:
            proc, notify = run.proc, run.notify
            assert notify.wait_for("READY=1", 60, proc), f"no READY=1: {notify.messages}"
            assert notify.wait_for("WATCHDOG=1", 10, proc), f"no WATCHDOG=1: {notify.messages}"
            on_air(pi.env, pi.paths, pi.paths["/run/village"])
            status = terminate(proc, timespan(pi.controller.get("TimeoutStopSec")))
        output = run.output
        assert status == 0, output
        said = "\n".join(notify.messages)
        assert "STOPPING=1" in said and "STATUS=on air: " in said
        assert pi.state()["relay"] is False

        events = pin_events(log, "GPIO17")
        # the guard drives the pin, the controller never does; active-low: 1 off, 0 on
        assert driven(events, guard.proc.pid)[-2:] == [0, 1], events
        assert driven(events, proc.pid) == [], events
        assert "relay off" in output
        after = stop_post(pi.controller, pi.env, pi.paths)
        assert after.returncode == 0, after.stdout + after.stderr
        assert "bảo vệ rơ-le" in after.stdout  # the guard answered: the pin is its own
        guard_status = terminate(guard.proc, timespan(pi.guard.get("TimeoutStopSec")))
    assert guard_status == 0, guard.output
    assert "STOPPING=1" in "\n".join(guard.notify.messages)
    after = stop_post(pi.guard, pi.guard_env, pi.paths)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "GPIO17" in after.stdout  # drove the pin itself: the guard is gone
    post = [p for p, _, _ in pin_events(log, "GPIO17") if p not in (proc.pid, guard.proc.pid)]
    assert post and driven(pin_events(log, "GPIO17"), post[-1]) == [1]


def test_controller_killed_on_air_the_guard_switches_relay_off(
    pi_root: Path, tmp_path: Path, make_tone
) -> None:
    """SIGKILL (watchdog, TimeoutStopSec, OOM) skips the daemon's own cleanup: the guard
    sees its connection close and switches the relay off; ExecStopPost finds it off and
    corrects the stale runtime state."""
    pi = controller_setup(pi_root, tmp_path, make_tone)
    log = Path(pi.env["VILLAGE_PIN_LOG"])
    with guard_ready(pi) as guard:
        assert guard.notify.wait_for("READY=1", 60, guard.proc), guard.notify.messages
        with started(pi.controller, pi.env, pi.paths) as run:
            proc, notify = run.proc, run.notify
            assert notify.wait_for("READY=1", 60, proc), f"no READY=1: {notify.messages}"
            on_air(pi.env, pi.paths, pi.paths["/run/village"])
            proc.kill()
            proc.wait(10)
        wait_until(
            lambda: driven(pin_events(log, "GPIO17"), guard.proc.pid)[-1] == 1,
            5,
            "the guard to switch the relay off",
        )
        assert pi.state()["relay"] is True  # stale: the controller died before writing it
        after = stop_post(pi.controller, pi.env, pi.paths)
        assert after.returncode == 0, after.stdout + after.stderr
        assert pi.state()["relay"] is False  # `village relay off` set it right
        assert guard.proc.poll() is None


def test_guard_killed_on_air_the_broadcast_ends_and_a_new_guard_takes_over(
    pi_root: Path, tmp_path: Path, make_tone
) -> None:
    """The guard dies on air (Restart=always brings it back): the controller ends the
    broadcast, the guard's ExecStopPost drives the pin off, the next broadcast works."""
    pi = controller_setup(pi_root, tmp_path, make_tone)
    log = Path(pi.env["VILLAGE_PIN_LOG"])
    with started(pi.controller, pi.env, pi.paths) as run:
        with guard_ready(pi) as first:
            assert first.notify.wait_for("READY=1", 60, first.proc), first.notify.messages
            assert run.notify.wait_for("READY=1", 60, run.proc), run.notify.messages
            on_air(pi.env, pi.paths, pi.paths["/run/village"])
            first.proc.kill()
            first.proc.wait(10)
        (record,) = wait_until(pi.records, 15, "the broadcast's record")
        assert record["outcome"] == "partial"
        assert record["reason"].startswith("relay guard lost"), record["reason"]
        assert pi.state()["relay"] is False
        after = stop_post(pi.guard, pi.guard_env, pi.paths)
        assert after.returncode == 0 and "GPIO17" in after.stdout, after.stderr
        Path(pi.guard_env["NOTIFY_SOCKET"]).unlink()  # systemd's, for the new process
        with guard_ready(pi) as second:
            assert second.notify.wait_for("READY=1", 60, second.proc), second.notify.messages
            on_air(pi.env, pi.paths, pi.paths["/run/village"])
            assert driven(pin_events(log, "GPIO17"), second.proc.pid)[-1] == 0
            status = terminate(run.proc, timespan(pi.controller.get("TimeoutStopSec")))
            assert status == 0, run.proc.stdout.read() if run.proc.stdout else ""
            assert driven(pin_events(log, "GPIO17"), second.proc.pid)[-1] == 1
            terminate(second.proc, timespan(pi.guard.get("TimeoutStopSec")))


# --- the kiosk's and the hub's commands -----------------------------------------------------


def test_kiosk_start_and_stop(pi_root: Path, tmp_path: Path) -> None:
    data, run_dir = tmp_path / "data", tmp_path / "run"
    for folder in (data / "journal", data / "kivy", run_dir):
        folder.mkdir(parents=True)
    paths = {
        "/opt/village": pi_root / "opt/village",
        "/var/lib/village": data,
        "/run/village": run_dir,
    }
    config = tmp_path / "village.toml"
    config.write_text(
        f'[paths]\ndata = "{data}"\ncontrol_socket = "{run_dir}/control.sock"\n'
        '[kiosk]\nfullscreen = false\nopening_hours = ""\n[schedule]\nholidays = []\n'
    )
    (run_dir / "state.json").write_text('{"relay": false}')
    unit = Unit.read(pi_root / UNIT_DIR / "village-kiosk.service")
    env = service_env(
        unit,
        paths,
        VILLAGE_CONFIG=str(config),
        SDL_VIDEODRIVER="offscreen",  # no DRM device here
        SDL_AUDIODRIVER="dummy",
        NOTIFY_SOCKET=str(tmp_path / "notify.sock"),
        WATCHDOG_USEC="2000000",
    )
    with started(unit, env, paths) as run:
        proc, notify = run.proc, run.notify
        assert notify.wait_for("READY=1", 90, proc), f"no READY=1: {notify.messages}"
        assert notify.wait_for("WATCHDOG=1", 10, proc), f"no WATCHDOG=1: {notify.messages}"
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        status = terminate(proc, timespan(unit.get("TimeoutStopSec")))
    assert status == 0, run.output
    # Kivy's folder is the unit's KIVY_HOME, not ~/.kivy (HOME is the data folder here)
    assert (data / "kivy" / "config.ini").exists() and not (data / ".kivy").exists()


@pytest.mark.skipif(shutil.which("mosquitto") is None, reason="mosquitto is not installed")
def test_hub_start_and_stop(hub_root: Path, tmp_path: Path) -> None:
    hub_dir, broker_dir, port = hub_with_broker(tmp_path, devices=("watch",))
    hub_snippet = tomllib.loads((broker_dir / "credentials" / "hub-xa-mau.toml").read_text())
    watcher = tomllib.loads((broker_dir / "credentials" / "watch.toml").read_text())["mqtt"]
    config = tmp_path / "village.toml"
    mqtt = hub_snippet["mqtt"]
    config.write_text(
        f'[device]\ncommune = "xa-mau"\n[hub]\ndata = "{hub_dir}"\n'
        f'[mqtt]\nhost = "127.0.0.1"\nport = {port}\nusername = "{mqtt["username"]}"\n'
        f'password = "{mqtt["password"]}"\n'
    )
    paths = {"/opt/village": hub_root / "opt/village", "/var/lib/village-hub": hub_dir}
    unit = Unit.read(hub_root / UNIT_DIR / "village-hub.service")
    env = service_env(
        unit,
        paths,
        VILLAGE_CONFIG=str(config),
        NOTIFY_SOCKET=str(tmp_path / "notify.sock"),
        WATCHDOG_USEC="2000000",
    )
    with Broker(broker_dir, port) as broker:
        with started(unit, env, paths) as run:
            proc, notify = run.proc, run.notify
            assert broker.wait_retained("village/v1/xa-mau/hub/status", True, watcher, 60)
            assert notify.wait_for("READY=1", 10, proc), notify.messages
            assert notify.wait_for("WATCHDOG=1", 10, proc), notify.messages
            status = terminate(proc, timespan(unit.get("TimeoutStopSec")))
        assert status == 0, run.output
        assert broker.wait_retained("village/v1/xa-mau/hub/status", False, watcher, 20)
