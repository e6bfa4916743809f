"""Search as you type on the on-screen keyboard; results update with every key."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk import keyboard
from kiosk.catalogue import t
from kiosk.screens import KioskScreen
from kiosk.widgets import ProcedureButton, WrapLabel
from village.search import SearchHit


class SearchScreen(KioskScreen):
    query = StringProperty("")
    hits: list[SearchHit] = []

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
        partial = [hit for hit in self.hits if hit.partial]
        # a search that found only "Có thể bạn cần…" counts as not found for the staff
        app.searches.typed(self.query, len(full))
        box = self.ids.results
        box.clear_widgets()
        self.ids.scroll.scroll_y = 1
        self.ids.count.text = t("search_found", count=len(full)) if full else ""
        if not self.query.strip():
            box.add_widget(WrapLabel(text=t("search_start")))
            return
        if not self.hits:
            box.add_widget(
                WrapLabel(
                    text=f"[b]{escape_markup(t('search_none', query=self.query.strip()))}[/b]\n"
                    f"{t('search_none_help')}"
                )
            )
            return
        for hit in full:
            box.add_widget(self._button(hit))
        if partial:
            self._partial_heading(box, bool(full))
            for hit in partial:
                box.add_widget(self._button(hit))

    def _partial_heading(self, box: Widget, after_full: bool) -> None:
        heading = f"[b]{escape_markup(t('search_partial'))}[/b]"
        if not after_full:
            lead = t("search_only_partial", query=self.query.strip())
            heading = f"{escape_markup(lead)}\n{heading}"
        box.add_widget(WrapLabel(text=heading))

    def _button(self, hit: SearchHit) -> ProcedureButton:
        small = int(self.app.fs_small)
        button = ProcedureButton(
            code=hit.code,
            text=f"{escape_markup(hit.name)}\n[size={small}][color=555555]"
            f"{escape_markup(hit.field)} · {t('code', code=hit.code)}[/color][/size]",
        )
        button.bind(on_release=lambda b: self.open(b.code))
        return button

    def open(self, code: str) -> None:
        self.app.searches.done()
        self.app.show("procedure", code)
