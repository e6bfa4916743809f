"""A field's procedures, as a list of large buttons."""

from __future__ import annotations

from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.catalogue import t
from kiosk.reuse import Item, WidgetPool
from kiosk.screens import KioskScreen
from kiosk.widgets import ProcedureButton, WrapLabel
from village.procedures import Procedure


class FieldScreen(KioskScreen):
    field_name = ""
    buttons: WidgetPool | None = None

    def enter(self, arg: str) -> bool:
        name = self.app.content.field_named(arg)
        if name is None:
            return False
        self.field_name = name
        self.ids.scroll.scroll_y = 1
        self.build_list()
        return True

    def refresh(self, old: object) -> None:
        scroll = self.ids.scroll.scroll_y
        name = self.app.content.field_named(self.field_name)
        if name is None:
            self.build_list(empty=True)
            return
        self.build_list()
        self.ids.scroll.scroll_y = scroll

    def build_list(self, empty: bool = False) -> None:
        app = self.app
        items = [] if empty else app.content.by_field.get(self.field_name, [])
        self.ids.title.text = t("field_title", field=self.field_name)
        self.ids.count.text = t("field_count", count=len(items))
        if self.buttons is None:  # the same widgets for every field (kiosk/reuse.py)
            self.buttons = WidgetPool(self._make)
        shown: list[Item] = [("ProcedureButton", self._button(p)) for p in items]
        self.buttons.fill(self.ids.entries, shown or [("WrapLabel", {"text": t("field_empty")})])

    def _button(self, p: Procedure) -> dict[str, str]:
        small = int(self.app.fs_small)
        mark = ""
        if p.status in ("new", "amended"):
            status = t(f"status_{p.status}")
            mark = f"  [color=a81a1a][size={small}]{status}[/size][/color]"
        text = (
            f"{escape_markup(p.name)}{mark}\n[size={small}][color=555555]"
            f"{t('code', code=p.code)}[/color][/size]"
        )
        return {"code": p.code, "text": text}

    def _make(self, kind: str) -> Widget:
        if kind == "ProcedureButton":
            button = ProcedureButton()
            button.bind(on_release=lambda b: self.app.show("procedure", b.code))
            return button
        return WrapLabel()
