"""Subcommands of the controller: the daemon, and talking to it."""

from __future__ import annotations

import argparse
import logging
import sys

from village.cli import EXIT_NOT_RUNNING, EXIT_OK, Registry, print_json
from village.config import Config
from village.messages import say


def cmd_controller(args: argparse.Namespace, config: Config) -> int:
    from controller.daemon import run_controller

    return run_controller(config, relay_guard=args.relay_guard)


def cmd_play_now(args: argparse.Namespace, config: Config) -> int:
    from controller.control import send_command

    answer = send_command(
        config.control_socket,
        "play-now",
        segments=args.segments,
        priority=args.priority,
        timeout=40,
    )
    print(say("play_started", segments=", ".join(answer.get("segments", []))))
    return EXIT_OK


def cmd_stop(args: argparse.Namespace, config: Config) -> int:
    from controller.control import send_command

    answer = send_command(config.control_socket, "stop")
    print(say("stopped" if answer.get("stopped") else "nothing_to_stop"))
    return EXIT_OK


def cmd_status(args: argparse.Namespace, config: Config) -> int:
    from controller.control import send_command
    from controller.errors import ControlError

    try:
        status = send_command(config.control_socket, "status")
    except ControlError as exc:
        if args.json:
            print_json({"ok": False, "state": "not running", "error": str(exc)})
        else:
            print(say("not_running", detail=exc), file=sys.stderr)
        return EXIT_NOT_RUNNING
    if args.json:
        print_json(status)
        return EXIT_OK
    print(
        say(
            "status_line",
            state=status["state"],
            relay=say("on") if status["relay"] else say("off"),
            clock=say("clock_ok") if status["clock_synchronized"] else say("clock_bad"),
        )
    )
    if status.get("next_slot"):
        print(
            say(
                "status_next",
                start=status["next_slot"]["start"],
                title=status["next_slot"]["title"],
            )
        )
    if (status.get("schedule") or {}).get("state") == "computing":
        print(say("status_schedule_computing"))
    for plan in status.get("quarantined") or []:
        print(say("status_quarantined", **plan))
    last = status.get("last_broadcast")
    if last:
        print(
            say(
                "status_last",
                start=last.get("planned_start"),
                title=last.get("title"),
                outcome=say(f"outcome_{last.get('outcome', 'missed')}"),
            )
        )
    return EXIT_OK


def cmd_relay(args: argparse.Namespace, config: Config) -> int:
    if args.state == "guard":
        from controller.gpio.relay_guard import run_guard

        logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
        return run_guard(config)
    return relay_off(config, direct=args.direct)


def relay_off(config: Config, direct: bool = False) -> int:
    """Ask the relay guard (the pin's owner: off at once, whatever the controller is doing),
    then the controller (it also stops the broadcast), then drive the pin directly (only
    possible while neither holds it)."""
    from controller.control import send_command
    from controller.errors import ControlError, RelayError
    from controller.gpio.relay import guard_off
    from controller.gpio.relay_guard import guard_socket

    if direct:
        return _drive_pin_off(config)
    try:
        guard_off(guard_socket(config))
    except RelayError:
        guarded = False
    else:
        guarded = True
        print(say("relay_off_guard"))
    # The controller is told too, so it ends the broadcast; a frozen one does not answer
    # (the guard has already switched off): then its runtime state is corrected here.
    try:
        answer = send_command(config.control_socket, "relay-off", timeout=CONTROLLER_OFF_TIMEOUT_S)
    except ControlError:
        answered = False
    else:
        answered = bool(answer.get("confirmed", True))
    if answered:
        if not guarded:
            print(say("relay_off_daemon"))
        return EXIT_OK
    if guarded:
        _note_relay_off(config)
        return EXIT_OK
    return _drive_pin_off(config)


def _drive_pin_off(config: Config) -> int:
    from controller.gpio.relay import force_off
    from controller.gpio.relay_guard import ensure_pin_factory

    force_off(config.relay.pin, config.relay.active_high, ensure_pin_factory())
    print(say("relay_off_done", pin=config.relay.pin))
    _note_relay_off(config)
    return EXIT_OK


def _note_relay_off(config: Config) -> None:
    """The controller did not answer: its runtime state (read by status and the kiosk)
    must not go on saying the relay is on."""
    import datetime as dt
    import json

    from village.atomic import atomic_write_bytes

    path = config.control_socket.parent / "state.json"
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if isinstance(state, dict) and state.get("relay"):
        state.update(relay=False, on_air="", since=dt.datetime.now(dt.UTC).isoformat())
        atomic_write_bytes(path, json.dumps(state, ensure_ascii=False).encode(), durable=False)


CONTROLLER_OFF_TIMEOUT_S = 5.0  # a controller on air answers within a fade
COMMAND_ORDER = 10  # place of these commands in 'village --help' (village.cli)


def register(registry: Registry) -> None:
    daemon = registry.command("controller", cmd_controller, "run the broadcast controller daemon")
    daemon.set_defaults(default_verbosity=1)
    daemon.add_argument(
        "--relay-guard",
        choices=["auto", "process", "in-process"],
        default="auto",
        help="who drives the relay: the relay guard process (as on the Pi), this process, "
        "or the guard if one runs (default)",
    )
    play = registry.command("play-now", cmd_play_now, "broadcast now (default: next slot's)")
    play.add_argument("segments", nargs="*", metavar="SEGMENT")
    play.add_argument(
        "--priority", default="ordinary", choices=["ordinary", "priority", "emergency"]
    )
    registry.command("stop", cmd_stop, "stop the broadcast on air")
    status = registry.command("status", cmd_status, "show the controller's state")
    status.add_argument("--json", action="store_true")
    relay = registry.command(
        "relay", cmd_relay, "switch the amplifier relay off, or run its guard (the pin's owner)"
    )
    relay.add_argument("state", choices=["off", "guard"])
    relay.add_argument(
        "--direct", action="store_true", help="off: drive the pin, asking no daemon first"
    )
