"""村级接访 sessions and 信访代办 (点单 → 派单 → 接单 → 评单) on a matter."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.enums import Role, Satisfaction
from app.domain.leader_work import ProxyStage
from app.errors import Conflict, ValidationError
from app.services import village_work as vw
from tests.support.matters import register, village_id

D = date.fromisoformat
TODAY = D("2026-11-23")


def test_village_reception_records_what_came_of_it(ws, actors):
    clerk = actors[Role.RECEPTIONIST]
    with ws.write(clerk) as uow:
        vw.record_village_reception(uow, vw.NewVillageReception(
            D("2026-11-18"), village_id(ws, "东风村"), "包村干部李某、村支书王某", contacts_registered=2,
            cases_discussed=1, screening_done=True, note="有访接访：登记两起"))
        vw.record_village_reception(uow, vw.NewVillageReception(
            TODAY, village_id(ws, "红旗村"), "包村干部赵某", screening_done=True, note="无事排查"))
    with ws.read(clerk) as uow:
        found = vw.village_receptions(uow, D("2026-11-16"), TODAY)
    assert [(r.village, r.contacts_registered, r.cases_discussed, r.screening_done) for r in found] == [
        ("东风村", 2, 1, True), ("红旗村", 0, 0, True)]
    for data, field in ((vw.NewVillageReception(TODAY, village_id(ws, "东风村"), ""), "officials"),
                        (vw.NewVillageReception(TODAY, None, "李某"), "village_id"),  # type: ignore[arg-type]
                        (vw.NewVillageReception(D("2026-11-24"), village_id(ws, "东风村"), "李某"), "held_on"),
                        (vw.NewVillageReception(TODAY, village_id(ws, "东风村"), "李某", cases_discussed=-1),
                         "cases_discussed")):
        with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
            vw.record_village_reception(uow, data)
        assert err.value.field == field


def test_proxy_runs_order_dispatch_accept_rate_in_order(ws, actors, admin):
    clerk, handler = actors[Role.RECEPTIONIST], actors[Role.HANDLER]
    matter = register(ws, admin, "反映养老保险转移接续", on=D("2026-11-02"))
    with ws.write(clerk) as uow:
        proxy = vw.order_proxy(uow, matter, on=D("2026-11-03"), request="行动不便，请代为办理社保转移")
    with pytest.raises(Conflict) as err, ws.write(clerk) as uow:
        vw.accept_proxy(uow, proxy, on=D("2026-11-04"))  # not dispatched yet
    assert "已点单" in err.value.message
    with pytest.raises(Conflict), ws.write(clerk) as uow:
        vw.order_proxy(uow, matter, on=D("2026-11-03"), request="重复点单")
    with ws.write(clerk) as uow:
        vw.dispatch_proxy(uow, proxy, on=D("2026-11-04"), proxy_user_id=handler.user_id)
    with pytest.raises(ValidationError) as err, ws.write(handler) as uow:
        vw.accept_proxy(uow, proxy, on=D("2026-11-03"))
    assert err.value.field == "accepted_on"
    with ws.write(handler) as uow:
        vw.accept_proxy(uow, proxy, on=D("2026-11-05"))
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        vw.rate_proxy(uow, proxy, on=D("2026-11-20"), rating=Satisfaction.DISSATISFIED)
    assert err.value.field == "rating_note"  # dissatisfied says why
    with ws.write(clerk) as uow:
        vw.rate_proxy(uow, proxy, on=D("2026-11-20"), rating=Satisfaction.SATISFIED)
    with ws.read(clerk) as uow:
        (info,) = vw.proxies_of(uow, matter)
    assert (info.stage, info.stage_label, info.proxy, info.rating) == (
        ProxyStage.RATED, "已评单", handler.display_name, Satisfaction.SATISFIED)
    with ws.write(clerk) as uow:  # a finished proxy allows a new order
        vw.order_proxy(uow, matter, on=TODAY, request="再次代办")
