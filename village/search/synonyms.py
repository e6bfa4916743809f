"""The words citizens use for procedures, in a plain text file staff can edit.

One rule a line: the citizens' words on the left, the procedure words on the right, each side
a list of alternatives separated by ``|``::

    hộ khẩu | sổ hộ khẩu = đăng ký thường trú | đăng ký tạm trú

Lines starting with ``#`` are comments. Matching ignores case and accents. A bad line is
reported and skipped; it never stops the kiosk.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from village.procedures import fold_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SynonymRule:
    phrase: tuple[str, ...]  # folded words citizens type
    targets: tuple[tuple[str, ...], ...]  # folded procedure words, one tuple per alternative
    line: int = 0


@dataclass(frozen=True)
class Rewrite:
    words: list[str]
    rank: int
    whole: bool


@dataclass
class Synonyms:
    rules: list[SynonymRule] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        self.by_first: dict[str, list[SynonymRule]] = {}
        for rule in self.rules:
            self.by_first.setdefault(rule.phrase[0], []).append(rule)

    def __len__(self) -> int:
        return len(self.rules)

    @classmethod
    def parse(cls, text: str, source: str = "") -> Synonyms:
        rules: list[SynonymRule] = []
        problems: list[tuple[int, str]] = []
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.count("=") != 1:
                problems.append((number, "needs exactly one '=' between the two sides"))
                continue
            left, right = line.split("=")
            phrases = [tuple(fold_key(p).split()) for p in left.split("|")]
            targets = tuple(t for t in (tuple(fold_key(p).split()) for p in right.split("|")) if t)
            if not targets or not any(phrases):
                problems.append((number, "one side is empty"))
                continue
            for phrase in phrases:
                if phrase:
                    rules.append(SynonymRule(phrase, targets, number))
        for number, message in problems:
            log.warning("%s:%d: %s; line skipped", source or "synonyms", number, message)
        return cls(rules, problems, source)

    @classmethod
    def load(cls, path: str | Path) -> Synonyms:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("synonyms file %s not read (%s); searching without it", path, exc)
            return cls([], [(0, f"unreadable: {exc}")], str(path))
        return cls.parse(text, str(path))

    def rewrites(self, tokens: list[str], last_is_prefix: bool) -> list[Rewrite]:
        """Queries with a citizens' phrase replaced by each of its procedure words; ``rank``
        is 0 for a rule's first alternative, 1 for its second, …; ``whole`` when the phrase
        is the whole query.

        The longest phrase wins where phrases overlap ("mất sổ đỏ" over "sổ đỏ"). The last
        word, still being typed, may be the start of the phrase's last word ("so d" ->
        "sổ đỏ") when the phrase has two words or more.
        """
        matches: list[tuple[int, int, SynonymRule]] = []
        count = len(tokens)
        for start, token in enumerate(tokens):
            candidates = list(self.by_first.get(token, ()))
            typing_here = last_is_prefix and start == count - 1
            if typing_here and len(token) >= 4:  # a one-word phrase being typed
                candidates += [
                    rule
                    for first, rules in self.by_first.items()
                    if first != token and first.startswith(token)
                    for rule in rules
                    if len(rule.phrase) == 1
                ]
            for rule in candidates:
                end = start + len(rule.phrase)
                if end > count or tokens[start : end - 1] != list(rule.phrase[:-1]):
                    continue
                typed, wanted = tokens[end - 1], rule.phrase[-1]
                if typed != wanted:
                    still_typing = last_is_prefix and end == count
                    long_enough = len(rule.phrase) >= 2 or len(typed) >= 4
                    if not (still_typing and long_enough and wanted.startswith(typed)):
                        continue
                matches.append((start, end, rule))
        longest = [
            (start, end, rule)
            for start, end, rule in matches
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in matches)
        ]
        variants: list[Rewrite] = []
        seen: list[list[str]] = []
        for start, end, rule in longest:
            for rank, target in enumerate(rule.targets):
                variant = [*tokens[:start], *target, *tokens[end:]]
                if variant not in seen:
                    seen.append(variant)
                    variants.append(Rewrite(variant, rank, start == 0 and end == count))
        return variants


_REPO = Path(__file__).resolve().parents[2]  # village/search/synonyms.py -> the checkout


def shipped_synonyms_path() -> Path:
    """``media/synonyms.txt`` shipped with the project."""
    configured = os.environ.get("VILLAGE_MEDIA")
    if configured:
        return Path(configured) / "synonyms.txt"
    for candidate in (
        _REPO / "media",
        Path("/opt/village/media"),
        Path("/usr/share/village/media"),
    ):
        if (candidate / "synonyms.txt").is_file():
            return candidate / "synonyms.txt"
    return _REPO / "media" / "synonyms.txt"


def synonyms_path(configured: str) -> Path:
    return Path(configured) if configured else shipped_synonyms_path()
