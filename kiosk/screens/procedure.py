"""A procedure in full: what to bring, where, how long, how much, the steps, the legal
basis; a QR code to the online service when there is one. Large type, scrollable."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.utils import escape_markup

from kiosk.catalogue import t, vn_date
from kiosk.reuse import WidgetPool
from kiosk.screens import KioskScreen
from village.procedures import Procedure
from village.site_links import procedure_url

# (section, attribute, always shown) in the order citizens need them
SECTIONS = (
    ("documents", "documents", True),
    ("submit_place", "submit_place", True),
    ("time_limit", "time_limit", True),
    ("fees", "fees", True),
    ("steps", "steps", False),
    ("channels", "channels", False),
    ("result", "result", False),
    ("subjects", "subjects", False),
    ("conditions", "conditions", False),
    ("agency", "agency", False),
    ("legal_basis", "legal_basis", False),
)


def status_line(p: Procedure) -> str:
    if not p.effective_date:
        return t(f"status_{p.status}")
    when = "effective_since" if p.status == "current" else "effective_from"
    return f"{t(f'status_{p.status}')}\n{t(when, date=vn_date(p.effective_date))}"


class ProcedureScreen(KioskScreen):
    code = ""
    shown: Procedure | None = None
    labels: WidgetPool | None = None

    def enter(self, arg: str) -> bool:
        procedure = self.app.content.procedure(arg)
        if procedure is None or not procedure.in_force:
            return False
        self.code = arg
        self.show_procedure(procedure)
        self.ids.scroll.scroll_y = 1
        self.app.journal.record_view(arg)
        return True

    def refresh(self, old: object) -> None:
        procedure = self.app.content.procedure(self.code)
        if procedure is None or procedure == self.shown:
            return
        scroll = self.ids.scroll
        from_top = (1 - scroll.scroll_y) * max(0, scroll.children[0].height - scroll.height)
        self.show_procedure(procedure)

        def keep_place(_dt: float) -> None:
            # after the new page is laid out: the same distance from the top as before
            room = scroll.children[0].height - scroll.height
            scroll.scroll_y = 1 - min(1, from_top / room) if room > 0 else 1

        Clock.schedule_once(keep_place, 0.05)

    def show_procedure(self, p: Procedure) -> None:
        self.shown = p
        if self.labels is None:  # the same labels for every page (kiosk/reuse.py)
            self.labels = WidgetPool(lambda kind: getattr(Factory, kind)())
        meta = " · ".join(x for x in (p.field, p.level) if x)
        items = [
            ("TitleLabel", {"text": f"[b]{escape_markup(p.name)}[/b]"}),
            ("SmallLabel", {"text": escape_markup(meta)}),
        ]
        for key, attribute, always in SECTIONS:
            value = getattr(p, attribute)
            if not value and not always:
                continue
            items.append(("SectionTitle", {"text": t(f"section_{key}")}))
            items += [("WrapLabel", {"text": line}) for line in self.section_lines(key, value)]
        self.labels.fill(self.ids.body, items)
        self.ids.status.text = status_line(p)
        self.ids.code.text = t("code", code=p.code)
        page = procedure_url(self.app.settings.site.base_url, p.code)  # [site] base_url
        target = page or p.online_url
        self.ids.qr.url = target
        self.ids.qr_box.opacity = 1 if target else 0
        self.ids.qr_box.disabled = not target
        self.ids.url.text = escape_markup(target)
        self.ids.qr_caption.text = t("qr_caption_site" if page else "qr_caption")

    @staticmethod
    def section_lines(key: str, value: str | tuple[str, ...]) -> list[str]:
        if not value:
            return [f"[i]{t('no_info')}[/i]"]
        if isinstance(value, str):
            return [escape_markup(value)]
        if key == "steps":
            return [
                f"[b]{t('step', number=n)}.[/b] {escape_markup(item)}"
                for n, item in enumerate(value, 1)
            ]
        return [f"•  {escape_markup(item)}" for item in value]
