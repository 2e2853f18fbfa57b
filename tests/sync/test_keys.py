"""Office keys: made at set-up or on first use, kept by backups, replaced PCs, the county hub on PostgreSQL."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete

from app.domain.enums import OfficeLevel
from app.errors import Conflict, PackageRejected
from app.services.offices import OfficeSetup, initialise
from app.services.workspace import Workspace
from app.sync.enrolment import admit_township, deactivate_partner, join_county, own_card
from app.sync.envelope import open_package
from app.sync.exporting import export_packages
from app.sync.keys import office_keys
from db.models import OfficeKey
from tests.conftest import PASSWORD, Clock
from tests.sync.conftest import COUNTY_CODE, enrol
from tests.sync.test_envelope import export, refused


@pytest.fixture(params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)])
def hub_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The county hub's database: an SQLite file, or a fresh database on the throwaway PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    return request.getfixturevalue("postgres_url")


def keys_of(ws: Workspace):  # type: ignore[no-untyped-def]
    with ws.read(ws.system_actor()) as uow:
        return office_keys(uow.session, ws.local_office_id())


def opens(county: Workspace, path: Path) -> int:
    with county.read(county.system_actor()) as uow, open_package(uow.session, path) as package:
        return package.sequence


def test_set_up_makes_distinct_keys_per_office(county, township):
    a, b = keys_of(county), keys_of(township)
    assert a is not None and b is not None
    assert a.fingerprint != b.fingerprint and a.signing_public != a.encryption_public


def test_a_database_from_before_sync_gets_keys_on_first_enrolment(county, township, tmp_path):
    with township.database.write() as session:
        session.execute(delete(OfficeKey))
    assert keys_of(township) is None
    enrol(county, township)
    assert keys_of(township) is not None
    assert opens(county, export(township, county, tmp_path)) == 1


def test_a_restored_backup_keeps_the_keys(enrolled, tmp_path):
    county, township = enrolled
    backup = shutil.copytree(township.data_dir, tmp_path / "restored")
    restored = Workspace.open(backup, clock=Clock())
    try:
        assert opens(county, export(restored, county, tmp_path, sequence=2)) == 2
    finally:
        restored.close()


def test_a_township_set_up_again_must_be_re_enrolled(enrolled, office_factory, tmp_path):
    county, township = enrolled
    (tmp_path / "old").mkdir()
    old_package = export(township, county, tmp_path / "old")
    fresh = office_factory("new-pc", "某某县某某镇人民政府", "330106101000")
    with county.write(county.system_actor()) as uow:
        card = own_card(uow.session)
    with fresh.write(fresh.system_actor()) as uow:
        fresh_card = join_county(uow, card)
    with county.write(county.system_actor()) as uow, pytest.raises(Conflict) as caught:
        admit_township(uow, fresh_card)
    assert "请先停用" in caught.value.message
    with county.write(county.system_actor()) as uow:
        deactivate_partner(uow, township.local_office_id())
    with county.write(county.system_actor()) as uow:
        admit_township(uow, fresh_card)
    assert refused(county, old_package).code == "not_enrolled"  # the old PC's key no longer counts
    assert opens(county, export(fresh, county, tmp_path)) == 1


def test_county_hub_opens_packages_on_either_backend(hub_url, township, tmp_path):
    hub = Workspace.open(tmp_path / "hub", hub_url, clock=Clock())
    try:
        initialise(hub, OfficeSetup(name="某某县信访局", division_code=COUNTY_CODE, admin_login="admin",
                                    admin_name="管理员", admin_password=PASSWORD, level=OfficeLevel.COUNTY))
        enrol(hub, township)
        path = export(township, hub, tmp_path)
        assert opens(hub, path) == 1
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x80
        path.write_bytes(bytes(data))
        assert isinstance(refused(hub, path), PackageRejected)
    finally:
        hub.close()


def test_private_keys_never_travel_in_a_package(enrolled, tmp_path):
    """A real export carries no key table and no byte of the sender's private keys, in any encoding."""
    county, township = enrolled
    (result,) = export_packages(township, township.system_actor(), tmp_path)
    with county.read(county.system_actor()) as uow, open_package(uow.session, result.path) as package:
        assert not {"office_key", "sync_partner"} & set(package.tables)
        contents = b"".join(line for table in package.tables
                            for line in (json.dumps(r).encode() for r in package.iter_rows(table)))
        contents += b"".join(package.attachment(name) for name in package.attachment_names)
        contents += json.dumps(package.manifest).encode()
    keys = keys_of(township)
    for private in (keys.signing, keys.encryption):
        raw = private.private_bytes_raw()
        for form in (raw, raw.hex().encode(), base64.b64encode(raw)):
            assert form not in contents
    assert len(contents) > 1000  # the package did carry the township's rows
