"""What the Excel features share: progress and cancel hooks, labels of stored codes, file checks."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from app.domain.enums import Decision, MatterSource, Resolution, Satisfaction
from app.errors import DomainError, StorageError

Progress = Callable[[int, int], None]
"""Called with (done, total) as work advances; total may be 0 when unknown."""
CancelCheck = Callable[[], bool]
"""Returns True once the user asked to stop (e.g. ``lambda: token.cancelled``)."""


class Cancelled(DomainError):
    """The user stopped a long export or import; nothing was written."""


def check_cancel(cancelled: CancelCheck | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("cancelled", "已取消")


DECISION_LABELS = {
    Decision.ACCEPT: "受理", Decision.DECLINE: "不予受理", Decision.ROUTE_LEGAL: "依法分类处理",
    Decision.FORWARD: "转送", Decision.ASSIGN: "交办", Decision.OBJECT: "异议退回",
}
SATISFACTION_LABELS = {
    Satisfaction.SATISFIED: "满意", Satisfaction.BASICALLY: "基本满意", Satisfaction.DISSATISFIED: "不满意",
}
RESOLUTION_LABELS = {Resolution.RESOLVED: "已化解", Resolution.UNRESOLVED: "未化解"}
SOURCE_LABELS = {MatterSource.CONTACT: "来访（信）登记", MatterSource.ASSIGNED_DOWN: "上级交办"}


def replace_atomically(temporary: Path, target: Path) -> None:
    try:
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StorageError("file_write", f"无法写入文件 {target}（{exc.strerror}）") from exc


def temporary_beside(target: Path) -> Path:
    """A work file next to the target, so the final rename stays on one disk."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError("file_write", f"无法创建文件夹 {target.parent}（{exc.strerror}）") from exc
    return target.with_name(f".{target.stem}.{os.getpid()}.part.xlsx")
