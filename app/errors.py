"""Typed domain errors: expected failures the clerk can act on.

Every error carries a stable ``code`` (for tests and logs), the ``field`` it concerns (the code name
of an input, or None) and a Chinese ``message`` that names the field and what is wrong, ready to show.
Anything that is not a DomainError is a bug and goes to the crash dialog.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class of every failure the user can understand and correct."""

    def __init__(self, code: str, message: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """An input value is missing, malformed or contradicts another value."""


class PermissionDenied(DomainError):
    """The acting user's role does not allow the action."""


class AccountClosed(PermissionDenied):
    """The acting user's account was deactivated (or removed) since they logged in: nothing more may be
    done in this session."""


class IllegalTransition(DomainError):
    """The matter's state does not allow the requested step (or a statutory precondition is unmet)."""


class NotFound(DomainError):
    """A referenced record does not exist (or is not visible to the acting user)."""


class Conflict(DomainError):
    """The action would duplicate or contradict stored data (duplicate ID number, stale edit, ...)."""


class StorageError(DomainError):
    """The environment failed: database locked, disk full, file unreadable, data folder missing."""


class DataFileError(DomainError):
    """A shipped or admin-edited data file (holiday table, dictionary) is malformed."""


class PackageRejected(DomainError):
    """A sync package was refused (damaged, forged, not for us, from an unknown office, ...): nothing
    of it was imported."""


class OperationCancelled(DomainError):
    """The user cancelled a long operation; whatever it had written is rolled back or removed."""
