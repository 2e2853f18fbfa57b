"""What every page gets: the operation runner, the acting user, the office, and navigation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from app.services.context import Actor
from app.services.offices import OfficeInfo
from app.services.workspace import Workspace
from ui.operations import OpRunner


class Navigator(Protocol):
    def show_page(self, key: str) -> None: ...
    def open_matter(self, matter_id: uuid.UUID) -> None: ...
    def open_person(self, person_id: uuid.UUID) -> None: ...


@dataclass
class GuiContext:
    runner: OpRunner
    workspace: Workspace
    actor: Actor
    office: OfficeInfo
    navigator: Navigator
