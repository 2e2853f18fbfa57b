"""重点人员 with follow-up log (shown on the archive), 敏感节点 and who is due during one."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.enums import Role
from app.errors import Conflict, PermissionDenied, ValidationError
from app.services import key_persons as kp
from app.services.person_archive import load_archive
from app.services.persons import PersonInput, create_person

D = date.fromisoformat
TODAY = D("2026-11-23")


def person(ws, actor, name):
    with ws.write(actor) as uow:
        return create_person(uow, PersonInput(name=name))


def listed(ws, actor, person_id, officer, days=30, reason="多次赴县上访，诉求为征地补偿"):
    with ws.write(actor) as uow:
        return kp.list_key_person(uow, person_id, officer_id=officer.user_id, reason=reason, follow_up_days=days)


def test_key_person_follow_up_and_archive(ws, actors, clock):
    clerk, handler = actors[Role.RECEPTIONIST], actors[Role.HANDLER]
    zhang = person(ws, clerk, "张三")
    clock.now = datetime(2026, 10, 1, 9, 0)
    entry = listed(ws, clerk, zhang, handler, days=30)
    clock.now = datetime(2026, 11, 23, 10, 0)
    with ws.write(handler) as uow:
        kp.log_follow_up(uow, entry, on=D("2026-11-10"), way="入户走访", note="情绪稳定，等待补偿方案")
    with ws.read(clerk) as uow:
        archive = load_archive(uow, zhang, ws.attachments_dir)
        (log,) = kp.follow_ups(uow, entry)
    info = archive.key_person
    assert (info.officer, info.last_contact_on, info.next_due_on) == (handler.display_name, D("2026-11-10"),
                                                                     D("2026-12-10"))
    assert archive.follow_up_officer == handler.display_name
    assert (log.way, log.officer) == ("入户走访", handler.display_name)
    with pytest.raises(Conflict), ws.write(clerk) as uow:
        kp.list_key_person(uow, zhang, officer_id=handler.user_id, reason="再次")
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        kp.log_follow_up(uow, entry, on=D("2026-09-30"), way="电话", note="x")
    assert err.value.field == "contacted_on"
    with ws.write(clerk) as uow:
        kp.remove_key_person(uow, entry, "诉求已化解，息诉罢访")
    with ws.read(clerk) as uow:
        assert load_archive(uow, zhang, ws.attachments_dir).key_person is None
        assert kp.key_persons(uow) == ()


def test_sensitive_period_shows_key_persons_due_during_it(ws, actors, clock):
    clerk, handler = actors[Role.RECEPTIONIST], actors[Role.HANDLER]
    clock.now = datetime(2026, 11, 1, 9, 0)
    soon = listed(ws, clerk, person(ws, clerk, "张三"), handler, days=25)  # due 11-26
    listed(ws, clerk, person(ws, clerk, "李四"), handler, days=60)  # due 12-31
    clock.now = datetime(2026, 11, 23, 10, 0)
    with ws.write(clerk) as uow:
        meeting = kp.save_period(uow, name="县人代会", starts_on=D("2026-11-20"), ends_on=D("2026-11-28"))
        kp.save_period(uow, name="元旦", starts_on=D("2026-12-30"), ends_on=D("2027-01-03"))
    with ws.read(clerk) as uow:
        assert kp.active_period(uow, D("2026-11-19")) is None
        assert kp.active_period(uow, D("2027-01-01")).name == "元旦"
        watch = kp.period_watch(uow)
    assert watch.period.name == "县人代会"
    assert [k.id for k in watch.due] == [soon]
    with ws.write(clerk) as uow:
        kp.save_period(uow, period_id=meeting, name="县人代会（延长）", starts_on=D("2026-11-20"),
                       ends_on=D("2027-01-05"))
    with ws.read(clerk) as uow:
        assert [k.name for k in kp.period_watch(uow).due] == ["张三", "李四"]
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        kp.save_period(uow, name="国庆", starts_on=D("2026-10-07"), ends_on=D("2026-10-01"))
    assert err.value.field == "ends_on"
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        kp.save_period(uow, name=" ", starts_on=D("2026-10-01"), ends_on=D("2026-10-07"))
    assert err.value.field == "name"
    with pytest.raises(PermissionDenied), ws.write(actors[Role.COUNTY_READER]) as uow:
        kp.delete_period(uow, meeting)
