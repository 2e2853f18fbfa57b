"""Build the open-licensed fallback fonts shipped in ``resources/fonts/`` for printed notices.

reportlab embeds TrueType outlines only, so the CFF fonts we use (Fandol, Noto CJK) are converted
to quadratic TrueType outlines here, once, at build time; the program never converts at run time.
Run it on Debian with fonts-noto-cjk and fonts-lxgw-wenkai installed and the Fandol fonts extracted
from texlive-lang-chinese (see resources/fonts/SOURCES.md)::

    apt-get install fonts-noto-cjk fonts-lxgw-wenkai
    apt-get download texlive-lang-chinese && dpkg -x texlive-lang-chinese_*.deb /tmp/tl
    .venv/bin/python build_scripts/make_notice_fonts.py --fandol /tmp/tl/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol

Needs fontTools (``pip install .[build]``).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts"
NOTO_SERIF = Path("/usr/share/fonts/opentype/noto")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf")
NOTO_SC_INDEX = 2  # Simplified Chinese forms inside the Noto Serif CJK collection
MAX_ERR = 1.0  # font units (of 1000): curve conversion error, far below what print resolves


def convert_to_truetype(font: TTFont) -> TTFont:
    """Replace CFF outlines by quadratic glyf outlines (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"], font["glyf"] = newTable("loca"), glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion, maxp.numGlyphs = 0x00010000, len(order)
    for key in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, key, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    glyf.compile(font)
    font["maxp"].recalc(font)
    return font


def subset_font(font: TTFont, unicodes: set[int]) -> TTFont:
    options = subset.Options()
    options.layout_features = ["vert", "vrt2"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    return font


def gb2312_hanzi() -> set[int]:
    found = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((hi, lo)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return found


def symbols() -> set[int]:
    """ASCII, Latin-1, general punctuation, CJK symbols, full-width forms, circled numbers."""
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x206F), (0x2100, 0x22FF), (0x2460, 0x24FF),
              (0x2500, 0x25FF), (0x3000, 0x303F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]
    return {c for a, b in ranges for c in range(a, b + 1)}


def rename(font: TTFont, family: str, postscript: str) -> None:
    """A new name for a modified font: OFL 1.1 keeps reserved names ("Source") off derivatives."""
    name = font["name"]
    keep = {0, 7, 8, 9, 11, 12, 13, 14}  # copyright, trademark, vendor, designer, URLs, licence
    for record in list(name.names):
        if record.nameID not in keep:
            name.removeNames(nameID=record.nameID)
    for name_id, text in ((1, family), (2, "Regular"), (3, f"{postscript};xinfang-desk"), (4, family),
                          (5, "Version 1.000; converted to TrueType for xinfang-desk"), (6, postscript)):
        name.setName(text, name_id, 3, 1, 0x409)
    name.setName(NOTICE, 10, 3, 1, 0x409)


NOTICE = ("Modified by the xinfang-desk project (build_scripts/make_notice_fonts.py): subset and "
          "converted from CFF to TrueType outlines. Licensed under the SIL Open Font License 1.1.")


def build(fandol: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # Body, 仿宋-style: Fandol Fang (GB 2312) as is, in TrueType outlines.
    fang = convert_to_truetype(TTFont(fandol / "FandolFang-Regular.otf"))
    # GPL 3 section 5(a): say that and when it was changed (the font exception stays in force).
    fang["name"].setName("Converted from CFF to TrueType outlines by the xinfang-desk project "
                         "(build_scripts/make_notice_fonts.py); otherwise unchanged.", 10, 3, 1, 0x409)
    fang.save(OUT / "FandolFang-Regular.ttf")
    # Title, heavy song: Noto Serif CJK SC Bold limited to GB 2312 and symbols.
    title = TTCollection(NOTO_SERIF / "NotoSerifCJK-Bold.ttc").fonts[NOTO_SC_INDEX]
    title = convert_to_truetype(subset_font(title, gb2312_hanzi() | symbols()))
    rename(title, "Xinfang Song Bold", "XinfangSong-Bold")
    title.save(OUT / "XinfangSong-Bold.ttf")
    # Fallback 1: LXGW WenKai (already TrueType; all of GBK and 𠮷).
    shutil.copyfile(WENKAI, OUT / WENKAI.name)
    # Fallback 2: the ideographs of extensions A-H and compatibility that WenKai lacks, from Noto.
    wenkai = set(TTFont(WENKAI).getBestCmap())
    regular = TTCollection(NOTO_SERIF / "NotoSerifCJK-Regular.ttc").fonts[NOTO_SC_INDEX]
    rare = {c for c in regular.getBestCmap() if (0x3400 <= c <= 0x4DBF or 0xF900 <= c <= 0xFAFF
                                               or 0x20000 <= c <= 0x3FFFF) and c not in wenkai}
    extra = convert_to_truetype(subset_font(regular, rare))
    rename(extra, "Xinfang Rare", "XinfangRare-Regular")
    extra.save(OUT / "XinfangRare-Regular.ttf")
    for path in sorted(OUT.glob("*.ttf")):
        print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fandol", type=Path, required=True, help="folder holding FandolFang-Regular.otf")
    build(parser.parse_args().fandol)


if __name__ == "__main__":
    main()
