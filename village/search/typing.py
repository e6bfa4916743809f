"""What a query word was meant to be, when it is not a word of the index as typed.

Citizens type on phones and kiosks with or without a Vietnamese input method, so a query
holds leftovers of one: Telex (``ddawng kys`` for *đăng ký*: ``dd`` đ, ``aa``/``aw`` â/ă,
``ee`` ê, ``oo``/``ow`` ô/ơ, ``uw``/``w`` ư, a tone letter ``s f r x j`` after the vowels)
and VNI (``d9ang ky1``: a digit after a letter). Folded words have no marks, so undoing
either is dropping those keys. They also leave out spaces (``khaisinh``); such a word is
split into words of the vocabulary, as few as possible.

Everything here is pure: the vocabulary is passed in as two predicates.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Known = Callable[[str], bool]

# Telex keys that mark a letter, applied in this order to a folded word.
_TELEX_MARKS = (("dd", "d"), ("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"))
_TELEX_HORN = re.compile(r"uw|w")
_TELEX_TONES = re.compile(r"[sfrxjz]+$")  # a folded Vietnamese word never ends with these
_VNI_MARKS = re.compile(r"(?<=[a-z])[0-9]+")
_HAS_LETTER = re.compile(r"[a-z]")
SPLIT_MIN_PIECE = 2  # pieces of a run-together word have at least two letters
SPLIT_MAX_PIECE = 8  # and at most eight (the longest syllables have seven)
SPLIT_MAX_WORD = 32
SPLIT_MAX_CHOICES = 16  # splits with as few pieces kept at each letter


def input_method_leftovers(word: str) -> str:
    """``word`` with Telex and VNI keys dropped: 'ddawngs' -> 'dang', 'ky1' -> 'ky'.

    Returns ``word`` itself when it holds none."""
    if not _HAS_LETTER.search(word):
        return word  # a number or a code: nothing to undo
    cleaned = _VNI_MARKS.sub("", word)
    cleaned = _TELEX_TONES.sub("", cleaned) or cleaned
    for marked, plain in _TELEX_MARKS:
        cleaned = cleaned.replace(marked, plain)
    return _TELEX_HORN.sub("u", cleaned)


def split_run_together(
    word: str,
    known: Known,
    known_prefix: Known | None = None,
    pair: Callable[[str, str], bool] | None = None,
) -> list[str]:
    """``word`` as the fewest words of the vocabulary written together, or ``[]``.

    'dangkykhaisinh' -> ['dang', 'ky', 'khai', 'sinh']. With ``known_prefix`` (the word is
    still being typed) the last piece may be the start of a word: 'khaisi' -> ['khai', 'si'].
    Among splits with as few pieces, the one with the most neighbours that ``pair`` knows
    (two words seen side by side: 'kethon' is 'ket hon', not 'ke thon') wins, then the one
    with the longest last piece."""
    if len(word) > SPLIT_MAX_WORD or not word.isalpha():
        return []
    splits: list[list[list[str]]] = [[] for _ in range(len(word) + 1)]
    splits[0] = [[]]
    for end in range(SPLIT_MIN_PIECE, len(word) + 1):
        splits[end] = _fewest_pieces_ending_at(word, end, splits, known, known_prefix)
    found = [s for s in splits[len(word)] if len(s) >= 2]
    if not found:
        return []
    return max(found, key=lambda s: (_pairs(s, pair), len(s[-1])))


def _pairs(pieces: list[str], pair: Callable[[str, str], bool] | None) -> int:
    if pair is None:
        return 0
    return sum(pair(a, b) for a, b in zip(pieces, pieces[1:], strict=False))


def _fewest_pieces_ending_at(
    word: str,
    end: int,
    splits: list[list[list[str]]],
    known: Known,
    known_prefix: Known | None,
) -> list[list[str]]:
    last = end == len(word)
    chosen: list[list[str]] = []
    for start in range(max(0, end - SPLIT_MAX_PIECE), end - SPLIT_MIN_PIECE + 1):
        piece = word[start:end]
        if not splits[start]:
            continue
        if not (known(piece) or (last and known_prefix is not None and known_prefix(piece))):
            continue
        for before in splits[start]:
            if chosen and len(before) + 1 > len(chosen[0]):
                continue
            if chosen and len(before) + 1 < len(chosen[0]):
                chosen = []
            chosen.append([*before, piece])
    return chosen[:SPLIT_MAX_CHOICES]
