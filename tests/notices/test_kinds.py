"""Every kind of notice issued through the service: its fields, its page, its fonts."""

from __future__ import annotations

import re

import pytest

from app.domain.enums import DocumentKind as K
from app.services import notices
from tests.notices import builders
from tests.notices.conftest import A4, TEXT_AREA, flat, page_sizes, pdf_fonts, pdf_text, requires_poppler, words

MM = 72 / 25.4
ACCEPT_NO = "某某镇信受〔2026〕1号"


def _closed(ws, admin):
    return builders.closed_matter(ws, admin)


MATTERS = {
    K.REGISTRATION: _closed, K.ACCEPTANCE: _closed, K.EXTENSION: _closed, K.REPLY: _closed,
    K.DELIVERY_RECEIPT: _closed, K.ARCHIVE_COVER: _closed, K.CATALOGUE: _closed,
    K.DECLINE: builders.declined_matter,
    K.NO_LONGER_ACCEPTED: lambda ws, a: builders.declined_matter(ws, a, no_longer=True),
    K.LEGAL_CHANNEL: builders.routed_matter, K.REFERRAL: builders.accusation_matter,
}
OFFICE = "某某县某某镇人民政府"
EXPECTED: dict[K, tuple[str, ...]] = {
    K.REGISTRATION: ("来访登记表", "DJ2026-000001", "2026年8月3日9时30分", "走访", "张建国", "330106196805",
                     "13857112345", "某某镇东风村三组18号", "尚有征地补偿款18600元未发放到位", "申诉求决类",
                     "城乡建设/征地拆迁", "王管理", "信访人签名", "首次反映"),
    K.ACCEPTANCE: ("信访事项受理告知书", ACCEPT_NO, "张建国：", "2026年8月3日", "以走访形式",
                   "反映东风村三组征地补偿款未足额发放", "SX2026-00001", "第二十三条", "60日内", "30日",
                   "2026年8月5日", "联系人：王管理"),
    K.DECLINE: ("信访事项不予受理告知书", "某某镇信不受〔2026〕1号", "李秀英：", "要求重新核定宅基地面积",
                "正在办理中", "不予受理", "《信访工作条例》", "新的事实和理由", "2026年8月10日"),
    K.NO_LONGER_ACCEPTED: ("信访事项不再受理告知书", "某某镇信不再受〔2026〕1号", "陈桂兰：", "复核终结",
                           "第三十六条第三款", "不再受理"),
    K.LEGAL_CHANNEL: ("依法分类处理告知书", "某某镇信导〔2026〕1号", "王小明：", "仲裁", "第三十一条",
                      "某某县劳动人事争议仲裁委员会", "时效期间为一年"),
    K.REFERRAL: ("信访事项交办单", "某某镇信转〔2026〕1号", "某某镇纪委：", "检举东风村村委会挪用集体土地补偿款",
                 "SX2026-00001", "2026年10月8日前办结", "严格保密", "DJ2026-000001"),
    K.EXTENSION: ("信访事项延期办理告知书", "某某镇信延〔2026〕1号", "原定办理期限至2026年10月8日",
                  "县自然资源部门核实", "第三十四条", "延长30日", "至2026年11月9日", "2026年9月28日"),
    K.REPLY: ("关于张建国信访事项的答复意见", "某某镇信复〔2026〕1号", "2026年8月5日依法受理", "信访诉求",
              "调查核实情况", "尚欠18600元属实", "处理意见", "予以支持", "收到本答复意见书之日起30日内",
              "某某县信访局", "复查", "2026年11月10日"),
    K.DELIVERY_RECEIPT: ("送达回证", "答复意见书", "某某镇信复〔2026〕1号", "张建国", "■直接送达",
                         "2026年11月12日", "受送达人签收", "送达人", "送达机关"),
    K.ARCHIVE_COVER: ("信访档案", "一案一卷", "SX2026-00001", "张建国", "2026年8月3日至2026年11月20日",
                      "30年", "立卷单位"),
    K.CATALOGUE: ("卷内目录", "SX2026-00001", "答复意见书", "某某镇信复〔2026〕1号", "受理告知书",
                  "延期办理告知书", "20260805", "卷内备考表", "本卷情况说明", "共有文件材料"),
}


@requires_poppler
@pytest.mark.parametrize("kind", list(K), ids=lambda k: k.value)
def test_notice_shows_its_fields_on_a4_with_embedded_fonts_inside_the_text_area(ws, admin, kind):
    matter_id = MATTERS[kind](ws, admin)
    with ws.write(admin) as uow:
        if kind is K.CATALOGUE:  # the volume's other pages exist before its catalogue
            for other in (K.REGISTRATION, K.DELIVERY_RECEIPT):
                notices.issue_notice(uow, ws, other, matter_id)
        issued = notices.issue_notice(uow, ws, kind, matter_id)
    pdf = issued.path.read_bytes()
    text = flat(pdf_text(pdf))
    for expected in EXPECTED[kind] + ((OFFICE,) if kind is not K.CATALOGUE else ()):
        assert flat(expected) in text, expected
    assert all(size == pytest.approx(A4, abs=0.01) for size in page_sizes(pdf))
    assert all(f["embedded"] and f["subtype"] == "/TrueType" for f in pdf_fonts(pdf))
    assert len(pdf) / len(page_sizes(pdf)) <= 300 * 1024
    x0, y0, x1, y1 = TEXT_AREA
    for w in words(pdf):
        if "—" in w.text and w.y0 > y1:
            continue  # the page number, 7 mm below the text area
        assert x0 - 0.5 <= w.x0 and w.x1 <= x1 + 0.5 and y0 - 0.5 <= w.y0 and w.y1 <= y1 + 0.5, w
    assert not re.search(r"[〇一二三四五六七八九十]{4}年", text)  # dates in Arabic numerals


@requires_poppler
def test_referral_of_an_accusation_never_names_the_accuser(ws, admin):
    matter_id = builders.accusation_matter(ws, admin, name="钱举报")
    with ws.write(admin) as uow:
        pdf = notices.issue_notice(uow, ws, K.REFERRAL, matter_id).path.read_bytes()
    text = flat(pdf_text(pdf))
    assert "钱举报" not in text and "13857112345" not in text and "330106" not in text
    assert "现将信访人反映的" in text


@requires_poppler
def test_forwarded_claim_names_the_petitioner_and_asks_for_no_report(ws, admin):
    from app.domain.enums import MatterType
    from app.services import matter_steps as st

    matter_id = builders.register(ws, admin, name="孙有才", matter_type=MatterType.CLAIM).matter_id
    builders.step(ws, admin, matter_id, st.Forward(on=builders.D("2026-08-04"), to="某某县人社局"))
    with ws.write(admin) as uow:
        text = flat(pdf_text(notices.issue_notice(uow, ws, K.REFERRAL, matter_id).path.read_bytes()))
    assert "信访事项转送单" in text and "孙有才反映的" in text and "15日内决定是否受理" in text
    assert "严格保密" not in text


@requires_poppler
def test_a_rare_character_in_a_name_prints_and_copies(ws, admin):
    from app.services import matter_steps as st

    matter_id = builders.register(ws, admin, name="吉𠮷祥").matter_id
    builders.step(ws, admin, matter_id, st.Accept(on=builders.D("2026-08-05")))
    with ws.read(admin) as uow:
        row = notices.list_notices(uow, matter_id)[0]
        pdf = notices.notice_pdf(uow, ws, row.document.id)
    assert "吉𠮷祥：" in flat(pdf_text(pdf))


@requires_poppler
def test_long_reply_flows_onto_numbered_pages(ws, admin):
    from app.services import matter_steps as st

    matter_id = builders.register(ws, admin).matter_id
    builders.step(ws, admin, matter_id, st.Accept(on=builders.D("2026-08-05")))
    facts = "经调查核实，该户承包耕地的征收面积、补偿标准和已发放金额均有据可查。" * 40
    issued = builders.step(ws, admin, matter_id, st.Reply(on=builders.D("2026-09-10"), summary="已核实"),
                           fields={"facts": facts, "legal_basis": "《中华人民共和国土地管理法》第四十八条"})
    pdf = issued[0].path.read_bytes()
    text = flat(pdf_text(pdf))
    assert len(page_sizes(pdf)) >= 2 and "—2—" in text
    assert text.count("均有据可查") == 40
    assert "依据：《中华人民共和国土地管理法》第四十八条。" in text


@requires_poppler
def test_extension_in_a_working_day_office_counts_working_days(ws, admin):
    from app.services import matter_steps as st
    from db.models import Setting

    with ws.database.write() as session:
        session.add(Setting(office_id=admin.office_id, key="day_unit", value="working"))
    matter_id = builders.register(ws, admin).matter_id
    builders.step(ws, admin, matter_id, st.Accept(on=builders.D("2026-08-05")))
    builders.step(ws, admin, matter_id, st.Extend(on=builders.D("2026-09-28"), days=30, reason="需要核实"))
    with ws.write(admin) as uow:
        text = flat(pdf_text(notices.issue_notice(uow, ws, K.EXTENSION, matter_id).path.read_bytes()))
    # 60 working days after Wed 5 Aug 2026 (中秋 25 Sep and 国庆 1–7 Oct off, Sun 20 Sep and Sat 10 Oct
    # worked): Tue 3 Nov. 30 working days after that: 4–6 Nov (3), ... 7–11 Dec (28), 14–15 Dec (30).
    assert "原定办理期限至2026年11月3日" in text
    assert "延长30个工作日，至2026年12月15日" in text
