"""Widgets kept from one page to the next, so a page is the same labels with new text.

Building fresh labels for every procedure page (or every keystroke's results) made the
kiosk's heap grow by about 25 MB over ten pages: each new textured label leaves memory that
the C allocator cannot give back, even once the label is freed and the heap trimmed. A page
made of the same label widgets, their text replaced, does not grow at all (measured with a
bare Kivy window: 40 new labels a page, 40 pages, +80 MB; the same 40 labels reused, +0).
A pool holds, for each kind of widget, as many as the longest page has needed; the ones a
page does not use are emptied (their texture goes) and wait for the next page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Item = tuple[str, dict[str, Any]]  # (kind of widget, properties to set)


class WidgetPool:
    def __init__(self, make: Callable[[str], Any]) -> None:
        self._make = make  # builds a widget of a kind (and binds its events, once)
        self.kept: dict[str, list[Any]] = {}

    def fill(self, box: Any, items: Iterable[Item]) -> list[Any]:
        """``box`` shows one widget per item, in order, reused where possible."""
        box.clear_widgets()
        used: dict[str, int] = {}
        shown = []
        for kind, properties in items:
            kept = self.kept.setdefault(kind, [])
            index = used.get(kind, 0)
            if index == len(kept):
                kept.append(self._make(kind))
            widget = kept[index]
            used[kind] = index + 1
            for name, value in properties.items():
                setattr(widget, name, value)
            box.add_widget(widget)
            shown.append(widget)
        for kind, kept in self.kept.items():
            for widget in kept[used.get(kind, 0) :]:
                widget.text = ""  # its texture is freed; the widget waits for the next page
        return shown

    @property
    def size(self) -> int:
        return sum(len(kept) for kept in self.kept.values())
