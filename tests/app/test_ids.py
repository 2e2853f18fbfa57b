"""Row ids grow with time (db/ids.py), so new rows land at the right edge of every id index."""

from __future__ import annotations

import time
import uuid

from db.ids import new_id


def test_ids_are_version_7_uuids_that_grow_with_time():
    first = new_id()
    time.sleep(0.002)
    later = [new_id() for _ in range(1000)]
    assert (first.version, first.variant) == (7, uuid.RFC_4122)
    assert all(first < i for i in later)
    assert abs((first.int >> 80) - time.time_ns() // 1_000_000) < 5_000  # the leading 48 bits: milliseconds
    assert len(set(later)) == 1000  # 74 random bits apart within one millisecond


def test_a_new_row_gets_one(ws, admin):
    from app.services.persons import PersonInput, create_person

    with ws.write(admin) as uow:
        person_id = create_person(uow, PersonInput(name="张三"))
    assert person_id.version == 7
