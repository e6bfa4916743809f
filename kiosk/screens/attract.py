"""The attract loop: slides and muted clips in turn; a touch brings the citizen home (the
app's root catches that touch)."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.utils import escape_markup

from kiosk.attract import Slide, attract_slides
from kiosk.screens import KioskScreen
from kiosk.screens.clip import make_video


class AttractScreen(KioskScreen):
    slides: list[Slide] = []
    index = 0
    _next = None
    video = None

    def enter(self, arg: str) -> bool:
        self.slides = attract_slides(self.app.content)
        self.index = int(arg) % len(self.slides) if arg.isdigit() else 0
        self.show_slide()
        return True

    def refresh(self, old: object) -> None:
        self.slides = attract_slides(self.app.content)
        self.index %= len(self.slides)

    def leave(self) -> None:
        if self._next is not None:
            self._next.cancel()
            self._next = None
        self.stop_video()

    def stop_video(self) -> None:
        if self.video is not None:
            self.video.state = "stop"
            self.video.unload()
            self.ids.video_holder.remove_widget(self.video)
            self.video = None

    def show_slide(self) -> None:
        self.stop_video()
        slide = self.slides[self.index]
        self.ids.title.text = f"[b]{escape_markup(slide.title)}[/b]"
        self.ids.detail.text = escape_markup(slide.detail)
        wait = self.app.kiosk.attract_slide_s
        clip = self.app.content.clip(slide.clip_id) if slide.clip_id else None
        self.ids.text_box.opacity = 0 if clip else 1
        if clip is not None and not self.app.screenshot_mode:
            self.video = make_video(self.app.store.media_path(clip.sha256), volume=0.0)
            self.video.bind(eos=lambda *_: self.advance())
            self.ids.video_holder.add_widget(self.video)
            wait = clip.duration_s + 2.0
        if self._next is not None:
            self._next.cancel()
        if not self.app.screenshot_mode:
            self._next = Clock.schedule_once(lambda _dt: self.advance(), wait)

    def advance(self) -> None:
        if self.manager is None or self.manager.current != self.name:
            return
        self.index = (self.index + 1) % len(self.slides)
        self.show_slide()
