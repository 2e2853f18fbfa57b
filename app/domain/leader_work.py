"""The closed vocabularies of leaders' petition work, dispute screening and petition proxy, with the
words the UI shows for them (values are stored as text)."""

from __future__ import annotations

from enum import StrEnum


class ReceptionKind(StrEnum):
    RECEPTION = "reception"  # 领导接访 on a scheduled day
    VILLAGE_VISIT = "village_visit"  # 下访: the leader goes to a village
    APPOINTMENT = "appointment"  # 约访: the leader meets a petitioner by appointment


RECEPTION_KIND_LABELS = {ReceptionKind.RECEPTION: "接访", ReceptionKind.VILLAGE_VISIT: "下访",
                         ReceptionKind.APPOINTMENT: "约访"}


class Risk(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


RISK_LABELS = {Risk.HIGH: "高", Risk.MEDIUM: "中", Risk.LOW: "低"}


class ConflictStatus(StrEnum):
    OPEN = "open"  # 未化解
    IN_PROGRESS = "in_progress"  # 化解中
    RESOLVED = "resolved"  # 已化解
    CONVERTED = "converted"  # 已转为信访事项
    CARRIED = "carried"  # 已结转下一轮 (the next round holds the live copy)


CONFLICT_STATUS_LABELS = {
    ConflictStatus.OPEN: "未化解", ConflictStatus.IN_PROGRESS: "化解中", ConflictStatus.RESOLVED: "已化解",
    ConflictStatus.CONVERTED: "已转信访事项", ConflictStatus.CARRIED: "已结转",
}
# Statuses a clerk may set by hand; the others are reached through their own action.
SETTABLE_CONFLICT_STATUSES = (ConflictStatus.OPEN, ConflictStatus.IN_PROGRESS, ConflictStatus.RESOLVED)
UNRESOLVED_CONFLICT = (ConflictStatus.OPEN, ConflictStatus.IN_PROGRESS)


class ProxyStage(StrEnum):
    ORDERED = "ordered"  # 点单
    DISPATCHED = "dispatched"  # 派单
    ACCEPTED = "accepted"  # 接单
    RATED = "rated"  # 评单


PROXY_STAGE_LABELS = {ProxyStage.ORDERED: "已点单", ProxyStage.DISPATCHED: "已派单",
                      ProxyStage.ACCEPTED: "已接单", ProxyStage.RATED: "已评单"}
