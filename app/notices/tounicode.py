"""A correct ToUnicode CMap for reportlab's TrueType subsets.

reportlab 5.1.0 writes each subset's ToUnicode entries as ``<code> <%04X>``: a character beyond
U+FFFF such as 𠮷 (U+20BB7) becomes the five-digit ``<20BB7>``, which viewers read as U+20BB ('₻'),
so the name prints right but copies and searches wrong. A ToUnicode CMap maps to UTF-16BE, where
such a character is a surrogate pair. This writes pairs, and at most 100 entries per ``bfchar``
block as the PDF specification asks.
"""

from __future__ import annotations

from collections.abc import Sequence

BFCHAR_BLOCK = 100  # PDF 32000-1, 9.10.3: at most 100 mappings between beginbfchar and endbfchar


def utf16_hex(code: int) -> str:
    """The UTF-16BE form of one code point in hex, a surrogate pair above U+FFFF."""
    if code <= 0xFFFF:
        return f"{code:04X}"
    code -= 0x10000
    return f"{0xD800 + (code >> 10):04X}{0xDC00 + (code & 0x3FF):04X}"


def to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """The CMap text for one subset (same header as reportlab's, corrected entries)."""
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
    ]
    entries = [f"<{i:02X}> <{utf16_hex(code)}>" for i, code in enumerate(subset)]
    for start in range(0, len(entries), BFCHAR_BLOCK):
        block = entries[start:start + BFCHAR_BLOCK]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


def install() -> None:
    """Make reportlab use the corrected CMap (idempotent; reportlab looks the function up per font)."""
    from reportlab.pdfbase import ttfonts

    if ttfonts.makeToUnicodeCMap is not to_unicode_cmap:
        ttfonts.makeToUnicodeCMap = to_unicode_cmap
