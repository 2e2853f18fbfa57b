"""Two program instances writing to one database at once: numbers stay unique and gap-free.

Each instance is a separate process with its own Workspace, as on a township PC where the clerk
started the program twice, or at the county hub where several PCs share one PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.enums import Channel, MatterType
from app.errors import ValidationError
from app.services.contacts import NewContact, register_contact
from app.services.numbering import contact_number, matter_number, next_number
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.migrate import current_revision, head_revision
from db.models import Contact, Matter, NumberSeries
from tests.db.conftest import chain_breaks

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 10  # per process, each round: a contact with a new person, an anonymous letter, a bare number
TIMEOUT = 60

CHILD = r'''
import json, sys
from datetime import datetime

from app.domain.enums import Channel, MatterType
from app.services import audit
from app.services.contacts import NewContact, register_contact
from app.services.numbering import next_number
from app.services.persons import PersonInput
from app.services.workspace import Workspace

mode, folder, url = sys.argv[1], sys.argv[2], sys.argv[3] or None


def wait_for_go():
    print("ready", flush=True)
    sys.stdin.readline()


if mode == "open":
    wait_for_go()
    Workspace.open(folder, url).close()
    print(json.dumps("opened"))
    sys.exit()

rounds, who = int(sys.argv[4]), int(sys.argv[5])
ws = Workspace.open(folder, url, clock=lambda: datetime(2026, 11, 23, 10, 0))
actor = ws.system_actor()
taken = {"contact": [], "matter": [], "bare": []}
wait_for_go()
for i in range(rounds):
    # A new person is audited before any number is taken; an anonymous letter takes its
    # numbers first: the two lock orders that deadlocked on PostgreSQL.
    for person in (PersonInput(name="赵钱"[who] + "一二三四五六七八九十"[i]), None):
        with ws.write(actor) as uow:
            r = register_contact(uow, NewContact(
                channel=Channel.LETTER, contact_at=datetime(2026, 11, 20, 9, 0), content="来信反映问题",
                subject_code="0101", matter_type=MatterType.CLAIM,
                persons=(person,) if person else (), anonymous=person is None))
        taken["contact"].append(r.number)
        taken["matter"].append(r.matter_number)
    with ws.write(actor) as uow:
        n = next_number(uow.session, actor.office_id, "bare", 2026)
        audit.record(uow, "number", "bare", str(n))
    taken["bare"].append(n)
ws.close()
print(json.dumps(taken))
'''


def run_together(argument_lists: list[list[str]]) -> list[object]:
    """Start one child per argument list, let them all go at the same moment, return their results."""
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, *arguments], cwd=ROOT, text=True,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=os.environ | {"PYTHONPATH": str(ROOT)})
        for arguments in argument_lists
    ]
    try:
        for child in children:
            if child.stdout.readline().strip() != "ready":
                pytest.fail(f"child failed to start:\n{child.communicate(timeout=TIMEOUT)[1]}")
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        results = []
        for child in children:
            out, err = child.communicate(timeout=TIMEOUT)
            assert child.returncode == 0, err
            results.append(json.loads(out))
        return results
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()


def test_two_instances_take_unique_gap_free_numbers(office_ws):
    url = office_ws.database.url
    office_id = office_ws.local_office_id()
    folders = [office_ws.data_dir if office_ws.database.is_sqlite else office_ws.data_dir / f"pc{who}"
               for who in range(2)]
    results = run_together([["register", str(folder), url, str(ROUNDS), str(who)]
                            for who, folder in enumerate(folders)])

    contacts = 2 * 2 * ROUNDS
    taken = {series: sorted(n for result in results for n in result[series])
             for series in ("contact", "matter", "bare")}
    assert taken["contact"] == [contact_number(2026, n) for n in range(1, contacts + 1)]
    assert taken["matter"] == [matter_number(2026, n) for n in range(1, contacts + 1)]
    assert taken["bare"] == list(range(1, 2 * ROUNDS + 1))
    with office_ws.database.read() as session:
        assert sorted(session.scalars(select(Contact.number))) == taken["contact"]
        assert sorted(session.scalars(select(Matter.number))) == taken["matter"]
        last = {series: value for series, value in session.execute(
            select(NumberSeries.series, NumberSeries.last_value)
            .where(NumberSeries.office_id == office_id, NumberSeries.year == 2026))}
        assert last == {"contact": contacts, "matter": contacts, "bare": 2 * ROUNDS}
        assert chain_breaks(session) == []


def test_programs_starting_together_on_a_new_database_all_open_it(db_url, tmp_path):
    """Two or three clerks start the new version at once: one migrates, the others wait for it."""
    sqlite = db_url.startswith("sqlite")
    folders = [tmp_path / "data" if sqlite else tmp_path / f"pc{who}" for who in range(3)]
    url = "" if sqlite else db_url  # SQLite: the default database file in the shared data folder
    assert run_together([["open", str(folder), url] for folder in folders]) == ["opened"] * 3
    ws = Workspace.open(folders[0], url or None)
    try:
        assert current_revision(ws.database.engine) == head_revision()
    finally:
        ws.close()


def test_failed_unit_of_work_gives_its_number_back(office_ws, admin):
    office_id = admin.office_id
    with pytest.raises(RuntimeError):
        with office_ws.database.write() as session:
            assert next_number(session, office_id, "contact", 2026) == 1
            raise RuntimeError("the PC lost power")
    with office_ws.database.write() as session:
        assert next_number(session, office_id, "contact", 2026) == 1
        assert next_number(session, office_id, "contact", 2026) == 2


def test_refused_registration_leaves_no_gap(office_ws, admin):
    def contact(leader_reception: bool = False) -> NewContact:
        return NewContact(channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 0),
                          content="反映征地补偿款未发放", persons=(PersonInput(name="王𠮷"),),
                          subject_code="0101", matter_type=MatterType.CLAIM,
                          leader_reception=leader_reception, leader_name="")

    # Refused only after its matter was opened (number, audit) and its contact number taken.
    with pytest.raises(ValidationError, match="接访领导"):
        with office_ws.write(admin) as uow:
            register_contact(uow, contact(leader_reception=True))  # but no leader named
    with office_ws.write(admin) as uow:
        registered = register_contact(uow, contact())
    assert (registered.number, registered.matter_number) == ("DJ2026-000001", "SX2026-00001")
    with office_ws.database.read() as session:
        assert chain_breaks(session) == []
