"""Home: the fields as large buttons with counts, the search box, what is new, the clips."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.utils import escape_markup

from kiosk.catalogue import duration_text, t, vn_date
from kiosk.screens import KioskScreen
from kiosk.widgets import ClipButton, FieldButton, ProcedureButton

PLAY_MARK = "[font=DejaVuSans]▶[/font]"  # Roboto has no ▶
FIELD_COLOURS = (
    (0.06, 0.33, 0.6, 1),
    (0.0, 0.45, 0.42, 1),
    (0.35, 0.22, 0.55, 1),
    (0.55, 0.3, 0.05, 1),
    (0.13, 0.4, 0.15, 1),
    (0.58, 0.12, 0.3, 1),
)


class HomeScreen(KioskScreen):
    built_for: tuple[int, int] | None = None  # (content version, small text size)

    def enter(self, arg: str) -> bool:
        # citizens come home often: the lists are made again only for new content or a new
        # text size, not at every return (each new set of buttons costs heap for good)
        if self.built_for != (self.app.content_version, int(self.app.fs_small)):
            self.build_lists()
        return True

    def refresh(self, old: object) -> None:
        self.build_lists()

    def build_lists(self) -> None:
        app = self.app
        content = app.content
        self.built_for = (app.content_version, int(app.fs_small))
        fields = self.ids.fields
        fields.clear_widgets()
        fields.cols = 3 if len(content.fields) > 4 else 2
        for index, entry in enumerate(content.fields):
            button = FieldButton(
                field_name=entry.name,
                text=f"[b]{escape_markup(entry.name)}[/b]\n[size={int(app.fs_small)}]"
                f"{t('field_count', count=entry.count)}[/size]",
                bg=FIELD_COLOURS[index % len(FIELD_COLOURS)],
            )
            button.bind(on_release=lambda b: app.show("field", b.field_name))
            fields.add_widget(button)
        self.ids.empty_note.text = "" if content.fields else t("no_content")

        recent = self.ids.recent
        recent.clear_widgets()
        for p in content.recent:
            status = t(f"status_{p.status}")
            when = f" · {vn_date(p.effective_date)}" if p.effective_date else ""
            button = ProcedureButton(
                code=p.code,
                text=f"{escape_markup(p.name)}\n[size={int(app.fs_small)}][color=a81a1a]{status}{when}"
                f"[/color][/size]",
            )
            button.bind(on_release=lambda b: app.show("procedure", b.code))
            recent.add_widget(button)
        if not content.recent:
            recent.add_widget(Factory.SmallLabel(text=t("no_recent")))

        clips = self.ids.clips
        clips.clear_widgets()
        for clip in content.clips:
            button = ClipButton(
                clip_id=clip.id,
                text=f"{PLAY_MARK}  {escape_markup(clip.title)}\n"
                f"[size={int(app.fs_small)}]{duration_text(clip.duration_s)}[/size]",
                size_hint_y=None,
                halign="left",
            )
            button.bind(texture_size=lambda b, size: setattr(b, "height", size[1] + 28))
            button.bind(on_release=lambda b: app.show("clip", b.clip_id))
            clips.add_widget(button)
        self.ids.clips_title.opacity = 1 if content.clips else 0
