"""Full-text search in matter titles and contact content: the trigram index, its triggers, the
short-word scan, and agreement of every path with a plain Python substring search."""

from __future__ import annotations

import random
import sqlite3
import uuid
from datetime import date

import pytest
from sqlalchemy import select, update

from app.domain.enums import MatterType, Role
from app.services import content_search as cs
from app.services.context import UnitOfWork
from app.services.offices import initialise
from app.services.workspace import Workspace
from db.models import Contact, Matter
from db.search_index import TRIGGERS
from tests.db.conftest import SETUP, fixed_clock
from tests.support.matters import person_name, register, repeat


def found(ws: Workspace, actor, text: str) -> set[uuid.UUID]:
    with ws.read(actor) as uow:
        return cs.search_matter_ids(uow, text)


def problems(ws: Workspace, actor) -> list[str]:
    with ws.read(actor) as uow:
        return cs.index_problems(uow)


def test_this_sqlite_has_fts5_trigram_and_the_index_is_built(ws, admin):
    assert sqlite3.sqlite_version_info >= (3, 34, 0)
    with ws.read(admin) as uow:
        assert cs.index_available(uow.session)
        names = {n for (n,) in uow.session.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(TRIGGERS) <= names
    assert problems(ws, admin) == []


def test_like_on_the_trigram_table_is_never_our_path():
    """SQLite 3.40 answers LIKE against a trigram FTS table wrongly; short words must scan the base tables."""
    probe = sqlite3.connect(":memory:")
    probe.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='trigram')")
    probe.execute("INSERT INTO t VALUES ('反映征地补偿款未发放')")
    like_works = probe.execute("SELECT count(*) FROM t WHERE body LIKE '%补偿%'").fetchone()[0] == 1
    assert like_works or sqlite3.sqlite_version_info < (3, 51, 0)  # the known-bad versions
    query = cs.parse("补偿")
    assert query.short == ("补偿",) and not query.indexed  # goes to the scan, which never names content_fts


def test_insert_update_and_delete_keep_the_index_in_step(ws, admin):
    first = register(ws, admin, "反映征地补偿款未按时发放", title="征地补偿款")
    second = register(ws, admin, "反映村道损坏无人维修", name="李四", title="村道维修")
    contact = repeat(ws, admin, second, "再次反映路灯不亮", date(2026, 11, 5))
    assert found(ws, admin, "补偿款") == {first}
    assert found(ws, admin, "路灯不亮") == {second}
    with ws.write(admin) as uow:  # the ORM's UPDATE of content and title fire the update triggers
        uow.session.get(Contact, contact).content = "再次反映水渠堵塞"
        uow.session.get(Matter, first).title = "拆迁安置"
    assert found(ws, admin, "路灯不亮") == set()
    assert found(ws, admin, "水渠堵塞") == {second}
    assert found(ws, admin, "拆迁安置") == {first}
    assert found(ws, admin, "征地补偿款") == {first}  # still in its contact's content
    with ws.write(admin) as uow:
        uow.session.execute(update(Contact).where(Contact.matter_id == first).values(content="内容已更正"))
    assert found(ws, admin, "征地补偿款") == set()
    with ws.write(admin) as uow:  # a contact linked to another matter takes its words along
        uow.session.get(Contact, contact).matter_id = first
    assert found(ws, admin, "水渠堵塞") == {first}
    assert found(ws, admin, "水渠 再次") == {first}  # the scan reads the contact's link
    assert found(ws, admin, "水渠堵塞 再次") == {first}  # the index, then the short word
    with ws.write(admin) as uow:
        uow.session.delete(uow.session.get(Contact, contact))
    assert found(ws, admin, "水渠堵塞") == set()
    assert problems(ws, admin) == []


def test_index_problems_names_a_missing_trigger_and_a_stray_link(ws, admin):
    matter = register(ws, admin, "反映补偿款未发放")
    other = register(ws, admin, "反映道路损坏", name="李四")
    with ws.write(admin) as uow:
        uow.session.connection().exec_driver_sql("DROP TRIGGER content_fts_contact_am")
        uow.session.execute(update(Contact).where(Contact.matter_id == matter).values(matter_id=other))
    assert problems(ws, admin) == ["trigger content_fts_contact_am is missing",
                                   "contact: 1 texts name another matter than their contact"]
    with ws.write(admin) as uow:
        cs.rebuild_index(uow)
    assert problems(ws, admin) == ["trigger content_fts_contact_am is missing"]
    assert found(ws, admin, "补偿款") == {matter, other}  # its title, and the contact moved to other


def test_rebuilding_the_index_gives_the_same_answers(ws, admin):
    ids = {register(ws, admin, text, name=person_name(i)) for i, text in enumerate(("补偿款未发放", "噪声扰民", "补偿标准偏低"))}
    before = {q: found(ws, admin, q) for q in ("补偿款", "补偿", "噪声扰民", "偏低")}
    with ws.write(admin) as uow:
        assert cs.rebuild_index(uow) == 6  # three contacts, three titles
    assert {q: found(ws, admin, q) for q in before} == before
    assert found(ws, admin, "补偿") <= ids and problems(ws, admin) == []


def test_words_combine_and_wildcards_are_literal(ws, admin):
    a = register(ws, admin, "反映征地补偿款未发放，涉及50%的农户")
    b = register(ws, admin, "反映补偿款发放不公", name="李四")
    assert found(ws, admin, "补偿款 征地") == {a}
    assert found(ws, admin, "补偿款　发放") == {a, b}  # a full-width space separates words too
    assert found(ws, admin, "50%") == {a}
    assert found(ws, admin, "%") == {a}
    assert found(ws, admin, "_") == set()
    assert found(ws, admin, '"补偿') == set()  # quotes reach FTS5 as text, not syntax
    assert found(ws, admin, "  ") == set()


def test_accusations_are_not_searchable_by_roles_that_may_not_read_them(ws, actors):
    admin = actors[Role.ADMIN]
    claim = register(ws, admin, "举报村干部侵占集体资金")
    accusation = register(ws, admin, "举报村干部侵占集体资金", name="李四", matter_type=MatterType.ACCUSATION,
                          subject="1103")
    assert found(ws, actors[Role.LEADER], "侵占集体") == {claim, accusation}
    assert found(ws, actors[Role.RECEPTIONIST], "侵占集体") == {claim}
    assert found(ws, actors[Role.RECEPTIONIST], "侵占") == {claim}


ALPHABET = "征地补偿款拆迁安置村道路灯水渠噪声AbcD"


def _texts(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(4, 30))) for _ in range(n)]


def _reference(uow: UnitOfWork, text: str) -> set[uuid.UUID]:
    """Plain Python: a matter matches when its title or one of its contacts holds every word."""
    words = [w.lower() for w in cs.parse(text).words]
    docs: dict[uuid.UUID, list[str]] = {}
    for matter_id, title in uow.session.execute(select(Matter.id, Matter.title)):
        docs.setdefault(matter_id, []).append(title.lower())
    for matter_id, content in uow.session.execute(select(Contact.matter_id, Contact.content)):
        docs.setdefault(matter_id, []).append(content.lower())
    return {m for m, texts in docs.items() if any(all(w in t for w in words) for t in texts)}


def test_index_path_and_scan_path_agree_with_python_substring_search(ws, admin, monkeypatch):
    rng = random.Random(7)
    texts = _texts(rng, 60)
    matter_ids = [register(ws, admin, t, name=person_name(i), title=t[:6]) for i, t in enumerate(texts[:30])]
    for i, t in enumerate(texts[30:]):
        repeat(ws, admin, matter_ids[i % len(matter_ids)], t, date(2026, 11, 10))
    queries = {t[i:i + n] for t in texts for n in (1, 2, 3, 4, 6) for i in (0, 2)}
    queries |= {"ABC", "abcd", "噪声噪声噪声", "不存在的词", "补偿 路灯", "拆迁安置 村"}
    with ws.read(admin) as uow:
        for q in sorted(queries):
            expected = _reference(uow, q)
            assert cs.search_matter_ids(uow, q) == expected, q
    monkeypatch.setattr(cs, "index_available", lambda _session: False)  # every query scans
    with ws.read(admin) as uow:
        for q in sorted(q for q in queries if len(q) >= 3):
            assert cs.search_matter_ids(uow, q) == _reference(uow, q), q


def test_the_matter_by_matter_test_of_a_first_screenful_agrees_with_the_scan(ws, admin, monkeypatch):
    rng = random.Random(11)
    texts = _texts(rng, 40)
    matter_ids = [register(ws, admin, t, name=person_name(i), title=t[:6]) for i, t in enumerate(texts[:20])]
    for i, t in enumerate(texts[20:]):
        repeat(ws, admin, matter_ids[i % len(matter_ids)], t, date(2026, 11, 10))
    queries = {t[i:i + n] for t in texts for n in (1, 2) for i in (0, 3)} | {"补偿 村", "AB", "不存"}
    monkeypatch.setattr(cs, "index_available", lambda _session: False)  # longer words take this path too
    queries |= {t[i:i + 4] for t in texts[:10] for i in (0, 2)}
    with ws.read(admin) as uow:
        for q in sorted(queries):
            walked = set(uow.session.scalars(select(Matter.id).where(
                cs.own_office(uow), cs.matter_condition(uow, q, first_rows=True))))
            assert walked == _reference(uow, q), q


def test_needs_scan_tells_the_ui_when_a_query_reads_every_contact(ws, admin):
    with ws.read(admin) as uow:
        assert cs.needs_scan(uow.session, "补偿")
        assert not cs.needs_scan(uow.session, "补偿款")
        assert not cs.needs_scan(uow.session, "补偿款 发")  # the index narrows, the short word filters
        assert not cs.needs_scan(uow.session, "")


@pytest.mark.postgres
def test_postgresql_has_no_index_and_searches_with_ilike(postgres_url, tmp_path):
    ws = Workspace.open(tmp_path / "data", postgres_url, clock=fixed_clock)
    try:
        initialise(ws, SETUP)
        admin = ws.system_actor()
        a = register(ws, admin, "反映征地补偿款未发放 ABC", on=date(2026, 11, 2))
        b = register(ws, admin, "反映补偿标准偏低", name="李四", on=date(2026, 11, 2))
        with ws.read(admin) as uow:
            assert not cs.index_available(uow.session)
            assert cs.needs_scan(uow.session, "补偿款")
            assert cs.index_problems(uow) == []
            for text, expected in (("补偿款", {a}), ("补偿", {a, b}), ("偏", {b}), ("abc", {a}), ("补偿 偏低", {b})):
                assert cs.search_matter_ids(uow, text) == expected, text
    finally:
        ws.close()
