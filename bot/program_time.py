"""Reading a program file's times of day: one reader for every section's HH:MM fields."""

from __future__ import annotations

import datetime as dt
import re

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_time(value: object) -> dt.time:
    """HH:MM, 24-hour, as a time of day (a pydantic "before" validator: the value comes positionally)."""
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int) and 0 <= value < 24 * 60:  # YAML 1.1 reads 17:45 as base-60 int
        return dt.time(value // 60, value % 60)
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ValueError(f"invalid time {value!r} (use HH:MM, 24-hour)")
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))
