"""Feedback: a five-point satisfaction rating, as in the one-stop office surveys, with a
few optional reasons; written to the kiosk's journal."""

from __future__ import annotations

from kivy.clock import Clock

from kiosk.catalogue import t
from kiosk.journal import RATINGS, REASONS
from kiosk.screens import KioskScreen
from kiosk.widgets import RatingButton, ReasonButton

RATING_COLOURS = {
    5: (0.1, 0.45, 0.2, 1),
    4: (0.3, 0.55, 0.2, 1),
    3: (0.45, 0.45, 0.45, 1),
    2: (0.7, 0.4, 0.05, 1),
    1: (0.66, 0.1, 0.1, 1),
}


class FeedbackScreen(KioskScreen):
    about = ""  # the procedure the citizen was reading, if any
    _thanks_event = None

    def on_kv_post(self, base_widget: object) -> None:
        for rating in RATINGS:
            button = RatingButton(
                rating=rating, text=t(f"rating_{rating}"), group="rating", bg=RATING_COLOURS[rating]
            )
            button.allow_no_selection = False
            self.ids.ratings.add_widget(button)
        for reason in REASONS:
            button = ReasonButton(
                reason=reason, text=t(f"reason_{reason}"), bg=(0.35, 0.35, 0.4, 1)
            )
            self.ids.reasons.add_widget(button)

    def enter(self, arg: str) -> bool:
        self.about = arg
        for button in [*self.ids.ratings.children, *self.ids.reasons.children]:
            button.state = "normal"
        self.ids.message.text = ""
        self.ids.send.disabled = False
        return True

    def selected_rating(self) -> int:
        return next((b.rating for b in self.ids.ratings.children if b.state == "down"), 0)

    def send(self) -> None:
        rating = self.selected_rating()
        if not rating:
            self.ids.message.text = t("choose_rating")
            return
        reasons = [b.reason for b in reversed(self.ids.reasons.children) if b.state == "down"]
        self.app.journal.record_feedback(rating, reasons, procedure=self.about)
        self.ids.message.text = t("thanks")
        self.ids.send.disabled = True
        self._thanks_event = Clock.schedule_once(lambda _dt: self.app.go_home(), 3.0)

    def leave(self) -> None:
        if self._thanks_event is not None:
            self._thanks_event.cancel()
            self._thanks_event = None
