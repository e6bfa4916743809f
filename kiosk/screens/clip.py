"""A clip with sound: play, pause, back. Muted while the village loudspeakers broadcast when
the kiosk's speakers share their output (``kiosk.shares_broadcast_output``)."""

from __future__ import annotations

from pathlib import Path

from kivy.utils import escape_markup

from kiosk.catalogue import t
from kiosk.screens import KioskScreen


def make_video(path: Path, volume: float = 1.0):  # a kivy Video
    from kivy.uix.video import Video

    return Video(source=str(path), state="play", volume=volume, options={"eos": "stop"})


class ClipScreen(KioskScreen):
    clip_id = ""
    video = None

    def enter(self, arg: str) -> bool:
        clip = self.app.content.clip(arg)
        if clip is None:
            return False
        self.stop()
        self.clip_id = arg
        self.ids.title.text = f"[b]{escape_markup(clip.title)}[/b]"
        self.ids.description.text = escape_markup(clip.description)
        path = self.app.store.media_path(clip.sha256)
        if not path.is_file():
            self.ids.description.text = t("clip_missing")
            return True
        if not self.app.screenshot_mode:
            self.video = make_video(path, volume=0.0 if self.app.muted else 1.0)
            self.video.bind(state=self.on_video_state)
            self.ids.video_holder.add_widget(self.video)
            self.app.idle.set_busy(True)
        self.app.journal.record_clip(arg)
        self.on_video_state(self.video, "play")
        return True

    def refresh(self, old: object) -> None:
        if self.app.content.clip(self.clip_id) is None:
            self.app.go_home()

    def set_muted(self, muted: bool) -> None:
        if self.video is not None:
            self.video.volume = 0.0 if muted else 1.0

    def on_video_state(self, _video: object, state: str) -> None:
        playing = state == "play"
        self.ids.play_button.text = t("pause") if playing else t("play")
        self.app.idle.set_busy(playing)

    def toggle(self) -> None:
        if self.video is None:
            return
        self.video.state = "pause" if self.video.state == "play" else "play"

    def stop(self) -> None:
        if self.video is not None:
            self.video.state = "stop"
            self.video.unload()
            self.ids.video_holder.remove_widget(self.video)
            self.video = None
        self.app.idle.set_busy(False)

    def leave(self) -> None:
        self.stop()
