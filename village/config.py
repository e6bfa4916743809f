"""Configuration: one TOML file checked against a declared schema.

Each section is a frozen dataclass whose fields carry their default, a help text, a
``secret`` flag (masked by ``village config show``) and an optional check. Every number has a
declared range (``between``), and inf or nan is never a number here. Text keys are free text
(``text=FREE``: normalised to NFC, invisible characters removed) or plain (an invisible or
control character refuses them; secrets are left as they are). Loading collects every
problem in the file (unknown keys, wrong types, failed checks) and raises one ``ConfigError``
listing them all; a file too big or nested too deep for a configuration is refused whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import re
import tomllib
import types
import typing
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from village.errors import ConfigError
from village.text import clean_text, describe_char, first_invisible

DEFAULT_CONFIG_PATH = Path("/etc/village/village.toml")
DEFAULT_DATA_DIR = "/var/lib/village"
DEFAULT_HUB_DIR = "/var/lib/village-hub"
MASK = "********"
MAX_CONFIG_BYTES = 1 << 20  # a real configuration is a few kilobytes
FREE = "free"  # text=FREE: a name or sentence, cleaned (NFC, no invisible characters)
PLAIN = "plain"  # a name the machine reads (path, host, id): invisible characters refused

Check = Callable[[Any], str | None]


def setting(
    default: Any,
    help: str,
    *,
    secret: bool = False,
    check: Check | None = None,
    text: str = PLAIN,
) -> Any:
    """Declare one configuration key."""
    meta = {"help": help, "secret": secret, "check": check, "text": text}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=meta)
    return field(default=default, metadata=meta)


# --- checks -----------------------------------------------------------------------------


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Range:
    """The declared range of a numeric key, both ends included (an unset key passes)."""

    low: float
    high: float
    message: str = ""

    def __call__(self, value: float | None) -> str | None:
        if value is None or self.low <= value <= self.high:
            return None
        low, high = _number_text(self.low), _number_text(self.high)
        return self.message or f"phải trong khoảng {low} đến {high}"


def between(low: float, high: float) -> Range:
    return Range(low, high)


def at_least(low: float) -> Check:
    """A lower bound only (prefer ``between``: every number should have both ends)."""

    def check(value: float) -> str | None:
        return None if value >= low else f"phải từ {low} trở lên"

    return check


gpio_pin = Range(0, 27, "phải là số chân GPIO (đánh số BCM) từ 0 đến 27")


def one_of(*choices: str) -> Check:
    def check(value: str) -> str | None:
        return None if value in choices else f"phải là một trong: {', '.join(choices)}"

    return check


def time_zone(value: str) -> str | None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"múi giờ không tồn tại: {value!r}"
    return None


_HHMM_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def time_range(value: str) -> str | None:
    if value == "" or _HHMM_RANGE.match(value):
        return None
    return "phải có dạng 21:30-05:30 (giờ 24), hoặc để trống nếu không có"


def holiday_dates(values: list[str]) -> str | None:
    """Each entry is a date (YYYY-MM-DD) or a yearly date (MM-DD)."""
    bad = []
    for value in values:
        try:
            if len(value) == 5:
                dt.date.fromisoformat(f"2000-{value}")
            else:
                dt.date.fromisoformat(value)
        except ValueError:
            bad.append(value)
    return (
        f"không phải ngày (YYYY-MM-DD, hoặc MM-DD cho mọi năm): {', '.join(bad)}" if bad else None
    )


def base64_key(value: str) -> str | None:
    """Empty, or base64 of a 32-byte (Ed25519) public key."""
    if not value:
        return None
    import base64
    import binascii

    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return "phải là chuỗi base64 do lệnh 'village hub init' in ra"
    return None if len(raw) == 32 else "phải là khoá công khai Ed25519 32 byte, dạng base64"


def identifier(value: str) -> str | None:
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", value):
        return None
    return "phải gồm 1-63 ký tự a-z, 0-9, '-' hoặc '_', bắt đầu bằng chữ hoặc số"


# --- sections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceSettings:
    id: str = setting("pi-01", "This device's id (MQTT client id, log records)", check=identifier)
    name: str = setting("UBND xã", "Human name of the place the device serves", text=FREE)
    commune: str = setting("xa-mau", "Commune id this device belongs to", check=identifier)


@dataclass(frozen=True)
class PathSettings:
    data: str = setting(DEFAULT_DATA_DIR, "Folder for the content store, media and logs")
    control_socket: str = setting(
        "", "Unix socket of the controller's control channel (default DATA/run/control.sock)"
    )


@dataclass(frozen=True)
class RelaySettings:
    pin: int = setting(17, "BCM pin driving the amplifier relay", check=gpio_pin)
    active_high: bool = setting(False, "True if the relay closes on a high pin (most boards: low)")
    warmup_s: float = setting(
        3.0, "Seconds between relay on and the first audio", check=between(0, 60)
    )
    tail_s: float = setting(
        2.0, "Seconds between the last audio and relay off", check=between(0, 60)
    )
    max_on_minutes: float = setting(
        30.0,
        "The relay is forced off after this long, whatever happens (at least 3 s)",
        check=between(0.05, 180),
    )


@dataclass(frozen=True)
class ButtonSettings:
    pin: int | None = setting(
        None, "BCM pin of the manual start/stop button (unset: none)", check=gpio_pin
    )
    pull_up: bool = setting(True, "Button wired to ground with the internal pull-up")


@dataclass(frozen=True)
class LedSettings:
    pin: int | None = setting(None, "BCM pin of the status LED (unset: none)", check=gpio_pin)


@dataclass(frozen=True)
class AudioSettings:
    device: str = setting("", "Broadcast output device name as SDL lists it (empty: default)")
    driver: str = setting(
        "", "SDL audio driver to use when SDL_AUDIODRIVER is not set (empty: SDL's choice)"
    )
    frequency: int = setting(44100, "Mixer sample rate in Hz", check=between(8000, 96000))
    channels: int = setting(2, "Mixer channels (1 or 2)", check=between(1, 2))
    buffer: int = setting(2048, "Mixer buffer in samples (1024 or more)", check=between(512, 16384))
    target_lufs: float = setting(
        -18.0, "Loudness every segment is played at (LUFS)", check=between(-40, -5)
    )
    max_gain_db: float = setting(
        18.0, "Largest boost given to a quiet recording (dB)", check=between(0, 40)
    )
    fade_s: float = setting(3.0, "Fade-out when a slot's end cuts a segment", check=between(0, 60))


@dataclass(frozen=True)
class ScheduleSettings:
    timezone: str = setting(
        "Asia/Ho_Chi_Minh", "Time zone of plans and quiet hours", check=time_zone
    )
    late_grace_minutes: float = setting(
        10.0,
        "A slot may still start this late (shortened to its end)",
        check=between(0, 24 * 60),
    )
    quiet_hours: str = setting(
        "21:30-05:30", "No ordinary or priority broadcast in these hours", check=time_range
    )
    holidays: list[str] = setting(
        ["01-01", "04-30", "05-01", "09-02"],
        "Days with no ordinary broadcast: YYYY-MM-DD, or MM-DD for every year (add Tết and "
        "the Hùng Kings' day, which follow the lunar calendar, year by year)",
        check=holiday_dates,
    )
    clock_sync: str = setting(
        "kernel",
        "How to know the clock is right: 'kernel' (NTP status), or 'assume' (trust it)",
        check=one_of("kernel", "assume"),
    )


@dataclass(frozen=True)
class MqttSettings:
    host: str = setting("", "Broker host name (empty: no sync, the device works offline)")
    port: int = setting(1883, "Broker port (8883 with TLS)", check=between(1, 65535))
    username: str = setting("", "MQTT user name (default: the device id)")
    password: str = setting("", "MQTT password", secret=True)
    ca_file: str = setting("", "CA certificate for TLS (empty: no TLS)")
    cert_file: str = setting("", "Client certificate for TLS, if the broker asks for one")
    key_file: str = setting("", "Private key of the client certificate")
    keepalive_s: int = setting(60, "MQTT keep-alive in seconds", check=between(5, 3600))
    hub_key: str = setting(
        "",
        "The commune hub's public key (base64, printed by 'village hub init'); content and "
        "commands are accepted only when signed by it",
        check=base64_key,
    )
    session_expiry_h: float = setting(
        24.0,
        "How long the broker keeps this device's session and commands sent to it while it "
        "is offline (hours)",
        check=between(0, 24 * 30),
    )
    reconnect_max_s: float = setting(
        30.0, "Longest wait between two connection attempts (seconds)", check=between(0.5, 600)
    )
    max_manifest_kb: int = setting(
        512, "Largest content manifest accepted (KiB)", check=between(16, 1000)
    )
    disk_reserve_mb: int = setting(
        200,
        "Free disk space always kept: a content version that would leave less is refused (MB)",
        check=between(0, 10**9),
    )
    fetch_window: int = setting(
        16, "Media blocks requested ahead while downloading", check=between(1, 256)
    )
    log_batch: int = setting(
        500, "Log records sent to the hub in one message", check=between(1, 1000)
    )
    status_interval_s: float = setting(
        60.0, "Seconds between two status reports when nothing changes", check=between(1, 3600)
    )


@dataclass(frozen=True)
class HubSettings:
    data: str = setting(DEFAULT_HUB_DIR, "Folder of the hub's store, signing key and logs")
    block_kb: int = setting(
        256, "Size of the blocks media are served in (KiB)", check=between(4, 512)
    )
    rate_limit_kbps: int = setting(
        0,
        "Cap on the bandwidth media are served with (KiB/s; 0: none)",
        check=between(0, 10**7),
    )
    command_ttl_s: int = setting(
        300, "How long a command stays valid (seconds)", check=between(5, 86400)
    )
    log_quota_per_day: int = setting(
        200,
        "Play-log (and kiosk journal) records the hub stores per device and day of the "
        "record; more are kept on the device until the quota allows them",
        check=between(1, 1_000_000),
    )


_DAY = r"(?:t[2-7]|cn|mon|tue|wed|thu|fri|sat|sun)"
_HHMM = r"(?:[01]\d|2[0-3]):[0-5]\d"
_HOURS_RULE = (
    rf"{_DAY}(?:-{_DAY})?(?:,{_DAY}(?:-{_DAY})?)*\s+{_HHMM}-{_HHMM}(?:\s*,\s*{_HHMM}-{_HHMM})*"
)
_OPENING_HOURS = re.compile(rf"^\s*{_HOURS_RULE}(?:\s*;\s*{_HOURS_RULE})*\s*;?\s*$", re.IGNORECASE)


def opening_hours_rules(value: str) -> str | None:
    """Rules such as ``T2-T6 07:00-11:30,13:30-17:00; T7 07:00-11:30`` (kiosk.hours parses)."""
    if value.strip() == "" or _OPENING_HOURS.match(value):
        return None
    return (
        "phải có dạng 'T2-T6 07:00-17:00; T7 07:00-11:30' (ngày T2..T7, CN hoặc Mon..Sun), "
        "hoặc để trống nếu mở cửa cả ngày"
    )


def pin_digits(value: str) -> str | None:
    if value == "" or re.fullmatch(r"\d{4,8}", value):
        return None
    return "phải gồm 4 đến 8 chữ số, hoặc để trống để tắt bảng cán bộ"


def screen_size(value: str) -> str | None:
    if re.fullmatch(r"[1-9]\d{2,3}x[1-9]\d{2,3}", value):
        return None
    return "phải có dạng 1280x800"


@dataclass(frozen=True)
class KioskSettings:
    idle_return_s: float = setting(
        90.0,
        "Seconds without a touch before the kiosk returns to the home screen",
        check=between(1, 86400),
    )
    attract_after_s: float = setting(
        180.0,
        "Seconds without a touch before the attract loop starts (clips and slides)",
        check=between(1, 86400),
    )
    attract_slide_s: float = setting(
        8.0, "Seconds each slide of the attract loop stays on screen", check=between(1, 3600)
    )
    opening_hours: str = setting(
        "T2-T6 07:00-17:00; T7 07:00-11:30",
        "When the screen is lit: days (T2..T7, CN) and hours; the schedule's holidays are "
        "closed; empty: always",
        check=opening_hours_rules,
    )
    outside_hours: str = setting(
        "dim",
        "Outside opening hours the screen is 'dim' (dark, shows the hours), 'blank' (black) "
        "or 'on'; a touch wakes it until the next idle return",
        check=one_of("dim", "blank", "on"),
    )
    staff_pin: str = setting(
        "",
        "PIN of the staff panel (long press on the header); empty: staff panel disabled",
        secret=True,
        check=pin_digits,
    )
    shares_broadcast_output: bool = setting(
        True,
        "The kiosk's speakers share the broadcast output: mute clips while the relay is on",
    )
    fullscreen: bool = setting(True, "Full screen with no window decorations")
    window_size: str = setting(
        "1280x800", "Window size when not full screen (and of screenshots)", check=screen_size
    )
    text_scale_large: float = setting(
        1.3, "Text size factor of the 'larger text' toggle", check=between(1.0, 2.0)
    )
    synonyms_file: str = setting(
        "", "Citizens' words for procedures, editable by staff (empty: the shipped list)"
    )
    recent_count: int = setting(
        6,
        "How many newly published or amended procedures the home screen lists",
        check=between(0, 20),
    )
    journal_flush_s: float = setting(
        300.0,
        "Seconds between two checkpoints of the day's usage counts (a power cut loses at most "
        "this much; the journal gets one usage record a day)",
        check=between(5, 86400),
    )
    content_poll_s: float = setting(
        1.0,
        "Seconds between two checks of the content store for changes",
        check=between(0.2, 5),
    )


def web_address(value: str) -> str | None:
    if value == "" or re.fullmatch(r"https?://[^\s\"'<>]+", value):
        return None
    return "phải là địa chỉ bắt đầu bằng http:// hoặc https://, hoặc để trống"


@dataclass(frozen=True)
class SiteSettings:
    base_url: str = setting(
        "",
        "Address the public site ('village site build') is published at, e.g. "
        "'https://tanlap.gov.vn/thu-tuc/'; when set, the kiosk's and the notice board's QR "
        "codes open the procedure's page there (empty: the kiosk shows the online service)",
        check=web_address,
    )
    office: str = setting(
        "",
        "Name the public site and notice board show, e.g. 'UBND xã Tân Lập' (empty: from "
        "[report] commune_name, or [device] name)",
        text=FREE,
    )
    rebuild: bool = setting(True, "The hub rebuilds the public site whenever content changes")


@dataclass(frozen=True)
class ReportSettings:
    commune_name: str = setting(
        "",
        "The commune's name as written in reports, e.g. 'Tân Lập' (empty: left blank)",
        text=FREE,
    )
    place: str = setting(
        "",
        "Place name of the date line ('Tân Lập, ngày …'; empty: the commune's name)",
        text=FREE,
    )
    parent_body: str = setting(
        "",
        "Line above the issuing body in the header, e.g. 'UBND XÃ TÂN LẬP' (empty: none)",
        text=FREE,
    )
    issuing_body: str = setting(
        "",
        "Issuing body in the header, e.g. 'BỘ PHẬN VĂN HÓA - THÔNG TIN'; '\\n' breaks the line "
        "(empty: 'ỦY BAN NHÂN DÂN' and 'XÃ …' with the commune's name)",
        text=FREE,
    )
    number_suffix: str = setting(
        "BC-UBND", "Document code after the number: 'Số: …/BC-UBND'", text=FREE
    )
    subject: str = setting(
        "Kết quả tuyên truyền cải cách hành chính",
        "Subject line under 'BÁO CÁO'",
        text=FREE,
    )
    signer_authority: str = setting(
        "TM. ỦY BAN NHÂN DÂN",
        "Authority line of the signature block (empty: none)",
        text=FREE,
    )
    signer_title: str = setting("CHỦ TỊCH", "Title of the signer", text=FREE)
    signer_name: str = setting(
        "", "Name of the signer (empty: left blank to write by hand)", text=FREE
    )
    recipients: list[str] = setting(
        ["UBND huyện (để báo cáo)", "Phòng Văn hóa và Thông tin huyện", "Lưu: VT, VHTT"],
        "Recipients listed under 'Nơi nhận:' (the last is usually 'Lưu: VT, …')",
        text=FREE,
    )


@dataclass(frozen=True)
class ConsoleSettings:
    enabled: bool = setting(True, "Serve the staff web console from 'village hub'")
    host: str = setting(
        "127.0.0.1",
        "Address the console listens on; any address but loopback needs cert_file and key_file",
    )
    port: int = setting(8443, "Port of the console", check=between(1, 65535))
    cert_file: str = setting(
        "", "HTTPS certificate (from 'village broker ca server --name console'); empty: HTTP"
    )
    key_file: str = setting("", "Private key of the HTTPS certificate")
    idle_minutes: float = setting(
        30.0, "A session ends after this long without a request (minutes)", check=between(1, 1440)
    )
    upload_mb: int = setting(
        200, "Largest file staff may upload (MB); larger ones are refused", check=between(1, 4096)
    )
    offline_alert_minutes: float = setting(
        30.0,
        "Warn when a device has been offline this long (minutes)",
        check=between(1, 7 * 24 * 60),
    )
    tts_engine: str = setting(
        "espeak-ng", "Voice of 'text to segment' (commune.console.tts.ENGINES: espeak-ng)"
    )
    tts_voice: str = setting("vi", "The engine's voice (espeak-ng: vi, vi-vn-x-central, ...)")


SECTIONS: dict[str, type] = {
    "device": DeviceSettings,
    "paths": PathSettings,
    "relay": RelaySettings,
    "button": ButtonSettings,
    "led": LedSettings,
    "audio": AudioSettings,
    "schedule": ScheduleSettings,
    "mqtt": MqttSettings,
    "kiosk": KioskSettings,
    "site": SiteSettings,
    "hub": HubSettings,
    "report": ReportSettings,
    "console": ConsoleSettings,
}


@dataclass(frozen=True)
class Config:
    device: DeviceSettings
    paths: PathSettings
    relay: RelaySettings
    button: ButtonSettings
    led: LedSettings
    audio: AudioSettings
    schedule: ScheduleSettings
    mqtt: MqttSettings
    kiosk: KioskSettings
    site: SiteSettings
    hub: HubSettings
    report: ReportSettings
    console: ConsoleSettings
    source: str = "(defaults)"

    @property
    def data_dir(self) -> Path:
        return Path(self.paths.data)

    @property
    def control_socket(self) -> Path:
        if self.paths.control_socket:
            return Path(self.paths.control_socket)
        return self.data_dir / "run" / "control.sock"

    def replace(self, section: str, **values: Any) -> Config:
        """A copy with some keys of one section changed (values are not re-checked)."""
        current = getattr(self, section)
        return dataclasses.replace(self, **{section: dataclasses.replace(current, **values)})


# --- loading ----------------------------------------------------------------------------


def _type_problem(expected: Any, value: Any) -> str | None:
    """Return a message when ``value`` does not fit the annotation ``expected``."""
    origin = typing.get_origin(expected)
    if origin in (types.UnionType, typing.Union):
        options = [t for t in typing.get_args(expected) if t is not type(None)]
        return _type_problem(options[0], value)
    if origin is list:
        (item,) = typing.get_args(expected)
        if not isinstance(value, list):
            return "phải là một danh sách"
        for element in value:
            problem = _type_problem(item, element)
            if problem:
                return f"mọi phần tử {problem}"
        return None
    if expected is bool:
        return None if isinstance(value, bool) else "phải là true hoặc false"
    if expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "phải là số nguyên"
    if expected is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and not math.isfinite(value):
            return "phải là một số hữu hạn (không được là inf hay nan)"
        return None if ok else "phải là một số"
    if expected is str:
        return None if isinstance(value, str) else "phải là chuỗi (trong dấu ngoặc kép)"
    return None


def _text_value(meta: Any, value: Any) -> tuple[Any, str | None]:
    """Free text cleaned; plain text with an invisible or control character refused."""
    if meta.get("secret"):
        return value, None
    texts = value if isinstance(value, list) else [value]
    if not all(isinstance(t, str) for t in texts):
        return value, None
    if meta.get("text") == FREE:
        cleaned = [clean_text(t) for t in texts]
        return (cleaned if isinstance(value, list) else cleaned[0]), None
    for text in texts:
        hidden = first_invisible(text)
        if hidden:
            return value, f"chứa ký tự vô hình hoặc ký tự điều khiển {describe_char(hidden)}"
    return value, None


def _build_section(name: str, cls: type, raw: dict[str, Any], problems: list) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            problems.append((f"{name}.{key}", "khoá không có trong cấu hình"))
            continue
        problem = _type_problem(hints[key], value)
        if problem is None:
            if hints[key] is float and isinstance(value, int):
                value = float(value)
            value, problem = _text_value(known[key].metadata, value)
        if problem is None:
            check = known[key].metadata.get("check")
            problem = check(value) if check else None
        if problem:
            problems.append((f"{name}.{key}", problem))
        else:
            values[key] = value
    return cls(**values)


def parse_config(raw: dict[str, Any], source: str = "(defaults)") -> Config:
    """Build a Config from parsed TOML, listing every problem at once."""
    problems: list[tuple[str, str]] = []
    sections: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in SECTIONS:
            problems.append((name, "mục không có trong cấu hình"))
        elif not isinstance(value, dict):
            problems.append((name, "phải là một mục [tên_mục]"))
    for name, cls in SECTIONS.items():
        table = raw.get(name, {})
        sections[name] = _build_section(
            name, cls, table if isinstance(table, dict) else {}, problems
        )
    if problems:
        raise ConfigError(problems, source)
    return Config(**sections, source=source)


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; too big, not UTF-8, bad syntax or nested too deep: a ConfigError."""

    def refuse(key: str, message: str) -> ConfigError:
        return ConfigError([(key, message)], str(path))

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise refuse("(file)", f"không đọc được: {exc.strerror}") from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise refuse("(file)", f"tệp lớn hơn {MAX_CONFIG_BYTES >> 20} MB: không phải tệp cấu hình")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse("(file)", "không phải văn bản UTF-8") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise refuse("(syntax)", str(exc)) from exc
    except RecursionError as exc:  # tomllib parses nested arrays and tables recursively
        raise refuse("(syntax)", "mảng hoặc bảng lồng nhau quá sâu") from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise refuse("(syntax)", "có số nguyên dài hơn 4.300 chữ số") from exc


def load_config(path: str | os.PathLike | None = None, data_dir: str | None = None) -> Config:
    """Load the configuration.

    With no ``path``, ``$VILLAGE_CONFIG`` or the default ``/etc/village/village.toml`` is used
    when it exists, and the shipped defaults otherwise. ``data_dir`` overrides ``paths.data``.
    """
    explicit = path is not None or "VILLAGE_CONFIG" in os.environ
    chosen = Path(path or os.environ.get("VILLAGE_CONFIG") or DEFAULT_CONFIG_PATH)
    if chosen.exists() or explicit:
        config = parse_config(_read_toml(chosen), str(chosen))
    else:
        config = parse_config({})
    if data_dir:
        config = config.replace("paths", data=str(Path(data_dir).resolve()))
    return config


# --- showing ----------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def render_config(config: Config, *, mask_secrets: bool = True, with_help: bool = True) -> str:
    """The effective configuration as TOML; secrets are masked unless asked otherwise."""
    lines = [f"# effective configuration (source: {config.source})"]
    for name in SECTIONS:
        section = getattr(config, name)
        lines.append("")
        lines.append(f"[{name}]")
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            if with_help:
                lines.append(f"# {f.metadata['help']}")
            if value is None:
                lines.append(f"# {f.name} = (unset)")
                continue
            if f.metadata.get("secret") and mask_secrets and value:
                lines.append(f'{f.name} = "{MASK}"')
                continue
            lines.append(f"{f.name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
