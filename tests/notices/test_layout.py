"""The GB/T 9704 page: line breaking, the 22 × 28 grid, text inside the text area, pagination."""

from __future__ import annotations

import pytest

from app.notices import blocks as b
from app.notices.flow import lay_out
from app.notices.items import GlyphLine, SealArea
from app.notices.linebreak import NO_START, balanced_lines, break_lines
from app.notices.render import page_number_text, render_pdf
from tests.notices.conftest import A4, TEXT_AREA, flat, page_sizes, pdf_text, requires_poppler, words

ONE = 10.0  # a full-width character in these unit tests


def measure(ch: str) -> float:
    return ONE / 2 if ch.isascii() else ONE


def texts(lines: list) -> list[str]:
    return [line.text for line in lines]


def test_closing_punctuation_never_starts_a_line_and_takes_the_previous_character_along():
    lines = break_lines("一二三四五六七八九。十", 90, measure)  # 9 characters fit, then 。
    assert texts(lines) == ["一二三四五六七八", "九。十"]
    assert lines[0].width == pytest.approx(90)  # the short line is justified to the full width


def test_a_run_of_closing_marks_moves_down_together():
    lines = break_lines("一二三四五六七八九”。十", 90, measure)
    assert all(line.text[0] not in NO_START for line in lines)
    assert texts(lines)[1].startswith("九”。")


def test_opening_brackets_never_end_a_line():
    lines = break_lines("一二三四五六七八《九十》", 90, measure)
    assert texts(lines) == ["一二三四五六七八", "《九十》"]


def test_numbers_and_latin_words_are_not_split():
    lines = break_lines("一二三四五六13800138000", 90, measure)
    assert texts(lines) == ["一二三四五六", "13800138000"]


def test_a_word_longer_than_a_line_is_split_by_characters():
    lines = break_lines("1" * 30, 90, measure)
    assert [len(t) for t in texts(lines)] == [18, 12]


def test_first_line_indent_and_last_line_not_justified():
    lines = break_lines("一二三四五六七八九十一二", 90, measure, first_indent=20)
    assert texts(lines) == ["一二三四五六七", "八九十一二"]
    assert lines[1].width == pytest.approx(50)


def test_long_title_wraps_as_an_inverted_trapezoid():
    lines = balanced_lines("关于张三等五人反映东风村三组征地补偿款未足额发放问题信访事项的答复意见", 200, measure)
    widths = [line.width for line in lines]
    assert len(lines) == 2 and widths[0] >= widths[1] and widths[0] <= 200


def test_grid_constants_follow_gb_t_9704():
    assert b.CELL * 28 == pytest.approx(156 * b.MM)
    assert b.LINE * 22 == pytest.approx(225 * b.MM)
    assert b.TEXT_LEFT == pytest.approx(28 * b.MM) and b.PAGE_HEIGHT - b.TEXT_TOP == pytest.approx(37 * b.MM)
    assert page_number_text(3) == "— 3 —"


def long_notice(paragraphs: int = 12) -> b.NoticeDocument:
    body = "本机关将自受理之日起60日内办结并书面答复你；情况复杂的，经本机关负责人批准，可以适当延长办理期限。" * 2
    return b.NoticeDocument((b.Title("某某县某某镇人民政府\n信访事项受理告知书"),
                             b.TextLine("某某镇信受〔2026〕12号", align=b.Align.RIGHT), b.TextLine("张三："),
                             *[b.Paragraph(body) for _ in range(paragraphs)],
                             b.Signature("某某县某某镇人民政府", "2026年11月23日")), title="受理告知书")


def test_body_lines_are_28_characters_on_22_lines(fonts):
    layout = lay_out(long_notice(), fonts)
    first = [i for i in layout.pages[0] if isinstance(i, GlyphLine)]
    body = [i for i in first if i.body]
    assert len(first) == 22  # title 2 + number + addressee + 18 body lines fill the page
    assert all(line.x + line.line.width <= b.TEXT_RIGHT + 0.01 for line in body)
    full = [line for line in body if line.x + line.line.width == pytest.approx(b.TEXT_RIGHT, abs=0.01)]
    assert len(full) >= 13  # all but the paragraphs' last lines are justified to the right edge
    cjk_only = [line for line in body if line.line.text.isascii() is False and not any(c.isdigit() for c in line.line.text)]
    assert all(len(line.line.text) <= 28 for line in cjk_only)
    gaps = {round(a.baseline - c.baseline, 3) for a, c in zip(first, first[1:])}
    assert gaps == {round(b.LINE, 3)} or max(gaps) == pytest.approx(b.LINE, abs=0.01)


def test_signature_never_starts_a_page_alone(fonts):
    for count in range(14, 20):
        layout = lay_out(long_notice(count), fonts)
        last = layout.pages[-1]
        assert any(isinstance(i, GlyphLine) and i.body for i in last), count
        assert any(isinstance(i, SealArea) for i in last)


@pytest.mark.parametrize("office, inset", [("某镇人民政府", 4), ("某某县某某镇人民政府", 2)])
def test_signature_date_right_inset_and_office_centred_over_it(fonts, office, inset):
    document = b.NoticeDocument((b.Paragraph("特此告知。"), b.Signature(office, "2026年11月23日")), title="t")
    items = lay_out(document, fonts).pages[0]
    name, date = [i for i in items if isinstance(i, GlyphLine)][-2:]
    assert date.x + date.line.width == pytest.approx(b.TEXT_RIGHT - inset * b.CELL)
    assert name.x + name.line.width / 2 == pytest.approx(date.x + date.line.width / 2)
    assert date.baseline == pytest.approx(name.baseline - b.LINE)
    seal = next(i for i in items if isinstance(i, SealArea))
    assert seal.cx == pytest.approx(date.x + date.line.width / 2)
    assert seal.cy - seal.diameter / 2 < date.baseline < name.baseline < seal.cy  # name and date below the centre


@requires_poppler
def test_multi_page_notice_is_a4_with_text_inside_the_text_area_and_page_numbers(fonts):
    pdf = render_pdf(long_notice(30), fonts)
    assert all(size == pytest.approx(A4, abs=0.01) for size in page_sizes(pdf))
    found = words(pdf)
    pages = max(w.page for w in found)
    assert pages >= 3
    x0, y0, x1, y1 = TEXT_AREA
    for w in found:
        if "—" in w.text or w.text.isdigit() and any(o.page == w.page and o.text == "—" and abs(o.y0 - w.y0) < 1
                                                      for o in found):
            assert w.y0 > y1 + 7 * b.MM - 1  # the page number: 7 mm below the text area
            continue
        assert x0 - 0.5 <= w.x0 and w.x1 <= x1 + 0.5, w
        assert y0 - 0.5 <= w.y0 and w.y1 <= y1 + 0.5, w
    text = flat(pdf_text(pdf))
    assert "—2—" in text and f"—{pages}—" in text
    assert flat(pdf_text(pdf)).count("延长办理期限") == 60


@requires_poppler
def test_odd_page_numbers_at_the_right_even_at_the_left(fonts):
    pdf = render_pdf(long_notice(30), fonts)
    numbers = {w.page: w for w in words(pdf) if "—" in w.text and w.y0 > TEXT_AREA[3]}
    assert numbers[1].x0 > A4[0] / 2 > numbers[2].x1
