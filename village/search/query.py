"""A query read the way a citizen means it: words cleaned of input-method leftovers and split
where they were run together, citizens' phrases recognised, and each part given its role.

A query becomes a list of ``Unit``\\ s. A unit is one word, or a citizens' phrase from the
synonyms file with its procedure wordings as alternatives (``lấy vợ`` -> ``đăng ký kết
hôn``). Its role says how much it counts:

- ``content``: what the citizen looks for; a procedure should match all of these;
- ``stop``: words said around it (*làm, thủ tục, xin, cho, tôi muốn …*), which count little;
- ``modifier``: what follows a word such as *để, trong, cho, của* (“sửa tên **trong giấy
  khai sinh**”, “giấy độc thân **để lấy vợ**”): it helps to rank but is not required.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from village.search.synonyms import PhraseMatch, Synonyms
from village.search.typing import input_method_leftovers, split_run_together

CONTENT, STOP, MODIFIER = "content", "stop", "modifier"

# Words citizens say around what they look for ("tôi muốn làm thủ tục xin … cho con").
STOPWORDS = frozenset(
    {
        "lam", "thu", "tuc", "xin", "cho", "cua", "va", "o", "muon", "nao", "gi", "toi",
        "nhu", "ve", "la", "nhung", "cac", "mot", "viec", "phai", "nhieu", "de",
        "trong", "tai", "voi", "can", "hoi", "em", "anh", "chi", "minh", "thi", "ma", "duoc",
        "khong", "co", "roi", "se", "nhe", "a", "oi", "vay", "nay", "sao", "the", "giup",
        "hay", "neu", "khi", "nha",
    }
)  # fmt: skip
# After one of these, the rest of the query says what for, where, whose: "… để lấy vợ".
MODIFIER_MARKERS = frozenset({"de", "trong", "cho", "cua", "o", "tai", "voi", "thi", "ma"})

LITERAL_UNDER_PHRASE = 0.6  # the query's own words, when it is all one citizens' phrase
SYNONYM_FACTOR = 0.95
SYNONYM_RANK_STEP = 0.03  # a rule's later alternatives count a little less

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Alternative:
    """One wording of a unit: ``words``, the last one a prefix when ``typing``."""

    words: tuple[str, ...]
    factor: float = 1.0
    typing: bool = False


@dataclass(frozen=True)
class Unit:
    words: tuple[str, ...]  # as the citizen typed them (cleaned, split)
    alternatives: tuple[Alternative, ...]  # the first is the citizen's own words
    role: str = CONTENT

    @property
    def is_word(self) -> bool:
        return len(self.alternatives) == 1 and len(self.words) == 1


@dataclass(frozen=True)
class Vocabulary:
    """What the index knows: whole words, and starts of words."""

    known: Callable[[str], bool]
    known_prefix: Callable[[str], bool]
    pair: Callable[[str, str], bool] | None = None  # two words seen side by side
    near: Callable[[str, bool], bool] | None = None  # one edit from a word (or a start)


def normalise(tokens: list[str], last_is_prefix: bool, vocabulary: Vocabulary) -> list[str]:
    """The query's words with input-method leftovers dropped and run-together words split,
    wherever the word as typed is not in the vocabulary."""
    out: list[str] = []
    for index, token in enumerate(tokens):
        typing = last_is_prefix and index == len(tokens) - 1
        out.extend(_meant(token, typing, vocabulary))
    return out


def _meant(token: str, typing: bool, vocabulary: Vocabulary) -> list[str]:
    def fits(word: str) -> bool:
        return vocabulary.known(word) or (typing and vocabulary.known_prefix(word))

    if fits(token) or _DIGITS.fullmatch(token):
        return [token]
    cleaned = input_method_leftovers(token)
    if cleaned != token and fits(cleaned):
        return [cleaned]
    if vocabulary.near is not None and vocabulary.near(token, typing):
        return [token]  # a typo of one word rather than words run together
    prefix = vocabulary.known_prefix if typing else None
    for candidate in dict.fromkeys((cleaned, token)):
        pieces = split_run_together(candidate, vocabulary.known, prefix, vocabulary.pair)
        if pieces:
            return pieces
    return [token]  # perhaps a typo: matching deals with it


def units(tokens: list[str], last_is_prefix: bool, synonyms: Synonyms) -> list[Unit]:
    """The query's units in order, with their roles."""
    phrases = {m.start: m for m in synonyms.phrases(tokens, last_is_prefix)}
    whole = len(phrases) == 1 and _spans_all(next(iter(phrases.values())), len(tokens))
    found: list[Unit] = []
    index = 0
    in_modifier = False
    while index < len(tokens):
        match = phrases.get(index)
        if match is not None:
            typing = last_is_prefix and match.end == len(tokens)
            unit = _phrase_unit(tokens, match, typing, whole)
            index = match.end
        else:
            typing = last_is_prefix and index == len(tokens) - 1
            word = tokens[index]
            unit = Unit((word,), (Alternative((word,), 1.0, typing),))
            index += 1
        role = _role(unit, in_modifier)
        in_modifier = in_modifier or _opens_modifier(unit, found)
        found.append(Unit(unit.words, unit.alternatives, role))
    return _with_content(found)


def _spans_all(match: PhraseMatch, count: int) -> bool:
    return match.start == 0 and match.end == count


def _phrase_unit(tokens: list[str], match: PhraseMatch, typing: bool, whole: bool) -> Unit:
    literal = tuple(tokens[match.start : match.end])
    alternatives = [Alternative(literal, LITERAL_UNDER_PHRASE if whole else 1.0, typing)]
    for rank, target in enumerate(match.rule.targets):
        factor = SYNONYM_FACTOR - SYNONYM_RANK_STEP * min(rank, 5)
        alternatives.append(Alternative(target, factor, False))
    return Unit(literal, tuple(alternatives))


def _role(unit: Unit, in_modifier: bool) -> str:
    if unit.is_word and unit.words[0] in STOPWORDS:
        return STOP
    return MODIFIER if in_modifier else CONTENT


def _opens_modifier(unit: Unit, before: list[Unit]) -> bool:
    """A marker word after something the citizen looks for starts a modifier."""
    marker = unit.is_word and unit.words[0] in MODIFIER_MARKERS
    return marker and any(u.role == CONTENT for u in before)


def _with_content(found: list[Unit]) -> list[Unit]:
    """A query of only stop words (or only modifiers) looks for those words."""
    if any(u.role == CONTENT for u in found):
        return found
    return [Unit(u.words, u.alternatives, CONTENT) for u in found]
