"""``xinfang --self-test``: every step passes on a sound installation, and a build missing its
resources fails it with a non-zero exit (both through the real entry point in a fresh process)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from app.services.self_test import STEPS, Outcome, SelfTestFailure, SelfTestStep, self_test
from tests.support.gui_process import ROOT

STEP_LABELS = [step.label for step in STEPS]


def _run(*code: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join([str(ROOT), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]).rstrip(os.pathsep))
    return subprocess.run([sys.executable, "-c", "\n".join(code)], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, env=env, timeout=300)


def test_self_test_passes_every_step_and_leaves_nothing_behind(tmp_path):
    result = _run("import sys, tempfile", f"tempfile.tempdir = {str(tmp_path)!r}",
                  "from ui.entry import main", "sys.exit(main(['--self-test']))")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    # The GUI's entry point adds the window step to the application's own steps.
    assert [line.split("：")[0] for line in lines[:-1]] == [
        f"[{Outcome.PASSED.value}] {label}" for label in [*STEP_LABELS, "程序窗口"]]
    assert "重复访" in lines[2] and "来访登记表" in lines[3] and "2 批" in lines[4]
    assert lines[-1].startswith(f"自检通过：{len(STEPS) + 1}/{len(STEPS) + 1} 项")
    assert list(tmp_path.iterdir()) == []  # the temporary data folder is gone


def test_a_build_without_its_resources_fails_the_self_test(tmp_path):
    # A frozen build looks for resources under sys._MEIPASS: here an empty folder.
    result = _run("import sys", f"sys._MEIPASS = {str(tmp_path)!r}",
                  "from app.cli.main import run", "sys.exit(run(['--self-test']))")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    results = [line for line in lines if line.startswith("[")]  # the failure adds its traceback
    assert results[0].startswith("[通过] 建库")
    assert results[1].startswith("[失败] 单位与登录") and "subjects.json" in result.stdout
    assert [line[:4] for line in results[2:]] == ["[跳过]"] * (len(STEPS) - 2)
    assert lines[-1].startswith(f"自检失败：1/{len(STEPS)} 项")


def test_a_step_reporting_a_wrong_result_fails_the_run(tmp_path):
    def wrong(run) -> str:  # type: ignore[no-untyped-def]
        raise SelfTestFailure("月报批次为 1，应为 2")

    out = io.StringIO()
    steps = [STEPS[0], SelfTestStep("wrong", "统计报表", wrong), STEPS[1]]
    assert self_test(out, steps, folder=tmp_path / "data") is False
    assert out.getvalue().splitlines()[1:] == [
        "[失败] 统计报表：月报批次为 1，应为 2  0 ms", "[跳过] 单位与登录：前一步失败",
        out.getvalue().splitlines()[-1]]
    assert out.getvalue().splitlines()[-1].startswith("自检失败：1/3 项")
