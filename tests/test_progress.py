"""Progress: a bar with counts and time left on a terminal, plain lines in logs and with --json."""

from __future__ import annotations

import io

import click
import pytest

from hpdocs.cli_progress import Reporter, time_left
from hpdocs.progress import Count, wants_counts
from hpdocs.workbook.parallel import READ_LABEL, _Ticker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def reporter(*, tty: bool) -> tuple[Reporter, io.StringIO, Clock]:
    out, clock = io.StringIO(), Clock()
    return Reporter(lambda: out, interactive=lambda: tty, clock=clock), out, clock


def run(rep: Reporter, clock: Clock, total: int, seconds_each: float) -> None:
    rep(Count("Läser arbetsböcker", 0, total))
    for done in range(1, total + 1):
        clock.now += seconds_each
        rep(Count("Läser arbetsböcker", done, total))


def test_on_a_terminal_a_bar_with_counts_and_time_left_is_redrawn_in_place() -> None:
    rep, out, clock = reporter(tty=True)
    rep(Count("Läser arbetsböcker", 0, 10))
    for done in range(1, 4):
        clock.now += 2.0
        rep(Count("Läser arbetsböcker", done, 10))
    text = out.getvalue()
    assert "\n" not in text and text.count("\r") == 4  # one line, redrawn
    last = text.split("\r")[-1]
    assert last.startswith("Läser arbetsböcker  [") and "3/10" in last and "30 %" in last
    assert "ca 14 s kvar" in last  # 7 left at 2 s each
    for done in range(4, 11):
        clock.now += 2.0
        rep(Count("Läser arbetsböcker", done, 10))
    assert out.getvalue().endswith("klart på 20 s\x1b[K\n")


def test_a_message_during_a_bar_starts_on_its_own_line() -> None:
    rep, out, clock = reporter(tty=True)
    rep(Count("Skriver filer", 0, 4))
    clock.now += 1
    rep(Count("Skriver filer", 1, 4))
    rep("Gör PDF av x.docx")
    assert out.getvalue().endswith("\x1b[K\nGör PDF av x.docx\n")


def test_off_a_terminal_progress_is_plain_lines_a_few_seconds_apart() -> None:
    rep, out, clock = reporter(tty=False)
    run(rep, clock, total=10, seconds_each=1.0)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[0] == "Läser arbetsböcker: 2 av 10 (20 %, ca 8 s kvar) …"
    assert len(lines) == 5 and lines[-1] == "Läser arbetsböcker: 10 av 10 klara på 10 s."


def test_quick_work_off_a_terminal_says_nothing() -> None:
    rep, out, clock = reporter(tty=False)
    run(rep, clock, total=20, seconds_each=0.01)
    assert out.getvalue() == ""


def test_with_json_the_bar_becomes_lines_even_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, clock = Tty(), Clock()
    rep = Reporter(lambda: out, clock=clock)

    @click.command()
    @click.option("--json", "as_json", is_flag=True)
    def cmd(as_json: bool) -> None:
        run(rep, clock, total=5, seconds_each=1.0)

    with pytest.raises(SystemExit):
        cmd(["--json"])
    assert "\r" not in out.getvalue() and "5 av 5 klara" in out.getvalue()
    out.truncate(0), out.seek(0)
    with pytest.raises(SystemExit):
        cmd([])
    assert "\r" in out.getvalue()


def test_time_left_reads_as_swedish() -> None:
    assert [time_left(s) for s in (0.2, 12, 200, 3900)] == [
        "strax klart",
        "ca 12 s kvar",
        "ca 3 min kvar",
        "ca 1 h 5 min kvar",
    ]


def test_reading_counts_every_workbook_to_a_bar_and_stays_quiet_to_line_listeners() -> None:
    got: list[str] = []

    def bar(message: str) -> None:
        got.append(message)

    bar.counts = True  # type: ignore[attr-defined]
    assert wants_counts(bar) and list(_Ticker(3, bar).count(iter("abc"))) == ["a", "b", "c"]
    assert [(c.label, c.done, c.total) for c in got if isinstance(c, Count)] == [
        (READ_LABEL, n, 3) for n in range(4)
    ]
    lines: list[str] = []
    assert list(_Ticker(3, lines.append).count(iter("abc"))) == ["a", "b", "c"]
    assert lines == []  # quick, and a plain listener gets no counts
