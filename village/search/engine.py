"""Searching procedures as citizens type: no accents needed, one typo forgiven, codes and
citizens' own words understood. Pure Python and NumPy; the kiosk, ``village search``, the hub and
the public site use it.

The index is built once per content version: every word (folded: lower case, no diacritics,
``đ`` -> ``d``) maps to the procedures it occurs in with a weight (in the name, the field, or
the body text) times its rarity. A query word scores each procedure by its best matching
index word: exact, or, for the last word being typed, any word it begins, or, for words of
four letters or more that match nothing, a word one edit away (Damerau–Levenshtein 1).
Scores add up over the query's words; procedures missing a content word drop sharply, and
among the rest those whose name the query covers best come first. A query that contains a
phrase from the synonyms file is also run with the phrase replaced by each of its procedure
words, and every procedure keeps its best score over these variants.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from village.procedures import Procedure, fold
from village.search.synonyms import Synonyms

# Weight of a word by where it occurs in a procedure.
NAME_WEIGHT = 1.0
FIELD_WEIGHT = 0.6
BODY_WEIGHT = 0.15
# How much a match counts by its kind.
PREFIX_BASE = 0.75
TYPO_FACTOR = 0.6
SYNONYM_FACTOR = 0.95
SYNONYM_RANK_STEP = 0.03  # a rule's later alternatives count a little less
LITERAL_UNDER_PHRASE = 0.6  # the query's own words, when it is all one citizens' phrase
STOPWORD_FACTOR = 0.2
TYPO_MIN_LENGTH = 4
CODE_SCORE = 100.0
MAX_RESULTS = 10
RELATIVE_CUT = 0.2  # hits scoring under this share of the best are noise
PREFIX_CACHE_SIZE = 4096  # longer prefixes kept, oldest dropped first
DENSE_CACHE_BYTES = 24 << 20  # recent query words as whole-corpus vectors
SHORT_PREFIX = 2  # prefixes this short are all worked out when the index is built
# Bounds on what one word costs, whatever a procedure file holds: a word is indexed and
# matched by its first MAX_WORD_LENGTH letters (the longest Vietnamese syllable has seven),
# so the index keeps at most MAX_WORD_LENGTH prefixes per word.
MAX_WORD_LENGTH = 32
MAX_QUERY_LENGTH = 256  # characters of a query read; the rest is ignored

# Words citizens add around what they look for ("làm thủ tục xin … cho con").
STOPWORDS = frozenset(
    {
        "lam", "thu", "tuc", "xin", "cho", "cua", "va", "o", "muon", "nao", "gi", "toi",
        "nhu", "ve", "la", "nhung", "cac", "mot", "viec", "phai", "bao", "nhieu",
    }
)  # fmt: skip
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_WORD = re.compile(r"[a-z0-9]+")
_CODE_LIKE = re.compile(r"\d[\d.]{2,}\d|\d{3,}")
_CODE_CHARS = re.compile(r"[\d.-]")


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


@dataclass(frozen=True)
class SearchHit:
    code: str
    name: str
    field: str
    score: float

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "field": self.field, "score": self.score}


Postings = tuple[np.ndarray, np.ndarray, np.ndarray]  # doc ids, weights, in-name flags
Dense = tuple[np.ndarray, np.ndarray, np.ndarray, float]  # weights, in-name, matched, best


class SearchEngine:
    """An index of the procedures in force; ``search`` returns the best matches."""

    def __init__(self, procedures: Iterable[Procedure], synonyms: Synonyms | None = None):
        self.docs = [p for p in procedures if p.in_force]
        self.synonyms = synonyms or Synonyms()
        self.size = len(self.docs)
        self.codes = [p.code for p in self.docs]
        self._code_digits = [re.sub(r"\D", "", fold(c)) for c in self.codes]
        self._code_folded = [fold(c) for c in self.codes]
        self._code_index = {code: doc for doc, code in enumerate(self._code_folded)}
        self._codes_sorted = sorted((code, doc) for doc, code in enumerate(self._code_folded))
        self._digits_text = "|".join(self._code_digits)  # one string: str.find scans it in C
        self._digits_starts: list[int] = []
        offset = 0
        for digits in self._code_digits:
            self._digits_starts.append(offset)
            offset += len(digits) + 1
        self._prefix_cache: dict[str, Postings | None] = {}
        self._dense_cache: OrderedDict[tuple[str, bool], Dense] = OrderedDict()
        self._dense_limit = max(32, min(512, DENSE_CACHE_BYTES // (12 * max(1, self.size))))
        self._build()
        # what one to two letters typed match is worked out now, not at the first keystroke
        self._cache_limit = PREFIX_CACHE_SIZE
        for prefix in sorted({t[:n] for t in self.terms for n in range(1, SHORT_PREFIX + 1)}):
            self._prefix(prefix)

    # -- index -------------------------------------------------------------------------------

    def _build(self) -> None:
        per_term: dict[str, dict[int, tuple[float, bool]]] = {}

        def add(doc: int, text: str, weight: float, in_name: bool) -> None:
            for term in set(words(text)):
                slot = per_term.setdefault(term, {})
                old = slot.get(doc)
                if old is None or weight > old[0]:
                    slot[doc] = (weight, in_name or (old is not None and old[1]))
                elif in_name:
                    slot[doc] = (old[0], True)

        name_lengths = []
        for doc, p in enumerate(self.docs):
            add(doc, p.name, NAME_WEIGHT, True)
            add(doc, p.field, FIELD_WEIGHT, False)
            body = " ".join(
                [
                    *p.steps,
                    *p.documents,
                    *p.channels,
                    p.result,
                    p.subjects,
                    p.conditions,
                    p.agency,
                    p.level,
                    p.submit_place,
                ]
            )
            add(doc, body, BODY_WEIGHT, False)
            name_lengths.append(max(1, len(set(words(p.name)))))
        self.name_lengths = np.asarray(name_lengths or [1], dtype=np.float32)
        self.postings: dict[str, Postings] = {}
        self.idf: dict[str, float] = {}
        for term, docs in per_term.items():
            idf = math.log(1.0 + self.size / len(docs))
            self.idf[term] = idf
            ids = np.fromiter(docs.keys(), dtype=np.int32, count=len(docs))
            weights = np.fromiter((w * idf for w, _ in docs.values()), np.float32, len(docs))
            names = np.fromiter((float(n) for _, n in docs.values()), np.float32, len(docs))
            self.postings[term] = (ids, weights, names)
        self.terms = sorted(self.postings)
        self.term_prefixes = {t[:i] for t in self.terms for i in range(3, len(t) + 1)}

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
        if len(prefix) > SHORT_PREFIX and len(self._prefix_cache) >= self._cache_limit:
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
            near = sorted(e for e in edits1(word) if e in self.term_prefixes)[:8]
            parts = [(p, TYPO_FACTOR) for p in (self._prefix(e) for e in near) if p is not None]
        else:
            found = self.postings.get(word)
            if found is not None or len(word) < TYPO_MIN_LENGTH:
                return found
            near = sorted(e for e in edits1(word) if e in self.postings)
            parts = [(self.postings[e], TYPO_FACTOR) for e in near]
        return self._union(parts)

    # -- scoring -----------------------------------------------------------------------------

    def _dense(self, token: str, typing: bool) -> Dense | None:
        """What one query word matches, as whole-corpus vectors; the words before the one
        being typed come from the cache at every keystroke."""
        key = (token, typing)
        found = self._dense_cache.get(key)
        if found is not None:
            self._dense_cache.move_to_end(key)
            return found
        postings = self._word(token, typing)
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

    def _score(self, tokens: list[str], last_is_prefix: bool) -> np.ndarray:
        """Each procedure's match with ``tokens``: about 1 for a name made of just these
        words, less for partial or body-only matches, 0 for too few words matched. Scores of
        different queries (the synonym variants) are comparable."""
        total = np.zeros(self.size, dtype=np.float32)
        matched = np.zeros(self.size, dtype=np.float32)
        covered = np.zeros(self.size, dtype=np.float32)
        content = [t for t in tokens if t not in STOPWORDS] or tokens
        ideal = 0.0
        for index, token in enumerate(tokens):
            typing = last_is_prefix and index == len(tokens) - 1
            found = self._dense(token, typing)
            if found is None:
                continue
            weights, names, hits, best = found
            if token in STOPWORDS and len(content) != len(tokens):
                total += weights * np.float32(STOPWORD_FACTOR)
                ideal += float(best) * STOPWORD_FACTOR
                covered += names
                continue
            total += weights
            ideal += float(best)
            covered += names
            matched += hits
        if ideal <= 0:
            return total
        needed = len(content) - (1 if len(content) >= 3 else 0)
        share = matched / np.float32(len(content))
        coverage = np.minimum(covered / self.name_lengths, 1.0)
        score = (total / np.float32(ideal)) * (0.7 + 0.3 * coverage) * share * share
        score[matched < needed] = 0.0
        return score

    def _code_scores(self, query: str) -> np.ndarray | None:
        """Procedures whose code the query is, starts, or holds the digits of."""
        text = fold(query).strip()
        pieces = _CODE_LIKE.findall(text)
        whole = text if " " not in text and len(text) >= 3 and _CODE_CHARS.search(text) else ""
        if not pieces and not whole:
            return None
        scores = np.zeros(self.size, dtype=np.float32)
        if whole:
            first = bisect.bisect_left(self._codes_sorted, (whole, -1))
            for code, doc in self._codes_sorted[first:]:
                if not code.startswith(whole):
                    break
                exact = code == whole
                scores[doc] = CODE_SCORE * 2 if exact else CODE_SCORE * len(whole) / len(code)
        for piece in pieces:
            if piece in self._code_index:
                doc = self._code_index[piece]
                scores[doc] = CODE_SCORE * 2
            digits = piece.replace(".", "")
            at = self._digits_text.find(digits)
            while at >= 0:
                doc = bisect.bisect_right(self._digits_starts, at) - 1
                code_digits = self._code_digits[doc]
                share = len(digits) / len(code_digits)
                bonus = 0.2 if code_digits.endswith(digits) else 0.0
                scores[doc] = max(scores[doc], CODE_SCORE * (share + bonus))
                at = self._digits_text.find(digits, at + 1)
        return scores

    def search(self, query: str, limit: int = MAX_RESULTS) -> list[SearchHit]:
        """The best matches for what is typed so far, best first (at most ``limit``)."""
        if not self.size:
            return []
        query = query[:MAX_QUERY_LENGTH]
        tokens = words(query)
        if not tokens:
            return []
        last_is_prefix = not query[-1:].isspace()
        best = self._score(tokens, last_is_prefix)
        rewrites = self.synonyms.rewrites(tokens, last_is_prefix)
        if any(r.whole for r in rewrites):
            best *= np.float32(LITERAL_UNDER_PHRASE)  # "sổ đỏ" means the phrase, not 'sổ'
        for rewrite in rewrites:
            variant = rewrite.words
            typed_last = last_is_prefix and variant[-1:] == tokens[-1:]
            factor = np.float32(SYNONYM_FACTOR - SYNONYM_RANK_STEP * min(rewrite.rank, 5))
            best = np.maximum(best, self._score(variant, typed_last) * factor)
        codes = self._code_scores(query)
        if codes is not None:
            best = best + codes
        top_score = float(best.max())
        if top_score <= 0:
            return []
        candidates = np.flatnonzero(best >= top_score * RELATIVE_CUT)
        if len(candidates) > limit:
            top = np.argpartition(-best[candidates], limit - 1)[:limit]
            candidates = candidates[top]
        ranked = sorted(
            candidates.tolist(),
            key=lambda d: (-round(float(best[d]), 4), self.name_lengths[d], self.codes[d]),
        )
        hits = []
        for doc in ranked[:limit]:
            p = self.docs[doc]
            hits.append(SearchHit(p.code, p.name, p.field, round(float(best[doc]), 3)))
        return hits
