"""A field's procedures, as a list of large buttons."""

from __future__ import annotations

from kivy.utils import escape_markup

from kiosk.catalogue import t
from kiosk.screens import KioskScreen
from kiosk.widgets import ProcedureButton, WrapLabel


class FieldScreen(KioskScreen):
    field_name = ""

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
        box = self.ids.entries
        box.clear_widgets()
        for p in items:
            mark = ""
            if p.status in ("new", "amended"):
                status = t(f"status_{p.status}")
                mark = f"  [color=a81a1a][size={int(app.fs_small)}]{status}[/size][/color]"
            button = ProcedureButton(
                code=p.code,
                text=f"{escape_markup(p.name)}{mark}\n[size={int(app.fs_small)}][color=555555]"
                f"{t('code', code=p.code)}[/color][/size]",
            )
            button.bind(on_release=lambda b: app.show("procedure", b.code))
            box.add_widget(button)
        if not items:
            box.add_widget(WrapLabel(text=t("field_empty")))
