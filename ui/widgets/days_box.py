"""A spin box for a number of days that never swaps what the clerk typed for another number.

A plain QSpinBox drops the keystroke that would leave its range (typing 95 into 1–90 shows 9) and, when
the field is left with 0 or nothing in it, quietly puts the previous value back — the step would then be
recorded with a number the clerk did not choose. Here a number outside the range stays visible and
``refused_text()`` returns it until the clerk types one within the range, so the dialog can refuse it
with a message naming the field.
"""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QSpinBox, QWidget

MAX_TYPED_DIGITS = 4  # longer than any count of days a rule allows: the keystroke is dropped


class DaysBox(QSpinBox):
    def __init__(self, low: int, high: int, value: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(low, high)
        self.setSuffix(" 天")
        self.setValue(value)
        self._refused: str | None = None
        self._value_then = value  # the number in range when the text was refused
        self.lineEdit().textEdited.connect(self._edited)
        # Arrows and the wheel choose a number too; Qt putting the old value back (Enter re-emits it) does not.
        self.valueChanged.connect(self._chosen)

    def validate(self, text: str, pos: int) -> object:
        state, text, pos = super().validate(text, pos)
        digits = text.removesuffix(self.suffix()).strip()
        if state == QValidator.State.Invalid and digits.isdigit() and len(digits) <= MAX_TYPED_DIGITS:
            state = QValidator.State.Intermediate  # keep it on screen; refused when the step is confirmed
        return state, text, pos

    def _edited(self, _text: str) -> None:
        self._refused = None if self.hasAcceptableInput() else self.cleanText().strip()
        self._value_then = self.value()

    def _chosen(self, value: int) -> None:
        if value != self._value_then and self.hasAcceptableInput():
            self._refused = None

    def refused_text(self) -> str | None:
        """What the clerk last typed if it was not a number within the range ("" for an empty field)."""
        return self._refused

    def show_refused(self) -> None:
        """Put the refused text back (Qt restored the old value when the field lost focus) to correct it."""
        if self._refused is not None:
            self.lineEdit().setText(self._refused + self.suffix())
            self.setFocus()
            self.lineEdit().setSelection(0, len(self._refused))
