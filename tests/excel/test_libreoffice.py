"""The workbooks open in LibreOffice (headless) and print as A4 landscape, when LibreOffice is there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.excel.ledgers import LedgerKind, export_ledger
from app.excel.report_workbook import write_report_workbook
from app.statistics import build_report, periods
from tests.statistics.conftest import october, october_dir  # noqa: F401 - shared data set

OFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.slow
@pytest.mark.skipif(OFFICE is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice or pdfinfo not installed")
def test_libreoffice_converts_report_and_ledger_to_a4_landscape(october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.read(admin) as uow:
        write_report_workbook(build_report(uow, periods.month(2026, 10)), tmp_path / "report.xlsx")
        export_ledger(uow, LedgerKind.CONTACTS, tmp_path / "ledger.xlsx")
    profile = tmp_path / "profile"
    subprocess.run([OFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "report.xlsx"), str(tmp_path / "ledger.xlsx")],
                   check=True, capture_output=True, timeout=240)
    for name in ("report", "ledger"):
        info = subprocess.run(["pdfinfo", str(tmp_path / f"{name}.pdf")], capture_output=True, text=True,
                              check=True).stdout
        assert "841.89 x 595.3" in info, info  # A4 landscape
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "某某镇信访工作月度统计表" in text and "第 1 页" in text
