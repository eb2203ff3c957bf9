"""Read many workbooks across the machine's cores, with results identical to reading one by one.

Reading is CPU-bound Python (calamine parses fast; converting and checking every cell does not),
so threads do not help and processes do. Three things keep the processes cheap:

* Workers start as cheaply as the platform allows (`start_method`): "fork" on Linux when this
  process runs no other threads (~0.02 s: nothing to import again), otherwise "forkserver"
  or "spawn", which import the main module again in every worker (~0.3–1.5 s). Everything
  sent to a worker is picklable, so all three work (the tests run "spawn"). Each worker
  receives the plan once, through the pool's initializer, never once per file.
* A worker sends back a compact tuple of plain strings and numbers (`pack`), not the
  `WorkbookRead` object: pickling records with their dataclass machinery costs about as much as
  a small workbook takes to read. The parent rebuilds the objects (`unpack`).
* Small inputs are read by one worker process, not in this one: a reader library can abort the
  whole process on a crafted file (calamine's Rust core does on an impossible allocation in a
  damaged .xls: "memory allocation of 687190016960 bytes failed"), which no exception handler
  survives. In a worker, that costs the file, never the run. Only `workers=1` reads here
  (tests and debugging).

The packed form is also what the incremental cache (hpdocs.cache) stores as JSON, so it holds
only what the file's content decides: the display name is re-attached on the way back.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from pathlib import Path
from typing import Any

from hpdocs.plan import Plan
from hpdocs.problems import Problem, Report, Severity
from hpdocs.progress import Count, wants_counts
from hpdocs.workbook import contract as c
from hpdocs.workbook import read as _read
from hpdocs.workbook.read import Entry, WorkbookRead

Progress = Callable[[str], None]
Packed = list[Any]  # JSON-compatible: see pack()

MIN_PARALLEL = 8  # fewer files than this are read by one worker: starting more costs more
PROGRESS_EVERY = 2.0  # seconds between progress messages
READ_LABEL = "Läser arbetsböcker"
PACK_VERSION = 2  # 2: problems carry their row's period, item, text and the written value

_ENTRY_FIELDS = 14  # Entry's fields, in order
_NUMBERS = (int, float)  # not bool: type(True) is bool
_worker_plan: Plan | None = None
_worker_index: dict[str, Any] | None = None


def pack(read: WorkbookRead) -> Packed:
    """What a read holds, as lists of str/float/None, without its path and name.

    A `file` field equal to the workbook's own name is stored as None and re-attached by
    `unpack`, so a renamed file with the same content reuses its cached read. Roll-ups are the
    exception for entries: theirs name the original source files and are kept as they are.
    """
    name = read.name
    own_files = read.kind != c.KIND_ROLLUP
    entries = [
        [
            e.node,
            e.area,
            e.item,
            e.kind,
            e.period,
            e.status,
            e.value,
            e.denominator,
            e.text,
            e.comment,
            None if own_files and e.file == name else e.file,
            e.sheet,
            e.cell,
            e.nr,
        ]
        for e in read.entries
    ]
    problems = [
        [
            p.code,
            p.message,
            str(p.severity),
            None if p.file == name else p.file,
            p.sheet,
            p.cell,
            p.period,
            p.item,
            p.context,
            p.written,
        ]
        for p in read.report.problems
    ]
    return [
        PACK_VERSION,
        read.kind,
        read.identity,
        read.areas_found,
        entries,
        problems,
        None if read.report.file == name else read.report.file,
    ]


def unpack(data: Packed, path: Path, name: str | None = None) -> WorkbookRead:
    """Rebuild the `WorkbookRead` that `pack` was given, for the file at `path`.

    Raises ValueError when `data` is not something `pack` made (a damaged cache entry):
    a wrong value must never slip into a result.
    """
    try:
        version, kind, identity, areas, entries, problems, report_file = data
    except (TypeError, ValueError) as exc:
        raise ValueError("not a packed workbook read") from exc
    if version != PACK_VERSION:
        raise ValueError(f"packed format {version!r}")
    name = name or path.name
    read = WorkbookRead(
        path=path,
        name=name,
        kind=_str(kind),
        identity=_str_dict(identity),
        areas_found=_str_dict(areas),
    )
    read.report = Report(file=name if report_file is None else _str(report_file))
    read.entries = [_entry(e, name) for e in _list(entries)]
    read.report.problems = [_problem(p, name) for p in _list(problems)]
    return read


def _entry(data: Any, name: str) -> Entry:
    # One chained test per entry: this runs for every entry of every cached workbook.
    if type(data) is not list or len(data) != _ENTRY_FIELDS:
        raise ValueError("entry")
    node, area, item, kind, period, status, value, den, text, comment, file, sheet, cell, nr = data
    if not (
        type(node) is str
        and type(area) is str
        and type(item) is str
        and type(kind) is str
        and type(period) is str
        and type(status) is str
        and type(text) is str
        and type(comment) is str
        and type(sheet) is str
        and type(cell) is str
        and type(nr) is str
        and (file is None or type(file) is str)
        and (value is None or type(value) in _NUMBERS)
        and (den is None or type(den) in _NUMBERS)
    ):
        raise ValueError("entry")
    file = name if file is None else file
    return Entry(node, area, item, kind, period, status, value, den, text, comment, file, sheet, cell, nr)


def _problem(data: Any, name: str) -> Problem:
    if not isinstance(data, list) or len(data) != 10:
        raise ValueError("problem")
    code, message, severity, file, sheet, cell, period, item, context, written = data
    return Problem(
        _str(code),
        _str(message),
        Severity(severity),
        name if file is None else _str(file),
        _str(sheet),
        _str(cell),
        _str(period),
        _str(item),
        _str(context),
        _str(written),
    )


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("text expected")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("list expected")
    return value


def _str_dict(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("mapping expected")
    return {_str(k): _str(v) for k, v in value.items()}


def start_method() -> str:
    """ "fork" where it is safe and available (Linux, one thread), else the safest there is.

    Forking a process that runs threads can deadlock the child (a lock held by another thread
    stays held forever), and macOS system libraries do not survive a fork at all.
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def default_workers() -> int:
    """The cores this process may use (not all the machine has, under a CPU limit)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def iter_packed(
    paths: Sequence[Path],
    plan: Plan,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Iterator[Packed]:
    """`pack(read_workbook(p))` for each path, in the order given, as each is ready.

    A generator, so that a caller can turn each result into its final form and let the packed
    one go: memory then holds the results, not the results twice.
    """
    paths = list(paths)
    ticker = _Ticker(len(paths), progress)
    if workers == 1 or not paths:
        yield from ticker.count(_serial(paths, plan))
        return
    count = min(workers or default_workers(), 61)  # 61: the most Windows allows
    size = min(count, len(paths)) if len(paths) >= MIN_PARALLEL else 1
    try:
        context = multiprocessing.get_context(start_method())
        pool = ProcessPoolExecutor(
            max_workers=size,
            mp_context=context,
            initializer=_init_worker,
            initargs=(plan,),
        )
    except (OSError, ImportError, NotImplementedError):  # no process support (some sandboxes)
        yield from ticker.count(_serial(paths, plan))
        return
    chunk = max(1, min(32, len(paths) // (size * 8)))
    done = 0
    try:
        with pool:
            for item in ticker.count(pool.map(_read_one, [str(p) for p in paths], chunksize=chunk)):
                done += 1
                yield item
    except BrokenProcessPool:
        # A file killed its worker (a reader crash that even BaseException cannot catch). The
        # files not yet answered are read again, each in a process of its own, so that only the
        # file that crashes is lost — as that file's problem, never the run's end.
        for path in paths[done:]:
            yield _isolated(path, plan, context)


def _isolated(path: Path, plan: Plan, context: Any) -> Packed:
    """Read one file in a process of its own; if that process dies, say so as the file's problem."""
    try:
        with ProcessPoolExecutor(1, mp_context=context, initializer=_init_worker, initargs=(plan,)) as one:
            return one.submit(_read_one, str(path)).result()
    except BrokenProcessPool:
        read = WorkbookRead(path=path, name=path.name)
        read.report.file = read.name
        read.report.add(_read.reader_failure(read.name, None))
        return pack(read)


def read_many(
    paths: Sequence[Path],
    plan: Plan,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[WorkbookRead]:
    """Read every workbook in worker processes (in parallel when it pays); equal to reading them
    one by one. `workers=1` reads in this process; the default uses every core this process may use.
    """
    paths = list(paths)
    if workers == 1:
        index = _read.plan_index(plan)
        ticker = _Ticker(len(paths), progress)
        return list(ticker.count(_read.read_workbook(p, plan, index=index) for p in paths))
    packed = iter_packed(paths, plan, workers=workers, progress=progress)
    return [unpack(data, path) for data, path in zip(packed, paths, strict=True)]


def read_one(path: Path, plan: Plan, *, name: str | None = None) -> WorkbookRead:
    """One untrusted workbook, read in a worker process: if the reader aborts, the file gets the
    problem `fil-lasare-kraschade` and the caller (a web server, a CLI run) goes on."""
    (packed,) = iter_packed([path], plan)
    return unpack(packed, path, name)


def _serial(paths: list[Path], plan: Plan) -> Iterator[Packed]:
    index = _read.plan_index(plan)
    for path in paths:
        yield pack(_read.read_workbook(path, plan, index=index))


def _init_worker(plan: Plan) -> None:
    global _worker_plan, _worker_index
    # A reader library that aborts writes its last words ("memory allocation of … failed") to
    # the terminal the person is reading; the file's problem says it in Swedish instead.
    with suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    _worker_plan = plan
    _worker_index = _read.plan_index(plan)


def _read_one(path: str) -> Packed:
    assert _worker_plan is not None
    return pack(_read.read_workbook(Path(path), _worker_plan, index=_worker_index))


class _Ticker:
    """Progress for long reads: a message every few seconds, none for quick ones."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.progress = total, progress
        self.start = self.last = time.monotonic()

    def count(self, items: Iterator[Any] | Any) -> Iterator[Any]:
        if self.progress is not None and wants_counts(self.progress):
            yield from self._count_each(items, self.progress)
            return
        for done, item in enumerate(items, start=1):
            now = time.monotonic()
            if self.progress and now - self.last >= PROGRESS_EVERY and done < self.total:
                self.last = now
                self.progress(f"Läst {done} av {self.total} arbetsböcker …")
            yield item
        if self.progress and self.last != self.start:
            self.progress(f"Läst {self.total} arbetsböcker på {time.monotonic() - self.start:.0f} s.")

    def _count_each(self, items: Iterator[Any] | Any, progress: Progress) -> Iterator[Any]:
        """Every item to a progress bar (which draws and times it itself)."""
        progress(Count(READ_LABEL, 0, self.total))
        for done, item in enumerate(items, start=1):
            yield item
            progress(Count(READ_LABEL, done, self.total))
