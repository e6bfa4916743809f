"""``village broker config``: a Mosquitto configuration for one commune.

Writes into one folder: ``mosquitto.conf``, ``passwd`` (one user per device and one for the
hub), ``acl`` (each device confined to its own topics, read-only on the commune's), a
persistence folder ``data/``, TLS files under ``tls/`` when a certificate is given, and
``credentials/`` with a configuration snippet per device and for the hub (the only place the
plain passwords are written; copy each to its machine, then delete). Running it again keeps
the existing passwords unless asked to rotate them.
"""

from __future__ import annotations

import datetime as dt
import os
import pwd
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from commune.catalogue import say
from commune.errors import HubError
from commune.passwords import new_password, password_entry
from village.atomic import atomic_write_bytes
from village.wire import limits
from village.wire.topics import ID_RE, CommuneTopics

# Queue limits, chosen so that nothing of ours is ever dropped silently (docs/sync.md):
MAX_INFLIGHT = 100  # QoS 1 messages in flight per client (a device's log window is 4)
MAX_QUEUED = 10_000  # QoS 1 messages queued per client beyond those in flight
KEEPALIVE_MAX = 300


def hub_user(commune: str) -> str:
    return f"hub-{commune}"


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    ca: Path | None = None  # the commune CA, copied for devices (and for client certs)
    require_client_cert: bool = False


@dataclass(frozen=True)
class BrokerPlan:
    out: Path
    commune: str
    devices: tuple[str, ...]
    host: str = "127.0.0.1"  # address the broker listens on
    port: int | None = None  # default 1883, or 8883 with TLS
    public_host: str = ""  # name devices use to reach it (default: host)
    tls: TlsFiles | None = None
    run_as: str = "mosquitto"
    rotate: bool = False
    hub_key: str = ""  # hub public key to put in the device snippets
    message_limit: int = limits.BROKER_PAYLOAD
    # devices of before per-device media read blocks on the commune's shared topic: grant it
    # while some still run (docs/protocol.md, "Upgrading"); any device can read it then
    legacy_media: bool = False

    @property
    def listen_port(self) -> int:
        return self.port or (8883 if self.tls else 1883)


@dataclass
class BrokerFiles:
    config: Path
    passwords: Path
    acl: Path
    data: Path
    credentials: Path
    users: dict[str, str] = field(default_factory=dict)  # user -> plain password


def acl_text(commune: str, devices: tuple[str, ...], legacy_media: bool = False) -> str:
    topics = CommuneTopics(commune)
    lines = [
        f"# ACL for commune {commune}: the hub reads and writes everything of the commune;",
        "# a device reads what is addressed to it or to the commune (media blocks only on its",
        "# own topic) and writes only its own status, block requests, logs and replies.",
        "# Nothing else is allowed to anyone.",
        "",
        f"user {hub_user(commune)}",
        f"topic readwrite {topics.prefix}/#",
    ]
    shared = [f"topic read {topics.all_media}"] if legacy_media else []
    for device in devices:
        lines += [
            "",
            f"user {device}",
            f"topic read {topics.hub_status}",
            f"topic read {topics.commune_command}",
            f"topic read {topics.device_media_filter(device)}",
            *shared,
            *(f"topic read {topics.device(device, leaf)}" for leaf in ("manifest", "cmd", "ack")),
            *(
                f"topic write {topics.device(device, leaf)}"
                for leaf in ("status", "fetch", "log", "reply")
            ),
        ]
    return "\n".join(lines) + "\n"


def config_text(plan: BrokerPlan, files: BrokerFiles, tls_dir: Path | None) -> str:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = [
        f"# Mosquitto 2.0 configuration for commune {plan.commune}",
        f"# written by 'village broker config' at {now}; regenerate rather than edit.",
        "",
        "per_listener_settings false",
        "allow_anonymous false",
        f"password_file {files.passwords}",
        f"acl_file {files.acl}",
        f"user {plan.run_as}",
        "",
        "# retained manifests, sessions and queued commands survive a broker restart",
        "persistence true",
        f"persistence_location {files.data}/",
        "autosave_interval 30",
        "persistent_client_expiration 30d",
        "",
        "# Queues: QoS 1 traffic (manifests, commands, logs, acks, status) is never dropped",
        "# because every client keeps far fewer messages outstanding than these limits",
        "# (devices send at most 4 log batches before an ack; see docs/sync.md). Media",
        "# blocks are QoS 0: never queued for an offline client, re-requested if lost.",
        f"max_inflight_messages {MAX_INFLIGHT}",
        f"max_queued_messages {MAX_QUEUED}",
        "max_queued_bytes 0",
        "queue_qos0_messages false",
        f"message_size_limit {plan.message_limit}",
        f"max_keepalive {KEEPALIVE_MAX}",
        "set_tcp_nodelay true",
        "",
        f"listener {plan.listen_port} {plan.host}",
        "# a client is always its own user: no device can take over another's session",
        "use_username_as_clientid true",
    ]
    if plan.tls and tls_dir is not None:
        lines += [
            f"certfile {tls_dir / 'server.crt'}",
            f"keyfile {tls_dir / 'server.key'}",
            "tls_version tlsv1.2",
        ]
        if plan.tls.ca is not None:
            lines.append(f"cafile {tls_dir / 'ca.crt'}")
        if plan.tls.require_client_cert:
            lines.append("require_certificate true")
    lines += [
        "",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        "log_type notice",
        "log_type information",
        "connection_messages true",
        "log_timestamp_format %Y-%m-%dT%H:%M:%S",
    ]
    return "\n".join(lines) + "\n"


def _read_snippet_password(path: Path) -> str | None:
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "password":
                return value.strip().strip('"')
    except OSError:
        return None
    return None


def _snippet(section_lines: dict[str, list[str]]) -> str:
    out = []
    for section, lines in section_lines.items():
        out.append(f"[{section}]")
        out.extend(lines)
        out.append("")
    return "\n".join(out)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _chown(paths: list[Path], user: str) -> None:
    """Let the broker's user read its files (only possible, and needed, when run as root)."""
    if os.geteuid() != 0 or user == "root":
        return
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return
    for path in paths:
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _check_plan(plan: BrokerPlan) -> None:
    bad = [d for d in (plan.commune, *plan.devices) if not ID_RE.match(d)]
    if bad:
        raise HubError(say("broker_bad_ids", ids=", ".join(bad)))
    if len(set(plan.devices)) != len(plan.devices):
        raise HubError(say("broker_device_twice"))
    if hub_user(plan.commune) in plan.devices:
        raise HubError(say("broker_hub_user_as_device", user=hub_user(plan.commune)))


def write_broker_config(plan: BrokerPlan) -> BrokerFiles:
    """Write every file of the plan; returns where they are and the passwords used."""
    _check_plan(plan)
    out = plan.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    files = BrokerFiles(
        config=out / "mosquitto.conf",
        passwords=out / "passwd",
        acl=out / "acl",
        data=out / "data",
        credentials=out / "credentials",
    )
    files.data.mkdir(exist_ok=True)
    files.credentials.mkdir(exist_ok=True, mode=0o700)
    users = [hub_user(plan.commune), *plan.devices]
    for user in users:
        snippet = files.credentials / f"{user}.toml"
        kept = None if plan.rotate else _read_snippet_password(snippet)
        files.users[user] = kept or new_password()

    tls_dir, tls_owned = _copy_tls(plan, out, files)
    owned = [files.data, files.passwords, files.acl, *tls_owned]

    entries = "\n".join(password_entry(user, files.users[user]) for user in users) + "\n"
    atomic_write_bytes(files.passwords, entries.encode(), mode=0o600)
    acl = acl_text(plan.commune, plan.devices, plan.legacy_media)
    atomic_write_bytes(files.acl, acl.encode(), mode=0o640)
    atomic_write_bytes(files.config, config_text(plan, files, tls_dir).encode(), mode=0o644)
    _chown(owned, plan.run_as)
    _write_snippets(plan, files)
    return files


def _copy_tls(plan: BrokerPlan, out: Path, files: BrokerFiles) -> tuple[Path | None, list[Path]]:
    """The broker's certificate and key (and the commune CA) copied beside its configuration."""
    if not plan.tls:
        return None, []
    tls_dir = out / "tls"
    tls_dir.mkdir(exist_ok=True)
    for source, name in ((plan.tls.cert, "server.crt"), (plan.tls.key, "server.key")):
        if not Path(source).is_file():
            raise HubError(say("broker_tls_missing", file=source))
        shutil.copyfile(source, tls_dir / name)
    os.chmod(tls_dir / "server.key", 0o600)
    owned = [tls_dir, tls_dir / "server.crt", tls_dir / "server.key"]
    if plan.tls.ca is not None:
        shutil.copyfile(plan.tls.ca, tls_dir / "ca.crt")
        shutil.copyfile(plan.tls.ca, files.credentials / "ca.crt")
        owned.append(tls_dir / "ca.crt")
    return tls_dir, owned


def _write_snippets(plan: BrokerPlan, files: BrokerFiles) -> None:
    """credentials/USER.toml: the [device] and [mqtt] lines the hub and each device need."""
    host = plan.public_host or plan.host
    if host in ("0.0.0.0", "::"):
        host = "broker.example"  # listening everywhere: staff put the real name in
    common = [f"host = {_quote(host)}", f"port = {plan.listen_port}"]
    if plan.tls and plan.tls.ca is not None:
        common.append('ca_file = "/etc/village/ca.crt"  # copy credentials/ca.crt there')
    hub_name = hub_user(plan.commune)
    hub_snippet = _snippet(
        {
            "device": [f"commune = {_quote(plan.commune)}"],
            "mqtt": [
                *common,
                f"username = {_quote(hub_name)}",
                f"password = {_quote(files.users[hub_name])}",
            ],
        }
    )
    atomic_write_bytes(files.credentials / f"{hub_name}.toml", hub_snippet.encode(), mode=0o600)
    for device in plan.devices:
        mqtt = [
            *common,
            f"username = {_quote(device)}",
            f"password = {_quote(files.users[device])}",
        ]
        if plan.hub_key:
            mqtt.append(f"hub_key = {_quote(plan.hub_key)}")
        else:
            mqtt.append('# hub_key = "…"  (printed by village hub init)')
        text = _snippet(
            {
                "device": [f"id = {_quote(device)}", f"commune = {_quote(plan.commune)}"],
                "mqtt": mqtt,
            }
        )
        atomic_write_bytes(files.credentials / f"{device}.toml", text.encode(), mode=0o600)
