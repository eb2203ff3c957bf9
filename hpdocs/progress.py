"""Progress of long work, told to whoever listens (the CLI's bar, the web page's log).

A progress callback takes a str. Work that counts items (reading workbooks, writing files)
sends a `Count` — a str with `label`, `done` and `total` — for every item, but only to a
callback that says it can draw them (`counts = True`, like the CLI's progress bar); others
get a line every few seconds, as before. Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Progress = Callable[[str], None]


class Count(str):
    """'Läser arbetsböcker: 40 av 1000', with the numbers for a bar."""

    label: str
    done: int
    total: int

    def __new__(cls, label: str, done: int, total: int) -> Count:
        obj = super().__new__(cls, f"{label}: {done} av {total}")
        obj.label, obj.done, obj.total = label, done, total
        return obj


def wants_counts(progress: Any) -> bool:
    """True when `progress` draws every Count itself (a bar), so it should get each one."""
    return bool(getattr(progress, "counts", False))
