"""An incremental cache of workbook reads, so a re-run parses only what changed.

A coordinator re-runs `consolidate` every time a late workbook arrives. Reading is the costly
part, and a workbook's read depends only on its bytes, its extension and the reader: the plan,
the workbook contract, and hpdocs' own reading code. So the cache keys each read by

* the sha256 of the file's bytes and its extension (a renamed .xlsx → .xlsm reads differently),

inside a folder named by a fingerprint of everything else:

* the plan's id@version and a hash of its whole parsed content (an edit that keeps the version
  number still invalidates), the contract's TEMPLATE_VERSION, hpdocs' __version__, and a hash
  of the reading modules' source (a developer's edit invalidates too).

It lives in `<project>/.hpdocs-cache/`, a folder other people share, so it holds JSON only,
never pickle: a damaged or tampered entry can give a wrong reading at worst, and every entry is
type-checked on load (hpdocs.workbook.parallel.unpack), so damage is ignored and rewritten.
The file name is not part of the key: a renamed file with the same content is not read again,
and its name is re-attached to the entries and problems.

Reads are stored in 16 JSON shards (by the first hex digit of the hash), written atomically,
so that a re-run after one change rewrites one shard, and a shared network folder holds a few
files instead of one per workbook. Entries not used for `KEEP_DAYS` are dropped when their
shard is rewritten; a new plan or hpdocs version removes the folders of older fingerprints.
Writing the cache is best effort: a cache that cannot be written only makes the next run slower.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import shutil
from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hpdocs import __version__
from hpdocs.atomic import atomic_write_text
from hpdocs.errors import HpdocsError
from hpdocs.plan import Plan
from hpdocs.safety import DEFAULT_LIMITS
from hpdocs.workbook import contract as c
from hpdocs.workbook.parallel import PACK_VERSION, Packed, iter_packed, unpack
from hpdocs.workbook.read import WorkbookRead

Progress = Callable[[str], None]
Reader = Callable[[list[Path]], list[WorkbookRead]]

CACHE_FORMAT = 1
KEEP_DAYS = 60
SHARD_PREFIX = "lasning-"
# Modules whose code decides what a read contains.
_READER_MODULES = (
    "hpdocs.workbook.read",
    "hpdocs.workbook.read_types",
    "hpdocs.workbook.sheet_read",
    "hpdocs.workbook.read_zip",
    "hpdocs.workbook.rollup_read",
    "hpdocs.workbook.contract",
    "hpdocs.workbook.revised",
    "hpdocs.workbook.parallel",
    "hpdocs.values",
    "hpdocs.safety",
    "hpdocs.problems",
)
# Problems that depend on the moment, not on the file's content.
_NOT_CACHED = {"fil-saknas"}


@functools.cache
def module_fingerprint(names: tuple[str, ...]) -> str:
    """A hash of the source of the named modules (a developer's edit changes it)."""
    digest = hashlib.sha256()
    for name in names:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        try:
            digest.update(Path(origin).read_bytes() if origin else name.encode())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


def reader_fingerprint() -> str:
    """A hash of the source of the modules that read workbooks."""
    return module_fingerprint(_READER_MODULES)


def context_fingerprint(plan: Plan) -> str:
    """Everything besides the file that decides a read; a new value means a fresh cache.

    The plan is hashed by its parsed content (`repr` of the frozen dataclasses, which is
    deterministic), so comments and formatting in the plan file do not matter, and any change
    that could change a read does.
    """
    plan_hash = hashlib.sha256(repr(plan).encode("utf-8")).hexdigest()
    parts = [
        CACHE_FORMAT,
        PACK_VERSION,
        plan.fingerprint,
        plan_hash,
        c.TEMPLATE_VERSION,
        __version__,
        reader_fingerprint(),
    ]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def file_key(path: Path) -> tuple[str, tuple[int, int]] | None:
    """The content key of one file and its (size, mtime) then; None when it cannot be cached."""
    try:
        stat = path.stat()
        if not path.is_file() or stat.st_size > DEFAULT_LIMITS.max_file_bytes:
            return None  # the reader refuses it at once; nothing to save
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) != stat.st_size:
        return None  # changing while we read
    key = f"{hashlib.sha256(data).hexdigest()}{path.suffix.lower()}"
    return key, (stat.st_size, stat.st_mtime_ns)


def _unchanged(path: Path, seen: tuple[int, int]) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == seen


class ReadCache:
    """The reads of one project for one plan.

    Shards are loaded one at a time and let go once their reads are rebuilt, so memory holds
    the organisation's entries, not a second copy of the whole cache.
    """

    def __init__(self, folder: Path, plan: Plan, *, today: date | None = None) -> None:
        self.plan = plan
        self.context = context_fingerprint(plan)
        self.folder = Path(folder) / f"{SHARD_PREFIX}{self.context[:24]}"
        self.today = (today or date.today()).isoformat()
        self.hits = self.misses = 0

    def read(
        self, paths: list[Path], *, workers: int | None = None, progress: Progress | None = None
    ) -> list[WorkbookRead]:
        """Each file's read, from the cache when its content is known, else parsed and stored."""
        keys = [file_key(p) for p in paths]
        results: list[WorkbookRead | None] = [None] * len(paths)
        todo = [i for i, key in enumerate(keys) if key is None]
        by_shard: dict[str, list[tuple[int, str]]] = {}
        for i, key in enumerate(keys):
            if key is not None:
                by_shard.setdefault(key[0][0], []).append((i, key[0]))
        pending: dict[str, dict[str, Any]] = {}  # shards that will get new reads
        for shard, members in sorted(by_shard.items()):
            reads, dirty = self._load(shard)
            missing = []
            for i, digest in members:
                item: Any = reads.get(digest)
                results[i] = self._unpack(item, paths[i])
                if results[i] is None:
                    missing.append(i)
                    dirty |= reads.pop(digest, None) is not None
                elif item["seen"] != self.today:
                    item["seen"] = self.today  # so that used entries are kept
                    dirty = True
            if missing:
                pending[shard] = reads
                todo.extend(missing)
            elif dirty:
                self._write(shard, reads)
        self.hits, self.misses = len(paths) - len(todo), len(todo)
        todo.sort()
        if todo and progress and self.hits:
            progress(f"{self.hits} arbetsböcker är oförändrade; läser {len(todo)}.")
        fresh = iter_packed([paths[i] for i in todo], self.plan, workers=workers, progress=progress)
        for i, packed in zip(todo, fresh, strict=True):
            results[i] = unpack(packed, paths[i])
            key = keys[i]
            if key is not None and _unchanged(paths[i], key[1]) and _cacheable(packed):
                # Kept as JSON text until written: a fraction of the memory of the lists.
                pending[key[0][0]][key[0]] = {"seen": self.today, "read": _Json(_dumps(packed))}
        for shard, reads in sorted(pending.items()):
            self._write(shard, reads)
        return [r for r in results if r is not None]

    def _unpack(self, item: Any, path: Path) -> WorkbookRead | None:
        if not isinstance(item, dict) or not isinstance(item.get("seen"), str):
            return None
        try:
            return unpack(item["read"], path)
        except (ValueError, TypeError, KeyError):
            return None  # damaged: read the file again and replace the entry

    def _load(self, shard: str) -> tuple[dict[str, Any], bool]:
        """The shard's reads, and whether it must be rewritten (damaged or of another kind)."""
        path = self.folder / f"{shard}.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}, False
        except (OSError, ValueError):
            return {}, True
        ok = isinstance(doc, dict) and doc.get("format") == CACHE_FORMAT
        reads = doc.get("reads") if ok and doc.get("context") == self.context else None
        return (reads, False) if isinstance(reads, dict) else ({}, True)

    def _write(self, shard: str, reads: dict[str, Any]) -> None:
        """Write one shard atomically; failures only cost speed next time."""
        try:
            new_folder = not self.folder.exists()
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        if new_folder:
            self._remove_stale_folders()
        oldest = (date.fromisoformat(self.today) - timedelta(days=KEEP_DAYS)).isoformat()
        items = []
        for key, item in reads.items():
            if not isinstance(item, dict) or not str(item.get("seen", "")) >= oldest:
                continue  # damaged, or not used for KEEP_DAYS
            read = item.get("read")
            read_text = read if isinstance(read, _Json) else _dumps(read)
            items.append(f'{_dumps(key)}:{{"seen":{_dumps(item["seen"])},"read":{read_text}}}')
        head = f'{{"format":{CACHE_FORMAT},"context":{_dumps(self.context)},"reads":{{'
        with suppress(OSError, HpdocsError):
            atomic_write_text(self.folder / f"{shard}.json", head + ",".join(items) + "}}")

    def _remove_stale_folders(self) -> None:
        """Folders of other fingerprints (an older plan or hpdocs) will not be used again."""
        with suppress(OSError):
            for other in self.folder.parent.glob(f"{SHARD_PREFIX}*"):
                if other != self.folder and other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)


class _Json(str):
    """A read already serialised, written into its shard as it is."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _cacheable(packed: Packed) -> bool:
    return not any(problem[0] in _NOT_CACHED for problem in packed[5])


def cached_reader(
    project_or_cache_dir: Any,
    plan: Plan,
    workers: int | None = None,
    progress: Progress | None = None,
) -> Reader:
    """A reader for `hpdocs.inbox.collect(..., reader=...)` that parses only what changed.

    Accepts a `Project` (its `.hpdocs-cache` folder is used) or the cache folder itself.
    """
    folder = getattr(project_or_cache_dir, "cache_dir", project_or_cache_dir)
    cache = ReadCache(Path(folder), plan)

    def reader(paths: list[Path]) -> list[WorkbookRead]:
        return cache.read(list(paths), workers=workers, progress=progress)

    return reader
