"""Fonts: every glyph embedded, per-character fallback for rare characters, correct ToUnicode."""

from __future__ import annotations

import shutil

import pytest

from app.errors import StorageError
from app.notices import blocks as b
from app.notices.fonts import FontSet, Role, discover_chains, shipped_font_dir
from app.notices.render import render_pdf
from app.notices.tounicode import to_unicode_cmap, utf16_hex
from tests.notices.conftest import flat, pdf_fonts, pdf_text, requires_poppler

RARE_NAME = "吉𠮷祥"  # U+20BB7, extension B: not in GB 2312 fonts
SHIPPED = ("FandolFang-Regular.ttf", "XinfangSong-Bold.ttf", "LXGWWenKai-Regular.ttf",
           "XinfangRare-Regular.ttf")


def sample(name: str = RARE_NAME) -> b.NoticeDocument:
    return b.NoticeDocument((b.Title(f"关于{name}信访事项的答复意见"), b.TextLine(f"{name}："),
                             b.Paragraph(f"{name}于2026年11月20日来访。喆、昇、堃、𡈽、䶮。"),
                             b.Table((b.Row((b.Cell("姓名", 30), b.Cell(name, 126))),)),
                             b.Signature("某某县某某镇人民政府", "2026年11月23日")), title="t")


def test_shipped_fonts_are_present_and_small_enough():
    folder = shipped_font_dir()
    sizes = {name: (folder / name).stat().st_size for name in SHIPPED}
    assert sum(sizes.values()) < 40 * 1024 * 1024
    for licence in ("OFL-1.1.txt", "GPL-3.0-with-font-exception.txt", "SOURCES.md"):
        assert (folder / licence).is_file(), licence


def test_utf16_hex_writes_surrogate_pairs_beyond_the_bmp():
    assert utf16_hex(0x5409) == "5409"
    assert utf16_hex(0x20BB7) == "D842DFB7"
    cmap = to_unicode_cmap("AAAAAA+X", [0, 0x5409, 0x20BB7] + list(range(0x4E00, 0x4E00 + 150)))
    assert "<02> <D842DFB7>" in cmap
    assert cmap.count("beginbfchar") == 2  # at most 100 entries per block


@requires_poppler
def test_rare_characters_fall_back_per_character_and_copy_correctly(fonts):
    pdf = render_pdf(sample(), fonts)
    text = flat(pdf_text(pdf))
    assert RARE_NAME in text and "₻" not in text
    assert "喆、昇、堃、𡈽、䶮" in text
    assert not fonts.missing(RARE_NAME + "喆昇堃𡈽䶮")
    assert fonts.font_for(Role.BODY, ord("𠮷")) is not fonts.primary(Role.BODY)
    assert fonts.font_for(Role.BODY, ord("吉")) is fonts.primary(Role.BODY)


def test_every_font_is_an_embedded_truetype_subset(fonts):
    found = pdf_fonts(render_pdf(sample(), fonts))
    assert found
    for font in found:
        assert font["subtype"] == "/TrueType" and font["embedded"], font
        tag, _, family = str(font["name"]).lstrip("/").partition("+")
        assert len(tag) == 6 and tag.isalpha() and family, font  # a subset: "AAAAAB+Family"
    families = {str(f["name"]).split("+", 1)[1] for f in found}
    assert {"FandolFang-Regular", "XinfangSong-Bold", "LXGWWenKai-Regular"} <= families


def test_the_same_notice_renders_to_the_same_bytes(fonts):
    assert render_pdf(sample(), fonts) == render_pdf(sample(), fonts)


def test_windows_fonts_are_preferred_when_present(tmp_path):
    windows = tmp_path / "Fonts"
    windows.mkdir()
    shipped = shipped_font_dir()
    # Stand-ins with the Windows file names (upper case, as some installations have them).
    shutil.copyfile(shipped / "LXGWWenKai-Regular.ttf", windows / "SIMFANG.TTF")
    shutil.copyfile(shipped / "XinfangRare-Regular.ttf", windows / "simsunb.ttf")
    chains = discover_chains(system_dirs=[windows])
    assert chains[Role.BODY][0].path.name == "SIMFANG.TTF"
    assert chains[Role.BODY][1].path.name == "FandolFang-Regular.ttf"
    assert [f.path.name for f in chains[Role.TITLE]][:1] == ["XinfangSong-Bold.ttf"]  # no 方正小标宋
    assert any(f.path.name == "simsunb.ttf" for f in chains[Role.TITLE])
    fonts = FontSet(chains)
    assert fonts.primary(Role.BODY).file.path.name == "SIMFANG.TTF"


def test_a_damaged_font_file_is_skipped(tmp_path):
    windows = tmp_path / "Fonts"
    windows.mkdir()
    (windows / "simfang.ttf").write_bytes(b"not a font")
    fonts = FontSet(discover_chains(system_dirs=[windows]))
    assert fonts.primary(Role.BODY).file.path.name == "FandolFang-Regular.ttf"


def test_no_fonts_at_all_is_a_clear_error(tmp_path):
    with pytest.raises(StorageError, match="字体"):
        FontSet(discover_chains(system_dirs=[], shipped_dir=tmp_path))
