"""The menu: each page module lists its entries; a visitor sees those it may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from commune.console.catalogue import t

if TYPE_CHECKING:
    from commune.console.web import Visit


@dataclass(frozen=True)
class NavItem:
    path: str
    label_key: str  # a catalogue key
    permission: str
    order: int

    @property
    def label(self) -> str:
        return t(self.label_key)


MENU: list[NavItem] = []


def add_to_menu(*items: NavItem) -> None:
    for item in items:
        if item not in MENU:
            MENU.append(item)
    MENU.sort(key=lambda item: item.order)


def visible_nav(visit: Visit) -> list[NavItem]:
    return [item for item in MENU if visit.may(item.permission)]
