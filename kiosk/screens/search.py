"""Search as you type on the on-screen keyboard; results update with every key."""

from __future__ import annotations

from kivy.properties import StringProperty
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
        app.searches.typed(self.query, len(self.hits))
        box = self.ids.results
        box.clear_widgets()
        self.ids.scroll.scroll_y = 1
        if not self.query.strip():
            self.ids.count.text = ""
            box.add_widget(WrapLabel(text=t("search_start")))
            return
        if not self.hits:
            self.ids.count.text = ""
            box.add_widget(
                WrapLabel(
                    text=f"[b]{escape_markup(t('search_none', query=self.query.strip()))}[/b]\n"
                    f"{t('search_none_help')}"
                )
            )
            return
        self.ids.count.text = t("search_found", count=len(self.hits))
        for hit in self.hits:
            button = ProcedureButton(
                code=hit.code,
                text=f"{escape_markup(hit.name)}\n[size={int(app.fs_small)}][color=555555]"
                f"{escape_markup(hit.field)} · {t('code', code=hit.code)}[/color][/size]",
            )
            button.bind(on_release=lambda b: self.open(b.code))
            box.add_widget(button)

    def open(self, code: str) -> None:
        self.app.searches.done()
        self.app.show("procedure", code)
