"""The October 2026 data set (tests/statistics/dataset.py), built once and copied for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.context import Actor
from app.services.workspace import Workspace
from tests.conftest import Clock, _actor
from tests.statistics import dataset


@pytest.fixture(scope="session")
def october_dir(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dataset.Built]:
    folder = tmp_path_factory.mktemp("october") / "data"
    shutil.copytree(template_dir, folder)
    ws = Workspace.open(folder, clock=Clock())
    built = dataset.build(ws, _actor(ws, "admin"))
    ws.close()
    return folder, built


@pytest.fixture
def october(october_dir: tuple[Path, dataset.Built], tmp_path: Path, clock: Clock
            ) -> Iterator[tuple[Workspace, Actor, dataset.Built]]:
    source, built = october_dir
    folder = tmp_path / "october"
    shutil.copytree(source, folder)
    ws = Workspace.open(folder, clock=clock)
    yield ws, _actor(ws, "admin"), built
    ws.close()
