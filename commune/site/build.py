"""Building the public site: every page rendered from one read of the content.

Pages (paths from the site's root; links between them are relative, so the folder works
as it is from any sub-folder of a web server and from ``file://``):

    index.html                    fields with counts, what is new or amended, search
    linh-vuc/<field>.html         a field's procedures (-2, -3… when a field is large)
    thu-tuc/<code>.html           one procedure (village.site_links: stable, from the code)
    cai-cach-hanh-chinh.html      outreach: schedule summary, segments, conferences, clips
    lich-phat-thanh.html          the year's broadcast schedule
    tim-kiem.html                 the search page (without JavaScript: the field list)
    assets/                       site.css, print.css, search.js, search-index.js
    am-thanh/, video/             segments compressed for phones, the kiosk's clips
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from commune.catalogue import MESSAGES, say
from commune.site.audio import Rendition, renditions
from commune.site.model import FieldEntry, FieldPage, SiteModel
from commune.site.qr import QrCache
from commune.site.schedule import YearSchedule, year_schedule
from commune.site.search_index import build_index, index_inputs
from commune.site.source import SiteContent
from commune.site.writer import SiteWriter
from village.plan import Policy
from village.procedures import Procedure
from village.search import Synonyms, shipped_synonyms_path
from village.site_links import procedure_url

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
PAGE_BUDGET = 150_000  # bytes of HTML a page may have (audio and images aside)
FRAMING_TOPICS = ("jingle", "announcement")  # segments that frame a broadcast, not talks
SEARCH_INDEX = "assets/search-index.js"

# (section, attribute, always shown), in the kiosk's order (kiosk/screens/procedure.py)
SECTIONS = (
    ("documents", "documents", True),
    ("submit_place", "submit_place", True),
    ("time_limit", "time_limit", True),
    ("fees", "fees", True),
    ("steps", "steps", False),
    ("channels", "channels", False),
    ("result", "result", False),
    ("subjects", "subjects", False),
    ("conditions", "conditions", False),
    ("agency", "agency", False),
    ("legal_basis", "legal_basis", False),
)


@dataclass(frozen=True)
class SiteOptions:
    office: str  # "UBND xã Tân Lập"
    policy: Policy
    year: int
    now: dt.datetime
    recent_count: int = 6
    base_url: str = ""
    cache_dir: Path | None = None
    audio: bool = True
    synonyms: Path | None = None  # the kiosk's synonyms file (default: the shipped one)


@dataclass
class BuildResult:
    out: Path
    pages: int
    written: int
    unchanged: int
    removed: int
    html_bytes: int
    procedures: int
    seconds: float
    page_sizes: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def vn_date(iso: str) -> str:
    """'2024-07-01' -> '01/07/2024'."""
    try:
        return dt.date.fromisoformat(str(iso)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(iso)


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def duration_text(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    if minutes:
        return say("site_minutes_seconds", minutes=minutes, seconds=rest)
    return say("site_seconds", seconds=rest)


def safe_link(url: str) -> str:
    """The address if a browser may follow it (http or https), else ''."""
    text = url.strip()
    return text if text.lower().startswith(("https://", "http://")) and " " not in text else ""


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, every value, attributes included
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(t=say, vn_date=vn_date, human_size=human_size)
    return env


@dataclass(frozen=True)
class Listened:
    title: str
    duration: str
    renditions: tuple[Rendition, ...]


@dataclass(frozen=True)
class ShownClip:
    title: str
    description: str
    name: str
    size: int
    width: int
    height: int
    duration: str


class SiteBuilder:
    def __init__(self, content: SiteContent, options: SiteOptions) -> None:
        self.content = content
        self.options = options
        self.model = SiteModel(content, options.recent_count)
        self.env = environment()
        cache = options.cache_dir
        self.qr = QrCache(cache / "qr.json" if cache else None)
        self.warnings: list[str] = []
        self._scratch_dir: tempfile.TemporaryDirectory[str] | None = None
        self.listened: list[Listened] = []  # filled by prepare_media
        self.shown_clips: list[ShownClip] = []
        self.common = {
            "office": options.office,
            "updated": vn_date(self._updated_day()),
            "year": options.year,
            "path_of": self.model.path_of,
        }

    def _updated_day(self) -> str:
        return self._local_day(self.content.updated)

    def _local_day(self, text: str) -> str:
        """The local day of a UTC time the store wrote (unreadable: the content's, or today)."""
        for candidate in (text, self.content.updated):
            try:
                when = dt.datetime.fromisoformat(candidate)
            except ValueError:
                continue
            return when.astimezone(self.options.policy.zone).date().isoformat()
        return self.options.now.date().isoformat()

    # -- rendering -------------------------------------------------------------------------

    def render(self, template: str, path: str, **values: Any) -> bytes:
        depth = path.count("/")
        context = {**self.common, "root": "../" * depth, "section": "", "description": ""}
        context.update(values)
        return self.env.get_template(template).render(context).encode("utf-8")

    def pages(self) -> dict[str, tuple[str, Callable[[], bytes]]]:
        """Every page by path: what it is made from ('' when it depends on everything) and
        how to render it. A procedure's page depends on that procedure alone, so a rebuild
        renders only those that changed."""
        model = self.model
        pages: dict[str, tuple[str, Callable[[], bytes]]] = {
            "index.html": ("", self.home),
            "tim-kiem.html": ("", self.search),
            "cai-cach-hanh-chinh.html": ("", self.reform),
            "lich-phat-thanh.html": ("", self.schedule_page),
        }
        for entry in model.fields:
            for page in entry.pages:
                pages[page.path] = ("", functools.partial(self.field_page, entry, page))
        for p in model.in_force:
            pages[model.path_of(p)] = (self.inputs_of(p), functools.partial(self.procedure, p))
        for p in model.gone:
            path = model.path_of(p)
            pages.setdefault(path, (self.inputs_of(p), functools.partial(self.gone, p)))
        return pages

    def inputs_of(self, p: Procedure) -> str:
        """A hash of everything a procedure's page is made from."""
        field = self.model.field(p.field)
        parts = [
            self.version,
            p.to_dict(),
            self.model.path_of(p),
            field.path if field and p.in_force else "",
            self.options.office,
            self.options.base_url,
        ]
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

    @functools.cached_property
    def version(self) -> str:
        """The templates, the stylesheets and the site's texts: a new version renders all."""
        digest = hashlib.sha256(Path(__file__).read_bytes())  # the sections' order, …
        for path in sorted([*TEMPLATES.rglob("*.html"), *STATIC.iterdir()]):
            digest.update(path.name.encode() + path.read_bytes())
        texts = {k: v for k, v in MESSAGES.items() if k.startswith("site_")}
        digest.update(json.dumps(texts, sort_keys=True).encode())
        return digest.hexdigest()

    def home(self) -> bytes:
        model = self.model
        return self.render(
            "home.html",
            "index.html",
            title=say("site_home_title"),
            section="home",
            description=say(
                "site_home_intro", count=len(model.in_force), office=self.options.office
            ),
            fields=model.fields,
            recent=model.recent,
            count=len(model.in_force),
        )

    def search(self) -> bytes:
        return self.render(
            "search.html", "tim-kiem.html", title=say("site_search_title"), fields=self.model.fields
        )

    def field_page(self, entry: FieldEntry, page: FieldPage) -> bytes:
        title = say("site_field_title", field=entry.name)
        if len(entry.pages) > 1:
            title += " – " + say("site_field_page", number=page.number, pages=len(entry.pages))
        return self.render(
            "field.html", page.path, title=title, field=entry, page=page, pages=entry.pages
        )

    def procedure(self, p: Procedure) -> bytes:
        path = self.model.path_of(p)
        online = safe_link(p.online_url)
        sections = [
            (key, getattr(p, attribute))
            for key, attribute, always in SECTIONS
            if always or getattr(p, attribute)
        ]
        structured: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "GovernmentService",
            "name": p.name,
            "identifier": p.code,
            "serviceType": p.field,
            "provider": {"@type": "GovernmentOrganization", "name": self.options.office},
        }
        if self.options.base_url:
            structured["url"] = procedure_url(self.options.base_url, p.code)
        return self.render(
            "procedure.html",
            path,
            updated=vn_date(self._local_day(p.updated)),
            title=p.name,
            description=say("site_procedure_description", name=p.name),
            p=p,
            field=self.model.field(p.field),
            meta=" · ".join(x for x in (p.field, p.level) if x),
            sections=sections,
            online_url=online,
            online_qr=self.qr.get(online) if online else None,
            structured=structured,
        )

    def gone(self, p: Procedure) -> bytes:
        return self.render(
            "gone.html",
            self.model.path_of(p),
            updated=vn_date(self._local_day(p.updated)),
            title=p.name,
            p=p,
        )

    def year_schedule(self) -> YearSchedule:
        if not hasattr(self, "_schedule"):
            durations = {s.id: s.duration_s for s in self.content.segments}
            self._schedule = year_schedule(
                self.content.plans,
                durations,
                self.options.policy,
                self.options.year,
                self.options.now,
            )
            for title in self._schedule.left_out:
                self.warnings.append(say("site_plan_left_out", title=title))
        return self._schedule

    def schedule_page(self) -> bytes:
        schedule = self.year_schedule()
        return self.render(
            "schedule.html",
            "lich-phat-thanh.html",
            title=say("site_schedule_title", year=schedule.year),
            section="schedule",
            schedule=schedule,
            quiet_hours=self.options.policy.quiet_hours.replace("-", "–"),
        )

    def reform(self) -> bytes:
        year = str(self.options.year)
        conferences = [c for c in self.content.conferences if c.day.startswith(year)]
        return self.render(
            "reform.html",
            "cai-cach-hanh-chinh.html",
            title=say("site_reform_title"),
            section="reform",
            schedule=self.year_schedule(),
            segments=self.listened,
            conferences=sorted(conferences, key=lambda c: c.day, reverse=True),
            clips=self.shown_clips,
        )

    # -- media -----------------------------------------------------------------------------

    def prepare_media(self, writer: SiteWriter) -> None:
        """Compress the talks for phones, copy the clips; both named by content hash."""
        self.listened, self.shown_clips = [], []
        cache = (self.options.cache_dir or self._scratch()) / "audio"
        talks = [s for s in self.content.segments if s.topic not in FRAMING_TOPICS]
        for segment in talks if self.options.audio else []:
            source = self.content.media_path(segment.sha256)
            made = renditions(source, segment.sha256, cache) if source else []
            if not made:
                self.warnings.append(say("site_segment_left_out", title=segment.title))
                continue
            for rendition in made:
                writer.place(f"am-thanh/{rendition.name}", cache / rendition.name, rendition.name)
            self.listened.append(
                Listened(segment.title, duration_text(segment.duration_s), tuple(made))
            )
        for clip in self.content.clips:
            source = self.content.media_path(clip.sha256)
            if source is None:
                self.warnings.append(say("site_clip_left_out", title=clip.title))
                continue
            name = f"{clip.sha256[:20]}.mp4"
            writer.place(f"video/{name}", source, name)
            self.shown_clips.append(
                ShownClip(
                    clip.title,
                    clip.description,
                    name,
                    clip.size,
                    clip.width or 640,
                    clip.height or 360,
                    duration_text(clip.duration_s),
                )
            )

    def _scratch(self) -> Path:
        """A folder for this build's audio when no cache was given (removed after it)."""
        if self._scratch_dir is None:
            self._scratch_dir = tempfile.TemporaryDirectory(prefix="village-site-")
        return Path(self._scratch_dir.name)

    # -- search ----------------------------------------------------------------------------

    def write_search_index(self, writer: SiteWriter) -> None:
        """``assets/search-index.js``, made again only when what it is made from changed."""
        synonyms = Synonyms.load(self.options.synonyms or shipped_synonyms_path())
        procedures = list(self.content.procedures.values())  # the kiosk's order
        inputs = index_inputs(procedures, synonyms, self.model.path_of)
        if not writer.reuse(SEARCH_INDEX, inputs):
            index = build_index(procedures, synonyms, self.model.path_of)
            writer.write(SEARCH_INDEX, index, inputs)

    # -- the whole site --------------------------------------------------------------------

    def build(self, out: Path) -> BuildResult:
        try:
            return self._build(out)
        finally:
            if self._scratch_dir is not None:
                self._scratch_dir.cleanup()
                self._scratch_dir = None

    def _build(self, out: Path) -> BuildResult:
        started = time.perf_counter()
        writer = SiteWriter(out)
        writer.open()
        for name in ("site.css", "print.css", "search.js"):
            writer.write(f"assets/{name}", (STATIC / name).read_bytes())
        self.write_search_index(writer)
        self.prepare_media(writer)
        self.qr.prefetch([safe_link(p.online_url) for p in self.model.in_force])
        html_bytes = 0
        page_sizes: dict[str, int] = {}
        for path, (inputs, render) in self.pages().items():
            if inputs and writer.reuse(path, inputs):
                size = writer.stats.sizes[path]
            else:
                data = render()
                writer.write(path, data, inputs)
                size = len(data)
            page_sizes[path] = size
            html_bytes += size
            if size > PAGE_BUDGET:
                self.warnings.append(say("site_page_large", path=path, size=human_size(size)))
        stats = writer.finish()
        self.qr.save(prune=True)
        return BuildResult(
            out=Path(out),
            pages=len(page_sizes),
            written=stats.written,
            unchanged=stats.unchanged,
            removed=stats.removed,
            html_bytes=html_bytes,
            procedures=len(self.model.in_force),
            seconds=time.perf_counter() - started,
            page_sizes=page_sizes,
            warnings=self.warnings,
        )


def build_site(content: SiteContent, options: SiteOptions, out: Path) -> BuildResult:
    return SiteBuilder(content, options).build(out)
