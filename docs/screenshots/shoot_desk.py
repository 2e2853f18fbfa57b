"""Screenshots of 来访登记 on demo data at 1366×768: the form filled in for a returning petitioner,
and the next-step panel after registering a first contact.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_desk.py

Builds a throwaway workspace (demo data, 600 contacts, clock 2026-11-23 10:00) and writes desk.png
and desk-next-step.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.domain.workflow import FINISHED_STATES  # noqa: E402
from app.services.workspace import Workspace, actor_for  # noqa: E402
from db.models import Matter, MatterPetitioner, Person, UserAccount  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from ui.widgets.chosen_persons import ChosenPerson  # noqa: E402
from _shots import OUT, demo_workspace, themed_app, wait_for  # noqa: E402  (this folder: the scripts run as scripts)


def returning_person(ws: Workspace) -> tuple[str, str]:
    """A person with an open matter and at least one other: (name, subject of the open matter)."""
    unfinished = [s.value for s in FINISHED_STATES]
    with ws.database.read() as session:
        many = (select(MatterPetitioner.person_id).group_by(MatterPetitioner.person_id)
                .having(func.count() >= 2).subquery())
        row = session.execute(
            select(Person.name, Matter.subject_code, Person.name_initials)
            .join(MatterPetitioner, MatterPetitioner.person_id == Person.id)
            .join(Matter, Matter.id == MatterPetitioner.matter_id)
            .where(Person.id.in_(select(many.c.person_id)), Matter.state.notin_(unfinished),
                   func.length(Person.name) == 2)
            .order_by(Matter.registered_on.desc()).limit(1)).one()
        return row[2], row[1]


def main() -> None:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        ws = demo_workspace(Path(tmp) / "data", 600)
        with ws.database.read() as session:
            admin = actor_for(session.scalars(select(UserAccount).where(UserAccount.login == "admin")).one())
        initials, subject = returning_person(ws)
        window = open_main_window(ws, admin)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        window.show_page("desk")  # the deadline board opens first when something is due
        desk = window.page("desk")
        wait_for(lambda: desk.lists is not None)

        # A returning petitioner: found by initials, same subject, a saved phrase, linked.
        wait_for(lambda: window.activateWindow() or window.isActiveWindow())
        desk.picker.edit.setFocus()
        wait_for(desk.picker.edit.hasFocus)
        desk.picker.edit.insert(initials)
        wait_for(lambda: not desk.picker.is_searching() and desk.picker.popup.is_open())
        QApplication.processEvents()
        window.grab().save(str(OUT / "desk-search.png"))
        hit = next(h for h in desk.picker.hits() if h.open_matters)
        desk.picker.clear()
        desk.add_person(ChosenPerson(hit=hit))
        desk.fields.subject.choose(subject)
        desk.fields.insert_phrase(0)
        desk.fields.content.insertPlainText("本月又找过村里两次，仍无结果。")
        wait_for(lambda: desk.earlier.model.rowCount() > 0 and desk.earlier.auto_join() is not None)
        desk.link(0)
        QApplication.processEvents()
        window.grab().save(str(OUT / "desk.png"))

        # A first contact by a new petitioner, saved: the next statutory step.
        desk.next_visitor()
        wait_for(lambda: desk.lists is not None and not desk.persons.people())
        desk.picker.request_new()
        panel = desk.new_person
        panel.name.setText("刘桂兰")
        panel.phone.setText("13867120458")
        panel.submit()
        wait_for(lambda: len(desk.persons.people()) == 1)
        desk.fields.subject.choose("0202")
        desk.fields.content.setPlainText("反映本人 2024 年起在村里企业工作，企业未为其缴纳养老保险，要求补缴。")
        desk.save()
        wait_for(lambda: desk.stack.currentWidget() is desk.next_panel)
        QApplication.processEvents()
        window.grab().save(str(OUT / "desk-next-step.png"))
        window.ctx.runner.wait()
        window.close()
        ws.close()
    print(f"wrote desk.png, desk-search.png and desk-next-step.png in {OUT}")


if __name__ == "__main__":
    main()
