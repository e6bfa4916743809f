"""The house's structure: commands and configuration sections come from the apps through entry
points, one name once; the hub's staff commands live under ``village hub`` and keep their old
flat names; the core imports no app."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from tests.conftest import REPO, run_village
from village.cli import CommandConflict, build_parser, command_entry_points, main
from village.config import SECTIONS, SectionRegistry, parse_config, render_config
from village.errors import ConfigError

# --- test apps for the entry points (this module is importable as tests.test_layers) -------


def register_logs_again(registry) -> None:  # another app that also wants 'village logs'
    registry.command("logs", lambda args, config: 0, "someone else's logs")


def register_hub_logs_again(registry) -> None:  # and one that wants 'village hub logs'
    hub = registry.commands.choices["hub"]
    [subcommands] = [a for a in hub._actions if isinstance(a, argparse._SubParsersAction)]
    registry.group("hub", subcommands).command("logs", lambda a, c: 0, "someone else's hub logs")


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def _entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name, value, "village.commands")


# --- commands --------------------------------------------------------------------------------


def test_every_app_registers_its_commands_through_the_entry_point_group() -> None:
    names = {entry.name for entry in command_entry_points()}
    assert {"controller", "demo", "kiosk", "commune", "provision"} <= names
    parser = build_parser()
    commands = _subcommands(parser)
    for command in ("controller", "kiosk", "search", "hub", "broker", "site", "demo", "provision"):
        assert command in commands


def test_a_command_name_claimed_twice_is_refused_with_both_apps_named() -> None:
    entries = [*command_entry_points(), _entry("other", "tests.test_layers:register_logs_again")]
    with pytest.raises(CommandConflict) as caught:
        build_parser(entries)
    message = str(caught.value)
    assert "village logs" in message and "commune" in message and "other" in message
    entries = [
        *command_entry_points(),
        _entry("other", "tests.test_layers:register_hub_logs_again"),
    ]
    with pytest.raises(CommandConflict, match="village hub logs"):
        build_parser(entries)


def test_the_cli_says_the_conflict_in_words(monkeypatch, capsys) -> None:
    entries = [*command_entry_points(), _entry("other", "tests.test_layers:register_logs_again")]
    monkeypatch.setattr("village.cli.command_entry_points", lambda: entries)
    assert main(["--help"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: lệnh «village logs» được đăng ký hai lần (commune và other)")


def test_an_app_that_is_not_installed_adds_nothing() -> None:
    entries = [
        *command_entry_points(),
        _entry("absent", "village_absent_app.cli:register"),
    ]
    parser = build_parser(entries)
    assert "kiosk" in _subcommands(parser)


def test_hub_commands_are_grouped_and_the_old_names_still_work(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    run_village("hub", "init", "--data", str(hub), "--commune", "xa-test", check=True)
    grouped = run_village("hub", "devices", "--json", "--data", str(hub), check=True)
    flat = run_village("devices", "--json", "--data", str(hub), check=True)
    assert grouped.stdout == flat.stdout
    grouped = run_village("hub", "--data", str(hub), "logs", "--json", check=True)
    flat = run_village("logs", "--data", str(hub), "--json", check=True)
    assert grouped.stdout == flat.stdout == "[]\n"
    help_text = run_village("--help", check=True).stdout
    listed = {line.split()[0] for line in help_text.splitlines() if line.startswith("    ")}
    assert "log" in listed and "hub" in listed  # the device's log, the hub's group
    assert not listed & {"logs", "devices", "push", "send", "report", "record"}
    hub_help = run_village("hub", "--help", check=True).stdout
    for command in ("init", "key", "push", "devices", "logs", "send", "report", "record"):
        assert f"    {command} " in hub_help


# --- configuration sections --------------------------------------------------------------------


def test_sections_come_from_the_apps_in_the_order_config_show_lists_them() -> None:
    assert list(SECTIONS) == [
        "device", "paths", "relay", "button", "led", "audio", "schedule", "mqtt",
        "kiosk", "site", "hub", "report", "console",
    ]  # fmt: skip
    assert SECTIONS["kiosk"].__module__ == "kiosk.settings"
    assert SECTIONS["audio"].__module__ == "controller.settings"
    assert SECTIONS["console"].__module__ == "commune.settings"
    text = render_config(parse_config({}))
    headers = [line for line in text.splitlines() if line.startswith("[")]
    assert headers == [f"[{name}]" for name in SECTIONS]


def test_a_section_registered_twice_by_two_classes_is_refused() -> None:
    registry = SectionRegistry()
    registry.add("device", SECTIONS["device"], order=1)
    registry.add("device", SECTIONS["device"], order=1)  # the same class again is harmless
    with pytest.raises(ValueError, match=r"\[device\] registered twice"):
        registry.add("device", SECTIONS["kiosk"], order=1)


def test_an_overnight_opening_range_is_refused_by_the_one_grammar() -> None:
    from kiosk.hours import HoursError, OpeningHours

    with pytest.raises(HoursError):
        OpeningHours.parse("T2-T6 22:00-06:00")
    with pytest.raises(ConfigError) as caught:
        parse_config({"kiosk": {"opening_hours": "T2-T6 22:00-06:00"}})
    [(key, message)] = caught.value.problems
    assert key == "kiosk.opening_hours" and "giờ đóng cửa sau giờ mở cửa" in message
    parse_config({"kiosk": {"opening_hours": "T2-T6 06:00-22:00"}})  # the same hours by day


def test_the_core_imports_no_app() -> None:
    code = (
        "import sys\n"
        "import village.cli, village.config, village.messages\n"
        "from village.config import parse_config\n"
        "parse_config({})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('kiosk', 'controller', 'commune', 'demo') and not m.endswith('settings') "
        "and not m.endswith('catalogue') and m not in ('kiosk', 'controller', 'commune', "
        "'kiosk.hours', 'kiosk.errors')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    ).stdout
    assert out.strip() == "[]"  # only the apps' settings (and what they check with) load
