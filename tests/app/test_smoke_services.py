from datetime import date, datetime

from app.domain.enums import Channel, MatterType
from app.services import matter_steps as st, matters
from app.services.contacts import NewContact, register_contact
from app.services.persons import PersonInput


def test_register_and_accept(ws, admin):
    with ws.write(admin) as uow:
        r = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 30), content="反映征地补偿款未发放",
            persons=(PersonInput(name="张三"),), subject_code="0101", matter_type=MatterType.CLAIM))
    with ws.write(admin) as uow:
        m = matters.perform(uow, r.matter_id, st.Accept(on=date(2026, 11, 21)))
        assert m.state == "accepted"
