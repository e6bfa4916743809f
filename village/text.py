"""Text that comes from a file or the command line, made safe to store and to show.

- **Free text** (procedure cells, segment and clip titles, plan titles, descriptions, report
  settings) is normalised to Unicode NFC (Vietnamese typed on some systems arrives
  decomposed) and cleaned: invisible characters are removed (zero-width spaces and joiners,
  bidirectional controls, the soft hyphen, the byte-order mark, other format and control
  characters), unusual spaces become a plain space, runs of spaces one space.
- **Identifiers** (procedure codes, segment, clip and plan ids, device ids) are never cleaned
  silently: two ids that look the same must be the same, so one invisible character refuses
  the id (``first_invisible`` names it).
- **Words** as the search index sees them (``longest_word``), so an importer can refuse a
  "word" no real text has before it costs the index anything.
- **Folding** for matching: lower case without diacritics (``fold``, ``fold_key``).
"""

from __future__ import annotations

import re
import unicodedata

# Format characters (Unicode category Cf) and the other default-ignorable code points
# (invisible by definition: Hangul fillers, variation selectors, the combining grapheme
# joiner, ...), as of Unicode 14 (Python 3.11); tests/test_hostile_text.py checks them
# against the running Python's own tables.
_FORMAT_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
_IGNORABLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180D),
    (0x180F, 0x180F),
    (0x2065, 0x2065),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0000),
    (0xE0002, 0xE001F),
    (0xE0080, 0xE0FFF),
)
# Control characters other than tab, line feed and carriage return; lone surrogates (JSON
# can carry them, UTF-8 cannot store them).
_CONTROL_RANGES = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0xD800, 0xDFFF))
INVISIBLE_RANGES = _FORMAT_RANGES + _IGNORABLE_RANGES + _CONTROL_RANGES


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    def one(code: int) -> str:
        return f"\\U{code:08x}"

    return "".join(one(a) if a == b else f"{one(a)}-{one(b)}" for a, b in ranges)


_INVISIBLE = re.compile(f"[{_char_class(INVISIBLE_RANGES)}]")
# Spaces that are not a plain space (no-break, en/em, ideographic, ...) and separators.
_ODD_SPACE = r"\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# runs of spaces to make one plain space (a lone plain space is left alone: most text has
# nothing else, and replacing it would copy every string)
_SPACES = re.compile(rf"[{_ODD_SPACE}][ {_ODD_SPACE}]*| [ {_ODD_SPACE}]+")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x85]")
_ANY_WHITESPACE = re.compile(r"\s+")
# a line break with spaces around it or blank lines after it (a bare one is left alone)
_BLANK_LINES = re.compile(r" +\n[ \n]*|\n[ \n]+")
# anything clean_text would change but NFC and the ends: one scan, for text that is clean
_UNCLEAN = re.compile(
    f"[{_char_class(INVISIBLE_RANGES)}\r\u2028\u2029\x0b\x0c\x85{_ODD_SPACE}]|  | \n|\n[ \n]"
)


def first_invisible(text: str) -> str | None:
    """The first invisible or control character of ``text`` (tab, newline aside), if any."""
    match = _INVISIBLE.search(text)
    return match.group() if match else None


def describe_char(char: str) -> str:
    """'U+200B ZERO WIDTH SPACE': a character staff cannot see, named so they can find it."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def shown(text: str) -> str:
    """``text`` for a message: each invisible character written as its code (a file named
    with a right-to-left override must not show staff another name)."""
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def clean_text(text: str) -> str:
    """Free text of several lines: NFC, no invisible characters, one space between words,
    lines trimmed, empty lines dropped."""
    if not _UNCLEAN.search(text):
        return unicodedata.normalize("NFC", text).strip(" \n")
    text = _LINE_BREAKS.sub("\n", text)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    text = _BLANK_LINES.sub("\n", _SPACES.sub(" ", text))
    return text.strip(" \n")


def clean_line(text: str) -> str:
    """Free text of one line (a title, a name): as ``clean_text``, line breaks become spaces.

    An empty result means the text had nothing visible: callers refuse it."""
    text = unicodedata.normalize("NFC", strip_invisible(_LINE_BREAKS.sub(" ", text)))
    return _ANY_WHITESPACE.sub(" ", text).strip()


# --- folding ------------------------------------------------------------------------------


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for codepoint in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(codepoint)
        bare = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if bare and bare != char:
            table[codepoint] = bare.lower()
    for codepoint in range(0x300, 0x370):  # combining marks (text typed in NFD)
        table[codepoint] = None
    for char in "đĐÐð":
        table[ord(char)] = "d"
    return table


_FOLD = _build_fold_table()


def fold(text: str) -> str:
    """Lower case without diacritics: 'Đăng ký KHAI SINH' -> 'dang ky khai sinh'."""
    return text.translate(_FOLD).lower()


def fold_key(text: str) -> str:
    """Folded words joined by single spaces, punctuation dropped (for matching headers)."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


# --- words --------------------------------------------------------------------------------

# A word is a run of letters and digits of any script once folded, combining marks left out:
# never shorter than what the search index takes for one word.
_MARKS = re.compile(
    r"[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_WORD = re.compile(r"[^\W_]+")


def longest_word(text: str) -> str:
    """The longest word of ``text`` ('' when it has none)."""
    folded = _MARKS.sub("", fold(strip_invisible(text)))
    return max(_WORD.findall(folded), key=len, default="")


def word_longer_than(text: str, chars: int) -> str | None:
    """The longest word of ``text`` if it has more than ``chars`` letters, else None.

    Folding turns a character into two letters at most, and a word never spans a space, so
    text with no run of more than ``chars // 2`` non-space characters needs no folding."""
    if len(text) <= chars // 2 or max(map(len, text.split())) <= chars // 2:
        return None
    word = longest_word(text)
    return word if len(word) > chars else None
