"""Dictionaries shipped in resources/: the subject tree (问题分类), loaded into the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import DataFileError
from app.resources import resource_path
from db.models import Subject, subject_id


@dataclass(frozen=True)
class SubjectNode:
    code: str
    name: str
    parent_code: str | None


def read_subject_file(path: Path | None = None) -> list[SubjectNode]:
    path = path or resource_path("dictionaries", "subjects.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        nodes: list[SubjectNode] = []
        for top in data["subjects"]:
            nodes.append(SubjectNode(str(top["code"]), str(top["name"]), None))
            nodes.extend(
                SubjectNode(str(c["code"]), str(c["name"]), str(top["code"])) for c in top["children"]
            )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataFileError("subjects_file", f"问题分类文件 {path.name} 无法读取：{exc}") from exc
    codes = [n.code for n in nodes]
    if len(set(codes)) != len(codes):
        raise DataFileError("subjects_file", f"问题分类文件 {path.name} 中有重复的代码")
    return nodes


def install_subjects(session: Session, nodes: list[SubjectNode]) -> int:
    """Insert subjects whose code is new; existing codes keep their rows (old records stay readable)."""
    existing = set(session.scalars(select(Subject.code)))
    added = 0
    for order, node in enumerate(nodes):
        if node.code in existing:
            continue
        session.add(
            Subject(
                id=subject_id(node.code),
                code=node.code,
                name=node.name,
                parent_code=node.parent_code,
                sort_order=order,
            )
        )
        added += 1
    return added


def subject_names(session: Session) -> dict[str, str]:
    # dict() would take the Result for a mapping (it has keys()), so build it from rows.
    return {code: name for code, name in session.execute(select(Subject.code, Subject.name))}


def subject_path(names: dict[str, str], code: str | None) -> str:
    """"城乡建设/征地拆迁" for a level-2 code (level-1 codes are its first two digits)."""
    if not code:
        return ""
    if len(code) > 2 and code[:2] in names:
        return f"{names[code[:2]]}/{names.get(code, code)}"
    return names.get(code, code)
