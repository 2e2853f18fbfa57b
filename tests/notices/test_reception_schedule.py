"""公示表: the published reception schedule as a PDF in the notices' layout, read back with pdftotext."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.enums import Role
from app.errors import ValidationError
from app.services import leader_receptions as lr
from app.services.office_settings import set_setting
from app.services.schedule_notice import schedule_pdf
from tests.notices.conftest import flat, pdf_text, requires_poppler

D = date.fromisoformat


@requires_poppler
def test_the_public_schedule_lists_published_slots_in_order(ws, actors, admin, tmp_path):
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    with ws.write(admin) as uow:
        set_setting(uow, "office_phone", "0571-88886666")
    with ws.write(clerk) as uow:
        lr.add_slot(uow, lr.NewSlot(leader.user_id, D("2026-11-30"), "下午 2:30—5:00", "东风村村委会", "土地承包"))
        lr.add_slot(uow, lr.NewSlot(admin.user_id, D("2026-11-23"), "上午 8:30—11:30", "镇信访接待室",
                                    "征地拆迁、劳动社保"))
        lr.publish(uow, D("2026-11-01"), D("2026-11-30"))
        lr.add_slot(uow, lr.NewSlot(leader.user_id, D("2026-11-27"), "上午", "镇信访接待室"))  # not published
    with ws.read(clerk) as uow:
        pdf = schedule_pdf(uow, D("2026-11-01"), D("2026-11-30"))
    (tmp_path / "schedule.pdf").write_bytes(pdf)
    text = flat(pdf_text(pdf))
    assert "领导干部接访安排表" in text and "（2026年11月）" in text
    assert text.index("11月23日（星期一）") < text.index("11月30日（星期一）")
    assert admin.display_name in text and "lingdao" in text and "东风村村委会" in text
    assert "11月27日" not in text
    assert "0571-88886666" in text and "2026年11月23日" in text
    with ws.read(clerk) as uow, pytest.raises(ValidationError) as err:
        schedule_pdf(uow, D("2026-12-01"), D("2026-12-31"))
    assert err.value.field == "start"
