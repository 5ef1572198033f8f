"""A stand-in body for a ONCE job (the digest), for gate tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

calls: list[datetime] = []
failures: list[Exception] = []


def run(*, deps: Any, at: datetime) -> int:
    calls.append(at)
    if failures:
        raise failures.pop(0)
    return 3
