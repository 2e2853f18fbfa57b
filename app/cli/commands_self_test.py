"""``xinfang --self-test``: run the self-test and print one line per step (exit 1 on any failure)."""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from app.services.self_test import self_test

# A windowed Windows build has no standard output unless it is redirected: the lines go here then.
FALLBACK_REPORT = "xinfang-self-test.txt"


def cmd_self_test(args: argparse.Namespace) -> int:
    out = sys.stdout
    if out is None:
        target = Path(tempfile.gettempdir()) / FALLBACK_REPORT
        with target.open("w", encoding="utf-8") as file:
            return 0 if self_test(file) else 1
    if isinstance(out, io.TextIOWrapper):
        out.reconfigure(errors="replace")  # a GBK console must not stop the report halfway
    return 0 if self_test(out) else 1
