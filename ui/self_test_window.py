"""The window step of ``--self-test``: login window and main window open on the self-test's data.

It proves that a build carries Qt's platform plugins, the style sheet and a Chinese UI font.
"""

from __future__ import annotations

import os
import sys

from app.services.self_test import STEPS, SelfTestFailure, SelfTestRun, SelfTestStep


def step_window(run: SelfTestRun) -> str:
    if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a server or CI: no screen to draw on
    from PySide6.QtWidgets import QApplication

    from ui.app import office_name, open_main_window
    from ui.login import LoginDialog
    from ui.theme import apply_theme

    workspace, actor = run.opened()
    app = QApplication.instance() or QApplication(["xinfang"])
    apply_theme(app)  # type: ignore[arg-type]
    if not app.styleSheet():  # type: ignore[attr-defined]
        raise SelfTestFailure("界面样式表 qss/app.qss 未找到")
    if app.windowIcon().isNull():  # type: ignore[attr-defined]
        raise SelfTestFailure("程序图标 icons/xinfang.png 未找到")
    login = LoginDialog(workspace, office_name(workspace), actor.login)
    login.show()
    app.processEvents()
    window = open_main_window(workspace, actor)
    window.show()
    app.processEvents()
    try:
        if not (login.isVisible() and window.isVisible()):
            raise SelfTestFailure("登录窗口或主窗口未能显示")
        platform = QApplication.platformName()
        family = app.font().family()  # type: ignore[attr-defined]
    finally:
        window.close()
        login.close()
        window.ctx.runner.wait()
    return f"登录窗口与主窗口已显示（{platform}，字体 {family}）"


def add_window_step() -> None:
    """Run with the GUI's own entry point, the self-test also opens the windows."""
    if all(step.key != "window" for step in STEPS):
        STEPS.append(SelfTestStep("window", "程序窗口", step_window))
