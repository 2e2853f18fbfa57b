"""Chinese names of the fixed vocabularies as reports print them."""

from __future__ import annotations

from app.domain.enums import Channel, MatterType, SkipLevel

CHANNEL_LABELS: dict[str, str] = {
    Channel.VISIT: "走访", Channel.LETTER: "来信", Channel.PHONE: "来电", Channel.ONLINE: "网上",
    Channel.FAX: "传真",
}
SKIP_LEVEL_LABELS: dict[str, str] = {
    SkipLevel.COUNTY: "赴县", SkipLevel.CITY: "赴市", SkipLevel.PROVINCE: "赴省", SkipLevel.BEIJING: "进京",
}
MATTER_TYPE_LABELS: dict[str, str] = {
    MatterType.SUGGESTION: "建议意见类", MatterType.ACCUSATION: "检举控告类", MatterType.CLAIM: "申诉求决类",
}
NO_MATTER = "（无事项）"
NO_SUBJECT = "（未分类）"
NO_VILLAGE = "（未填写）"
NO_UNIT = "（未交办）"
