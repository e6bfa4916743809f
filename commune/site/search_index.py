"""The search index the public site ships: ``assets/search-index.js``.

It is made from the Python engine itself (``village.search.export``): the engine is built
on the procedures in force, in the order the kiosk builds it, with the kiosk's synonyms
file, and its structures are written out, so ``assets/search.js`` (a port of the engine's
algorithm) answers from the same words, weights, phrases and constants.

A script that assigns one global, not JSON for ``fetch`` (refused on ``file://``). Lists of
procedure numbers are written compactly: as the gaps between ascending numbers, each a
variable-length number in the 64 characters ``A–Z a–z 0–9 - _`` (5 bits a character, low
bits first; the characters from ``g`` on say that more follow). A word's postings fold
where it weighs most into the gap (``gap × 3 + class``: 0 name, 1 field, 2 body); its
weights follow from that and its document frequency (how many postings it has).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from commune.catalogue import say
from village.procedures import Procedure
from village.search import SearchEngine, Synonyms
from village.search.export import IndexTables, Posting, index_tables
from village.site_links import PROCEDURE_DIR

FORMAT = 1
GLOBAL = "VILLAGE_SEARCH_INDEX"
DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
HERE = Path(__file__).resolve()
ENGINE = HERE.parents[2] / "village" / "search"  # the engine's code: its answers

# what the results say, from the site's catalogue (the kiosk's words)
TEXT_KEYS = {
    "found": "site_search_found",
    "none": "site_search_none",
    "noneHelp": "site_search_none_help",
    "partial": "site_search_partial",
    "onlyPartial": "site_search_only_partial",
    "code": "site_code",
}


def varints(values: Iterable[int]) -> str:
    out: list[str] = []
    for value in values:
        while value >= 32:
            out.append(DIGITS[32 + (value & 31)])
            value >>= 5
        out.append(DIGITS[value])
    return "".join(out)


def gaps(docs: Sequence[int]) -> list[int]:
    """Ascending numbers as the gaps between them, less one (the first counted from -1)."""
    previous = -1
    found = []
    for doc in docs:
        found.append(doc - previous - 1)
        previous = doc
    return found


def posting_text(posting: Posting) -> str:
    return varints(g * 3 + c for g, c in zip(gaps(posting.docs), posting.classes, strict=True))


Rule = tuple[list[str], list[list[str]], int]  # phrase, procedure wordings, line


def grouped_rules(rules: list[Rule]) -> list[list[Any]]:
    """The synonyms' rules as the file writes them: the phrases of one line, which share its
    procedure wordings, together (``[[phrase, …], wordings, line]``), in the rules' order."""
    groups: list[tuple[list[list[str]], list[list[str]], int]] = []
    for phrase, targets, line in rules:
        if groups and groups[-1][1:] == (targets, line):
            groups[-1][0].append(phrase)
        else:
            groups.append(([phrase], targets, line))
    return [list(group) for group in groups]


def texts() -> dict[str, str]:
    """The catalogue's texts with their fields left for the script: '{count} thủ tục'."""
    fields = {"count": "{count}", "query": "{query}", "code": "{code}"}
    return {name: say(key, **fields) for name, key in TEXT_KEYS.items()}


def default_path(code: str) -> str:
    """The page the script assumes when the index names none (``search.js`` writes it so)."""
    return f"{PROCEDURE_DIR}/{code.lower()}.html"


def index_data(
    tables: IndexTables, docs: list[Procedure], path_of: Callable[[Procedure], str]
) -> dict[str, Any]:
    """The index as one JSON-ready dict."""
    fields = sorted({p.field for p in docs})
    field_number = {name: n for n, name in enumerate(fields)}
    term_number = {term: n for n, term in enumerate(tables.terms)}
    paths = {}
    for n, p in enumerate(docs):
        path = path_of(p)
        if not p.code.isascii() or path != default_path(p.code):
            paths[str(n)] = path
    return {
        "format": FORMAT,
        "size": tables.size,
        "constants": tables.constants,
        "fold": tables.fold,
        "stopwords": tables.stopwords,
        "modifierMarkers": tables.modifier_markers,
        "synonyms": grouped_rules(tables.synonyms),
        "terms": tables.terms,
        "postings": [posting_text(p) for p in tables.postings],
        "vocabularyExtra": tables.vocabulary_extra,
        "namePairs": [
            [term_number[a], term_number[b], varints(gaps(d))] for a, b, d in tables.name_pairs
        ],
        "neighboursExtra": [list(pair) for pair in tables.neighbours_extra],
        "nameLengths": tables.name_lengths,
        "docs": {
            "codes": [p.code for p in docs],
            "names": [p.name for p in docs],
            "fieldNames": fields,
            "fields": [field_number[p.field] for p in docs],
            "paths": paths,
        },
        "texts": texts(),
    }


def index_script(data: dict[str, Any]) -> bytes:
    """``window.VILLAGE_SEARCH_INDEX = {…};`` in UTF-8 with a byte-order mark, so a server
    that names no character set cannot make the names unreadable."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return (f"\ufeffwindow.{GLOBAL}={body};\n").encode()


def search_engine(procedures: Iterable[Procedure], synonyms: Synonyms) -> SearchEngine:
    """The engine the kiosk would build on these procedures (it keeps those in force)."""
    return SearchEngine(procedures, synonyms)


def build_index(
    procedures: Iterable[Procedure], synonyms: Synonyms, path_of: Callable[[Procedure], str]
) -> bytes:
    """``assets/search-index.js`` for these procedures (all of them; those in force are
    indexed, in the given order, as the kiosk indexes them)."""
    engine = search_engine(procedures, synonyms)
    return index_script(index_data(index_tables(engine), engine.docs, path_of))


def index_inputs(
    procedures: Iterable[Procedure], synonyms: Synonyms, path_of: Callable[[Procedure], str]
) -> str:
    """A hash of what the index is made from (it is made again only when this changes): the
    engine's code and this module, the texts, the synonyms' rules, the procedures in force."""
    digest = hashlib.sha256(HERE.read_bytes())
    for source in sorted(ENGINE.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    rules = [(r.phrase, r.targets, r.line) for r in synonyms.rules]
    digest.update(json.dumps([texts(), rules], ensure_ascii=False).encode())
    for p in procedures:
        if p.in_force:
            record = json.dumps([p.code, p.name, p.field, path_of(p), p.to_dict()], sort_keys=True)
            digest.update(record.encode())
    return digest.hexdigest()
