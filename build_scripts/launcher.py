"""What the built programs run: the ``xinfang`` entry point (window, command line or self-test)."""

import sys

from ui.entry import main

if __name__ == "__main__":
    sys.exit(main())
