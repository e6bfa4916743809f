"""The on-screen Vietnamese keyboard: its layout and what each key does to the text.

Letters, the vowels ă â ê ô ơ ư and đ, digits, space and backspace, plus five tone keys
(sắc, huyền, hỏi, ngã, nặng) that put the tone on the right vowel of the word being typed.
Typing without any accent works just as well: search ignores them.
"""

from __future__ import annotations

import unicodedata

SPACE = "␣"
BACKSPACE = "⌫"
CLEAR = "✕"
TONES = {"sac": "\u0301", "huyen": "\u0300", "hoi": "\u0309", "nga": "\u0303", "nang": "\u0323"}
TONE_KEYS = {"´": "sac", "`": "huyen", "?": "hoi", "~": "nga", "·": "nang"}
# What each tone key shows (the tone on 'a') so it is recognisable.
TONE_LABELS = {"´": "á", "`": "à", "?": "ả", "~": "ã", "·": "ạ"}

LAYOUT: tuple[tuple[str, ...], ...] = (
    ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "."),
    ("q", "w", "e", "r", "t", "y", "u", "i", "o", "p", BACKSPACE),
    ("a", "s", "d", "f", "g", "h", "j", "k", "l", "đ"),
    ("z", "x", "c", "v", "b", "n", "m", "ă", "â", "ê", "ô", "ơ", "ư"),
    ("´", "`", "?", "~", "·", SPACE, CLEAR),
)
MAX_LENGTH = 60

VOWELS = set("aăâeêioôơuưy")
_MODIFIED = set("ăâêôơư")


def _split(char: str) -> tuple[str, str]:
    """'ế' -> ('ê', '\u0301'): base letter and tone mark."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = next((c for c in decomposed if c in TONES.values()), "")
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c != tone))
    return base, tone


def _tone_position(word: str) -> int | None:
    """Index of the vowel that carries the tone in ``word`` (bases only, lower case)."""
    positions = [i for i, c in enumerate(word) if c.lower() in VOWELS]
    # 'qu' and 'gi' + vowel: the u / i belongs to the consonant
    if len(positions) > 1 and positions[0] == 1 and word[:2].lower() in ("qu", "gi"):
        positions = positions[1:]
    if not positions:
        return None
    group = [p for p in positions if p - positions[0] < 3]
    for p in reversed(group):
        if word[p].lower() in _MODIFIED:
            return p
    if len(group) == 1:
        return group[0]
    ends_with_vowel = group[-1] == len(word) - 1
    if len(group) >= 3:
        return group[1]
    # 'toán', 'hoàng' (a final consonant: the last vowel); 'khái', 'múa', 'hóa' (the first)
    return group[-1] if not ends_with_vowel else group[0]


def apply_tone(text: str, tone: str) -> str:
    """Put ``tone`` on the last word's tone vowel; the same tone again removes it."""
    head, _, word = text.rpartition(" ")
    if not word:
        return text
    split = [_split(c) for c in word]
    bases = "".join(b for b, _ in split)
    position = _tone_position(bases)
    if position is None:
        return text
    current = next((t for _, t in split if t), "")
    mark = "" if current == TONES[tone] else TONES[tone]
    chars = [
        unicodedata.normalize("NFC", base + (mark if i == position else ""))
        for i, (base, _) in enumerate(split)
    ]
    return f"{head} {''.join(chars)}" if " " in text else "".join(chars)


def press(text: str, key: str) -> str:
    """The text after pressing ``key`` on the on-screen keyboard."""
    if key == BACKSPACE:
        return text[:-1]
    if key == CLEAR:
        return ""
    if key == SPACE:
        return text if not text or text.endswith(" ") else text + " "
    if key in TONE_KEYS:
        return apply_tone(text, TONE_KEYS[key])
    if len(text) >= MAX_LENGTH:
        return text
    return text + key
