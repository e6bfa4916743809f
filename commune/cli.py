"""Subcommands of the commune hub: ``broker``, ``hub`` and the staff commands under it
(``hub push``, ``hub devices``, ``hub logs``, ``hub send``; ``hub report``, ``hub record`` from
``commune.report.command``), which also answer to their old flat names (``village logs`` …).

Staff commands work on the hub folder (``--data``, default ``[hub] data``) and never talk
MQTT themselves: the running daemon (``village hub``) sends what they record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import zoneinfo
from pathlib import Path
from typing import Any

from commune.catalogue import reason, say
from commune.hub_cli import (
    hub_data_option,
    hub_folder,
    human_bytes,
    local_time,
    open_hub,
    targets_option,
    waiting_options,
)
from village.cli import EXIT_FAILED, EXIT_NOT_RUNNING, EXIT_OK, Registry, parse_day, print_json
from village.config import Config

# --- broker ---------------------------------------------------------------------------------


def cmd_broker_config(args: argparse.Namespace, config: Config) -> int:
    from commune.broker import BrokerPlan, TlsFiles, hub_user, write_broker_config

    tls = None
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            from commune.errors import HubError

            raise HubError("--tls-cert and --tls-key go together")
        tls = TlsFiles(
            Path(args.tls_cert),
            Path(args.tls_key),
            Path(args.tls_ca) if args.tls_ca else None,
            args.require_client_cert,
        )
    plan = BrokerPlan(
        out=Path(args.out),
        commune=args.commune or config.device.commune,
        devices=tuple(args.device),
        host=args.host,
        port=args.port,
        public_host=args.public_host,
        tls=tls,
        run_as=args.user,
        rotate=args.rotate,
        hub_key=args.hub_key,
        legacy_media=args.legacy_media,
    )
    files = write_broker_config(plan)
    print(say("broker_written", commune=plan.commune, out=plan.out))
    print(
        say(
            "broker_users",
            hub=hub_user(plan.commune),
            count=len(plan.devices),
            devices=", ".join(plan.devices) or "—",
        )
    )
    if tls:
        print(say("broker_tls", port=plan.listen_port))
    else:
        print(say("broker_plain", host=plan.host))
    print(say("broker_credentials", folder=files.credentials))
    print(say("broker_run", config=files.config))
    return EXIT_OK


def cmd_ca_init(args: argparse.Namespace, config: Config) -> int:
    from commune.ca import make_ca

    cert = make_ca(Path(args.out), args.commune or config.device.commune, args.days)
    print(say("ca_made", cert=cert, key=cert.with_suffix(".key")))
    return EXIT_OK


def cmd_ca_server(args: argparse.Namespace, config: Config) -> int:
    from commune.ca import make_server_cert

    cert = make_server_cert(Path(args.out), args.host, args.ip, args.days, args.name)
    print(say("cert_made", cert=cert, key=cert.with_suffix(".key")))
    return EXIT_OK


def cmd_ca_client(args: argparse.Namespace, config: Config) -> int:
    from commune.ca import make_client_cert

    cert = make_client_cert(Path(args.out), args.name, args.days)
    print(say("cert_made", cert=cert, key=cert.with_suffix(".key")))
    return EXIT_OK


# --- hub ------------------------------------------------------------------------------------


def cmd_hub(args: argparse.Namespace, config: Config) -> int:
    from commune.daemon import run_hub

    return run_hub(config, open_hub(args, config))


def cmd_hub_init(args: argparse.Namespace, config: Config) -> int:
    from commune.hubdata import HubData

    folder = hub_folder(args, config)
    commune = args.commune or config.device.commune
    hub = HubData.init(folder, commune, list(args.device))
    print(say("hub_initialised", commune=commune, data=folder))
    print(say("hub_key"))
    print(say("hub_key_line", key=hub.public_key().text()))
    devices = hub.repository.device_ids()
    print(say("hub_devices", devices=", ".join(devices)) if devices else say("hub_no_devices"))
    return EXIT_OK


def cmd_hub_key(args: argparse.Namespace, config: Config) -> int:
    print(open_hub(args, config).public_key().text())
    return EXIT_OK


# --- push -----------------------------------------------------------------------------------


def _announce(result: Any) -> None:
    print(say("push_stored", version=result.version.version, items=", ".join(result.items)))
    if "*" in result.version.targets:
        if result.devices:
            print(say("push_all", count=len(result.devices)))
        else:
            print(say("push_none"))
    else:
        print(say("push_some", devices=", ".join(result.devices)))
    for warning in result.warnings:
        print(say("push_warning", warning=warning))


def follow_push(hub: Any, version: int, devices: list[str], timeout: float) -> int:
    """Print each device's progress until it has applied or refused ``version``."""
    from commune.progress import watch_push

    final: dict[str, str] = {}
    for progress in watch_push(hub, version, devices, timeout):
        if progress.state == "fetching":
            line = say(
                "progress_fetching",
                device=progress.device,
                percent=progress.percent,
                have=human_bytes(progress.have_bytes),
                total=human_bytes(progress.total_bytes),
            )
        elif progress.state == "refused":
            line = say(
                "progress_refused",
                device=progress.device,
                version=version,
                reason=reason(progress.code, progress.detail),
            )
        elif progress.state == "applied":
            line = say("progress_applied", device=progress.device, version=version)
        else:
            line = say(f"progress_{progress.state}", device=progress.device)
        print(line, flush=True)
        final[progress.device] = progress.state
    refused = [d for d, s in final.items() if s == "refused"]
    pending = [d for d, s in final.items() if s not in ("applied", "refused")]
    if refused:
        print(say("push_refused", count=len(refused), version=version))
        return EXIT_FAILED
    if pending:
        print(say("push_pending", count=len(pending)))
        return EXIT_NOT_RUNNING
    if devices:
        print(say("push_done", version=version))
    return EXIT_OK


def _after_push(args: argparse.Namespace, hub: Any, result: Any) -> int:
    _announce(result)
    if not hub.daemon_running():
        print(say("hub_not_running"), file=sys.stderr)
        return EXIT_NOT_RUNNING
    if args.no_wait or not result.devices:
        return EXIT_OK
    return follow_push(hub, result.version.version, result.devices, args.timeout)


def cmd_push_segment(args: argparse.Namespace, config: Config) -> int:
    from commune.push import push_segment

    hub = open_hub(args, config)
    result = push_segment(
        hub, args.file, args.title, segment_id=args.id, topic=args.topic, devices=args.device
    )
    return _after_push(args, hub, result)


def cmd_push_clip(args: argparse.Namespace, config: Config) -> int:
    from commune.push import push_clip

    hub = open_hub(args, config)
    result = push_clip(
        hub,
        args.file,
        args.title,
        clip_id=args.id,
        description=args.description,
        devices=args.device,
    )
    return _after_push(args, hub, result)


def cmd_push_plan(args: argparse.Namespace, config: Config) -> int:
    from commune.push import push_plans

    hub = open_hub(args, config)
    if args.dry_run:
        from commune.push import print_plan_preview

        return print_plan_preview(hub, args.file, config, devices=args.device)
    result = push_plans(hub, args.file, config.schedule.timezone, devices=args.device)
    return _after_push(args, hub, result)


def cmd_push_procedures(args: argparse.Namespace, config: Config) -> int:
    from commune.push import push_procedures
    from village.messages import say as core_say
    from village.procedures import ProcedureImportError
    from village.procedures.wording import problem_lines

    hub = open_hub(args, config)
    try:
        result, report = push_procedures(
            hub, args.file, devices=args.device, skip_bad_rows=args.skip_bad_rows
        )
    except ProcedureImportError as exc:  # in the words of 'village import procedures'
        print(core_say("import_rejected", file=args.file, count=len(exc.problems)), file=sys.stderr)
        for line in problem_lines(exc.problems, exc.record_word):
            print(line, file=sys.stderr)
        return exc.exit_code
    if report.skipped:
        rows = len({p.row for p in report.skipped})
        print(core_say("import_skipped", count=rows), file=sys.stderr)
        for line in problem_lines(report.skipped, report.record_word):
            print(line, file=sys.stderr)
    print(
        say(
            "procedures_report",
            added=len(report.added),
            amended=len(report.amended),
            status_changed=len(report.status_changed),
            unchanged=len(report.unchanged),
        )
    )
    return _after_push(args, hub, result)


# --- devices and logs -----------------------------------------------------------------------


def _sync_note(status: dict[str, Any]) -> str:
    sync = status.get("sync") or {}
    if sync.get("state") == "fetching":
        return " (" + say("sync_fetching", version=sync.get("version")) + ")"
    if sync.get("state") == "refused":
        why = reason(sync.get("code", ""))
        return " (" + say("sync_refused", version=sync.get("version"), reason=why) + ")"
    return ""


def _refused_note(counts: dict[str, int]) -> str:
    """What the hub refused a device (see commune.refusals), for staff."""
    from commune.report.fmt import vn_int

    if not counts:
        return ""
    what = ", ".join(say(f"refused_{kind}", count=vn_int(n)) for kind, n in sorted(counts.items()))
    return " " + say("devices_refused", what=what)


def cmd_devices(args: argparse.Namespace, config: Config) -> int:
    hub = open_hub(args, config)
    rows = hub.repository.devices()
    refused: dict[str, dict[str, int]] = {}
    for entry in hub.repository.refusals():
        refused.setdefault(entry.device, {})[entry.kind] = entry.count
    if args.json:
        print_json(
            [
                {
                    "device": r.device,
                    "online": r.online,
                    "last_seen": r.last_seen,
                    "registered_at": r.registered_at,
                    **{k: v for k, v in r.status.items() if k not in ("type", "device", "online")},
                    "refused": refused.get(r.device, {}),
                }
                for r in rows
            ]
        )
        return EXIT_OK
    if not rows:
        print(say("devices_none"))
        return EXIT_OK
    zone = zoneinfo.ZoneInfo(config.schedule.timezone)
    print(say("devices_header"))
    for row in rows:
        s = row.status
        last = s.get("last_broadcast") or {}
        broadcast = say("unknown")
        if last:
            outcome = say(f"outcome_{last.get('outcome', 'missed')}")
            broadcast = (
                f"{local_time(last.get('planned_start'), zone)} {outcome} «{last.get('title', '')}»"
            )
        clock = s.get("clock_synchronized")
        print(
            f"{row.device:<16} "
            f"{say('online') if row.online else say('offline'):<12} "
            f"{local_time(row.last_seen, zone):<20} "
            f"{s.get('content_version') or say('unknown')!s:<13} "
            f"{say('relay_on') if s.get('relay') else say('relay_off'):<6} "
            f"{human_bytes(s.get('disk_free_bytes')):<10} "
            f"{say('unknown') if clock is None else say('clock_ok' if clock else 'clock_bad'):<13} "
            f"{broadcast}{_sync_note(s)}{_refused_note(refused.get(row.device, {}))}"
        )
    return EXIT_OK


def cmd_logs(args: argparse.Namespace, config: Config) -> int:
    from village.cli import local_day_bounds

    hub = open_hub(args, config)
    since = None
    if args.since:
        begin = local_day_bounds(args.since, args.since, config.schedule.timezone)[0]
        since = begin.astimezone(dt.UTC).isoformat()
    stream = "journal" if args.journal else "playlog"
    records = hub.repository.records(
        stream=stream, device=args.device, since=since, limit=args.limit or None
    )
    if args.json:
        print_json(records)
        return EXIT_OK
    if not records:
        print(say("logs_none"))
        return EXIT_OK
    zone = zoneinfo.ZoneInfo(config.schedule.timezone)
    if args.journal:
        print(say("journal_header"))
        for r in records:
            detail = {k: v for k, v in r.items() if k not in ("id", "device", "at", "kind")}
            print(
                f"{r.get('device', ''):<16} {local_time(r.get('at'), zone):<20} "
                f"{r.get('kind', ''):<12} {json.dumps(detail, ensure_ascii=False)[:100]}"
            )
        return EXIT_OK
    print(say("logs_header"))
    for r in records:
        relay = (
            f"{local_time(r.get('relay_on'), zone, '%H:%M:%S')} → "
            f"{local_time(r.get('relay_off'), zone, '%H:%M:%S')}"
        )
        outcome = say(f"outcome_{r.get('outcome', 'missed')}")
        line = (
            f"{r.get('device', ''):<16} {local_time(r.get('planned_start'), zone):<20} "
            f"{outcome:<14} {relay:<20} {r.get('title', '')}"
        )
        print(line + (f" — {r['reason']}" if r.get("reason") else ""))
    return EXIT_OK


# --- send -----------------------------------------------------------------------------------


def cmd_send(args: argparse.Namespace, config: Config) -> int:
    from commune.desired import devices_of
    from commune.progress import watch_commands
    from commune.push import queue_command, resolve_targets

    hub = open_hub(args, config)
    kind = args.send_kind
    action = "stop" if kind == "stop" else "play-now"
    priority = "emergency" if kind == "emergency" else getattr(args, "priority", "ordinary")
    ttl = args.ttl or config.hub.command_ttl_s
    commands = queue_command(
        hub,
        action,
        devices=args.device,
        segments=getattr(args, "segments", []) or [],
        priority=priority,
        title=getattr(args, "title", "") or "",
        ttl_s=ttl,
    )
    targets = resolve_targets(hub, args.device)
    devices = devices_of(hub.repository, targets)
    zone = zoneinfo.ZoneInfo(config.schedule.timezone)
    print(
        say(
            "send_queued",
            action=say(f"action_{kind}"),
            priority=say(f"priority_{priority}"),
            target=say("whole_commune") if "*" in targets else ", ".join(devices),
            expires=local_time(commands[0].expires_at.isoformat(), zone, "%H:%M:%S"),
        )
    )
    if not hub.daemon_running():
        print(say("hub_not_running"), file=sys.stderr)
        return EXIT_NOT_RUNNING
    failed = 0
    for device, reply, outcome in watch_commands(hub, commands, devices, min(ttl, args.timeout)):
        if reply is None:
            key = {"offline": "send_offline", "expired": "send_expired"}.get(
                outcome, "send_no_reply"
            )
            print(say(key, device=device))
            failed += 1
        elif reply.ok:
            detail = say("send_stopped" if action == "stop" else "send_started")
            if reply.code == "idle":
                detail = say("send_idle")
            print(say("send_ok", device=device, detail=detail))
        else:
            print(say("send_refused", device=device, reason=reason(reply.code, reply.detail)))
            failed += 1
    return EXIT_FAILED if failed else EXIT_OK


# --- registration ---------------------------------------------------------------------------


COMMAND_ORDER = 40  # place of these commands in 'village --help' (village.cli)


def register(registry: Registry) -> None:
    """``village broker``, ``village hub`` and its staff commands, ``village site``.

    The staff commands live under ``village hub`` (``hub push``, ``hub devices``, ``hub logs``,
    ``hub send``, ``hub report``, ``hub record``), so the hub's logs are never mistaken for a
    device's ``village log``; their old flat names (``village logs`` …) still work, unlisted.
    """
    from commune.report.command import register as register_report
    from commune.site.cli import register as register_site

    _register_broker(registry)
    hub_sub = _register_hub(registry)
    grouped = registry.group("hub", hub_sub)
    for target in (grouped, registry.aliases()):
        register_staff_commands(target)
        register_report(target)
    for name, parser in hub_sub.choices.items():
        if grouped.owners.get(f"hub {name}"):
            parser.set_defaults(default_verbosity=0)  # only the daemon logs at INFO by default
    register_site(registry)


def _register_broker(registry: Registry) -> None:
    broker = registry.command("broker", cmd_broker_config, "Mosquitto configuration and TLS")
    broker_sub = broker.add_subparsers(dest="broker_command", metavar="ACTION", required=True)
    conf = broker_sub.add_parser("config", help="write a broker configuration for a commune")
    conf.set_defaults(handler=cmd_broker_config)
    conf.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    conf.add_argument("--commune", help="commune id (default: [device] commune)")
    conf.add_argument(
        "--device", action="append", default=[], metavar="ID", help="a device (repeat)"
    )
    conf.add_argument("--host", default="127.0.0.1", help="address to listen on")
    conf.add_argument("--port", type=int, help="port (default 1883, or 8883 with TLS)")
    conf.add_argument("--public-host", default="", help="name devices reach the broker by")
    conf.add_argument("--tls-cert", help="server certificate (from 'broker ca server')")
    conf.add_argument("--tls-key", help="server key")
    conf.add_argument("--tls-ca", help="the commune CA certificate (for devices)")
    conf.add_argument("--require-client-cert", action="store_true")
    conf.add_argument("--user", default="mosquitto", help="user the broker runs as")
    conf.add_argument("--rotate", action="store_true", help="new passwords for every user")
    conf.add_argument("--hub-key", default="", help="hub public key for the device snippets")
    conf.add_argument(
        "--legacy-media",
        action="store_true",
        help="also let devices read the commune's shared media topic (while upgrading)",
    )

    ca = broker_sub.add_parser("ca", help="make a CA and certificates for the commune")
    ca_sub = ca.add_subparsers(dest="ca_command", metavar="STEP", required=True)
    ca_init = ca_sub.add_parser("init", help="make the commune's CA")
    ca_init.set_defaults(handler=cmd_ca_init)
    ca_init.add_argument("--out", required=True, metavar="DIR")
    ca_init.add_argument("--commune")
    ca_init.add_argument("--days", type=int, default=3650)
    ca_server = ca_sub.add_parser("server", help="make the broker's certificate")
    ca_server.set_defaults(handler=cmd_ca_server)
    ca_server.add_argument("--out", required=True, metavar="DIR", help="the CA's folder")
    ca_server.add_argument("--host", action="append", default=[], help="host name (repeat)")
    ca_server.add_argument("--ip", action="append", default=[], help="IP address (repeat)")
    ca_server.add_argument("--days", type=int, default=825)
    ca_server.add_argument(
        "--name", default="server", help="file name: server (the broker's) or console"
    )
    ca_client = ca_sub.add_parser("client", help="make a client certificate")
    ca_client.set_defaults(handler=cmd_ca_client)
    ca_client.add_argument("--out", required=True, metavar="DIR", help="the CA's folder")
    ca_client.add_argument("--name", required=True)
    ca_client.add_argument("--days", type=int, default=825)


def _register_hub(registry: Registry) -> argparse._SubParsersAction:
    hub = registry.command(
        "hub",
        cmd_hub,
        "run the commune hub (or: hub init, key, user, push, devices, logs, send, report …)",
    )
    hub.set_defaults(default_verbosity=1)
    hub_data_option(hub)
    hub_sub = hub.add_subparsers(dest="hub_command", metavar="ACTION")
    init = hub_sub.add_parser("init", help="create the hub's store and signing key")
    init.set_defaults(handler=cmd_hub_init)
    hub_data_option(init)
    init.add_argument("--commune", help="commune id (default: [device] commune)")
    init.add_argument(
        "--device", action="append", default=[], metavar="ID", help="a device (repeat)"
    )
    key = hub_sub.add_parser("key", help="print the public key devices are provisioned with")
    key.set_defaults(handler=cmd_hub_key)
    hub_data_option(key)
    from commune.console.cli import register_user_commands

    register_user_commands(hub_sub, hub_data_option)
    return hub_sub


def register_staff_commands(registry: Registry) -> None:
    """``push``, ``devices``, ``logs`` and ``send`` (under ``village hub``, or flat)."""
    push = registry.command("push", cmd_push_segment, "send content to the commune's devices")
    push_sub = push.add_subparsers(dest="push_kind", metavar="KIND", required=True)
    seg = push_sub.add_parser("segment", help="an audio segment for broadcast")
    seg.set_defaults(handler=cmd_push_segment)
    seg.add_argument("file")
    seg.add_argument("--title", required=True)
    seg.add_argument("--id", help="segment id (default: from the file name)")
    seg.add_argument("--topic", default="")
    clip = push_sub.add_parser("clip", help="a video clip for the kiosk")
    clip.set_defaults(handler=cmd_push_clip)
    clip.add_argument("file")
    clip.add_argument("--title", required=True)
    clip.add_argument("--id", help="clip id (default: from the file name)")
    clip.add_argument("--description", default="")
    plan = push_sub.add_parser("plan", help="broadcast plans from an .ics calendar")
    plan.set_defaults(handler=cmd_push_plan)
    plan.add_argument("file")
    plan.add_argument("--dry-run", action="store_true", help="show what would change, push nothing")
    procedures = push_sub.add_parser("procedures", help="procedures (CSV, XLSX or JSON)")
    procedures.set_defaults(handler=cmd_push_procedures)
    procedures.add_argument("file")
    procedures.add_argument("--skip-bad-rows", action="store_true")
    for parser in (seg, clip, plan, procedures):
        hub_data_option(parser)
        targets_option(parser)
        waiting_options(parser)

    devices = registry.command("devices", cmd_devices, "the commune's devices and their state")
    devices.add_argument("--json", action="store_true")
    hub_data_option(devices)

    logs = registry.command("logs", cmd_logs, "play logs (or kiosk journal) the hub received")
    logs.add_argument("--device", metavar="ID")
    logs.add_argument("--since", type=parse_day, metavar="YYYY-MM-DD")
    logs.add_argument("--journal", action="store_true", help="the kiosk journal instead")
    logs.add_argument("--limit", type=int, default=0, help="only the last N records")
    logs.add_argument("--json", action="store_true")
    hub_data_option(logs)

    send = registry.command("send", cmd_send, "an immediate broadcast or a stop, from the hub")
    send_sub = send.add_subparsers(dest="send_kind", metavar="COMMAND", required=True)
    play = send_sub.add_parser("play-now", help="broadcast segments now (plan rules apply)")
    play.add_argument("segments", nargs="*", metavar="SEGMENT")
    play.add_argument("--priority", default="ordinary", choices=["ordinary", "priority"])
    play.add_argument("--title", default="")
    emergency = send_sub.add_parser(
        "emergency", help="emergency broadcast: interrupts, ignores quiet hours"
    )
    emergency.add_argument("segments", nargs="+", metavar="SEGMENT")
    emergency.add_argument("--title", default="")
    stop = send_sub.add_parser("stop", help="stop the broadcast on air")
    for parser in (play, emergency, stop):
        parser.set_defaults(handler=cmd_send)
        hub_data_option(parser)
        targets_option(parser)
        parser.add_argument("--ttl", type=int, default=0, help="seconds the command stays valid")
        parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait")
