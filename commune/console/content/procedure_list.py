"""The commune's procedures for the Procedures page: all of them, or those a search finds.

A search of the procedures in force goes through the kiosk's own engine
(``village.search``), so staff find what citizens find; procedures no longer in force
(abolished, replaced), which the kiosk does not show, are matched on their code and
name without accents. The engine is built once per revision of the library.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from village.procedures import Procedure, procedures_of
from village.search import SearchEngine, Synonyms, synonyms_path
from village.store import ContentStore
from village.text import fold

SHOWN = 200
MAX_QUERY = 200


@dataclass(frozen=True)
class Listing:
    procedures: list[Procedure]
    total: int  # how many matched (only the first SHOWN are listed)
    query: str


@functools.lru_cache(maxsize=2)
def _synonyms(path: str) -> Synonyms:
    return Synonyms.load(path)


class _Engines:
    """The last engine built, by library folder and revision."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: dict[Path, tuple[int, SearchEngine]] = {}

    def engine(
        self, library: Path, revision: int, procedures: list[Procedure], synonyms: str
    ) -> SearchEngine:
        with self._lock:
            held = self._built.get(library)
            if held is not None and held[0] == revision:
                return held[1]
            engine = SearchEngine(procedures, _synonyms(synonyms))
            self._built = {library: (revision, engine)}  # one library per hub process
            return engine


ENGINES = _Engines()


def _ordered(procedures: list[Procedure]) -> list[Procedure]:
    return sorted(procedures, key=lambda p: (fold(p.field), fold(p.name), p.code))


def list_procedures(store: ContentStore, query: str, synonyms_file: str = "") -> Listing:
    snapshot = store.snapshot()
    procedures = procedures_of(snapshot.procedures)
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        every = _ordered(list(procedures.values()))
        return Listing(every[:SHOWN], len(every), "")
    engine = ENGINES.engine(
        store.data_dir,
        snapshot.revision,
        list(procedures.values()),
        str(synonyms_path(synonyms_file)),
    )
    found = [procedures[hit.code] for hit in engine.search(query, limit=SHOWN)]
    folded = fold(query)
    found += _ordered(
        [
            p
            for p in procedures.values()
            if not p.in_force and (folded in fold(p.name) or folded in fold(p.code))
        ]
    )
    return Listing(found[:SHOWN], len(found), query)
