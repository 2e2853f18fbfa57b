"""Chinese names for the codes the matter list, the dossier and the step dialogs show."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.domain.enums import (
    Channel, DeliveryMethod, DocumentKind, LegalChannel, MatterSource, MatterType, ReplyResult, Satisfaction,
    SkipLevel,
)
from app.services.documents import DOCUMENT_LABELS

MATTER_TYPE = {MatterType.SUGGESTION: "建议意见类", MatterType.ACCUSATION: "检举控告类",
               MatterType.CLAIM: "申诉求决类"}
CHANNEL = {Channel.VISIT: "走访", Channel.LETTER: "来信", Channel.PHONE: "来电", Channel.ONLINE: "网上",
           Channel.FAX: "传真"}
SKIP_LEVEL = {SkipLevel.COUNTY: "赴县", SkipLevel.CITY: "赴市", SkipLevel.PROVINCE: "赴省",
              SkipLevel.BEIJING: "进京"}
SOURCE = {MatterSource.CONTACT: "来信来访登记", MatterSource.ASSIGNED_DOWN: "上级交办件"}
DECISION = {"accept": "受理", "decline": "不予受理", "route_legal": "依法分类处理", "forward": "转送",
            "assign": "交办", "object": "提出异议退回"}
LEGAL_CHANNEL = {LegalChannel.LITIGATION: "诉讼", LegalChannel.ARBITRATION: "仲裁",
                 LegalChannel.ADMIN_REVIEW: "行政复议", LegalChannel.PROCURATORATE_POLICE: "检察/公安程序",
                 LegalChannel.PARTY_APPEAL: "党员申诉", LegalChannel.ADMIN_RULING: "行政裁决/确认/许可/处罚",
                 LegalChannel.OTHER: "其他法定途径"}
REPLY_RESULT = {ReplyResult.SUPPORT: "支持", ReplyResult.EXPLAIN: "解释说明", ReplyResult.NOT_SUPPORT: "不予支持",
                ReplyResult.MEDIATED: "调解/和解协议"}
DELIVERY = {DeliveryMethod.DIRECT: "直接送达", DeliveryMethod.POST: "邮寄送达",
            DeliveryMethod.ELECTRONIC: "电子送达", DeliveryMethod.LEFT: "留置送达"}
SATISFACTION = {Satisfaction.SATISFIED: "满意", Satisfaction.BASICALLY: "基本满意",
                Satisfaction.DISSATISFIED: "不满意"}
EVALUATION_METHODS = ("当面", "电话", "网上", "短信")
RESOLUTION = {"unresolved": "未化解", "resolved": "已化解"}
SUPERVISION_SOURCE = {"upper": "上级督办", "township": "本级督办"}
PROCEEDING = {"litigation": "已进入诉讼", "admin_review": "已申请行政复议", "arbitration": "已申请仲裁"}
UNIT = {"calendar": "自然日", "working": "工作日"}
FLAGS = {"anonymous": "匿名", "threat": "扬言", "confidential": "保密"}

FACTS = {
    "source": "事项来源", "assigned_by": "交办单位", "assigned_due_on": "交办期限",
    "simplified": "简易办理", "confidential": "保密", "pending_proceeding": "已在其他程序中",
    "decision": "受理决定", "decided_on": "决定日期", "decision_reason": "决定理由",
    "legal_channel": "法定途径", "referred_to": "转往单位（机关）", "no_notice_reason": "未出具告知书的理由",
    "accepted_on": "受理日期", "extension_days": "延期天数", "extension_reason": "延期理由",
    "replied_on": "答复日期", "reply_result": "处理意见", "reply_delivered_on": "答复送达日期",
    "closed_on": "办结日期", "review_requested_on": "申请复查日期", "review_decided_on": "复查决定日期",
    "review_delivered_on": "复查意见送达日期",
    "rereview_requested_on": "申请复核日期", "rereview_decided_on": "复核决定日期",
    "concluded_on": "终结日期", "reopened_on": "重新登记日期", "resolution": "化解情况",
    "resolved_on": "化解日期", "is_backlog": "积案", "backlog_since": "列为积案日期",
    "historical": "台账导入的历史事项", "needs_review": "待核实（台账未记办结日期）",
}
DETAILS = {
    "source": "来源", "document_number": "文号", "no_notice_reason": "未出具告知书的理由", "reason": "理由",
    "channel": "法定途径", "body": "机关", "to": "转往单位", "summary": "摘要", "result": "处理意见",
    "method": "方式", "receiver": "签收人", "satisfaction": "评价", "days": "延期天数",
    "outcome": "意见", "hearing_days": "听证天数", "new_facts": "新的事实和理由", "report_days": "报告期限",
    "needs_review": "待核实",
    "responsible_unit_id": "责任单位", "handler_id": "经办人", "clerk": "登记人",
    "delivery_method": "送达方式", "delivered_on": "送达日期", "size": "大小", "present": "文件",
}
_VALUE_LABELS: dict[str, dict[Any, str]] = {
    "source": SOURCE, "decision": DECISION, "legal_channel": LEGAL_CHANNEL, "channel": LEGAL_CHANNEL,
    "reply_result": REPLY_RESULT, "result": REPLY_RESULT, "satisfaction": SATISFACTION,
    "method": DELIVERY, "delivery_method": DELIVERY, "resolution": RESOLUTION,
    "pending_proceeding": PROCEEDING,
}


def value_text(key: str, value: Any) -> str:
    """One fact or detail value as the clerk reads it."""
    if isinstance(value, bool):
        if key == "present":
            return "在" if value else "缺失"
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if key in ("days", "extension_days", "hearing_days", "report_days"):
        return f"{value} 天"
    if key == "size":
        return size_text(int(value))
    labels = _VALUE_LABELS.get(key, {})
    return labels.get(value, str(value))


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def document_label(kind: str) -> str:
    try:
        return DOCUMENT_LABELS[DocumentKind(kind)]
    except ValueError:
        return kind


def countdown_text(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left < 0:
        return f"已超期 {-days_left} 天"
    if days_left == 0:
        return "今天到期"
    return f"剩 {days_left} 天"
