"""``village provision device ID``: everything a new Pi needs from the commune hub, at once.

On the hub, one command:

1. registers the device in the hub's repository (so the daemon publishes its manifest),
2. regenerates the broker's files with ``commune.broker.write_broker_config`` — the same
   generator as ``village broker config``, with the settings that the broker folder's
   ``mosquitto.conf`` already holds (listener, TLS, user) and every device it already
   knows: the new device gets a password and its ACL entry, the others keep theirs,
3. writes ``OUT/ID/village.toml``, a complete, checked configuration for the Pi (device id,
   commune, broker address, user, password, the hub's public key, the Pi's runtime paths)
   and ``OUT/ID/ca.crt`` when the broker uses TLS, to copy onto the Pi
   (``sudo scripts/install.sh --config village.toml``),
4. asks a running Mosquitto to re-read its password and ACL files (``systemctl reload``).

It runs as root on the hub (the broker's files belong to root and the ``mosquitto`` user);
files it creates in the hub folder are given back to the folder's owner.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commune.broker import BrokerPlan, TlsFiles, hub_user, write_broker_config
from commune.errors import HubError
from village.atomic import atomic_write_bytes
from village.config import Config, _toml_value, parse_config
from village.errors import ConfigError
from village.wire.topics import ID_RE, CommuneTopics

DEFAULT_BROKER_DIR = Path("/etc/mosquitto/village")  # docs/sync.md, mosquitto drop-in
PLACEHOLDER_HOST = "broker.example"  # what write_broker_config writes for 0.0.0.0 / ::
# What a Raspberry Pi needs set beyond the broker snippet (see scripts/install.sh).
PI_SETTINGS: dict[str, dict[str, Any]] = {
    "paths": {"control_socket": "/run/village/control.sock"},
    "audio": {"driver": "alsa"},
}


@dataclass(frozen=True)
class BrokerSettings:
    """What an existing broker folder says about how it was configured."""

    host: str
    port: int
    public_host: str
    run_as: str
    tls: TlsFiles | None
    devices: tuple[str, ...]
    legacy_media: bool = False  # the ACL still grants the commune's shared media topic


@dataclass(frozen=True)
class Provisioned:
    device: str
    commune: str
    new_device: bool  # not known to the hub's repository before
    new_password: bool  # a password was made (new device, or asked for)
    config: Path
    ca_file: Path | None
    broker: Path
    broker_host: str
    broker_port: int
    tls: bool
    reload: str  # "reloaded", "not-running", "no-systemd", "failed: …"


def read_broker_settings(folder: Path, commune: str) -> BrokerSettings:
    """Recover the settings ``village broker config`` used for ``folder``."""
    conf = folder / "mosquitto.conf"
    try:
        text = conf.read_text(encoding="utf-8")
    except OSError as exc:
        raise HubError(
            f"no broker configuration in {folder} ({exc.strerror}): run "
            f"'village broker config --out {folder} --host …' first"
        ) from exc
    listener = re.search(r"^listener\s+(\d+)\s+(\S+)\s*$", text, re.MULTILINE)
    if listener is None:
        raise HubError(f"{conf}: no 'listener PORT HOST' line")
    user = re.search(r"^user\s+(\S+)\s*$", text, re.MULTILINE)
    tls = None
    if re.search(r"^certfile\s", text, re.MULTILINE):
        tls_dir = folder / "tls"
        ca = tls_dir / "ca.crt"
        tls = TlsFiles(
            tls_dir / "server.crt",
            tls_dir / "server.key",
            ca if re.search(r"^cafile\s", text, re.MULTILINE) else None,
            bool(re.search(r"^require_certificate\s+true", text, re.MULTILINE)),
        )
    hub_snippet = folder / "credentials" / f"{hub_user(commune)}.toml"
    try:
        snippet = tomllib.loads(hub_snippet.read_text(encoding="utf-8"))
    except OSError as exc:
        raise HubError(
            f"{folder} is not the broker of commune {commune} (no {hub_snippet.name})"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise HubError(f"{hub_snippet}: {exc}") from exc
    public = str(snippet.get("mqtt", {}).get("host", ""))
    devices = []
    legacy_media = False
    shared_media = f"topic read {CommuneTopics(commune).all_media}"
    try:
        for line in (folder / "acl").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "user" and parts[1] != hub_user(commune):
                devices.append(parts[1])
            legacy_media = legacy_media or line.strip() == shared_media
    except OSError:
        pass
    return BrokerSettings(
        host=listener.group(2),
        port=int(listener.group(1)),
        public_host="" if public == PLACEHOLDER_HOST else public,
        run_as=user.group(1) if user else "mosquitto",
        tls=tls,
        devices=tuple(devices),
        legacy_media=legacy_media,
    )


def device_config_text(
    snippet: dict[str, Any], name: str, hub_key: str, source: str
) -> tuple[str, Config]:
    """The Pi's whole configuration file, checked against the schema."""
    raw: dict[str, dict[str, Any]] = {
        section: dict(values) for section, values in snippet.items() if isinstance(values, dict)
    }
    for section, values in PI_SETTINGS.items():
        raw.setdefault(section, {}).update(values)
    if name:
        raw.setdefault("device", {})["name"] = name
    raw.setdefault("mqtt", {})["hub_key"] = hub_key
    try:
        config = parse_config(raw, source)
    except ConfigError as exc:
        problems = "; ".join(f"{key}: {message}" for key, message in exc.problems)
        raise HubError(f"the device configuration would be invalid: {problems}") from exc
    device = raw["device"]["id"]
    lines = [
        f"# village configuration of device {device} (commune {raw['device']['commune']}),",
        "# made on the commune hub by 'village provision device'. It holds the device's",
        "# broker password: copy it onto the Pi, install it with",
        "#     sudo scripts/install.sh --config village.toml",
        "# (it lands in /etc/village/village.toml, root:village 0640), then delete this copy.",
        "# Every other key keeps its default: 'village config show' lists them all.",
    ]
    for section, values in raw.items():
        lines.append("")
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in values.items())
    return "\n".join(lines) + "\n", config


def _give_back(folder: Path) -> None:
    """Files root created in the hub folder (the repository's journal) go to its owner."""
    if os.geteuid() != 0:
        return
    owner = folder.stat()
    if owner.st_uid == 0:
        return
    for path in [folder, *folder.iterdir(), *(folder / "run").glob("*")]:
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if info.st_uid == 0:
            os.lchown(path, owner.st_uid, owner.st_gid)


def reload_broker(folder: Path) -> str:
    """Make a running Mosquitto re-read the password and ACL files (SIGHUP)."""
    if folder.resolve() != DEFAULT_BROKER_DIR:
        return "not-system"
    if not Path("/run/systemd/system").is_dir():
        return "no-systemd"
    active = subprocess.run(["systemctl", "is-active", "--quiet", "mosquitto.service"], check=False)
    if active.returncode != 0:
        return "not-running"
    done = subprocess.run(
        ["systemctl", "reload", "mosquitto.service"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return f"failed: {done.stderr.strip() or done.returncode}"
    return "reloaded"


def provision_device(
    hub: Any,
    device: str,
    *,
    broker: Path = DEFAULT_BROKER_DIR,
    out: Path = Path("."),
    name: str = "",
    public_host: str = "",
    new_password: bool = False,
    renew_missing: bool = False,
    reload: bool = True,
) -> Provisioned:
    """Register ``device`` with the hub and the broker and write its configuration."""
    if not ID_RE.match(device or ""):
        raise HubError(f"device id {device!r}: use 1-63 of a-z, 0-9, '-', '_'")
    commune = hub.commune
    if device == hub_user(commune):
        raise HubError(f"{device} is the hub's own broker user, not a device id")
    settings = read_broker_settings(broker, commune)
    hub_key = hub.public_key().text()

    devices = tuple(sorted({*settings.devices, *hub.repository.device_ids(), device}))
    # write_broker_config keeps a password only if its snippet is still in credentials/:
    # a device whose snippet is gone would get a new password and lose the broker.
    lost = [
        d for d in devices if d != device and not (broker / "credentials" / f"{d}.toml").exists()
    ]
    if lost and not renew_missing:
        raise HubError(
            f"no credentials left in {broker / 'credentials'} for {', '.join(lost)}: "
            "provisioning would give them new passwords and cut them off the broker. "
            "Restore the folder, or add --renew-missing and provision those devices again"
        )
    new_device = hub.repository.register_device(device)
    _give_back(Path(hub.root))

    snippet_path = broker / "credentials" / f"{device}.toml"
    if new_password:
        snippet_path.unlink(missing_ok=True)
    made_password = new_password or not snippet_path.exists()
    with tempfile.TemporaryDirectory(prefix="village-provision-") as scratch:
        tls = settings.tls
        if tls is not None:  # write_broker_config copies the TLS files: not onto themselves
            copies = {}
            for label, path in (("cert", tls.cert), ("key", tls.key), ("ca", tls.ca)):
                if path is not None:
                    copies[label] = Path(scratch) / path.name
                    shutil.copyfile(path, copies[label])
            tls = TlsFiles(copies["cert"], copies["key"], copies.get("ca"), tls.require_client_cert)
        write_broker_config(
            BrokerPlan(
                out=broker,
                commune=commune,
                devices=devices,
                host=settings.host,
                port=settings.port,
                public_host=public_host or settings.public_host,
                tls=tls,
                run_as=settings.run_as,
                hub_key=hub_key,
                legacy_media=settings.legacy_media,
            )
        )

    snippet = tomllib.loads(snippet_path.read_text(encoding="utf-8"))
    target = Path(out) / device
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    config_path = target / "village.toml"
    text, config = device_config_text(snippet, name, hub_key, str(config_path))
    atomic_write_bytes(config_path, text.encode("utf-8"), mode=0o600)
    ca_path = None
    if config.mqtt.ca_file:
        shipped = broker / "credentials" / "ca.crt"
        if shipped.is_file():
            ca_path = target / "ca.crt"
            atomic_write_bytes(ca_path, shipped.read_bytes(), mode=0o644)
    return Provisioned(
        device=device,
        commune=commune,
        new_device=new_device,
        new_password=made_password,
        config=config_path,
        ca_file=ca_path,
        broker=broker,
        broker_host=config.mqtt.host,
        broker_port=config.mqtt.port,
        tls=settings.tls is not None,
        reload=reload_broker(broker) if reload else "skipped",
    )


# --- the command ----------------------------------------------------------------------------


def cmd_provision_device(args: argparse.Namespace, config: Config) -> int:
    from commune.hub_cli import open_hub
    from village.cli import EXIT_OK
    from village.messages import say

    result = provision_device(
        open_hub(args, config),
        args.device,
        broker=Path(args.broker),
        out=Path(args.out),
        name=args.name,
        public_host=args.public_host,
        new_password=args.new_password,
        renew_missing=args.renew_missing,
        reload=not args.no_reload,
    )
    key = "provision_new" if result.new_device else "provision_known"
    print(say(key, device=result.device, commune=result.commune))
    print(say("provision_password_new" if result.new_password else "provision_password_kept"))
    print(say("provision_broker", folder=result.broker))
    print(say("provision_config", path=result.config))
    if result.ca_file is not None:
        print(say("provision_ca", path=result.ca_file))
    print(
        say(
            "provision_address",
            host=result.broker_host,
            port=result.broker_port,
            tls=say("provision_tls_on" if result.tls else "provision_tls_off"),
        )
    )
    if result.broker_host == PLACEHOLDER_HOST:
        print(say("provision_placeholder", path=result.config))
    reload_key = {
        "reloaded": "provision_reloaded",
        "not-running": "provision_reload_not_running",
        "skipped": "provision_reload_manual",
        "no-systemd": "provision_reload_manual",
        "not-system": "provision_reload_manual",
    }.get(result.reload)
    if reload_key:
        print(say(reload_key, folder=result.broker))
    else:
        print(say("provision_reload_failed", detail=result.reload))
    print(say("provision_next", path=result.config))
    return EXIT_OK


COMMAND_ORDER = 50  # place of these commands in 'village --help' (village.cli)


def register(registry: Any) -> None:
    """Add ``village provision device ID`` to the ``village`` command."""
    parser = registry.command(
        "provision", cmd_provision_device, "set up a new device of the commune (on the hub)"
    )
    actions = parser.add_subparsers(dest="provision_kind", metavar="KIND", required=True)
    device = actions.add_parser(
        "device",
        help="credentials, ACL entry and a configuration file for a new Pi",
        description="Register a device with the hub and the broker and write the "
        "configuration file to copy onto it.",
    )
    device.set_defaults(handler=cmd_provision_device)
    device.add_argument("device", metavar="ID", help="the device's id, e.g. pi-02")
    device.add_argument("--name", default="", help="human name of the place it serves")
    device.add_argument(
        "--out",
        default=".",
        metavar="DIR",
        help="where to write ID/village.toml (default: the current folder)",
    )
    device.add_argument(
        "--broker",
        default=str(DEFAULT_BROKER_DIR),
        metavar="DIR",
        help=f"the broker folder 'village broker config' wrote (default {DEFAULT_BROKER_DIR})",
    )
    device.add_argument(
        "--data", dest="hub_data", metavar="DIR", help="hub folder (default: [hub] data)"
    )
    device.add_argument(
        "--public-host", default="", help="name or address devices reach the broker by"
    )
    device.add_argument(
        "--new-password", action="store_true", help="give this device a new password"
    )
    device.add_argument(
        "--renew-missing",
        action="store_true",
        help="accept new passwords for devices whose credentials were deleted",
    )
    device.add_argument(
        "--no-reload", action="store_true", help="do not ask Mosquitto to re-read its files"
    )
