"""Helpers for reading the notices back: text and word boxes (poppler's pdftotext), fonts (pypdf)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.notices.fonts import FontSet, shipped_only

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
TEXT_AREA = (28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM)  # x0, y0 (from the top), x1, y1

requires_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    return shipped_only()


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The text poppler extracts (what a clerk gets by copying or searching)."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


def flat(text: str) -> str:
    """Text without line breaks and spaces, so words broken over lines still match."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float  # from the top of the page, as pdftotext writes it
    x1: float
    y1: float


def words(pdf: bytes) -> list[Word]:
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    found, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            found.append(Word(page, m.group(5), *(float(m.group(i)) for i in range(1, 5))))
    return found


def pdf_fonts(pdf: bytes) -> list[dict[str, object]]:
    """Every font dictionary of every page: name, subtype and whether a font file is embedded."""
    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        for font in resources.get("/Font", {}).get_object().values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            found.append({"name": str(font.get("/BaseFont")), "subtype": str(font.get("/Subtype")),
                          "embedded": "/FontFile2" in descriptor, "any_file": any(
                              k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))})
    return found


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    from pypdf import PdfReader

    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(pdf)).pages]


def write(tmp: Path, pdf: bytes, name: str = "notice.pdf") -> Path:
    path = tmp / name
    path.write_bytes(pdf)
    return path
