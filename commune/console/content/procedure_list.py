"""The commune's procedures for the Procedures page: all of them, or those a search finds.

A search of the procedures in force goes through the kiosk's own engine
(``village.search``), so staff find what citizens find; procedures no longer in force
(abolished, replaced), which the kiosk does not show, are matched on their code and
name without accents. The engine is built once per revision of the library and dropped
after ten minutes without a search.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from village.procedures import Procedure, procedures_of
from village.store import ContentStore
from village.text import fold

if TYPE_CHECKING:  # the engine (NumPy, ~15 MB) loads at the first search, not at the hub's start
    from village.search import SearchEngine, Synonyms

SHOWN = 200
MAX_QUERY = 200
IDLE_S = 600.0


@dataclass(frozen=True)
class Listing:
    procedures: list[Procedure]
    total: int  # how many matched (only the first SHOWN are listed)
    query: str


@functools.lru_cache(maxsize=2)
def _synonyms(path: str) -> Synonyms:
    from village.search import Synonyms

    return Synonyms.load(path)


class _Engines:
    """The last engine built, by library folder and revision; dropped after ``IDLE_S``
    without a search (an index of 5,000 procedures holds some 60 MB)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._built: dict[Path, tuple[int, SearchEngine]] = {}
        self._used = 0.0

    def forget_idle(self) -> None:
        with self._lock:
            if self._built and self._clock() - self._used > IDLE_S:
                self._built = {}

    def engine(
        self, library: Path, revision: int, procedures: list[Procedure], synonyms: str
    ) -> SearchEngine:
        with self._lock:
            self._used = self._clock()
            held = self._built.get(library)
            if held is not None and held[0] == revision:
                return held[1]
            self._built = {}  # the old index goes before the new one is built
            from village.search import SearchEngine

            engine = SearchEngine(procedures, _synonyms(synonyms))
            self._built = {library: (revision, engine)}  # one library per hub process
            return engine


ENGINES = _Engines()


def _ordered(procedures: list[Procedure]) -> list[Procedure]:
    return sorted(procedures, key=lambda p: (fold(p.field), fold(p.name), p.code))


def list_procedures(store: ContentStore, query: str, synonyms_file: str = "") -> Listing:
    ENGINES.forget_idle()
    snapshot = store.snapshot()
    procedures = procedures_of(snapshot.procedures)
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        every = _ordered(list(procedures.values()))
        return Listing(every[:SHOWN], len(every), "")
    from village.search import synonyms_path

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
