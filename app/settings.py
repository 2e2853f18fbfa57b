"""Office settings, declared once: key, type, default and label. Stored per office in the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.enums import DocumentKind


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    label: str


DEFAULT_DOCUMENT_WORDS: dict[str, str] = {
    DocumentKind.ACCEPTANCE: "受",
    DocumentKind.DECLINE: "不受",
    DocumentKind.NO_LONGER_ACCEPTED: "不再受",
    DocumentKind.LEGAL_CHANNEL: "导",
    DocumentKind.REFERRAL: "转",
    DocumentKind.EXTENSION: "延",
    DocumentKind.REPLY: "复",
}

SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("day_unit", "calendar", "期限计算方式（calendar 自然日 / working 工作日）"),
    SettingSpec("roll_to_working_day", True, "期限末日为节假日时顺延至下一工作日"),
    SettingSpec("document_prefix", "", "文号机关代字（空则用单位简称加“信”）"),
    SettingSpec("document_words", DEFAULT_DOCUMENT_WORDS, "各类文书的文号类别字"),
    SettingSpec("idle_lock_minutes", 15, "无操作自动锁定（分钟）"),
    SettingSpec("satisfaction_counts_basically", False, "满意率把“基本满意”计为满意"),
    SettingSpec("backlog_months", 12, "超过多少个月未化解计为积案"),
    SettingSpec("evaluation_window_days", 30, "答复送达后满意度评价的期限（天）"),
    # 交办: the unit's result report is due this many days after the assignment (its own 60-day limit).
    SettingSpec("assignment_report_days", 60, "交办事项责任单位报送办结报告的期限（天）"),
    SettingSpec("notice_templates", {}, "文书措辞（按文书类别覆盖随程序提供的模板）"),
    SettingSpec("office_phone", "", "联系电话（印在告知书的附注中）"),
    SettingSpec("review_body", "", "复查机关（答复意见书告知的复查申请机关；空则用上级部门）"),
    SettingSpec("archive_retention", "30年", "信访档案默认保管期限（永久 / 30年 / 10年）"),
    SettingSpec("attachment_max_mb", 50, "单个附件大小上限（MB）"),
)
SPEC_BY_KEY: dict[str, SettingSpec] = {spec.key: spec for spec in SPECS}
