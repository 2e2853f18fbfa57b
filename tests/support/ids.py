"""Valid ID numbers for tests, computed independently of the code under test (GB 11643-1999)."""

from __future__ import annotations

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_char(body17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(body17, WEIGHTS)) % 11]


def valid_id(body17: str) -> str:
    return body17 + check_char(body17)


def make_id(division: str, born: str, sequence: str) -> str:
    return valid_id(division + born + sequence)
