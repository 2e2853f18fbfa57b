"""Two (or more) real offices on disk: a county hub and townships, enrolled with each other."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.domain.enums import OfficeLevel
from app.services.offices import OfficeSetup, initialise
from app.services.workspace import Workspace
from app.sync.enrolment import admit_township, join_county, own_card
from app.sync.keys import partner_by_id
from db.models import SyncPartner
from tests.conftest import PASSWORD, Clock

COUNTY_CODE = "330106000000"
OTHER_COUNTY_CODE = "330107000000"


def make_office(folder: Path, name: str, code: str, level: OfficeLevel) -> Workspace:
    ws = Workspace.open(folder, clock=Clock())
    initialise(ws, OfficeSetup(name=name, division_code=code, admin_login="admin",
                               admin_name="管理员", admin_password=PASSWORD, level=level))
    return ws


@pytest.fixture(scope="session")
def county_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("county-template")
    make_office(folder, "某某县信访局", COUNTY_CODE, OfficeLevel.COUNTY).close()
    return folder


@pytest.fixture
def office_factory(tmp_path: Path, template_dir: Path, county_template: Path) -> Iterator[Callable[..., Workspace]]:
    opened: list[Workspace] = []

    def make(label: str, name: str = "", code: str = "", level: OfficeLevel = OfficeLevel.TOWNSHIP,
             copy_of: Path | None = None) -> Workspace:
        folder = tmp_path / label
        if copy_of is not None:
            shutil.copytree(copy_of, folder)
            ws = Workspace.open(folder, clock=Clock())
        else:
            ws = make_office(folder, name, code, level)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


@pytest.fixture
def county(office_factory: Callable[..., Workspace], county_template: Path) -> Workspace:
    return office_factory("county", copy_of=county_template)


@pytest.fixture
def township(office_factory: Callable[..., Workspace], template_dir: Path) -> Workspace:
    """The shared test township 某某镇 (330106101000)."""
    return office_factory("township", copy_of=template_dir)


def enrol(county: Workspace, township: Workspace) -> None:
    """The three enrolment steps, through the services (the CLI tests use the commands)."""
    with county.write(county.system_actor()) as uow:
        county_card = own_card(uow.session)
    with township.write(township.system_actor()) as uow:
        township_card = join_county(uow, county_card)
    with county.write(county.system_actor()) as uow:
        admit_township(uow, township_card)


def partner(ws: Workspace, other: Workspace) -> SyncPartner:
    """``other`` as the partner row in ``ws`` (detached, for passing as a receiver)."""
    with ws.read(ws.system_actor()) as uow:
        found = partner_by_id(uow.session, other.local_office_id())
        assert found is not None
        uow.session.expunge(found)
        return found


@pytest.fixture
def enrolled(county: Workspace, township: Workspace) -> tuple[Workspace, Workspace]:
    enrol(county, township)
    return county, township
