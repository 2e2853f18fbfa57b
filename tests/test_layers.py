"""The layers stay apart: the core runs without Qt, and the UI reaches data only through app/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(folder: str) -> list[tuple[Path, str]]:
    found = []
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


def _offending(folder: str, prefixes: tuple[str, ...]) -> list[str]:
    return [f"{p.relative_to(ROOT)}: {m}" for p, m in _imports(folder)
            if any(m == x or m.startswith(x + ".") for x in prefixes)]


@pytest.mark.parametrize("folder", ["app", "db"])
def test_core_never_imports_qt(folder: str) -> None:
    assert _offending(folder, ("PySide6", "shiboken6", "ui")) == []


def test_db_never_imports_services() -> None:
    assert _offending("db", ("app.services", "app.cli")) == []


def test_ui_never_touches_the_database_directly() -> None:
    assert _offending("ui", ("sqlalchemy", "db", "alembic")) == []
