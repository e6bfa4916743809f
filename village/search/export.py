"""The engine's index as plain tables, for a port of the engine that runs elsewhere (the
public site's search in the browser): the structures ``SearchEngine`` built, read as they
are, so the port answers from the same words, weights and rules and cannot drift from it.

Reading only: nothing here changes how the Python engine searches.

What a port needs and gets:

- ``fold``: the character table ``village.text.fold`` applies before lower-casing;
- ``terms`` and ``postings``: every indexed word, sorted, and for each the procedures it
  occurs in with where it weighs most (name, field or body); the weights are those classes
  times the word's rarity, which depends on its document frequency (the postings' length);
- ``vocabulary_extra``: the words of the citizens' phrases that no procedure holds (the
  vocabulary a query is read against is the terms and these);
- ``name_pairs``: which procedures have two words side by side in their name;
  ``neighbours_extra``: the other pairs of words seen side by side (in the synonyms file);
- ``name_lengths``: each name's number of distinct words that are not stop words;
- ``synonyms``: the rules (citizens' phrase, procedure wordings, line), in file order;
- ``constants``: every tuning constant of the engine, by the name it has in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from village.search import codes, engine, index, query, typing
from village.search.engine import SearchEngine
from village.text import _FOLD  # the table fold() applies: the port applies the same

NAME, FIELD, BODY = 0, 1, 2  # where a word weighs most in a procedure
CLASS_WEIGHTS = (index.NAME_WEIGHT, index.FIELD_WEIGHT, index.BODY_WEIGHT)


class ExportError(ValueError):
    """The index does not have the shape the port expects (a change to the engine)."""


@dataclass(frozen=True)
class Posting:
    docs: list[int]  # procedure numbers, ascending
    classes: list[int]  # NAME, FIELD or BODY for each


@dataclass(frozen=True)
class IndexTables:
    size: int
    codes: list[str]
    terms: list[str]
    postings: list[Posting]  # one per term, in the order of ``terms``
    vocabulary_extra: list[str]
    name_pairs: list[tuple[str, str, list[int]]]
    neighbours_extra: list[tuple[str, str]]
    name_lengths: list[int]
    synonyms: list[tuple[list[str], list[list[str]], int]]
    stopwords: list[str]
    modifier_markers: list[str]
    fold: dict[str, str]  # folded text -> the characters folded to it ('' for marks)
    constants: dict[str, object]


def fold_table() -> dict[str, str]:
    """``village.text``'s folding table grouped by what a character becomes."""
    grouped: dict[str, list[str]] = {}
    for codepoint, target in sorted(_FOLD.items()):
        grouped.setdefault(target or "", []).append(chr(codepoint))
    return {target: "".join(chars) for target, chars in grouped.items()}


def constants() -> dict[str, object]:
    return {
        "ROLE_FACTOR": dict(engine.ROLE_FACTOR),
        "COVERAGE_WEIGHT": engine.COVERAGE_WEIGHT,
        "PROXIMITY_WEIGHT": engine.PROXIMITY_WEIGHT,
        "SHORT_TYPO_LENGTH": engine.SHORT_TYPO_LENGTH,
        "PHRASE_HIT_SHARE": engine.PHRASE_HIT_SHARE,
        "FULL_SHARE": engine.FULL_SHARE,
        "STRONG_MATCH": engine.STRONG_MATCH,
        "BODY_HIT": engine.BODY_HIT,
        "MAX_RESULTS": engine.MAX_RESULTS,
        "RELATIVE_CUT": engine.RELATIVE_CUT,
        "MAX_QUERY_LENGTH": engine.MAX_QUERY_LENGTH,
        "CLASS_WEIGHTS": list(CLASS_WEIGHTS),
        "PREFIX_BASE": index.PREFIX_BASE,
        "TYPO_FACTOR": index.TYPO_FACTOR,
        "TYPO_MIN_LENGTH": index.TYPO_MIN_LENGTH,
        "TYPO_PREFIX_MIN": index.TYPO_PREFIX_MIN,
        "MAX_WORD_LENGTH": index.MAX_WORD_LENGTH,
        "ALPHABET": index.ALPHABET,
        "LITERAL_UNDER_PHRASE": query.LITERAL_UNDER_PHRASE,
        "SYNONYM_FACTOR": query.SYNONYM_FACTOR,
        "SYNONYM_RANK_STEP": query.SYNONYM_RANK_STEP,
        "TELEX_MARKS": [list(pair) for pair in typing._TELEX_MARKS],
        "SPLIT_MIN_PIECE": typing.SPLIT_MIN_PIECE,
        "SPLIT_MAX_PIECE": typing.SPLIT_MAX_PIECE,
        "SPLIT_MAX_WORD": typing.SPLIT_MAX_WORD,
        "SPLIT_MAX_CHOICES": typing.SPLIT_MAX_CHOICES,
        "CODE_SCORE": codes.CODE_SCORE,
    }


def _posting(term: str, postings: index.Postings, idf: float) -> Posting:
    """Which class each weight is: the engine stored ``float32(class weight × idf)``."""
    ids, weights, in_name = postings
    classes = np.full(len(ids), -1, dtype=np.int8)
    for kind in reversed(range(len(CLASS_WEIGHTS))):  # the first class that fits
        classes[weights == np.float32(CLASS_WEIGHTS[kind] * idf)] = kind
    if (classes < 0).any() or ((classes == NAME) != (in_name > 0)).any():
        raise ExportError(f"the weights of {term!r} are not class weights times its rarity")
    return Posting(ids.tolist(), classes.tolist())


def index_tables(search: SearchEngine) -> IndexTables:
    """Everything ``search`` answers from, as plain lists and dicts."""
    words = search.index
    terms = list(words.terms)
    postings = [_posting(t, words.postings[t], words.idf[t]) for t in terms]
    term_set = set(terms)
    name_pairs = sorted(
        (first, second, docs.tolist()) for (first, second), docs in words._name_pairs.items()
    )
    in_names = set(words._name_pairs)
    rules = search.synonyms.rules
    return IndexTables(
        size=search.size,
        codes=list(search.codes),
        terms=terms,
        postings=postings,
        vocabulary_extra=sorted(set(words._vocabulary) - term_set),
        name_pairs=name_pairs,
        neighbours_extra=sorted(words._neighbours - in_names),
        name_lengths=[int(n) for n in words.name_lengths.tolist()] if search.size else [],
        synonyms=[([*r.phrase], [[*t] for t in r.targets], r.line) for r in rules],
        stopwords=sorted(query.STOPWORDS),
        modifier_markers=sorted(query.MODIFIER_MARKERS),
        fold=fold_table(),
        constants=constants(),
    )
