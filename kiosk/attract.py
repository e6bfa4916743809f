"""The attract loop shown when nobody uses the kiosk: slides about what it offers, and the
clips (muted: the office is a place of work)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.catalogue import t, vn_date
from kiosk.content import KioskContent


@dataclass(frozen=True)
class Slide:
    title: str
    detail: str = ""
    clip_id: str = ""  # a clip instead of text


def attract_slides(content: KioskContent, max_recent: int = 3) -> list[Slide]:
    slides = [
        Slide(t("attract_welcome", count=content.in_force_count), t("attract_welcome_detail")),
        Slide(t("attract_search"), t("attract_search_detail")),
    ]
    for p in content.recent[:max_recent]:
        when = f" · {vn_date(p.effective_date)}" if p.effective_date else ""
        slides.append(Slide(t("attract_new"), f"{p.name}\n{t(f'status_{p.status}')}{when}"))
    if any(p.online_url for p in content.procedures.values() if p.in_force):
        slides.append(Slide(t("attract_online"), t("attract_online_detail")))
    for clip in content.clips:
        slides.append(Slide(clip.title, clip.description, clip.id))
    return slides
