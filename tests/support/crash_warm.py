"""Imported only by the crash harness's fork server: loads the pinyin tables and the notice fonts once,
so every child forked from it starts writing at once instead of spending a second on them."""

from app.domain.names import name_pinyin
from app.notices.fonts import Role, default_fonts

name_pinyin("张三")
for _role in Role:
    default_fonts().primary(_role)
