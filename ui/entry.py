"""The ``xinfang`` entry point: subcommands go to the command line, bare ``xinfang`` opens the window.

Qt is imported only when the window is wanted, so command-line use stays fast and works on a
machine with no display.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from app.cli.main import run, wants_gui

    if "--self-test" in args:
        from ui.self_test_window import add_window_step

        add_window_step()
    if not wants_gui(args) or any(a in ("-h", "--help") for a in args):
        return run(args)
    from ui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
