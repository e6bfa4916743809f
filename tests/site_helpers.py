"""Helpers for the public site's tests: a small content store filled the way staff fill it
(the real importers), a hostile procedure, and a site built from them."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from commune.site.build import BuildResult, SiteOptions, build_site
from commune.site.source import SiteContent, from_store
from tests.kiosk_helpers import FIXTURE_PROCEDURES, REPO
from village.plan import Policy
from village.store import ContentStore

ZONE = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2021, 3, 10, 9, 0, tzinfo=ZONE)
OFFICE = "UBND xã Thử Nghiệm"
SAMPLE_PLAN = REPO / "media" / "plans" / "ke-hoach-2021.ics"
SAMPLE_CLIP = REPO / "media" / "clips" / "bo-phan-mot-cua.mp4"
KHAI_SINH = "1.001193"  # amended, with an online service, in the fixture set

# A procedure whose every text field tries to become markup, script or a link.
HOSTILE_CODE = "9.999999"
HOSTILE_NAME = '<script>alert("ten")</script> Thủ tục "lạ" & <b>đậm</b>'
HOSTILE_FIELD = "<img src=x onerror=alert('linh-vuc')>Lĩnh vực lạ"
HOSTILE: dict[str, Any] = {
    "code": HOSTILE_CODE,
    "name": HOSTILE_NAME,
    "field": HOSTILE_FIELD,
    "documents": ['"><script>alert("ho-so")</script>', "Giấy </li></ul><h1>giả</h1>"],
    "time_limit": "</title><script>alert('han')</script>",
    "fees": "<style>body{display:none}</style>50.000 đồng",
    "steps": ["<a href='javascript:alert(1)'>bấm</a>"],
    "submit_place": "<iframe src=//example.com></iframe>Bộ phận một cửa",
    "status": "new",
    "effective_date": "2021-03-01",
}


def fixture_file(folder: Path, extra: list[dict[str, Any]] = ()) -> Path:  # type: ignore[assignment]
    path = folder / "thu-tuc.json"
    path.write_text(
        json.dumps([*FIXTURE_PROCEDURES, HOSTILE, *extra], ensure_ascii=False), encoding="utf-8"
    )
    return path


def fill(folder: Path, *, plan: bool = False, clip: bool = False) -> ContentStore:
    """A store with the fixture procedures and the hostile one (and the sample plan, a clip)."""
    from village.procedures import import_procedures

    store = ContentStore(folder / "store")
    import_procedures(store, fixture_file(folder))
    if plan:
        from village.library import import_plans

        import_plans(store, SAMPLE_PLAN, "Asia/Ho_Chi_Minh")
    if clip:
        from village.clips import import_clip

        import_clip(store, SAMPLE_CLIP, "Làm thủ tục tại Bộ phận Một cửa", clip_id="mot-cua")
    return store


def options(cache: Path | None, **changes: Any) -> SiteOptions:
    values: dict[str, Any] = {
        "office": OFFICE,
        "policy": Policy(holidays=("01-01", "04-30", "05-01", "09-02")),
        "year": 2021,
        "now": NOW,
        "cache_dir": cache,
    }
    values.update(changes)
    return SiteOptions(**values)


def build(store: ContentStore, out: Path, cache: Path | None = None, **changes: Any) -> BuildResult:
    return build_site(content(store), options(cache, **changes), out)


def content(store: ContentStore, conferences: list[dict[str, Any]] = ()) -> SiteContent:  # type: ignore[assignment]
    return from_store(store, conferences)


class Links(HTMLParser):
    """Every href/src of a page, and its ids."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def links_of(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html"))


def visible_text(html: str) -> str:
    """Rough text of a page (tags dropped), for checks that need no browser."""
    return re.sub(r"<[^>]+>", " ", html)
