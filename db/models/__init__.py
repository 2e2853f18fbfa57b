"""All mapped tables; importing this package registers them on ``Base.metadata``."""

from db.base import Base
from db.models.audit import AuditEvent
from db.models.contacts import Contact, ContactPerson
from db.models.documents import Attachment, Document
from db.models.matters import Matter, MatterDeadline, MatterEvent, MatterPetitioner, Supervision
from db.models.office import (
    Meta,
    NumberSeries,
    Office,
    ResponsibleUnit,
    Setting,
    Subject,
    UserAccount,
    Village,
    subject_id,
)
from db.models.persons import Person, PersonMerge, PersonPhone, PersonTag

__all__ = [
    "Attachment", "AuditEvent", "Base", "Contact", "ContactPerson", "Document", "Matter",
    "MatterDeadline", "MatterEvent", "MatterPetitioner", "Meta", "NumberSeries", "Office",
    "Person", "PersonMerge", "PersonPhone", "PersonTag", "ResponsibleUnit", "Setting", "Subject",
    "Supervision", "UserAccount", "Village", "subject_id",
]
