"""Finding procedures by code: the whole code (``1.001193``, ``XA-VPHC-01``), its start, or
its digits (``001193``, ``1.0011``)."""

from __future__ import annotations

import bisect
import re

import numpy as np

from village.procedures import fold

CODE_SCORE = 100.0
_CODE_LIKE = re.compile(r"\d[\d.]{2,}\d|\d{3,}")
_CODE_CHARS = re.compile(r"[\d.-]")


class CodeIndex:
    def __init__(self, codes: list[str]) -> None:
        self.size = len(codes)
        folded = [fold(c) for c in codes]
        self._digits = [re.sub(r"\D", "", c) for c in folded]
        self._index = {code: doc for doc, code in enumerate(folded)}
        self._sorted = sorted((code, doc) for doc, code in enumerate(folded))
        self._digits_text = "|".join(self._digits)  # one string: str.find scans it in C
        self._digits_starts: list[int] = []
        offset = 0
        for digits in self._digits:
            self._digits_starts.append(offset)
            offset += len(digits) + 1

    def scores(self, query: str) -> np.ndarray | None:
        """Procedures whose code the query is, starts, or holds the digits of."""
        text = fold(query).strip()
        pieces = _CODE_LIKE.findall(text)
        whole = text if " " not in text and len(text) >= 3 and _CODE_CHARS.search(text) else ""
        if not pieces and not whole:
            return None
        scores = np.zeros(self.size, dtype=np.float32)
        if whole:
            self._starting(whole, scores)
        for piece in pieces:
            if piece in self._index:
                scores[self._index[piece]] = CODE_SCORE * 2
            self._holding(piece.replace(".", ""), scores)
        return scores

    def _starting(self, whole: str, scores: np.ndarray) -> None:
        first = bisect.bisect_left(self._sorted, (whole, -1))
        for code, doc in self._sorted[first:]:
            if not code.startswith(whole):
                break
            exact = code == whole
            scores[doc] = CODE_SCORE * 2 if exact else CODE_SCORE * len(whole) / len(code)

    def _holding(self, digits: str, scores: np.ndarray) -> None:
        at = self._digits_text.find(digits)
        while at >= 0:
            doc = bisect.bisect_right(self._digits_starts, at) - 1
            code_digits = self._digits[doc]
            share = len(digits) / len(code_digits)
            bonus = 0.2 if code_digits.endswith(digits) else 0.0
            scores[doc] = max(scores[doc], CODE_SCORE * (share + bonus))
            at = self._digits_text.find(digits, at + 1)
