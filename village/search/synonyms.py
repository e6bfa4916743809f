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
class PhraseMatch:
    """A citizens' phrase found in a query: ``tokens[start:end]`` is ``rule.phrase``."""

    start: int
    end: int
    rule: SynonymRule


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

    @property
    def words(self) -> frozenset[str]:
        """Every word of the citizens' phrases (they belong to the search's vocabulary)."""
        return frozenset(word for rule in self.rules for word in rule.phrase)

    def phrases(self, tokens: list[str], last_is_prefix: bool) -> list[PhraseMatch]:
        """The citizens' phrases in ``tokens``, none overlapping, in query order.

        The longest phrase wins where phrases overlap ("mất sổ đỏ" over "sổ đỏ"), then the
        first. The last word, still being typed, may be the start of the phrase's last word
        ("so d" -> "sổ đỏ") when the phrase has two words or more, or when it has four
        letters or more.
        """
        found = [
            PhraseMatch(start, start + len(rule.phrase), rule)
            for start in range(len(tokens))
            for rule in self._candidates(tokens, start, last_is_prefix)
            if self._matches_at(tokens, start, rule, last_is_prefix)
        ]
        found.sort(key=lambda m: (m.start - m.end, m.start, m.rule.line))
        chosen: list[PhraseMatch] = []
        for match in found:
            if all(match.end <= c.start or c.end <= match.start for c in chosen):
                chosen.append(match)
        return sorted(chosen, key=lambda m: m.start)

    def _candidates(self, tokens: list[str], start: int, last_is_prefix: bool) -> list[SynonymRule]:
        token = tokens[start]
        candidates = list(self.by_first.get(token, ()))
        if last_is_prefix and start == len(tokens) - 1 and len(token) >= 4:
            candidates += [  # a one-word phrase being typed
                rule
                for first, rules in self.by_first.items()
                if first != token and first.startswith(token)
                for rule in rules
                if len(rule.phrase) == 1
            ]
        return candidates

    @staticmethod
    def _matches_at(tokens: list[str], start: int, rule: SynonymRule, last_is_prefix: bool) -> bool:
        end = start + len(rule.phrase)
        if end > len(tokens) or tokens[start : end - 1] != list(rule.phrase[:-1]):
            return False
        typed, wanted = tokens[end - 1], rule.phrase[-1]
        if typed == wanted:
            return True
        still_typing = last_is_prefix and end == len(tokens)
        long_enough = len(rule.phrase) >= 2 or len(typed) >= 4
        return still_typing and long_enough and wanted.startswith(typed)


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
