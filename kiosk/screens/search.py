"""Search as you type on the on-screen keyboard; results update with every key."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk import keyboard
from kiosk.catalogue import t
from kiosk.reuse import Item, WidgetPool
from kiosk.screens import KioskScreen
from kiosk.widgets import ProcedureButton, WrapLabel
from village.search import SearchHit


class SearchScreen(KioskScreen):
    query = StringProperty("")
    hits: list[SearchHit] = []
    results: WidgetPool | None = None

    def enter(self, arg: str) -> bool:
        self.query = arg
        self.run_search()
        return True

    def refresh(self, old: object) -> None:
        self.run_search()

    def leave(self) -> None:
        self.app.searches.done()

    def key(self, key: str) -> None:
        self.query = keyboard.press(self.query, key)
        self.run_search()

    def run_search(self) -> None:
        app = self.app
        self.hits = app.content.engine.search(self.query) if self.query.strip() else []
        full = [hit for hit in self.hits if not hit.partial]
        # a search that found only "Có thể bạn cần…" counts as not found for the staff
        app.searches.typed(self.query, len(full))
        self.ids.scroll.scroll_y = 1
        self.ids.count.text = t("search_found", count=len(full)) if full else ""
        if self.results is None:  # the same widgets at every keystroke (kiosk/reuse.py)
            self.results = WidgetPool(self._make)
        self.results.fill(self.ids.results, self.items(full))

    def items(self, full: list[SearchHit]) -> list[Item]:
        """What the results list shows, top to bottom."""
        query = self.query.strip()
        if not query:
            return [("WrapLabel", {"text": t("search_start")})]
        if not self.hits:
            none = escape_markup(t("search_none", query=query))
            return [("WrapLabel", {"text": f"[b]{none}[/b]\n{t('search_none_help')}"})]
        items = [self._button(hit) for hit in full]
        partial = [hit for hit in self.hits if hit.partial]
        if partial:
            heading = f"[b]{escape_markup(t('search_partial'))}[/b]"
            if not full:
                heading = f"{escape_markup(t('search_only_partial', query=query))}\n{heading}"
            items.append(("WrapLabel", {"text": heading}))
            items += [self._button(hit) for hit in partial]
        return items

    def _button(self, hit: SearchHit) -> Item:
        small = int(self.app.fs_small)
        text = (
            f"{escape_markup(hit.name)}\n[size={small}][color=555555]"
            f"{escape_markup(hit.field)} · {t('code', code=hit.code)}[/color][/size]"
        )
        return ("ProcedureButton", {"code": hit.code, "text": text})

    def _make(self, kind: str) -> Widget:
        if kind == "ProcedureButton":
            button = ProcedureButton()
            button.bind(on_release=lambda b: self.open(b.code))
            return button
        return WrapLabel()

    def open(self, code: str) -> None:
        self.app.searches.done()
        self.app.show("procedure", code)
