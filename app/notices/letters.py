"""Letter-shaped notices (告知书, 转送交办单, 答复意见书): template texts filled and set as GB/T 9704 blocks.

Title, then the 文号 at the right, the addressee ending in "：", the body paragraphs (2-character
indent, headings in 黑体), the office name over the date at the lower right with room for the seal,
and a 附注 line such as the contact person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from app.notices import blocks as b
from app.notices.fonts import Role
from app.notices.templates import Template, fill, paragraphs

# Template keys that are the letter itself; every other plain text of a template is a sub-text
# (``alternative``, ``legal_basis`` ...) that is filled first and may then be used as a placeholder.
LETTER_KEYS = frozenset({"title", "addressee", "body", "note"})
# "联系电话：" with nothing after it (an office that set no phone) is left out of a 附注.
_EMPTY_FIELD = re.compile(r"[，、；]?[^，、；（）()：:]{1,10}[：:](?=[）)，、；]|$)")
_ONLY_PUNCTUATION = re.compile(r"^[\s（）()，、；。]*$")


def tidy_note(note: str) -> str:
    note = _EMPTY_FIELD.sub("", note.strip())
    note = re.sub(r"^（[，、；]", "（", note)
    return "" if _ONLY_PUNCTUATION.match(note) else note


def fill_subtexts(template: Template, values: Mapping[str, str], keys: Iterable[str]) -> dict[str, str]:
    """``values`` plus the named sub-texts of ``template`` filled with them (a given value wins)."""
    result = dict(values)
    for key in keys:
        if key not in result or result[key] == "":
            result[key] = fill(str(template.get(key, "")), result, key)
    return result


def compose_letter(template: Template, values: Mapping[str, str], *, title: str, number: str | None,
                   office: str, date: str) -> b.NoticeDocument:
    blocks: list[b.Block] = [b.Title(fill(template["title"], values, "title"))]
    if number:
        blocks.append(b.TextLine(number, align=b.Align.RIGHT))
    addressee = fill(template.get("addressee", ""), values, "addressee").strip()
    if addressee:
        blocks.append(b.TextLine(addressee))
    for heading, text in paragraphs(fill(template["body"], values, "body")):
        blocks.append(b.Paragraph(text, role=Role.HEADING if heading else Role.BODY))
    blocks.append(b.Signature(office, date))
    note = tidy_note(fill(template.get("note", ""), values, "note"))
    if note:
        blocks.append(b.Paragraph(note, align=b.Align.LEFT))
    return b.NoticeDocument(tuple(blocks), title=title, author=office,
                            subject=values.get("matter_number", ""),
                            keywords=tuple(k for k in (number or "", values.get("matter_number", "")) if k))
