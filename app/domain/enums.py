"""The closed vocabularies of the domain, named after the glossary (values are stored as text)."""

from __future__ import annotations

from enum import StrEnum


class OfficeLevel(StrEnum):
    TOWNSHIP = "township"
    COUNTY = "county"


class Role(StrEnum):
    RECEPTIONIST = "receptionist"  # 接待员
    HANDLER = "handler"  # 经办人
    LEADER = "leader"  # 领导
    ADMIN = "admin"  # 管理员
    COUNTY_READER = "county_reader"  # 县级查阅


class Channel(StrEnum):
    VISIT = "visit"  # 走访
    LETTER = "letter"  # 来信
    PHONE = "phone"  # 来电
    ONLINE = "online"  # 网上
    FAX = "fax"  # 传真


class SkipLevel(StrEnum):
    COUNTY = "county"  # 赴县
    CITY = "city"  # 赴市
    PROVINCE = "province"  # 赴省
    BEIJING = "beijing"  # 进京


class MatterType(StrEnum):
    SUGGESTION = "suggestion"  # 建议意见类
    ACCUSATION = "accusation"  # 检举控告类
    CLAIM = "claim"  # 申诉求决类


class MatterSource(StrEnum):
    CONTACT = "contact"  # registered here from a contact
    ASSIGNED_DOWN = "assigned_down"  # 上级交办件


class PendingProceeding(StrEnum):
    """The matter is already before another body (a registration flag; it steers towards 依法分类处理)."""

    COURT = "court"  # 法院诉讼中
    ADMIN_REVIEW = "admin_review"  # 行政复议中
    ARBITRATION = "arbitration"  # 仲裁中


class MatterState(StrEnum):
    REGISTERED = "registered"  # 已登记
    ACCEPTED = "accepted"  # 已受理
    DECLINED = "declined"  # 不予受理
    ROUTED = "routed"  # 已依法分类处理
    FORWARDED = "forwarded"  # 已转送
    ASSIGNED = "assigned"  # 已交办 (awaiting the result report)
    RETURNED = "returned"  # 已退回 (objection to an assigned-down matter)
    IN_HANDLING = "in_handling"  # 办理中
    EXTENDED = "extended"  # 已延期
    REPLIED = "replied"  # 已答复
    EVALUATED = "evaluated"  # 已评价
    CLOSED = "closed"  # 已办结
    UNDER_REVIEW = "under_review"  # 复查中
    REVIEWED = "reviewed"  # 已复查
    UNDER_REREVIEW = "under_rereview"  # 复核中
    CONCLUDED = "concluded"  # 已终结


class Decision(StrEnum):
    """The outcome of the 15-day acceptance decision."""

    ACCEPT = "accept"
    DECLINE = "decline"
    ROUTE_LEGAL = "route_legal"
    FORWARD = "forward"
    ASSIGN = "assign"
    OBJECT = "object"


class LegalChannel(StrEnum):
    LITIGATION = "litigation"  # 诉讼
    ARBITRATION = "arbitration"  # 仲裁
    ADMIN_REVIEW = "admin_review"  # 行政复议
    PROCURATORATE_POLICE = "procuratorate_police"  # 检察/公安程序
    PARTY_APPEAL = "party_appeal"  # 党员申诉
    ADMIN_RULING = "admin_ruling"  # 行政裁决/确认/许可/处罚
    OTHER = "other"


class ReplyResult(StrEnum):
    SUPPORT = "support"  # 支持
    EXPLAIN = "explain"  # 解释说明
    NOT_SUPPORT = "not_support"  # 不予支持
    MEDIATED = "mediated"  # 调解/和解协议


class DeliveryMethod(StrEnum):
    DIRECT = "direct"  # 直接送达
    POST = "post"  # 邮寄送达
    ELECTRONIC = "electronic"  # 电子送达
    LEFT = "left"  # 留置送达


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY = "basically"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


class Resolution(StrEnum):
    UNRESOLVED = "unresolved"
    RESOLVED = "resolved"  # 化解 / 息诉罢访


class Clock(StrEnum):
    """A statutory clock of a matter (see app.domain.deadlines)."""

    DECISION = "decision"  # 15 days to decide acceptance
    OBJECTION = "objection"  # 5 working days to object to an assigned-down matter
    HANDLING = "handling"  # 60 days (+30) to reply
    ASSIGNED_RESULT = "assigned_result"  # result deadline set by the assigning upper office
    ASSIGNMENT_REPORT = "assignment_report"  # the unit's result report on a matter the township assigned
    REVIEW_REQUEST = "review_request"  # petitioner's 30-day window to ask for review
    REVIEW_DECISION = "review_decision"
    REREVIEW_REQUEST = "rereview_request"
    REREVIEW_DECISION = "rereview_decision"


class DocumentKind(StrEnum):
    REGISTRATION = "registration"  # 来访登记表
    ACCEPTANCE = "acceptance"  # 受理告知书
    DECLINE = "decline"  # 不予受理告知书
    NO_LONGER_ACCEPTED = "no-longer-accepted"  # 不再受理告知书
    LEGAL_CHANNEL = "legal-channel"  # 依法分类处理告知书
    REFERRAL = "referral"  # 转送交办单
    EXTENSION = "extension"  # 延期办理告知书
    REPLY = "reply"  # 答复意见书
    DELIVERY_RECEIPT = "delivery-receipt"  # 送达回证
    ARCHIVE_COVER = "archive-cover"  # 档案封面
    CATALOGUE = "catalogue"  # 卷内目录


PERSON_TAGS = ("重点人员", "信访老户", "困难群众", "残疾人", "退役军人", "老党员")
