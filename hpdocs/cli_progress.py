"""Progress on stderr: a bar with counts and time left on a terminal, lines otherwise.

On a terminal (and without --json) counted work draws one line that is redrawn in place:
`Läser arbetsböcker  [██████░░░░░░]  412/1000  41 %  ca 12 s kvar`. When stderr is a file,
a pipe or a log (CI, cron, the web page), or with --json, the same news comes as plain lines
a few seconds apart, so logs stay readable. Plain messages always come as lines.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

import click

from hpdocs.progress import Count

BAR_WIDTH = 24
REDRAW_EVERY = 0.1  # seconds between redraws of the bar
LINE_EVERY = 2.0  # seconds between progress lines when not on a terminal


def time_left(seconds: float) -> str:
    """'strax klart', 'ca 12 s kvar', 'ca 3 min kvar', 'ca 1 h 5 min kvar'."""
    s = max(0, round(seconds))
    if s < 1:
        return "strax klart"
    if s < 60:
        return f"ca {s} s kvar"
    minutes = round(s / 60)
    if minutes < 60:
        return f"ca {minutes} min kvar"
    return f"ca {minutes // 60} h {minutes % 60} min kvar"


def _json_mode() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.params.get("as_json"))


class Reporter:
    """The CLI's progress callback (see hpdocs.progress)."""

    counts = True  # draws every Count itself

    def __init__(
        self,
        stream: Callable[[], TextIO] | None = None,
        *,
        interactive: Callable[[], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream or (lambda: sys.stderr)
        self._interactive = interactive or (lambda: self._stream().isatty() and not _json_mode())
        self._clock = clock
        self._label = ""  # the counted work under way
        self._start = self._last = 0.0
        self._drawn = False  # a bar is on the screen, not yet ended with a newline

    def __call__(self, message: str) -> None:
        if isinstance(message, Count):
            self._count(message)
            return
        self._end_bar()
        self._write(f"{message}\n")

    def _write(self, text: str) -> None:
        stream = self._stream()
        stream.write(text)
        stream.flush()

    def _count(self, count: Count) -> None:
        now = self._clock()
        if count.label != self._label or count.done == 0:
            self._end_bar()
            self._label, self._start, self._last = count.label, now, float("-inf")
        finished = count.done >= count.total
        if self._interactive():
            if finished or now - self._last >= REDRAW_EVERY:
                self._last = now
                # \x1b[K clears what a longer earlier bar left on the line.
                self._write("\r" + self.bar(count, now - self._start) + "\x1b[K" + ("\n" if finished else ""))
                self._drawn = not finished
            if finished:
                self._label = ""
        elif finished:
            if self._last != float("-inf"):  # quick work says nothing
                self._write(
                    f"{count.label}: {count.total} av {count.total} klara på {now - self._start:.0f} s.\n"
                )
            self._label = ""
        elif now - self._last >= LINE_EVERY and now - self._start >= LINE_EVERY:
            self._last = now
            self._write(self.line(count, now - self._start) + "\n")

    def _end_bar(self) -> None:
        if self._drawn:
            self._write("\n")
            self._drawn = False

    @staticmethod
    def _left(count: Count, elapsed: float) -> str:
        if count.done == 0 or elapsed <= 0:
            return "beräknar tid kvar"
        return time_left(elapsed / count.done * (count.total - count.done))

    @classmethod
    def bar(cls, count: Count, elapsed: float) -> str:
        share = count.done / count.total if count.total else 1.0
        filled = round(BAR_WIDTH * share)
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        tail = f"klart på {elapsed:.0f} s" if count.done >= count.total else cls._left(count, elapsed)
        return f"{count.label}  [{bar}]  {count.done}/{count.total}  {share:.0%}  {tail}".replace("%", " %")

    @classmethod
    def line(cls, count: Count, elapsed: float) -> str:
        share = count.done / count.total if count.total else 1.0
        return f"{count.label}: {count.done} av {count.total} ({share:.0%}, {cls._left(count, elapsed)}) …".replace(
            "%", " %"
        )
