"""Notices issued by matter steps: once per kind, gap-free numbers, the office prefix."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.services import documents, matter_steps as st, matters
from app.services.context import Actor
from app.services.workspace import Workspace
from tests.support.matter_road import PREFIX, D, counts, do, docs, register


# --- notices: once per kind, gap-free ----------------------------------------------------------


def test_notice_issued_once_per_kind(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    do(ws, admin, mid, st.Accept(on=D("2026-06-03")))
    before = counts(ws)
    with ws.write(admin) as uow:
        again = documents.issue_document(uow, documents.DocumentKind.ACCEPTANCE,
                                         matters.load_matter(uow, mid), D("2026-06-10"))
        assert (again.number, again.issued_on) == (f"{PREFIX}受〔2026〕1号", D("2026-06-03"))
    assert counts(ws) == before
    other = register(ws, admin, name="李四").matter_id
    do(ws, admin, other, st.Accept(on=D("2026-06-04")))
    assert docs(ws, other) == [("acceptance", f"{PREFIX}受〔2026〕2号", D("2026-06-04"))]


def test_failed_step_does_not_consume_a_number(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    before = counts(ws)
    # The notice is issued, then the note (control character) fails: all of it rolls back.
    with pytest.raises(ValidationError) as caught:
        do(ws, admin, mid, st.Accept(on=D("2026-06-03"), note="备注\x07"))
    assert caught.value.field == "note" and "备注" in caught.value.message
    assert counts(ws) == before
    do(ws, admin, mid, st.Accept(on=D("2026-06-03")))
    assert docs(ws, mid) == [("acceptance", f"{PREFIX}受〔2026〕1号", D("2026-06-03"))]


def test_document_prefix_setting(ws: Workspace, admin: Actor) -> None:
    from db.models import Setting

    with ws.database.write() as session:
        session.add(Setting(office_id=admin.office_id, key="document_prefix", value="某镇信访"))
    mid = register(ws, admin).matter_id
    do(ws, admin, mid, st.Accept(on=D("2026-06-03")))
    assert docs(ws, mid)[0][1] == "某镇信访受〔2026〕1号"
