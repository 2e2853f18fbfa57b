"""Wrong passwords at the unlock of an encrypted database file, counted before a database is open.

The login's rule — five wrong passwords lock the account for ten minutes (users.authenticate) — is
kept in the database. An encrypted database is unlocked with the password first, so a wrong password
never reaches that count; these failures are kept per login in a small file of the data folder, by
the same rule. It stops guessing at the login window of a shared PC; someone who copies the key file
can guess elsewhere at the cost of the password hashing (docs/security-at-rest.md).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from app.errors import PermissionDenied
from app.services.backup_files import write_durably
from app.services.users import LOCKOUT, MAX_FAILED_LOGINS

ATTEMPTS_FILE = "unlock-attempts.json"


def refuse_if_locked(folder: Path, login: str, now: datetime) -> None:
    until = _read(folder).get(login, {}).get("locked_until")
    if until is not None and datetime.fromisoformat(until) > now:
        minutes = int((datetime.fromisoformat(until) - now).total_seconds() // 60) + 1
        raise PermissionDenied("locked", f"账号已锁定，请 {minutes} 分钟后再试", field="login")


def failed(folder: Path, login: str, now: datetime) -> bool:
    """Count a wrong password; True when it locked the login."""
    attempts = _read(folder)
    count = int(attempts.get(login, {}).get("failed", 0)) + 1
    locked = count >= MAX_FAILED_LOGINS
    attempts[login] = {"failed": 0, "locked_until": (now + LOCKOUT).isoformat()} if locked else {"failed": count}
    _write(folder, attempts)
    return locked


def succeeded(folder: Path, login: str) -> None:
    attempts = _read(folder)
    if attempts.pop(login, None) is not None:
        _write(folder, attempts)


def _read(folder: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads((folder / ATTEMPTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(folder: Path, attempts: dict[str, dict[str, object]]) -> None:
    write_durably(folder / ATTEMPTS_FILE, json.dumps(attempts, ensure_ascii=False).encode("utf-8"))
