"""What the site shows, arranged as the kiosk arranges it: fields in the kiosk's order with
their procedures in force, what is new or amended, and the pages each thing lives on.

The order of fields and of procedures, and what counts as "new or amended", follow the
kiosk's home and field screens (``kiosk/content.py``; a test keeps the two equal, since the
hub may not import the kiosk).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from commune.site.source import SiteContent
from village.library import slugify
from village.procedures import Procedure
from village.procedures.ordering import field_rank, sort_name
from village.site_links import procedure_path

FIELD_DIR = "linh-vuc"
PER_FIELD_PAGE = 250  # procedures listed on one page of a field (keeps a page small)
CHANGED = ("new", "amended")


@dataclass(frozen=True)
class FieldPage:
    """One page of a field's list (a large field spreads over several)."""

    number: int  # 1, 2, …
    path: str
    procedures: tuple[Procedure, ...]


@dataclass
class FieldEntry:
    name: str
    slug: str
    procedures: list[Procedure] = field(default_factory=list)
    pages: list[FieldPage] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.procedures)

    @property
    def path(self) -> str:
        return f"{FIELD_DIR}/{self.slug}.html"


def _page_path(slug: str, number: int) -> str:
    suffix = "" if number == 1 else f"-{number}"
    return f"{FIELD_DIR}/{slug}{suffix}.html"


class SiteModel:
    """The site's pages and what each lists."""

    def __init__(self, content: SiteContent, recent_count: int = 6) -> None:
        self.content = content
        in_force = [p for p in content.procedures.values() if p.in_force]
        self.in_force = sorted(in_force, key=lambda p: (sort_name(p.name), p.code))
        self.gone = sorted(
            (p for p in content.procedures.values() if not p.in_force), key=lambda p: p.code
        )
        self.fields = self._fields(self.in_force)
        self._field_of = {entry.name: entry for entry in self.fields}
        changed = [p for p in in_force if p.status in CHANGED]
        changed.sort(key=lambda p: (p.effective_date, p.updated, p.code), reverse=True)
        self.recent = changed[:recent_count]
        self.paths = self._procedure_paths()

    @staticmethod
    def _fields(in_force: list[Procedure]) -> list[FieldEntry]:
        by_name: dict[str, FieldEntry] = {}
        for p in in_force:
            by_name.setdefault(p.field, FieldEntry(p.field, "")).procedures.append(p)
        entries = sorted(by_name.values(), key=lambda e: field_rank(e.name))
        taken: set[str] = set()
        for entry in sorted(entries, key=lambda e: e.name):  # slug clashes: by name order
            base = slugify(entry.name) if entry.name.strip() else "khac"
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            entry.slug = slug
            entry.pages = [
                FieldPage(
                    number=i // PER_FIELD_PAGE + 1,
                    path=_page_path(slug, i // PER_FIELD_PAGE + 1),
                    procedures=tuple(entry.procedures[i : i + PER_FIELD_PAGE]),
                )
                for i in range(0, max(1, len(entry.procedures)), PER_FIELD_PAGE)
            ]
        return entries

    def _procedure_paths(self) -> dict[str, str]:
        """Every procedure's page; codes equal but for letter case: the later gets a suffix."""
        paths: dict[str, str] = {}
        taken: dict[str, str] = {}
        for code in sorted(self.content.procedures):
            path = procedure_path(code)
            if path in taken:
                digest = hashlib.sha1(code.encode()).hexdigest()[:8]
                path = path.removesuffix(".html") + f"~{digest}.html"
            taken[path] = code
            paths[code] = path
        return paths

    def field(self, name: str) -> FieldEntry | None:
        return self._field_of.get(name)

    def path_of(self, procedure: Procedure) -> str:
        return self.paths.get(procedure.code) or procedure_path(procedure.code)
