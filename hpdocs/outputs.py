"""Write a run's roll-ups and problem reports: only those whose content changed, on all cores.

A coordinator re-runs `consolidate` each time a late workbook arrives. One new workbook
changes its business area's roll-up and the company's; every other output would come out the
same. So each output gets a key: a hash of everything its content is made from

* the writer: hpdocs' version, the workbook contract, the source of the writing modules;
* the plan (by content) and the whole organisation;
* the scope, period, year and file name;
* per node in scope: submitted (with a digest of exactly the entries used and their stamp),
  rejected or missing; for a problem report, the file's name and its problems.

The keys are kept in the project's cache folder (`utdata.json`) with each file's size and
modification time. An output whose key is unchanged and whose file is still the one written
then is left alone; anything else (a changed input, plan, organisation, period or hpdocs, or an
output deleted or edited by hand) is written again. The only difference from a fresh run is the
creation time in a kept roll-up's heading: that of the run that made its content.

What is written is written in worker processes (the company's roll-up, the largest, in this
process meanwhile), each atomically; the record of keys is written last, so an interrupted run
leaves nothing that the next run trusts wrongly.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass, fields, replace
from operator import attrgetter
from pathlib import Path
from typing import Any

from hpdocs import __version__
from hpdocs.atomic import atomic_write_text
from hpdocs.cache import context_fingerprint, module_fingerprint
from hpdocs.consolidate import Rollup
from hpdocs.errors import HpdocsError
from hpdocs.inbox import Inbox
from hpdocs.org import Organisation
from hpdocs.progress import Count, wants_counts
from hpdocs.workbook import contract as c
from hpdocs.workbook.parallel import default_workers
from hpdocs.workbook.problems_write import write_problem_report
from hpdocs.workbook.read import Entry, WorkbookRead
from hpdocs.workbook.rollup_write import write_rollup

Progress = Callable[[str], None]
WRITE_LABEL = "Skriver filer"

MANIFEST = "utdata.json"
MANIFEST_FORMAT = 1
_WRITER_MODULES = (
    "hpdocs.consolidate",
    "hpdocs.outputs",
    "hpdocs.textsafe",
    "hpdocs.workbook.contract",
    "hpdocs.workbook.problems_write",
    "hpdocs.reporting",
    "hpdocs.workbook.data_rows",
    "hpdocs.workbook.deflate",
    "hpdocs.workbook.house_style",
    "hpdocs.workbook.identity_write",
    "hpdocs.workbook.rawrows",
    "hpdocs.workbook.rollup_print",
    "hpdocs.workbook.rollup_write",
    "hpdocs.workbook.style",
    "hpdocs.workbook.write",
)
MIN_PARALLEL = 8  # fewer files are written sooner than worker processes start
BATCHES_PER_WORKER = 4  # small enough batches to balance, large enough to send the plan rarely


@dataclass(frozen=True)
class RollupJob:
    rollup: Rollup
    path: Path
    stamps: dict[str, str]
    key: str
    cache_dir: Path | None = None  # keep its Data rows here for the next run (the company's)
    digests: dict[str, str] | None = None  # node -> digest of its entries (Keys.nodes)


@dataclass(frozen=True)
class ReportJob:
    read: WorkbookRead
    path: Path
    key: str
    periods: tuple[tuple[str, str], ...] = ()  # period id -> the plan's label


Job = RollupJob | ReportJob


_fields = attrgetter(*(f.name for f in fields(Entry)))


def _hash(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _entries_digest(stamp: str, used: list[tuple[object, ...]]) -> str:
    """A digest of a node's entries, each as the tuple of its fields.

    marshal's format 2 writes a value's bytes from the value alone (no back-references and no
    mark for interned text, which came with format 3), in C: twice as fast as `repr`.
    """
    return hashlib.sha256(marshal.dumps((stamp, used), 2)).hexdigest()


class Keys:
    """The content keys of one run's outputs."""

    def __init__(self, org: Organisation, inbox: Inbox, period: str, year: int) -> None:
        self._writer = _hash(__version__, c.TEMPLATE_VERSION, module_fingerprint(_WRITER_MODULES))
        self._org = _hash(sorted((n.id, repr(n)) for n in org.nodes.values()))
        self._base = (self._writer, self._org, period, year)
        self.org = org
        rejected = set(inbox.rejected)
        self.nodes: dict[str, str] = {}  # node -> digest of its stamp and entries used
        self._nodes: dict[str, str] = {}
        for node in org.nodes:
            read = inbox.chosen.get(node)
            if read is not None:
                used = [_fields(e) for e in read.entries if e.node == node]
                self.nodes[node] = _entries_digest(read.stamp, used)
                self._nodes[node] = "inlämnad " + self.nodes[node]
            else:
                self._nodes[node] = "avvisad" if node in rejected else "saknas"
        self._plans: dict[int, str] = {}

    def rollup(self, rollup: Rollup, path: Path) -> str:
        plan = self._plans.get(id(rollup.plan))
        if plan is None:
            plan = self._plans[id(rollup.plan)] = context_fingerprint(rollup.plan)
        nodes = [(n.id, self._nodes.get(n.id, "")) for n in self.org.scope(rollup.scope.id)]
        return _hash(self._base, plan, rollup.scope.id, path.name, nodes)

    def report(self, read: WorkbookRead, path: Path, periods: tuple[tuple[str, str], ...] = ()) -> str:
        return _hash(self._writer, path.name, read.name, read.report.problems, periods)


class Manifest:
    """The keys of the outputs written earlier, with each file's size and mtime then."""

    def __init__(self, cache_dir: Path, output: Path) -> None:
        self.path = cache_dir / MANIFEST
        self.output = output
        self.files: dict[str, dict[str, Any]] = {}
        with suppress(OSError, ValueError, AttributeError):
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            if doc.get("format") == MANIFEST_FORMAT and isinstance(doc.get("files"), dict):
                self.files = doc["files"]

    def _name(self, path: Path) -> str:
        return path.relative_to(self.output).as_posix()

    def current(self, path: Path, key: str) -> bool:
        """True when `path` holds exactly what `key` describes (written by an earlier run)."""
        record = self.files.get(self._name(path))
        if not isinstance(record, dict) or record.get("key") != key:
            return False
        try:
            stat = path.stat()
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == record.get("stat")

    def record(self, path: Path, key: str) -> None:
        with suppress(OSError):
            stat = path.stat()
            self.files[self._name(path)] = {"key": key, "stat": [stat.st_size, stat.st_mtime_ns]}

    def save(self) -> None:
        """Best effort: a record that cannot be saved only makes the next run write again."""
        kept = {name: r for name, r in self.files.items() if (self.output / name).is_file()}
        doc = {"format": MANIFEST_FORMAT, "files": kept}
        with suppress(OSError, HpdocsError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(doc, ensure_ascii=False, indent=0))


def _write(job: Job) -> Path:
    if isinstance(job, RollupJob):
        return write_rollup(
            job.rollup, job.path, stamps=job.stamps, cache_dir=job.cache_dir, digests=job.digests
        )
    return write_problem_report(job.read, job.path, dict(job.periods))


def _write_batch(jobs: Sequence[Job]) -> list[Path]:
    return [_write(job) for job in jobs]


def _for_worker(job: Job, org: Organisation) -> Job:
    """A roll-up job carries names for its own scope only (the whole organisation's, copied
    into every job, would be most of what is sent to the workers)."""
    if not isinstance(job, RollupJob):
        return job
    names = {n.id: n.name for n in org.scope(job.rollup.scope.id)}
    return replace(job, rollup=replace(job.rollup, names=names))


def _batches(jobs: list[Job], count: int) -> list[list[Job]]:
    size = max(1, -(-len(jobs) // count))
    return [jobs[i : i + size] for i in range(0, len(jobs), size)]


def write_jobs(
    jobs: list[Job],
    org: Organisation,
    manifest: Manifest | None,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the jobs whose outputs are not current by `manifest` (all without one); record
    the keys of what was written. Returns the paths written."""
    todo = [job for job in jobs if manifest is None or not manifest.current(job.path, job.key)]
    if progress:
        kept = len(jobs) - len(todo)
        progress(f"Skriver {len(todo)} filer" + (f" ({kept} oförändrade behålls)" if kept else "") + " …")
    count = min(workers or default_workers(), 61)
    # The largest job (the company's roll-up) stays here: it is not worth sending.
    largest = max(todo, key=_size, default=None)
    rest = [job for job in todo if job is not largest]
    futures: list[Future[list[Path]]] = []
    tick = _counter(len(todo), progress)
    # As many workers as cores even with the largest job here: the workers' share is larger.
    pool = _pool(count) if count > 1 and len(rest) >= MIN_PARALLEL else None
    try:
        if pool is not None:
            sent = sorted((_for_worker(job, org) for job in rest), key=_size, reverse=True)
            batches = _batches(sent, count * BATCHES_PER_WORKER)
            futures = [pool.submit(_write_batch, batch) for batch in batches]
        else:
            for job in rest:
                _write(job)
                tick(1)
        if largest is not None:
            _write(largest)
            tick(1)
        for future in as_completed(futures):
            tick(len(future.result()))
    except BrokenProcessPool as exc:
        raise HpdocsError(
            "En skrivprocess avbröts oväntat (slut på minne?). Kör igen; inga halvskrivna filer finns kvar."
        ) from exc
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if manifest is not None:
        for job in todo:
            manifest.record(job.path, job.key)
        manifest.save()
    return [job.path for job in todo]


def _counter(total: int, progress: Progress | None) -> Callable[[int], None]:
    """Counts written files to a progress bar (nothing for line-based progress)."""
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(Count(WRITE_LABEL, done, total))

    if progress is None or not wants_counts(progress) or not total:
        return lambda n: None
    progress(Count(WRITE_LABEL, 0, total))
    return tick


def _size(job: Job) -> int:
    return len(job.rollup.entries) if isinstance(job, RollupJob) else 0


def _pool(count: int) -> ProcessPoolExecutor | None:
    """Workers that do not start as copies of this process: by now it holds every entry of
    the organisation, and forked workers would count (and, as Python touches objects, copy)
    that memory once more each."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    try:
        return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context(method))
    except (OSError, ImportError, NotImplementedError):  # no process support (some sandboxes)
        return None
