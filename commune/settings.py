"""The hub's configuration sections: ``[site]``, ``[hub]``, ``[report]`` and ``[console]``.

Registered with the core's schema through the entry-point group ``village.config``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from commune.catalogue import say
from village.config import FREE, SectionRegistry, between, setting

DEFAULT_HUB_DIR = "/var/lib/village-hub"


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


def web_address(value: str) -> str | None:
    if value == "" or re.fullmatch(r"https?://[^\s\"'<>]+", value):
        return None
    return say("config_web_address")


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


def register(sections: SectionRegistry) -> None:
    sections.add("site", SiteSettings, order=100)
    sections.add("hub", HubSettings, order=110)
    sections.add("report", ReportSettings, order=120)
    sections.add("console", ConsoleSettings, order=130)
