#!/usr/bin/env bash
# Retake every screenshot under a real X server (Xvfb, 1366×768, the xcb platform plugin), the way a
# clerk's screen draws them: `docs/screenshots/shoot_all.sh` from anywhere. Each shoot_*.py builds
# its own throwaway demo workspace and writes its PNGs next to itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
for script in docs/screenshots/shoot_*.py; do
    echo "== $script" >&2
    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb .venv/bin/python "$script"
done
