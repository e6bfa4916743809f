"""Installing village into a temporary root (``scripts/install.sh --root``) for the tests of
the installer, the systemd units and provisioning, and running a unit's commands the way
systemd would, without systemd.

A root is built once per test session and role (the virtual environment is the slow part,
~40 s with pip's cache); tests that change an installation work on a copy.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.sync_helpers import free_port

REPO = Path(__file__).resolve().parent.parent
INSTALL = REPO / "scripts" / "install.sh"
UNINSTALL = REPO / "scripts" / "uninstall.sh"
UNIT_DIR = Path("usr/local/lib/systemd/system")
# Groups seeded in a test root on top of the host's: Raspberry Pi OS has gpio, render and
# input; 'input' is left out on purpose so that the installer's skipping is tested too.
SEEDED_GROUPS = ("gpio", "render")
INSTALL_TIMEOUT = 600

_built: dict[str, tuple[Path, str]] = {}


def seed_root(root: Path) -> Path:
    """A root with the host's user database (plus the Pi's groups), as useradd needs."""
    etc = root / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    for name in ("passwd", "group", "shadow", "gshadow", "login.defs"):
        source = Path("/etc") / name
        if source.exists():
            shutil.copy2(source, etc / name)
    group = (etc / "group").read_text()
    gshadow = (etc / "gshadow").read_text() if (etc / "gshadow").exists() else ""
    used = {int(line.split(":")[2]) for line in group.splitlines() if line.count(":") >= 3}
    free = (gid for gid in range(990, 900, -1) if gid not in used)
    for name in SEEDED_GROUPS:
        if not any(line.startswith(f"{name}:") for line in group.splitlines()):
            group += f"{name}:x:{next(free)}:\n"
            gshadow += f"{name}:!::\n"
    (etc / "group").write_text(group)
    if (etc / "gshadow").exists():
        (etc / "gshadow").write_text(gshadow)
    return root


def run_script(script: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    # Not compiling the packages' bytecode saves a third of pip's time; a real install
    # compiles it (the units forbid writing it next to the code at run time).
    env = {**os.environ, "VILLAGE_PIP_OPTIONS": "--no-compile"}
    proc = subprocess.run(
        ["sh", str(script), *args],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        cwd=REPO,
        env=env,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{script.name} {' '.join(args)} failed ({proc.returncode}):\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        )
    return proc


def installed_root(factory, role: str) -> tuple[Path, str]:  # TempPathFactory
    """The session's installation for ``role`` and the installer's output (built once)."""
    if role not in _built:
        root = seed_root(factory.mktemp(f"root-{role}"))
        proc = run_script(INSTALL, "--role", role, "--root", str(root))
        _built[role] = (root, proc.stdout + proc.stderr)
    return _built[role]


def copy_root(source: Path, target: Path) -> Path:
    """A copy of an installation to change, without its virtual environment (the slow part
    to copy): the link to it stays and an empty stand-in takes its place, so that an
    install into the copy must build a new one and remove the old."""
    target.mkdir(parents=True)
    pack = subprocess.Popen(
        ["tar", "-C", str(source), "--exclude=./opt/village/venv-*", "-cf", "-", "."],
        stdout=subprocess.PIPE,
    )
    subprocess.run(["tar", "-C", str(target), "-xf", "-"], stdin=pack.stdout, check=True)
    assert pack.stdout is not None
    pack.stdout.close()
    assert pack.wait() == 0
    old = (source / "opt" / "village" / "venv").readlink().name
    (target / "opt" / "village" / old / "bin").mkdir(parents=True)
    return target


@dataclass(frozen=True)
class Entry:
    kind: str  # "dir", "file", "link"
    mode: int
    uid: int
    gid: int
    size: int
    content: str  # sha256 of a file, target of a link


def snapshot(root: Path, parts: tuple[str, ...] = ("opt", "etc", "var", "usr")) -> dict:
    """Every path under ``parts`` with its type, mode, owner, size and content hash."""
    found: dict[str, Entry] = {}
    for part in parts:
        top = root / part
        if not top.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            for name in [*dirnames, *filenames]:
                path = Path(dirpath) / name
                info = path.lstat()
                if stat.S_ISLNK(info.st_mode):
                    kind, content = "link", os.readlink(path)
                elif stat.S_ISDIR(info.st_mode):
                    kind, content = "dir", ""
                else:
                    kind = "file"
                    content = hashlib.sha256(path.read_bytes()).hexdigest()
                found[str(path.relative_to(root))] = Entry(
                    kind,
                    stat.S_IMODE(info.st_mode),
                    info.st_uid,
                    info.st_gid,
                    info.st_size if kind == "file" else 0,
                    content,
                )
    return found


def account(root: Path, database: str, name: str) -> list[str] | None:
    for line in (root / "etc" / database).read_text().splitlines():
        fields = line.split(":")
        if fields[0] == name:
            return fields
    return None


def add_system_units(root: Path) -> None:
    """The host's own units (targets, getty, mosquitto…) so that `systemd-analyze verify
    --root` can resolve what ours refer to, and the programs their ExecStart lines name."""
    target = root / "lib" / "systemd"
    if not (target / "system").exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copytree("/lib/systemd/system", target / "system", symlinks=True)
    usr_bin = root / "usr" / "bin"
    usr_bin.mkdir(parents=True, exist_ok=True)
    if not (root / "bin").exists():
        (root / "bin").symlink_to("usr/bin")  # merged /usr, as on Debian 12
    for program in ("/usr/bin/mkdir", "/usr/bin/chown", "/usr/bin/kill"):
        if Path(program).exists() and not (usr_bin / Path(program).name).exists():
            shutil.copy2(program, usr_bin)
    if Path("/usr/sbin/mosquitto").exists():
        (root / "usr" / "sbin").mkdir(parents=True, exist_ok=True)
        if not (root / "usr" / "sbin" / "mosquitto").exists():
            shutil.copy2("/usr/sbin/mosquitto", root / "usr" / "sbin" / "mosquitto")


def verify_units(root: Path, *units: str) -> list[str]:
    """`systemd-analyze verify --root` output lines (empty when every unit is clean)."""
    proc = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", f"--root={root}", *units],
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    if proc.returncode != 0 and not lines:
        lines.append(f"systemd-analyze exited {proc.returncode}")
    return lines


# --- a unit's commands, run as systemd would run them ------------------------------------


@dataclass
class Unit:
    """The settings of a unit file that matter to run its commands."""

    path: Path
    settings: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Unit:
        settings: dict[str, list[str]] = {}
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";", "[")):
                continue
            key, _, value = line.partition("=")
            values = settings.setdefault(key.strip(), [])
            if value.strip() == "":
                values.clear()  # an empty assignment resets the list
            else:
                values.append(value.strip())
        return cls(path, settings)

    def get(self, key: str, default: str = "") -> str:
        values = self.settings.get(key) or [default]
        return values[-1]

    def commands(self, key: str, paths: dict[str, Path]) -> list[list[str]]:
        """ExecStart=, ExecStopPost=… as argument lists, with paths mapped."""
        result = []
        for value in self.settings.get(key, []):
            words = shlex.split(value.lstrip("-@+!:"))
            result.append([map_path(word, paths) for word in words])
        return result

    def environment(self, paths: dict[str, Path]) -> dict[str, str]:
        env = {}
        for value in self.settings.get("Environment", []):
            for pair in shlex.split(value):
                key, _, item = pair.partition("=")
                env[key] = map_path(item, paths)
        return env


def map_path(word: str, paths: dict[str, Path]) -> str:
    for prefix, target in sorted(paths.items(), key=lambda kv: -len(kv[0])):
        if word == prefix or word.startswith(prefix + "/"):
            return str(target) + word[len(prefix) :]
    return word


def service_env(unit: Unit, paths: dict[str, Path], **extra: str) -> dict[str, str]:
    """The environment systemd gives the service (unit's Environment=, HOME of the user,
    state and runtime folders), plus the test's own settings."""
    home = paths.get("/var/lib/village", Path("/nonexistent"))
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "USER": "village",
        "LOGNAME": "village",
        "INVOCATION_ID": "0" * 32,
    }
    if unit.get("StateDirectory"):
        env["STATE_DIRECTORY"] = map_path(f"/var/lib/{unit.get('StateDirectory')}", paths)
    if unit.get("RuntimeDirectory"):
        env["RUNTIME_DIRECTORY"] = map_path(f"/run/{unit.get('RuntimeDirectory')}", paths)
    env.update(unit.environment(paths))
    env.update(extra)
    return env


class NotifySocket:
    """systemd's side of sd_notify: a datagram socket collecting READY=1, WATCHDOG=1…"""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.2)
        self.messages: list[str] = []

    def wait_for(self, line: str, timeout: float, proc: subprocess.Popen | None = None) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(line in message.splitlines() for message in self.messages):
                return True
            try:
                self.messages.append(self.sock.recv(4096).decode())
                continue
            except TimeoutError:
                pass
            if proc is not None and proc.poll() is not None:
                self.drain()
                return any(line in message.splitlines() for message in self.messages)
        return False

    def drain(self) -> None:
        self.sock.settimeout(0.01)
        try:
            while True:
                self.messages.append(self.sock.recv(4096).decode())
        except (TimeoutError, BlockingIOError):
            pass
        finally:
            self.sock.settimeout(0.2)

    def close(self) -> None:
        self.sock.close()


PIN_LOG_SITECUSTOMIZE = '''
"""Test hook: every change of a gpiozero mock pin is appended to $VILLAGE_PIN_LOG, so that
the pin's story can be followed across the processes of a unit (ExecStart, ExecStopPost)."""
import os

_log = os.environ.get("VILLAGE_PIN_LOG")
if _log:
    try:
        from gpiozero.pins.mock import MockPin
    except ImportError:
        pass
    else:
        def _write(line):
            with open(_log, "a") as handle:
                handle.write(f"{os.getpid()} {line}\\n")

        _change = MockPin._change_state
        _function = MockPin._set_function

        def _change_state(self, value):
            changed = _change(self, value)
            if changed and self._function == "output":
                _write(f"{self.info.name} drive {int(value)}")
            return changed

        def _set_function(self, value):
            before = self._function
            _function(self, value)
            if before == "output" and value == "input":
                _write(f"{self.info.name} release")

        MockPin._change_state = _change_state
        MockPin._set_function = _set_function
'''


def pin_log_env(folder: Path) -> dict[str, str]:
    """PYTHONPATH and VILLAGE_PIN_LOG for processes whose mock pins should be logged."""
    site = folder / "pinlog-site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "sitecustomize.py").write_text(PIN_LOG_SITECUSTOMIZE)
    return {"PYTHONPATH": str(site), "VILLAGE_PIN_LOG": str(folder / "pins.log")}


def pin_events(log: Path, pin: str) -> list[tuple[int, str, int | None]]:
    """(pid, "drive"|"release", level) for ``pin`` in the order they happened."""
    events: list[tuple[int, str, int | None]] = []
    if not log.exists():
        return events
    for line in log.read_text().splitlines():
        pid, name, action, *level = line.split()
        if name == pin:
            events.append((int(pid), action, int(level[0]) if level else None))
    return events


def terminate(proc: subprocess.Popen, timeout: float) -> int:
    """What systemd does on stop: SIGTERM, SIGKILL after the timeout; the exit status."""
    proc.terminate()
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        raise AssertionError(f"did not stop within {timeout} s of SIGTERM") from None


def timespan(text: str) -> float:
    """A systemd time span like 20s, 1min, 90 → seconds."""
    text = text.strip()
    for suffix, factor in (("min", 60.0), ("ms", 0.001), ("s", 1.0), ("h", 3600.0)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


# --- a commune hub and its broker -----------------------------------------------------------


def hub_with_broker(
    folder: Path,
    commune: str = "xa-mau",
    host: str = "127.0.0.1",
    devices: tuple[str, ...] = (),
    **plan: object,
) -> tuple[Path, Path, int]:
    """An initialised hub and a broker configuration for it (run as root, on a free port).
    The devices get broker accounts only (as ``village broker config --device`` does)."""
    from commune.broker import BrokerPlan, write_broker_config
    from commune.hubdata import HubData

    hub_dir, broker_dir, port = folder / "hub", folder / "broker", free_port()
    hub = HubData.init(hub_dir, commune, [])
    hub.repository.close()
    write_broker_config(
        BrokerPlan(
            out=broker_dir,
            commune=commune,
            devices=devices,
            host=host,
            port=port,
            run_as="root",
            **plan,  # type: ignore[arg-type]
        )
    )
    return hub_dir, broker_dir, port


class Broker:
    """Mosquitto run on a broker folder's configuration; SIGHUP re-reads passwords and ACL."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.proc: subprocess.Popen | None = None
        self.log = folder / "test-mosquitto.log"

    def __enter__(self) -> Broker:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                ["mosquitto", "-c", str(self.folder / "mosquitto.conf")], stdout=log, stderr=log
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"mosquitto exited:\n{self.log.read_text()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.02)
        raise AssertionError("mosquitto did not open its port")

    def reload(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def client(self, username: str, password: str):  # paho Client
        """A connected MQTT 5 client, or an AssertionError with the broker's reason."""
        import paho.mqtt.client as mqtt

        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=username, protocol=mqtt.MQTTv5
        )
        client.username_pw_set(username, password)
        connected: list = []
        client.on_connect = lambda c, u, flags, reason, props: connected.append(reason)
        client.connect("127.0.0.1", self.port, keepalive=30)
        client.loop_start()
        deadline = time.monotonic() + 10
        while not connected and time.monotonic() < deadline:
            time.sleep(0.02)
        if not connected or connected[0].is_failure:
            client.loop_stop()
            raise AssertionError(f"{username} not connected: {connected}")
        return client

    def refused(self, username: str, password: str) -> bool:
        try:
            self.client(username, password).disconnect()
        except AssertionError:
            return True
        return False

    @staticmethod
    def publish_reason(client, topic: str, payload: bytes = b"{}") -> int:
        """The broker's PUBACK reason code (below 128 accepted, 135 not authorised)."""
        import threading

        done = threading.Event()
        reasons: list[int] = []

        def on_publish(c, u, mid, reason, props):
            reasons.append(reason.value)
            done.set()

        client.on_publish = on_publish
        client.publish(topic, payload, qos=1)
        assert done.wait(10), "no PUBACK"
        return reasons[0]

    def wait_retained(self, topic: str, online: bool, mqtt: dict, timeout: float) -> bool:
        """True once the retained message on ``topic`` says ``online``; ``mqtt`` is the
        account to watch with (not the publisher's: the broker makes the user the client
        id, so the same account would take the publisher's session over)."""
        import json

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got: list[bytes] = []
            client = self.client(mqtt["username"], mqtt["password"])
            client.on_message = lambda c, u, message, got=got: got.append(message.payload)
            client.subscribe(topic, qos=1)
            end = time.monotonic() + 1.0
            while not got and time.monotonic() < end:
                time.sleep(0.02)
            client.disconnect()
            client.loop_stop()
            if got and got[-1]:
                try:
                    if json.loads(got[-1]).get("online") is online:
                        return True
                except ValueError:
                    pass
            time.sleep(0.3)
        return False
