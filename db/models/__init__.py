"""All mapped tables; importing this package registers them on ``Base.metadata``."""

from db.base import Base
from db.models.audit import AuditEvent
from db.models.contacts import Contact, ContactPerson
from db.models.documents import Attachment, Document
from db.models.keys import DataKey, KeyWrap
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
from db.models.reports import ImportRecord, ReportCorrection, ReportSubmission

__all__ = [
    "Attachment", "AuditEvent", "Base", "Contact", "ContactPerson", "DataKey", "Document", "ImportRecord",
    "KeyWrap", "Matter",
    "MatterDeadline", "MatterEvent", "MatterPetitioner", "Meta", "NumberSeries", "Office",
    "Person", "PersonMerge", "PersonPhone", "PersonTag", "ReportCorrection", "ReportSubmission",
    "ResponsibleUnit", "Setting", "Subject",
    "Supervision", "UserAccount", "Village", "subject_id",
]
