"""Searching procedures as citizens type: no accents needed, one typo forgiven, codes and
citizens' own words understood. Pure Python and NumPy; the kiosk, ``village search``, the hub and
the public site use it.

A query is first read as the citizen meant it (``village.search.query``: input-method
leftovers dropped, run-together words split, the citizens' phrases of the synonyms file
recognised, stop words and modifiers told apart). Each of its units scores each procedure by
its best matching index word (``village.search.index``): exact, or, for the last word being
typed, any word it begins, or, for a word of four letters or more that matches nothing, a
word one edit away (Damerau–Levenshtein 1); a word of three letters gets one only when a
single such word occurs together with the rest of the query. A phrase scores by its best
wording. Scores add up over the units, weighted by their rarity and role, and favour names
the query covers best and whose words stand in the query's order.

Procedures that match what the citizen looks for come first. Those that match only part of
it follow, flagged ``partial`` (the kiosk shows them under "Có thể bạn cần…"), so a query is
never answered with nothing while some procedure matches some of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from village.procedures import Procedure
from village.search.codes import CodeIndex
from village.search.index import TYPO_FACTOR, WordIndex, pairs_of, words
from village.search.query import CONTENT, MODIFIER, STOP, Alternative, Unit
from village.search.query import normalise as normalise_query
from village.search.query import units as query_units
from village.search.synonyms import Synonyms

ROLE_FACTOR = {CONTENT: 1.0, MODIFIER: 0.3, STOP: 0.0}  # what a unit counts for, by role
COVERAGE_WEIGHT = 0.5  # names the query covers best come first
PROXIMITY_WEIGHT = 0.2  # and names with the query's words side by side
SHORT_TYPO_LENGTH = 3  # such a word gets a typo forgiven only when one candidate fits
PHRASE_HIT_SHARE = 0.75  # a wording is matched when words of this share of its weight are
FULL_SHARE = 0.7  # a full match of three units or more has this share of their weight
STRONG_MATCH = 0.5  # the strength of a match in the name or field (the body gives 0.15)
BODY_HIT = 0.5  # a unit matched in the body only answers the query this much
MAX_RESULTS = 10
RELATIVE_CUT = 0.2  # hits scoring under this share of the best are noise
MAX_QUERY_LENGTH = 256  # characters of a query read; the rest is ignored


@dataclass(frozen=True)
class SearchHit:
    code: str
    name: str
    field: str
    score: float
    partial: bool = False  # matches only part of the query ("Có thể bạn cần…")

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "field": self.field,
            "score": self.score,
            "partial": self.partial,
        }


@dataclass
class UnitMatch:
    """How every procedure matches one unit of the query."""

    strength: np.ndarray  # 0..1, 1 for the best possible match
    hits: np.ndarray  # 1 where the unit is matched
    weight: float  # what the unit counts for in the query


class SearchEngine:
    """An index of the procedures in force; ``search`` returns the best matches."""

    def __init__(self, procedures: Iterable[Procedure], synonyms: Synonyms | None = None):
        self.docs = [p for p in procedures if p.in_force]
        self.synonyms = synonyms or Synonyms()
        self.size = len(self.docs)
        self.codes = [p.code for p in self.docs]
        self.index = WordIndex(self.docs, self.synonyms)
        self._codes = CodeIndex(self.codes)
        self._zeros = np.zeros(self.size, dtype=np.float32)  # never written to
        self._zeros.flags.writeable = False

    def forget_typed(self) -> None:
        """Drop what was cached while typing (benchmarks: as if nobody had typed yet)."""
        self.index.forget_typed()

    def search(self, query: str, limit: int = MAX_RESULTS) -> list[SearchHit]:
        """The best matches for what is typed so far, best first (at most ``limit``): the
        procedures matching the whole query, then those matching part of it."""
        query = query[:MAX_QUERY_LENGTH]
        tokens = words(query)
        if not self.size or not tokens:
            return []
        last_is_prefix = not query[-1:].isspace()
        tokens = normalise_query(tokens, last_is_prefix, self.index.vocabulary)
        score, full = self._score(query_units(tokens, last_is_prefix, self.synonyms))
        codes = self._codes.scores(query)
        if codes is not None:
            score = score + codes
            full = full | (codes > 0)
        return self._ranked(score, full, limit)

    # -- one unit ----------------------------------------------------------------------------

    def _alternative(self, alternative: Alternative) -> UnitMatch:
        """One wording: the weights of its words over what they could weigh at best."""
        if len(alternative.words) == 1:
            return self._one_word(alternative)
        total = np.zeros(self.size, dtype=np.float32)
        hit_weight = np.zeros(self.size, dtype=np.float32)
        ideal = known = 0.0
        last = len(alternative.words) - 1
        for index, word in enumerate(alternative.words):
            found = self.index.dense(word, alternative.typing and index == last)
            if found is None:
                ideal += self.index.unknown_weight
                continue
            weights, _, hits, best = found
            total += weights
            hit_weight += hits * np.float32(best)
            ideal += float(best)
            known += float(best)
        share = hit_weight / np.float32(ideal)
        strength = (total / np.float32(ideal)) * share * np.float32(alternative.factor)
        hits = (share >= PHRASE_HIT_SHARE).astype(np.float32)
        return UnitMatch(strength, hits, known)

    def _one_word(self, alternative: Alternative) -> UnitMatch:
        """The same as a wording of several words, in one operation."""
        found = self.index.dense(alternative.words[0], alternative.typing)
        if found is None:
            return UnitMatch(self._zeros, self._zeros, 0.0)
        weights, _, hits, best = found
        return UnitMatch(weights * np.float32(alternative.factor / best), hits, best)

    def _unit(self, unit: Unit) -> UnitMatch:
        """A unit matches as its best wording does."""
        matches = [self._alternative(a) for a in unit.alternatives]
        weight = max(m.weight for m in matches) or self.index.unknown_weight  # found nowhere
        if len(matches) == 1:
            return UnitMatch(matches[0].strength, matches[0].hits, weight)
        strength = np.maximum.reduce([m.strength for m in matches])
        hits = np.maximum.reduce([m.hits for m in matches])
        return UnitMatch(strength, hits, weight)

    def _matches(self, units: list[Unit]) -> list[UnitMatch]:
        matches = [self._unit(u) for u in units]
        for index, unit in enumerate(units):
            if not self._is_short_unknown(unit):
                continue
            others = [m for i, m in enumerate(matches) if i != index and units[i].role == CONTENT]
            fixed = self._short_typo(unit, others)
            if fixed is not unit:
                matches[index] = self._unit(fixed)
        return matches

    def _is_short_unknown(self, unit: Unit) -> bool:
        if not unit.is_word or unit.role == STOP or len(unit.words[0]) != SHORT_TYPO_LENGTH:
            return False
        return self.index.dense(unit.words[0], unit.alternatives[0].typing) is None

    def _short_typo(self, unit: Unit, others: list[UnitMatch]) -> Unit:
        """A three-letter word that matches nothing, read as the one word a letter away that
        stands in a name with the rest of the query; left alone when none or several do."""
        typing = unit.alternatives[0].typing
        candidates = self.index.near_words(unit.words[0], typing)
        together = np.ones(self.size, dtype=bool)
        for other in others:
            together &= (other.hits > 0) & (other.strength >= STRONG_MATCH)
        fitting = [c for c in candidates if self._in_names(c, typing, together)]
        if len(fitting) != 1:
            return unit
        return Unit(unit.words, (Alternative((fitting[0],), TYPO_FACTOR, typing),), unit.role)

    def _in_names(self, word: str, typing: bool, docs: np.ndarray) -> bool:
        found = self.index.dense(word, typing)
        return found is not None and bool((found[1] > 0)[docs].any())

    # -- the whole query ---------------------------------------------------------------------

    def _score(self, units: list[Unit]) -> tuple[np.ndarray, np.ndarray]:
        """Each procedure's match with the query (about 1 for a name made of just its words)
        and whether it matches what the citizen looks for in full."""
        matches = self._matches(units)
        total = np.zeros(self.size, dtype=np.float32)
        ideal = 0.0
        for unit, match in zip(units, matches, strict=True):
            weight = match.weight * ROLE_FACTOR[unit.role]
            total += match.strength * np.float32(weight)
            ideal += weight
        required = [m for u, m in zip(units, matches, strict=True) if u.role == CONTENT]
        wanted = np.float32(sum(m.weight for m in required))
        full: Any  # a boolean array over the procedures (numpy widens a scalar comparison)
        if len(required) <= 2:
            full = sum(m.hits for m in required) >= len(required)
        else:
            full = sum(m.hits * np.float32(m.weight) for m in required) / wanted >= FULL_SHARE
        answered = sum(_answered(m) * np.float32(m.weight) for m in required) / wanted
        coverage = np.minimum(self._covered(units) / self.index.name_lengths, 1.0)
        score = (total / np.float32(max(ideal, 1e-6))) * answered * answered
        score *= 1 - COVERAGE_WEIGHT + COVERAGE_WEIGHT * coverage
        score *= 1 + PROXIMITY_WEIGHT * self._proximity(units)
        return score, full

    def _covered(self, units: list[Unit]) -> np.ndarray:
        """How many words of each name the query's words (in any wording) are."""
        covered = np.zeros(self.size, dtype=np.float32)
        seen: set[tuple[str, bool]] = set()
        for unit in units:
            if unit.role == STOP:
                continue
            for alternative in unit.alternatives:
                last = len(alternative.words) - 1
                for index, word in enumerate(alternative.words):
                    key = (word, alternative.typing and index == last)
                    found = None if key in seen else self.index.dense(*key)
                    seen.add(key)
                    if found is not None:
                        covered += found[1]
        return covered

    def _proximity(self, units: list[Unit]) -> np.ndarray:
        """Share of the query's neighbouring words that are neighbours in each name."""
        hits = np.zeros(self.size, dtype=np.float32)
        possible = 0
        previous: Unit | None = None
        for unit in units:
            if unit.role == STOP:
                previous = None
                continue
            wordings = [a.words for a in unit.alternatives if len(a.words) >= 2]
            if wordings:
                possible += 1
                hits += np.maximum.reduce(
                    [self.index.pair_hits(list(pairs_of(list(w)))) / (len(w) - 1) for w in wordings]
                )
            if previous is not None:
                possible += 1
                hits += self.index.pair_hits([(previous.words[-1], unit.words[0])])
            previous = unit
        return hits / np.float32(max(possible, 1))

    # -- ranking -----------------------------------------------------------------------------

    def _ranked(self, score: np.ndarray, full: np.ndarray, limit: int) -> list[SearchHit]:
        nothing = np.float32(0)
        whole = self._best(np.where(full, score, nothing), limit, None)
        top = float(score[whole[0]]) if whole else None
        rest = self._best(np.where(full, nothing, score), limit - len(whole), top)
        hits = []
        for doc, partial in [(d, False) for d in whole] + [(d, True) for d in rest]:
            p = self.docs[doc]
            hits.append(SearchHit(p.code, p.name, p.field, round(float(score[doc]), 3), partial))
        return hits

    def _best(self, score: np.ndarray, limit: int, top: float | None) -> list[int]:
        """The ``limit`` best procedures scoring over a share of ``top`` (default: the best)."""
        best = float(score.max()) if limit > 0 else 0.0
        if best <= 0:
            return []
        candidates = np.flatnonzero(score >= (best if top is None else top) * RELATIVE_CUT)
        lengths = self.index.name_lengths
        if len(candidates) > limit:
            # the ``limit`` highest scores; among equal scores at the cut, the shorter name
            # (then the code) as in the sort below, so every machine keeps the same ones
            scores = score[candidates]
            cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            above = candidates[scores > cut]
            tied = sorted(
                candidates[scores == cut].tolist(), key=lambda d: (lengths[d], self.codes[d])
            )
            candidates = np.concatenate(
                [above, np.array(tied[: limit - len(above)], dtype=above.dtype)]
            )
        ranked = sorted(
            candidates.tolist(),
            key=lambda d: (-round(float(score[d]), 4), lengths[d], self.codes[d]),
        )
        return ranked[:limit]


def _answered(match: UnitMatch) -> np.ndarray:
    """How far a unit is answered: in full by a name or field, less by the body alone."""
    return np.where(match.strength >= STRONG_MATCH, match.hits, match.hits * np.float32(BODY_HIT))
