"""The procedure search shared by the kiosk, ``village search``, the hub's console and the
public site: one engine, one synonyms file format."""

from village.search.engine import MAX_RESULTS, SearchEngine, SearchHit
from village.search.index import edits1, words
from village.search.synonyms import (
    PhraseMatch,
    SynonymRule,
    Synonyms,
    shipped_synonyms_path,
    synonyms_path,
)

__all__ = [
    "MAX_RESULTS",
    "PhraseMatch",
    "SearchEngine",
    "SearchHit",
    "SynonymRule",
    "Synonyms",
    "edits1",
    "shipped_synonyms_path",
    "synonyms_path",
    "words",
]
