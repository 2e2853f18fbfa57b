"""All mapped tables; importing this package registers them on ``Base.metadata``."""

from db.base import Base
from db.models.audit import AuditEvent
from db.models.contacts import Contact, ContactPerson
from db.models.documents import Attachment, Document
from db.models.key_persons import KeyPerson, KeyPersonContact, SensitivePeriod
from db.models.keys import DataKey, KeyWrap
from db.models.leader_work import (
    CaseOwnership,
    CaseProgress,
    LeaderReception,
    LeaderReceptionContact,
    LeaderReceptionMatter,
    PetitionProxy,
    ReceptionSchedule,
    VillageReception,
)
from db.models.matters import Matter, MatterDeadline, MatterEvent, MatterPetitioner, Supervision, SupervisionReply
from db.models.office import (
    Meta,
    NumberSeries,
    Office,
    ResponsibleUnit,
    Setting,
    Subject,
    TriggerDeferral,
    UserAccount,
    Village,
    subject_id,
)
from db.models.persons import Person, PersonMerge, PersonPhone, PersonTag
from db.models.reports import ImportRecord, ReportCorrection, ReportSubmission
from db.models.screening import ScreenedConflict, ScreeningRound
from db.models.stats_day import StatsDayClass, StatsDayKey
from db.models.sync_partner import OfficeKey, SyncPartner
from db.models.sync_state import (
    Assignment, SyncChange, SyncConflict, SyncImport, SyncLink, SyncLocalEdit, SyncSent,
)

__all__ = [
    "Assignment", "Attachment", "AuditEvent", "Base", "Contact", "ContactPerson", "DataKey", "Document",
    "ImportRecord", "KeyWrap", "Matter", "MatterDeadline", "MatterEvent", "MatterPetitioner", "Meta",
    "NumberSeries", "Office", "OfficeKey",
    "Person", "PersonMerge", "PersonPhone", "PersonTag", "ReportCorrection", "ReportSubmission",
    "ResponsibleUnit", "Setting", "Subject",
    "Supervision", "SupervisionReply",
    "SyncChange", "SyncConflict", "SyncImport", "SyncLink", "SyncLocalEdit", "SyncPartner",
    "SyncSent", "TriggerDeferral", "UserAccount", "Village", "subject_id",
    "CaseOwnership", "CaseProgress", "KeyPerson", "KeyPersonContact", "LeaderReception",
    "LeaderReceptionContact", "LeaderReceptionMatter", "PetitionProxy", "ReceptionSchedule",
    "ScreenedConflict", "ScreeningRound", "SensitivePeriod", "StatsDayClass", "StatsDayKey", "VillageReception",
]
