"""Run service calls off the UI thread and come back with the result, Anki-style.

``OpRunner.write(fn, on_done)`` runs ``fn(uow)`` in one write unit of work on a worker thread;
the result (or the error) is delivered on the UI thread. Domain errors go to one friendly dialog,
anything else to the crash dialog, so no page needs its own try/except. After a successful write,
the change hub tells every view what kinds of records changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from app.errors import AccountClosed, DomainError, OperationCancelled
from app.services.context import Actor, UnitOfWork
from app.services.workspace import Workspace

T = TypeVar("T")
# A long job: (unit of work, progress(done, total), cancelled()) -> result.
LongWork = Callable[[UnitOfWork, Callable[[int, int], None], Callable[[], bool]], T]


class ChangeHub(QObject):
    """One signal after every write; each view decides whether it must refresh."""

    changed = Signal(object)  # frozenset[str]: kinds of records changed ("contact", "matter", ...)


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # noqa: BLE001 - delivered to the UI thread's handler
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


class OpRunner(QObject):
    """Owns the worker pool and routes results and errors back to the UI thread.

    Every unit of work acts with the user's stored rights (``workspace.current_actor``). When those
    differ from the session's, ``account_changed`` carries the new Actor once; a deactivated account's
    refusal goes to ``account_closed`` (whatever handler the call had), so the window can react once.
    """

    busy_changed = Signal(bool)
    account_changed = Signal(object, object)  # (Actor before, Actor now), on the UI thread, once a change
    account_closed = Signal(object)  # AccountClosed

    def __init__(self, workspace: Workspace, actor: Actor, on_domain_error: Callable[[DomainError], None],
                 on_crash: Callable[[BaseException], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.actor = actor
        self.changes = ChangeHub(self)
        self._on_domain_error = on_domain_error
        self._on_crash = on_crash
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._live: set[_Signals] = set()
        self._relays: set[_Signals] = set()
        self._seen_lock = threading.Lock()
        self._seen: tuple[Actor, Actor] | None = None  # set by a worker, taken on the UI thread

    @contextmanager
    def _unit(self, unit: Callable[[Actor], AbstractContextManager[UnitOfWork]]) -> Iterator[UnitOfWork]:
        actor = self.actor
        with unit(actor) as uow:
            try:
                yield uow
            finally:
                if uow.actor is not actor:  # the administrator changed this user's role or grants
                    with self._seen_lock:
                        self._seen = (actor, uow.actor)

    def _adopt(self) -> None:
        """On the UI thread, as a job finishes: the next units of work start from the stored rights;
        told once per change (several jobs of the old session may each have seen it)."""
        with self._seen_lock:
            seen, self._seen = self._seen, None
        if seen is not None and self.actor is seen[0]:
            self.actor = seen[1]
            self.account_changed.emit(*seen)

    def read(self, fn: Callable[[UnitOfWork], T], on_done: Callable[[T], None], *,
             on_error: Callable[[DomainError], None] | None = None) -> None:
        def work() -> T:
            with self._unit(self.workspace.read) as uow:
                return fn(uow)

        self.run(work, on_done, on_error=on_error)

    def write(self, fn: Callable[[UnitOfWork], T], on_done: Callable[[T], None], *,
              changes: frozenset[str] = frozenset(), on_error: Callable[[DomainError], None] | None = None) -> None:
        def work() -> T:
            with self._unit(self.workspace.write) as uow:
                return fn(uow)

        def finished(result: T) -> None:
            on_done(result)
            if changes:
                self.changes.changed.emit(changes)

        self.run(work, finished, on_error=on_error)

    def read_long(self, fn: LongWork[T], on_done: Callable[[T], None], *, on_progress: Callable[[int, int], None],
                  on_error: Callable[[DomainError], None] | None = None) -> CancelToken:
        """A long read: ``fn(uow, progress, cancelled)`` reports (done, total) and checks ``cancelled()``."""
        return self._long(self.workspace.read, fn, on_done, on_progress, on_error, frozenset())

    def write_long(self, fn: LongWork[T], on_done: Callable[[T], None], *, on_progress: Callable[[int, int], None],
                   changes: frozenset[str] = frozenset(),
                   on_error: Callable[[DomainError], None] | None = None) -> CancelToken:
        """A long write in one unit of work; cancelling it (a Cancelled error) rolls everything back."""
        return self._long(self.workspace.write, fn, on_done, on_progress, on_error, changes)

    def _long(self, unit: Callable[[Actor], Any], fn: LongWork[T], on_done: Callable[[T], None],
              on_progress: Callable[[int, int], None], on_error: Callable[[DomainError], None] | None,
              changes: frozenset[str]) -> CancelToken:
        token = CancelToken()
        relay = _Signals()  # lives on the UI thread: emitting from the worker queues to ``on_progress``
        relay.progress.connect(on_progress)
        self._relays.add(relay)

        def work() -> T:
            with self._unit(unit) as uow:
                return fn(uow, relay.progress.emit, lambda: token.cancelled)

        def finished(result: T) -> None:
            self._relays.discard(relay)
            on_done(result)
            if changes:
                self.changes.changed.emit(changes)

        def failed(error: DomainError) -> None:
            self._relays.discard(relay)
            (on_error or self._on_domain_error)(error)

        self.run(work, finished, on_error=failed)
        return token

    def run(self, work: Callable[[], T], on_done: Callable[[T], None], *,
            on_error: Callable[[DomainError], None] | None = None,
            on_progress: Callable[[int, int], None] | None = None) -> _Signals:
        """Run ``work`` on a worker thread; the returned signals carry ``progress`` for long jobs."""
        signals = _Signals()
        self._live.add(signals)

        @Slot(object)
        def done(result: Any) -> None:
            self._finish(signals)
            on_done(result)

        @Slot(object)
        def failed(exc: BaseException) -> None:
            self._finish(signals)
            if isinstance(exc, AccountClosed):
                self.account_closed.emit(exc)
            elif isinstance(exc, DomainError):
                (on_error or self._on_domain_error)(exc)
            else:
                self._on_crash(exc)

        signals.done.connect(done)
        signals.failed.connect(failed)
        if on_progress is not None:
            signals.progress.connect(on_progress)
        self.busy_changed.emit(True)
        self._pool.start(_Job(work, signals))
        return signals

    def _finish(self, signals: _Signals) -> None:
        self._adopt()
        self._live.discard(signals)
        if not self._live:
            self.busy_changed.emit(False)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued jobs finish (used at exit and by tests)."""
        return self._pool.waitForDone(msecs)


class _ProgressRelay(QObject):
    """Lives on the UI thread; a worker's emit arrives there queued."""

    progress = Signal(int, int)


def run_cancellable(runner: OpRunner, work: Callable[[Callable[[int, int], None]], T], on_done: Callable[[T], None],
                    *, on_progress: Callable[[int, int], None], on_error: Callable[[DomainError], None] | None = None,
                    changes: frozenset[str] = frozenset()) -> CancelToken:
    """Run ``work(progress)`` off the UI thread; ``progress`` reports and, once the returned token is
    cancelled, raises OperationCancelled inside the work (which then rolls back and cleans up)."""
    token = CancelToken()
    relay = _ProgressRelay(runner)
    relay.progress.connect(on_progress)

    def progress(done: int, total: int) -> None:
        if token.cancelled:
            raise OperationCancelled("cancelled", "已取消，未写入任何数据")
        relay.progress.emit(done, total)

    def finished(result: T) -> None:
        relay.deleteLater()
        on_done(result)
        if changes:
            runner.changes.changed.emit(changes)

    def failed(error: DomainError) -> None:
        relay.deleteLater()
        (on_error or runner._on_domain_error)(error)

    runner.run(lambda: work(progress), finished, on_error=failed)
    return token
