"""The dossier read model (一案一卷) and the leader/supervision records beside the statutory road."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.enums import Clock, DeliveryMethod, MatterSource, MatterState, MatterType, ReplyResult, Role, Satisfaction
from app.domain.workflow import Action
from app.errors import PermissionDenied, ValidationError
from app.services import attachments, matter_dossier as md, matter_oversight as ov, matter_steps as st
from app.services.matters import NewMatter, open_matter
from tests.support.matters import add_unit, register, repeat, step

D = date.fromisoformat


def dossier(ws, actor, matter_id) -> md.MatterDossier:
    with ws.read(actor) as uow:
        return md.load_dossier(uow, matter_id, ws.attachments_dir)


@pytest.fixture
def answered(ws, admin):
    """A claim handled to the end of the road short of closing: accepted, extended, replied, rated."""
    unit = add_unit(ws, admin, "劳动保障所")
    with ws.read(admin) as uow:
        handler = next(i for i, n in md.step_choices(uow).handlers if n == "jingban用户")
    matter = register(ws, admin, "反映工地拖欠工资三万元", on=D("2026-09-01"), subject="0201", name="张三")
    contact = repeat(ws, admin, matter, "再次来电催问工资", D("2026-09-20"))
    step(ws, admin, matter, st.Accept(on=D("2026-09-02")),
         st.Dispatch(on=D("2026-09-03"), responsible_unit_id=unit, handler_id=handler),
         st.Extend(on=D("2026-09-10"), days=30, reason="涉及多家单位，需要核实"),
         st.Reply(on=D("2026-10-20"), result=ReplyResult.SUPPORT, summary="责令支付"),
         st.DeliverReply(on=D("2026-10-22"), method=DeliveryMethod.DIRECT, receiver="张三"),
         st.Evaluate(on=D("2026-10-25"), satisfaction=Satisfaction.BASICALLY, method="电话"))
    with ws.write(admin) as uow:
        ov.set_case_leader(uow, matter, "李镇长")
        ov.add_supervision(uow, matter, ov.NewSupervision("upper", "某某县信访局", "请于月底前办结", D("2026-10-01"),
                                                          D("2026-10-31")))
        attachments.store_bytes(uow, ws.attachments_dir, b"%PDF-1.4 scan", "工资欠条.pdf", "contact", contact)
    return matter


def test_facts_people_and_leader(ws, admin, answered):
    d = dossier(ws, admin, answered)
    assert (d.number, d.state, d.state_label, d.matter_type, d.subject) == (
        d.number, MatterState.EVALUATED, "已评价", MatterType.CLAIM, "劳动和社会保障/拖欠工资")
    facts = dict(d.facts)
    assert facts["accepted_on"] == D("2026-09-02") and facts["extension_days"] == 30
    assert facts["reply_result"] == "support" and facts["reply_delivered_on"] == D("2026-10-22")
    assert "source" not in facts and "closed_on" not in facts  # defaults and empty facts are left out
    assert (d.responsible_unit, d.handler, d.case_leader) == ("劳动保障所", "jingban用户", "李镇长")
    assert [p.name for p in d.petitioners] == ["张三"]
    assert [c.content for c in d.contacts] == ["反映工地拖欠工资三万元", "再次来电催问工资"]
    assert d.contacts[1].is_repeat and d.contacts[1].flags == ("anonymous",)
    assert [(s.supervisor, s.due_on, s.replied_on) for s in d.supervisions] == [("某某县信访局", D("2026-10-31"), None)]


def test_history_is_labelled_in_order(ws, admin, answered):
    events = dossier(ws, admin, answered).events
    assert [e.label for e in events] == ["登记", "受理", "交责任单位办理", "延期办理", "出具答复意见", "送达答复意见",
                                         "满意度评价"]
    dispatch = events[2]
    assert (dispatch.from_label, dispatch.to_label, dispatch.actor) == ("已受理", "办理中", "王管理")
    assert dict(dispatch.details) == {"responsible_unit_id": "劳动保障所", "handler_id": "jingban用户"}
    assert dict(events[3].details)["days"] == 30


def test_clocks_carry_countdowns_and_urgency(ws, admin, answered):
    clocks = {c.clock: c for c in dossier(ws, admin, answered).clocks}
    assert list(clocks) == [Clock.DECISION, Clock.HANDLING, Clock.REVIEW_REQUEST]
    assert clocks[Clock.DECISION].urgency == "met" and clocks[Clock.DECISION].met_on == D("2026-09-02")
    assert clocks[Clock.HANDLING].days == 90 and clocks[Clock.HANDLING].urgency == "met"
    # The petitioner's 30 days from delivery: shown, not the office's duty. 11-21 is a Saturday: rolled to Monday.
    window = clocks[Clock.REVIEW_REQUEST]
    assert (window.live, window.office_duty, window.due_on, window.days_left, window.urgency) == (
        True, False, D("2026-11-23"), 0, "window")


def test_only_legal_actions_are_offered_each_saying_why_it_is_refused(ws, actors, answered):
    offers = {o.action: o for o in dossier(ws, actors[Role.ADMIN], answered).actions}
    assert list(offers) == [Action.DELIVER_REPLY, Action.CLOSE, Action.REQUEST_REVIEW]
    assert not offers[Action.DELIVER_REPLY].allowed and "已于 2026-10-22 送达" in offers[Action.DELIVER_REPLY].reason
    assert offers[Action.CLOSE].allowed and offers[Action.REQUEST_REVIEW].allowed
    receptionist = {o.action: o for o in dossier(ws, actors[Role.RECEPTIONIST], answered).actions}
    assert not receptionist[Action.CLOSE].allowed and "权限不足" in receptionist[Action.CLOSE].reason


def test_a_fresh_matter_offers_the_decisions_and_refuses_a_second_extension(ws, admin):
    matter = register(ws, admin, "反映噪声扰民", on=D("2026-11-20"))
    assert [o.action for o in dossier(ws, admin, matter).actions] == [
        Action.ACCEPT, Action.DECLINE, Action.ROUTE_LEGAL, Action.FORWARD, Action.ASSIGN]
    step(ws, admin, matter, st.Accept(on=D("2026-11-20")), st.Extend(on=D("2026-11-21"), days=10, reason="复杂"))
    offers = {o.action: o for o in dossier(ws, admin, matter).actions}
    # Extended: the reply, or handing the matter to another unit; never a second extension.
    assert list(offers) == [Action.DISPATCH, Action.REPLY]
    step(ws, admin, matter, st.Reply(on=D("2026-11-22"), summary="已处理"))
    offers = {o.action: o for o in dossier(ws, admin, matter).actions}
    assert not offers[Action.CLOSE].allowed and "尚未送达" in offers[Action.CLOSE].reason


def test_an_assigned_down_matter_may_be_objected_to(ws, admin):
    with ws.write(admin) as uow:
        matter = open_matter(uow, NewMatter(
            title="上级交办：土地确权争议", matter_type=MatterType.CLAIM, subject_code="0402",
            registered_on=D("2026-11-20"), source=MatterSource.ASSIGNED_DOWN, assigned_by="某某县信访局",
            assigned_due_on=D("2026-12-20"))).id
    d = dossier(ws, admin, matter)
    assert Action.OBJECT in [o.action for o in d.actions]
    assert dict(d.facts)["source"] == "assigned_down" and dict(d.facts)["assigned_by"] == "某某县信访局"
    assert not d.petitioners


def test_evaluation_records_result_method_and_who_asked(ws, admin, answered):
    e = dossier(ws, admin, answered).evaluation
    assert (e.satisfaction, e.evaluated_on, e.method, e.asked_by) == ("basically", D("2026-10-25"), "电话", "王管理")
    fresh = register(ws, admin, "反映路灯不亮", on=D("2026-11-20"), name="李四")
    assert dossier(ws, admin, fresh).evaluation is None


def test_the_catalogue_lists_sheets_notices_and_attachments_in_order(ws, admin, answered):
    items = dossier(ws, admin, answered).catalogue
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    assert [(i.kind, i.code) for i in items] == [
        ("registration", "visit"), ("document", "acceptance"), ("document", "extension"),
        ("registration", "phone"), ("document", "reply"), ("attachment", "application/pdf")]
    assert [i.on for i in items] == sorted(i.on for i in items)
    reply = items[4]
    assert dict(reply.detail) == {"delivery_method": "direct", "delivered_on": D("2026-10-22"), "receiver": "张三"}
    assert items[-1].title == "工资欠条.pdf" and dict(items[-1].detail)["present"] is True


def test_accusations_are_masked_for_roles_that_may_not_read_them(ws, actors):
    admin = actors[Role.ADMIN]
    matter = register(ws, admin, "举报村会计挪用资金", on=D("2026-11-20"), matter_type=MatterType.ACCUSATION,
                      subject="1103", name="王五")
    hidden = dossier(ws, actors[Role.RECEPTIONIST], matter)
    assert hidden.masked and hidden.title == "（检举人信息保密）" and hidden.petitioners == ()
    assert [c.content for c in hidden.contacts] == ["（检举人信息保密）"]
    assert [o.action for o in hidden.actions][0] is Action.ACCEPT  # the office can still decide it
    shown = dossier(ws, actors[Role.LEADER], matter)
    assert not shown.masked and shown.contacts[0].content == "举报村会计挪用资金"


def test_leader_and_supervision_need_the_own_matter_permission_and_valid_dates(ws, actors):
    admin = actors[Role.ADMIN]
    matter = register(ws, admin, "反映低保评定不公", on=D("2026-11-10"))
    with ws.write(actors[Role.RECEPTIONIST]) as uow, pytest.raises(PermissionDenied):
        ov.set_case_leader(uow, matter, "李镇长")
    with ws.write(actors[Role.LEADER]) as uow:
        ov.set_case_leader(uow, matter, "  李镇长 ")
        sid = ov.add_supervision(uow, matter, ov.NewSupervision("township", "镇党委", "一周内答复", D("2026-11-12")))
    for bad in (ov.NewSupervision("township", "镇党委", "x", D("2026-11-24")),  # future
                ov.NewSupervision("township", "镇党委", "x", D("2026-11-01")),  # before registration
                ov.NewSupervision("elsewhere", "镇党委", "x", D("2026-11-12")),
                ov.NewSupervision("upper", "", "x", D("2026-11-12"))):
        with ws.write(admin) as uow, pytest.raises(ValidationError):
            ov.add_supervision(uow, matter, bad)
    with ws.write(admin) as uow:
        ov.reply_supervision(uow, sid, D("2026-11-20"), "已约谈并答复")
    d = dossier(ws, admin, matter)
    assert d.case_leader == "李镇长"
    assert [(s.source, s.replied_on, s.reply) for s in d.supervisions] == [("township", D("2026-11-20"), "已约谈并答复")]
