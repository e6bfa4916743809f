"""The word index of the procedures: which procedures each folded word occurs in, and how
much it weighs there (where it occurs, times its rarity); what a word being typed, or a word
with a typo, matches; and the vocabulary a query is read against.

Bounded whatever a procedure file holds: a word is indexed by its first ``MAX_WORD_LENGTH``
letters, so it adds at most that many prefixes.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import OrderedDict
from collections.abc import Iterator

import numpy as np

from village.procedures import Procedure, fold
from village.search.query import STOPWORDS, Vocabulary
from village.search.synonyms import Synonyms

# Weight of a word by where it occurs in a procedure.
NAME_WEIGHT = 1.0
FIELD_WEIGHT = 0.6
BODY_WEIGHT = 0.15
# How much a match counts by its kind.
PREFIX_BASE = 0.75
TYPO_FACTOR = 0.6
TYPO_MIN_LENGTH = 4
PREFIX_CACHE_SIZE = 4096  # longer prefixes kept, oldest dropped first
DENSE_CACHE_BYTES = 24 << 20  # recent query words as whole-corpus vectors
SHORT_PREFIX = 2  # prefixes this short are all worked out when the index is built
TYPO_PREFIX_MIN = 3  # typed prefixes this long or longer get typos forgiven
# A word is indexed and matched by its first MAX_WORD_LENGTH letters (the longest Vietnamese
# syllable has seven), so the index keeps at most MAX_WORD_LENGTH prefixes per word.
MAX_WORD_LENGTH = 32
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_WORD = re.compile(r"[a-z0-9]+")

Postings = tuple[np.ndarray, np.ndarray, np.ndarray]  # doc ids, weights, in-name flags
Dense = tuple[np.ndarray, np.ndarray, np.ndarray, float]  # weights, in-name, matched, best


def words(text: str) -> list[str]:
    """Folded words, each cut to ``MAX_WORD_LENGTH`` (without copying a long one whole)."""
    folded = fold(text)
    return [
        folded[m.start() : min(m.end(), m.start() + MAX_WORD_LENGTH)]
        for m in _WORD.finditer(folded)
    ]


def edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in ALPHABET if c != b[0]]
    inserts = [a + c + b for a, b in splits for c in ALPHABET]
    return set(deletes + transposes + replaces + inserts) - {word}


def body_text(p: Procedure) -> str:
    parts = [*p.steps, *p.documents, *p.channels, p.result, p.subjects, p.conditions]
    return " ".join([*parts, p.agency, p.level, p.submit_place])


def pairs_of(text: list[str]) -> Iterator[tuple[str, str]]:
    return zip(text, text[1:], strict=False)


class WordIndex:
    """Postings of every word of the procedures, and what a query word matches."""

    def __init__(self, docs: list[Procedure], synonyms: Synonyms) -> None:
        self.size = len(docs)
        self.postings: dict[str, Postings] = {}
        self.idf: dict[str, float] = {}
        self._build(docs)
        self.terms = sorted(self.postings)
        self.term_prefixes = {t[:i] for t in self.terms for i in range(TYPO_PREFIX_MIN, len(t) + 1)}
        self.unknown_weight = math.log(1.0 + self.size) * NAME_WEIGHT  # a word found nowhere
        names = [words(p.name) for p in docs]
        self.name_lengths = np.asarray(
            [max(1, len(set(n) - STOPWORDS)) for n in names] or [1], dtype=np.float32
        )
        self._name_pairs = _docs_by_pair(names)
        texts = names + [list(t) for r in synonyms.rules for t in (r.phrase, *r.targets)]
        self._neighbours = {pair for text in texts for pair in pairs_of(text)}
        self._vocabulary = sorted(set(self.postings) | synonyms.words)
        known = set(self._vocabulary)
        self.vocabulary = Vocabulary(known.__contains__, self._known_prefix, self._pair, self._near)
        self._prefix_cache: dict[str, Postings | None] = {}
        self._dense_cache: OrderedDict[tuple[str, bool], Dense] = OrderedDict()
        self._dense_limit = max(32, min(512, DENSE_CACHE_BYTES // (12 * max(1, self.size))))
        # what one to two letters typed match is worked out now, not at the first keystroke
        for prefix in sorted({t[:n] for t in self.terms for n in range(1, SHORT_PREFIX + 1)}):
            self._prefix(prefix)

    def _build(self, docs: list[Procedure]) -> None:
        per_term: dict[str, dict[int, tuple[float, bool]]] = {}

        def add(doc: int, text: str, weight: float, in_name: bool) -> None:
            for term in set(words(text)):
                slot = per_term.setdefault(term, {})
                old = slot.get(doc)
                if old is None or weight > old[0]:
                    slot[doc] = (weight, in_name or (old is not None and old[1]))
                elif in_name:
                    slot[doc] = (old[0], True)

        for doc, p in enumerate(docs):
            add(doc, p.name, NAME_WEIGHT, True)
            add(doc, p.field, FIELD_WEIGHT, False)
            add(doc, body_text(p), BODY_WEIGHT, False)
        for term, found in per_term.items():
            idf = math.log(1.0 + self.size / len(found))
            self.idf[term] = idf
            ids = np.fromiter(found.keys(), dtype=np.int32, count=len(found))
            weights = np.fromiter((w * idf for w, _ in found.values()), np.float32, len(found))
            names = np.fromiter((float(n) for _, n in found.values()), np.float32, len(found))
            self.postings[term] = (ids, weights, names)

    # -- the vocabulary a query is read against ----------------------------------------------

    def _known_prefix(self, prefix: str) -> bool:
        at = bisect.bisect_left(self._vocabulary, prefix)
        return at < len(self._vocabulary) and self._vocabulary[at].startswith(prefix)

    def _pair(self, first: str, second: str) -> bool:
        return (first, second) in self._neighbours

    def _near(self, word: str, typing: bool) -> bool:
        """A word of the index (or, being typed, the start of one) is one edit away."""
        if len(word) < TYPO_MIN_LENGTH:
            return False
        return any(self._is_word(e, typing) for e in edits1(word))

    def near_words(self, word: str, typing: bool) -> list[str]:
        """The index's words (or starts of words) one edit from ``word``."""
        return sorted(e for e in edits1(word) if len(e) >= 2 and self._is_word(e, typing))

    def _is_word(self, word: str, typing: bool) -> bool:
        return word in self.postings or (typing and word in self.term_prefixes)

    def pair_hits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """For each procedure, how many of ``pairs`` stand side by side in its name."""
        hits = np.zeros(self.size, dtype=np.float32)
        for pair in pairs:
            docs = self._name_pairs.get(pair)
            if docs is not None:
                hits[docs] += 1.0
        return hits

    # -- matching one word -------------------------------------------------------------------

    def _union(self, parts: list[tuple[Postings, float]]) -> Postings | None:
        """Union of (postings, factor) keeping each procedure's best weight."""
        if not parts:
            return None
        if len(parts) == 1 and parts[0][1] == 1.0:
            return parts[0][0]
        best = np.zeros(self.size, dtype=np.float32)
        in_name = np.zeros(self.size, dtype=np.float32)
        for (ids, weights, names), factor in parts:
            best[ids] = np.maximum(best[ids], weights * np.float32(factor))
            in_name[ids] = np.maximum(in_name[ids], names)
        ids = np.flatnonzero(best).astype(np.int32)
        return ids, best[ids], in_name[ids]

    def _prefix(self, prefix: str) -> Postings | None:
        """Every word starting with ``prefix``, weighted by how much of it is typed.

        The rarity that counts is the prefix's own (how many procedures have a word starting
        with it), not each completion's: otherwise "ho" would favour whichever procedure has
        the rarest word starting with "ho"."""
        if prefix in self._prefix_cache:
            return self._prefix_cache[prefix]
        parts = []
        start = bisect.bisect_left(self.terms, prefix)
        for term in self.terms[start:]:
            if not term.startswith(prefix):
                break
            factor = 1.0 if term == prefix else PREFIX_BASE + 0.25 * len(prefix) / len(term)
            parts.append((self.postings[term], factor / self.idf[term]))
        merged = self._union(parts)
        if merged is not None:
            idf = math.log(1.0 + self.size / len(merged[0]))
            merged = (merged[0], merged[1] * np.float32(idf), merged[2])
        if len(prefix) > SHORT_PREFIX and len(self._prefix_cache) >= PREFIX_CACHE_SIZE:
            self._prefix_cache.pop(next(iter(self._long_prefixes())), None)
        self._prefix_cache[prefix] = merged
        return merged

    def forget_typed(self) -> None:
        """Drop what was cached while typing (benchmarks: as if nobody had typed yet)."""
        for prefix in self._long_prefixes(every=True):
            del self._prefix_cache[prefix]
        self._dense_cache.clear()

    def _long_prefixes(self, every: bool = False) -> list[str]:
        longer = [p for p in self._prefix_cache if len(p) > SHORT_PREFIX]
        return longer if every else longer[:1]

    def _word(self, word: str, typing: bool) -> Postings | None:
        if typing:
            found = self._prefix(word)
            if found is not None or len(word) < TYPO_MIN_LENGTH:
                return found
            near = self.near_words(word, typing)[:8]
            parts = [(p, TYPO_FACTOR) for p in (self._prefix(e) for e in near) if p is not None]
        else:
            found = self.postings.get(word)
            if found is not None or len(word) < TYPO_MIN_LENGTH:
                return found
            parts = [(self.postings[e], TYPO_FACTOR) for e in self.near_words(word, typing)]
        return self._union(parts)

    def dense(self, word: str, typing: bool) -> Dense | None:
        """What one query word matches, as whole-corpus vectors; the words before the one
        being typed come from the cache at every keystroke."""
        key = (word, typing)
        found = self._dense_cache.get(key)
        if found is not None:
            self._dense_cache.move_to_end(key)
            return found
        postings = self._word(word, typing)
        if postings is None:
            return None
        ids, weights, names = postings
        dense_weights = np.zeros(self.size, dtype=np.float32)
        dense_names = np.zeros(self.size, dtype=np.float32)
        dense_weights[ids] = weights
        dense_names[ids] = names
        found = (dense_weights, dense_names, (dense_weights > 0).astype(np.float32), weights.max())
        self._dense_cache[key] = found
        if len(self._dense_cache) > self._dense_limit:
            self._dense_cache.popitem(last=False)
        return found


def _docs_by_pair(names: list[list[str]]) -> dict[tuple[str, str], np.ndarray]:
    """Which procedures have two words side by side in their name."""
    found: dict[tuple[str, str], list[int]] = {}
    for doc, name in enumerate(names):
        for pair in set(pairs_of(name)):
            found.setdefault(pair, []).append(doc)
    return {pair: np.asarray(docs, dtype=np.int32) for pair, docs in found.items()}
