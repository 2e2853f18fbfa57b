"""What a dialog running one cancellable background job shares: its token, 取消, and the progress bar."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QProgressBar

from ui.operations import CancelToken


class JobDialog(QDialog):
    """Subclasses set ``self.progress`` and keep the running job's token in ``self._token``."""

    progress: QProgressBar
    _token: CancelToken | None = None

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
