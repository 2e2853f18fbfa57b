"""The throwaway PostgreSQL server (tests/support) works end to end."""

import sqlalchemy as sa

from tests.support.pg_plugin import database_name_for

PETITIONS = [
    ("张三", "村东头道路年久失修，雨天积水严重，请求镇政府尽快修缮。"),
    ("欧阳娜娜", "宅基地确权争议：与邻户𠀀界址不清（含扩展区汉字）。"),
    ("李四", "低保申请材料已于３月１日提交，至今未获答复。"),
]


def test_postgres_url_is_a_fresh_utf8_database(postgres_url):
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            version = conn.execute(sa.text("select version()")).scalar_one()
            assert version.startswith("PostgreSQL ")
            assert conn.execute(sa.text("show server_encoding")).scalar_one() == "UTF8"
            tables = conn.execute(
                sa.text("select count(*) from pg_tables where schemaname = 'public'")
            ).scalar_one()
            assert tables == 0

        meta = sa.MetaData()
        petition = sa.Table(
            "petition",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("姓名", sa.String(50), nullable=False),
            sa.Column("诉求", sa.Text, nullable=False),
        )
        meta.create_all(engine)
        with engine.begin() as conn:
            conn.execute(
                petition.insert(), [{"姓名": name, "诉求": text} for name, text in PETITIONS]
            )
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(petition.c["姓名"], petition.c["诉求"]).order_by(petition.c.id)
            ).all()
            assert [tuple(r) for r in rows] == PETITIONS
            hit = conn.execute(
                sa.select(petition.c["姓名"]).where(petition.c["诉求"].like("%积水%"))
            ).scalar_one()
            assert hit == "张三"
            # lengths are counted in characters, not bytes
            lengths = conn.execute(
                sa.select(sa.func.char_length(petition.c["诉求"])).order_by(petition.c.id)
            ).scalars().all()
            assert lengths == [len(text) for _, text in PETITIONS]
    finally:
        engine.dispose()


def test_each_test_gets_its_own_database(postgres_url, request):
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            current = conn.execute(sa.text("select current_database()")).scalar_one()
            tables = conn.execute(
                sa.text("select count(*) from pg_tables where schemaname = 'public'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert current.startswith("test_each_test_gets_its_own_database_")
    assert postgres_url.endswith("/" + current)
    assert tables == 0  # nothing left over from the other test


def test_create_and_drop_database(postgres_server):
    name = database_name_for("test_create_and_drop[中文 param]")
    assert name.startswith("test_create_and_drop_param_")
    url = postgres_server.create_database(name)
    assert url == f"postgresql+psycopg://postgres@127.0.0.1:{postgres_server.port}/{name}"
    engine = sa.create_engine(url)
    conn = engine.connect()  # left open on purpose: the drop must still succeed
    try:
        postgres_server.drop_database(name)
    finally:
        conn.invalidate()
        conn.close()
        engine.dispose()
    engine = sa.create_engine(postgres_server.url("postgres"))
    try:
        with engine.connect() as conn:
            left = conn.execute(
                sa.text("select count(*) from pg_database where datname = :n"), {"n": name}
            ).scalar_one()
    finally:
        engine.dispose()
    assert left == 0
