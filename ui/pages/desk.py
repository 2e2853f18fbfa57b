"""来访登记: one form for every channel, the person found as you type, repeat contacts recognised,
and after saving the matter's next statutory step.

Keys: Ctrl+N new person · Alt+1…Alt+5 link to an earlier matter (Alt+0 unlinks) · Ctrl+1…Ctrl+4 saved
phrases · Ctrl+Enter or Ctrl+S save · then Alt+A/D/L/F/G for the next step, Ctrl+N for the next visitor.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from app.errors import DomainError
from app.services.contacts import NewContact, RegisteredContact, register_contact
from app.services.context import UnitOfWork
from app.services.desk import DeskLists, MatterBrief, desk_lists, matter_brief
from app.services.matter_dossier import StepChoices
from app.services.repeat_check import EarlierMatter, earlier_matters
from ui.context import GuiContext
from ui.pages.base import Page
from ui.widgets.chosen_persons import ChosenPerson, ChosenPersons, limit_message
from ui.widgets.contact_fields import PHRASES, ContactFields, buddy
from ui.widgets.earlier_matters import LINK_KEYS, EarlierMattersPanel
from ui.widgets.new_person import NewPersonPanel
from ui.widgets.next_step import NextStepPanel
from ui.widgets.person_picker import PersonPicker

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S")
EARLIER_DELAY_MS = 350  # after the content changes: re-score the earlier matters
PERSON_FIELDS = {"persons", "name", "id_number", "phone", "gender", "address", "village_id"}
DESK_STYLE = """
QLabel[role="error"] { color: #b3261e; }
QLineEdit[invalid="true"] { border: 1px solid #b3261e; }
QListWidget#chosenPersons { background: #f7f9fc; }
"""


def register_and_brief(uow: UnitOfWork, data: NewContact) -> tuple[RegisteredContact, MatterBrief]:
    registered = register_contact(uow, data)
    return registered, matter_brief(uow, registered.matter_id)


class DeskPage(Page):
    title = "来访登记"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.setStyleSheet(DESK_STYLE)
        self.lists: DeskLists | None = None
        self.fields = ContactFields(self)
        self.picker = PersonPicker(ctx.runner)
        self.persons = ChosenPersons()
        self.persons.hide()
        self.refusal = self._error_label()
        self.new_person = NewPersonPanel(ctx.runner)
        self.new_person.hide()
        self.earlier = EarlierMattersPanel()
        self.message = self._error_label()
        self.save_button = QPushButton("保存登记（Ctrl+Enter）")
        self.save_button.setProperty("primary", True)
        self.clear_button = QPushButton("清空重填")
        self.next_panel = NextStepPanel(ctx)
        self.form_page = self._form_page()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.form_page)
        self.stack.addWidget(self.next_panel)
        self.layout_.addWidget(self.stack, 1)
        self._earlier_timer = QTimer(self, singleShot=True, timeout=self._load_earlier)
        self._earlier_seq = 0
        self._saving = False
        self._connect()
        self._shortcuts()
        self._tab_order()
        self.reset()

    # -- building ---------------------------------------------------------------------------------
    @staticmethod
    def _error_label() -> QLabel:
        label = QLabel()
        label.setProperty("role", "error")
        label.setWordWrap(True)
        label.hide()
        return label

    def _form_page(self) -> QWidget:
        left = QVBoxLayout()
        left.addWidget(self.fields.top)
        person_row = QHBoxLayout()
        person_row.addWidget(buddy("信访人(&P)", self.picker.edit))
        person_row.addWidget(self.picker, 1)
        left.addLayout(person_row)
        left.addWidget(self.persons)
        left.addWidget(self.refusal)
        left.addWidget(self.fields.body, 1)
        left.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addWidget(self.new_person)
        right.addWidget(self.earlier, 1)
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 11)
        row.addLayout(right, 9)
        return page

    def _connect(self) -> None:
        self.picker.picked.connect(lambda hit: self.add_person(ChosenPerson(hit=hit)))
        self.picker.create_requested.connect(self._start_new_person)
        self.new_person.added.connect(lambda data: self.add_person(ChosenPerson(new=data)))
        self.new_person.existing_chosen.connect(lambda hit: self.add_person(ChosenPerson(hit=hit)))
        self.new_person.cancelled.connect(self.picker.setFocus)
        self.persons.changed.connect(self._persons_changed)
        self.fields.collective.toggled.connect(self.persons.set_collective)
        self.fields.subject.chosen.connect(self._subject_chosen)
        self.fields.content.textChanged.connect(lambda: self._earlier_timer.start(EARLIER_DELAY_MS))
        self.earlier.link_changed.connect(self._link_changed)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.next_visitor)
        self.next_panel.next_requested.connect(self.next_visitor)
        self.next_panel.open_matter.connect(self.ctx.navigator.open_matter)

    def _shortcuts(self) -> None:
        def on(keys: str, slot: object) -> None:
            QShortcut(QKeySequence(keys), self.form_page, slot,  # type: ignore[call-overload]
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        for keys in SAVE_KEYS:
            on(keys, self.save)
        for i in range(LINK_KEYS):
            on(f"Alt+{i + 1}", lambda i=i: self.link(i))
        on("Alt+0", self.earlier.unlink)
        for i in range(len(PHRASES)):
            on(f"Ctrl+{i + 1}", lambda i=i: self.fields.insert_phrase(i))

    def _tab_order(self) -> None:
        top, body = self.fields.tab_chain()
        chain = [*top, self.picker.edit, self.picker.new_button, self.persons, *body, self.save_button,
                 self.clear_button, self.earlier.table, self.earlier.new_matter, self.earlier.reason]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    # -- lists, reset -----------------------------------------------------------------------------
    def reset(self) -> None:
        """An empty form at the current time, the cursor in the person field."""
        # The office clock's "now" (as the services see it) replaces this when the lists arrive.
        self.fields.reset(datetime.now())
        self.persons.clear_people()
        self.picker.clear()
        self.new_person.hide()
        self.earlier.clear()
        self.refusal.hide()
        self.message.hide()
        self.stack.setCurrentWidget(self.form_page)
        self.picker.setFocus()
        self.ctx.runner.read(desk_lists, lambda lists: self._lists_loaded(lists, reset=True))

    def _lists_loaded(self, lists: DeskLists, *, reset: bool) -> None:
        self.lists = lists
        self.fields.set_lists(lists)
        self.new_person.set_villages(lists.villages)
        if reset:
            self.fields.set_time(lists.now)
            self.fields.preselect_leader(lists.receiving_leader)
        self.save_button.setEnabled(lists.may_register)
        self.save_button.setToolTip("" if lists.may_register else "当前用户没有登记来访的权限")

    def next_visitor(self) -> None:
        self.reset()

    def on_shown(self) -> None:
        if self.stack.currentWidget() is self.form_page and not self.persons.people():
            self.picker.setFocus()

    def on_changed(self, kinds: frozenset[str]) -> None:
        if kinds & {"village", "unit", "subject", "settings", "user"}:
            self.ctx.runner.read(desk_lists, lambda lists: self._lists_loaded(lists, reset=False))
        if kinds & {"matter", "contact", "person"} and self.persons.person_ids():
            self._earlier_timer.start(0)

    # -- persons ----------------------------------------------------------------------------------
    def add_person(self, person: ChosenPerson) -> bool:
        refusal = self.persons.add(person)
        self.refusal.setText(refusal or "")
        self.refusal.setVisible(bool(refusal))
        if refusal:
            self.picker.setFocus()
            return False
        self._prefill_village(person)
        if self.fields.collective.isChecked():
            self.picker.setFocus()  # the next representative
        elif self.fields.subject.isEnabled() and self.fields.subject.key() is None:
            self.fields.subject.setFocus()
        else:
            self.fields.content.setFocus()
        return True

    def _prefill_village(self, person: ChosenPerson) -> None:
        """The first petitioner's village is the usual 问题属地; the clerk may change it."""
        if self.fields.village.key() is not None or len(self.persons.people()) != 1 or self.lists is None:
            return
        if person.hit is not None:
            name = person.hit.person.village
            village = next((v.id for v in self.lists.villages if v.name == name), None)
        else:
            village = person.new.village_id if person.new else None
        if village is not None:
            self.fields.village.choose(village)

    def _start_new_person(self, typed: str) -> None:
        if len(self.persons.people()) >= self.persons.MAX:
            self.refusal.setText(limit_message(self.fields.collective.isChecked()))
            self.refusal.show()
            return
        self.refusal.hide()
        self.new_person.start(typed)

    def _persons_changed(self) -> None:
        self.fields.set_min_headcount(len(self.persons.people()))
        self._earlier_timer.start(0)

    # -- earlier matters and the link ------------------------------------------------------------
    def _subject_chosen(self, key: object) -> None:
        self._earlier_timer.start(0)
        if key is not None and self.fields.subject.hasFocus():
            self.fields.content.setFocus()

    def _load_earlier(self) -> None:
        ids = self.persons.person_ids()
        self._earlier_seq += 1
        seq = self._earlier_seq
        if not ids:
            self.earlier.set_rows([], persons_chosen=bool(self.persons.people()))
            return
        subject = self.fields.subject.key()
        content = self.fields.content.toPlainText()
        self.ctx.runner.read(
            lambda uow: earlier_matters(uow, ids, subject if isinstance(subject, str) else None, content),
            lambda rows: self._earlier_loaded(seq, rows))

    def _earlier_loaded(self, seq: int, rows: list[EarlierMatter]) -> None:
        if seq == self._earlier_seq:
            self.earlier.set_rows(rows)

    def link(self, row: int) -> None:
        """One key links this contact to the row-th earlier matter (the same key again unlinks)."""
        if row < self.earlier.model.rowCount():
            self.earlier.toggle_row(row)

    def _link_changed(self, matter: EarlierMatter | None) -> None:
        locked_focus = self.fields.subject.hasFocus() or self.fields.matter_type.hasFocus()
        if matter is None:
            self.fields.lock_matter_fields(None, None)
        else:
            self.fields.lock_matter_fields(matter.subject_code, matter.matter_type)
            if locked_focus:
                self.fields.content.setFocus()  # the subject now comes with the matter

    # -- saving -----------------------------------------------------------------------------------
    def contact(self) -> NewContact:
        linked = self.earlier.linked()
        return NewContact(
            **self.fields.values(), persons=tuple(p.ref for p in self.persons.people()),
            matter_id=linked.id if linked else None,
            new_matter=self.earlier.opens_new_matter_against_rule(),
            new_matter_reason=self.earlier.reason.text() if self.earlier.new_matter.isChecked() else "",
        )

    def save(self) -> None:
        if self._saving or not self.save_button.isEnabled() or self.stack.currentWidget() is not self.form_page:
            return
        data = self.contact()
        self._saving = True
        self.save_button.setEnabled(False)
        self.message.hide()
        self.ctx.runner.write(lambda uow: register_and_brief(uow, data), self._saved,
                              changes=frozenset({"contact", "matter", "person"}), on_error=self._refused)

    def _saved(self, result: tuple[RegisteredContact, MatterBrief]) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        registered, brief = result
        lists = self.lists
        self.stack.setCurrentWidget(self.next_panel)
        choices = lists.step_choices if lists else StepChoices((), ())
        self.next_panel.show_result(registered, brief, choices=choices,
                                    may_decide=lists.may_decide if lists else False,
                                    threat=self.fields.threat.isChecked())

    def _refused(self, error: DomainError) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.message.setText(error.message)
        self.message.show()
        if error.field in PERSON_FIELDS:
            self.picker.setFocus()
        elif error.field == "new_matter_reason":
            self.earlier.new_matter.setChecked(True)
            self.earlier.reason.setFocus()
        else:
            widget = self.fields.widget_for(error.field)
            if widget is not None:
                widget.setFocus()
