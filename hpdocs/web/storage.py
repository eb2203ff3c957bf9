"""Uploaded files on disk, and the inbox the consolidation reads.

Every upload is kept, never overwritten: `<uploads>/<node>/<timestamp>-<sha8>.xlsx`. The order
of an upload is what makes a crash harmless:

1. the bytes are streamed to a hidden temporary file in the node's folder and fsync'ed;
2. the workbook is checked (by the caller, with the CLI's own functions);
3. the file is renamed to its final name (never replacing one) and the folder fsync'ed;
4. one database transaction records the submission;
5. the inbox is brought in line with the database (`sync_node`).

A crash before 3 leaves a hidden temporary file, removed at start-up; between 3 and 4 a whole
file that no record names, moved to `<uploads>/.foraldralosa/` at start-up (never deleted); after
4 the start-up `reconcile` redoes step 5. So there is never a half file nor a record without
its file. Start-up touches only files older than `GRACE` seconds: one server per project is
enforced (hpdocs.web.serverlock), and the grace period keeps even a server that somehow runs
beside it (another machine on a shared folder) from losing the other's uploads in flight.

The inbox: consolidation (`hpdocs consolidate`/`build`, from the CLI or the web page) reads
every workbook in the project's inbox folder. For each node the web page keeps exactly one file
there, `<node name> (<node id>, webb).xlsx`, a copy of the node's newest valid submission; a
newer valid upload or a restore replaces it in one step (write beside, then rename). The
database table `inbox_files` records which inbox files the web page placed, so it only ever
removes its own files; files people put in the inbox by hand are left alone (if one is for the
same node, consolidation chooses between them by the workbooks' own dates).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import threading
import time
import unicodedata
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from hpdocs.atomic import atomic_path, fsync_path
from hpdocs.errors import HpdocsError
from hpdocs.pipeline import safe_name
from hpdocs.safety import sniff_kind
from hpdocs.web.db import Database, NewSubmission, Submission

UPLOAD_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls"}
TEMP_PREFIX = ".upload-"
ORPHANS = ".foraldralosa"
CHUNK = 1 << 20
# What hpdocs.atomic names the temporary copy of one of our inbox files: ".<name>.<hex12><suffix>".
INBOX_TEMP = re.compile(r"^\..+ \((?:.+, )?webb\)\.\w+\.[0-9a-f]{12}\.\w+$")
GRACE = 15 * 60  # seconds: start-up leaves younger temporary and unrecorded files alone


class TooLarge(Exception):
    """The upload is larger than allowed (when no Content-Length told us in advance)."""


@dataclass(frozen=True)
class Received:
    path: Path  # the temporary file
    node_id: str
    original_name: str
    sha256: str
    size: int


def node_folder(node_id: str) -> str:
    """A folder name for a node id that cannot escape the uploads folder."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", node_id)
    if cleaned != node_id or not cleaned:
        cleaned = f"{cleaned}-{hashlib.sha256(node_id.encode('utf-8')).hexdigest()[:8]}"
    return cleaned


def clean_original_name(name: str | None) -> str:
    """The file name as the user's computer called it; text for display, never a path."""
    # NFKC first: fullwidth "．．／" is "../" once normalised (and in an ASCII fallback name).
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", name or ""))[-1]
    # Leading dots would hide the file and are what is left of "..\\" once a client drops
    # the backslashes; they are never part of a real workbook's name.
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(". ")
    return base[:200] or "arbetsbok.xlsx"


def upload_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix in UPLOAD_SUFFIXES else ".xlsx"


def content_suffix(path: Path) -> str:
    """The suffix the content calls for (xlsx content named .ods is stored as .xlsx)."""
    kind = sniff_kind(path)
    if kind == "xlsx":
        return ".xlsm" if path.suffix.lower() == ".xlsm" else ".xlsx"
    return {"ods": ".ods", "xls": ".xls"}.get(kind, upload_suffix(path.name))


def download_name(original_name: str, stored_path: str) -> str:
    """The uploader's name with the stored file's suffix (never .html or .exe as sent)."""
    stem = Path(original_name).stem or "arbetsbok"
    return stem + (Path(stored_path).suffix or ".xlsx")


def inbox_name(node_id: str, node_name: str, suffix: str = ".xlsx") -> str:
    label = f"{node_name} ({node_id}, webb)" if node_name else f"{node_id} (webb)"
    return safe_name(label).lstrip(". ") + suffix


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _counts(problems: list[dict[str, str]]) -> tuple[int, int]:
    errors = sum(1 for p in problems if p.get("severity") == "fel")
    return errors, len(problems) - errors


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")  # gone meanwhile: nothing to do


class Storage:
    def __init__(self, uploads: Path, db: Database) -> None:
        self.uploads = Path(uploads)
        self.db = db
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.out_of_step: set[str] = set()  # nodes whose inbox copy is not the newest valid

    def node_lock(self, node_id: str) -> threading.Lock:
        """Serialises the uploads of one node, so the newest upload always ends in the inbox."""
        with self._guard:
            return self._locks.setdefault(node_id, threading.Lock())

    def path_of(self, submission: Submission) -> Path:
        return self.uploads / submission.stored_path

    def receive(self, node_id: str, stream: IO[bytes], original_name: str, *, limit: int) -> Received:
        """Step 1: stream the upload into a hidden temporary file, hashing it on the way."""
        folder = self.uploads / node_folder(node_id)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}{upload_suffix(original_name)}"
        digest, size = hashlib.sha256(), 0
        try:
            with tmp.open("xb") as fh:
                for chunk in iter(lambda: stream.read(CHUNK), b""):
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge
                    digest.update(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            with suppress(OSError):
                tmp.unlink()
            raise
        return Received(tmp, node_id, original_name, digest.hexdigest(), size)

    def discard(self, received: Received) -> None:
        with suppress(OSError):
            received.path.unlink()

    def commit(
        self,
        received: Received,
        *,
        ok: bool,
        problems: list[dict[str, str]],
        uploaded_by: str,
        actor: str,
        inbox: Path,
        node_name: str,
        keep: bool = True,
        counts: tuple[int, int] | None = None,
    ) -> Submission:
        """Steps 3–5: final name, database record, inbox. Without `keep` (a file that is no
        workbook at all) only the record is kept: the file is removed, its path is ''.
        `counts` (errors, warnings) when `problems` is only the first of them."""
        errors, warnings = counts or _counts(problems)
        with self.node_lock(received.node_id):
            folder = received.path.parent
            final: Path | None = None
            if keep:
                suffix = content_suffix(received.path)
                stamp = datetime.now().strftime("%Y%m%dT%H%M%S_%f")
                final = folder / f"{stamp}-{received.sha256[:8]}{suffix}"
                n = 1
                while final.exists():
                    n += 1
                    final = folder / f"{stamp}-{received.sha256[:8]}-{n}{suffix}"
                received.path.rename(final)
                fsync_path(folder)
            new = NewSubmission(
                node_id=received.node_id,
                original_name=received.original_name,
                stored_path=final.relative_to(self.uploads).as_posix() if final else "",
                sha256=received.sha256,
                size=received.size,
                ok=ok,
                errors=errors,
                warnings=warnings,
                problems=problems,
                uploaded_by=uploaded_by,
            )
            try:
                submission = self.db.add_submission(new, actor=actor)
            except BaseException:
                with suppress(OSError):
                    if final is not None:
                        final.unlink()
                raise
            if not keep:
                self.discard(received)
            self._try_sync(received.node_id, inbox, node_name)
        return submission

    def record_restore(
        self,
        old: Submission,
        *,
        problems: list[dict[str, str]],
        actor: str,
        inbox: Path,
        node_name: str,
        counts: tuple[int, int] | None = None,
        ok: bool | None = None,
    ) -> Submission:
        """A restore is a new submission of the same stored file: it is then the newest.
        `ok`: whether the check let it be used (default: no errors at all)."""
        errors, warnings = counts or _counts(problems)
        new = NewSubmission(
            node_id=old.node_id,
            original_name=old.original_name,
            stored_path=old.stored_path,
            sha256=old.sha256,
            size=old.size,
            ok=errors == 0 if ok is None else ok,
            errors=errors,
            warnings=warnings,
            problems=problems,
            uploaded_by="samordnare",
            restored_from=old.id,
        )
        with self.node_lock(old.node_id):
            submission = self.db.add_submission(new, actor=actor)
            self._try_sync(old.node_id, inbox, node_name)
        return submission

    def sync_node(self, node_id: str, inbox: Path, node_name: str) -> None:
        with self.node_lock(node_id):
            self._try_sync(node_id, inbox, node_name)

    def _try_sync(self, node_id: str, inbox: Path, node_name: str) -> None:
        """The inbox step after a recorded submission. If it fails (a full disk, say) the record
        stands and the node is flagged `out_of_step` until a later sync succeeds."""
        try:
            self._sync(node_id, inbox, node_name)
        except (OSError, HpdocsError) as exc:
            self.out_of_step.add(node_id)
            self.db.log("webb", "inkorgen inte i takt", node_id, str(exc))
        else:
            self.out_of_step.discard(node_id)

    def retry_out_of_step(self, inbox: Path, node_names: Mapping[str, str]) -> None:
        for node_id in sorted(self.out_of_step):
            self.sync_node(node_id, inbox, node_names.get(node_id, ""))

    def _sync(self, node_id: str, inbox: Path, node_name: str) -> None:
        """Make the inbox hold a copy of the node's newest valid submission, and only that."""
        want = self.db.newest_valid(node_id)
        have = self.db.inbox_file(node_id)
        if want is None:
            if have is not None:
                with suppress(FileNotFoundError):
                    (inbox / have[1]).unlink()
                self.db.set_inbox_file(node_id, None)
            return
        source = self.path_of(want)
        name = inbox_name(node_id, node_name, source.suffix)
        target = inbox / name
        if have == (want.id, name) and target.is_file() and file_sha256(target) == want.sha256:
            return
        if not source.is_file():
            self.db.log("webb", "fil saknas", node_id, f"#{want.id} {want.stored_path}")
            return
        inbox.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            shutil.copyfile(source, tmp)
        if have is not None and have[1] != name:
            with suppress(FileNotFoundError):
                (inbox / have[1]).unlink()
        self.db.set_inbox_file(node_id, want.id, name)

    def reconcile(self, inbox: Path, node_names: Mapping[str, str], *, grace: float = GRACE) -> list[str]:
        """After a crash: drop temporary files, set aside unrecorded files, redo the inbox.

        Only files last changed more than `grace` seconds ago are touched. Returns what was
        done, in words, for the log.
        """
        done: list[str] = []
        cutoff = time.time() - grace
        known = self.db.stored_paths()
        if self.uploads.is_dir():
            for folder in sorted(
                p for p in self.uploads.iterdir() if p.is_dir() and not p.name.startswith(".")
            ):
                for file in sorted(p for p in folder.iterdir() if p.is_file()):
                    rel = file.relative_to(self.uploads).as_posix()
                    if rel in known or _mtime(file) > cutoff:
                        continue
                    if file.name.startswith(TEMP_PREFIX):
                        file.unlink()
                        done.append(f"tog bort ofullständig uppladdning {rel}")
                    else:
                        parked = self.uploads / ORPHANS / f"{folder.name}-{file.name}"
                        parked.parent.mkdir(exist_ok=True)
                        file.rename(parked)
                        done.append(f"flyttade {rel} utan post i databasen till {ORPHANS}/")
        for node_id in sorted(self.db.nodes_with_submissions()):
            self.sync_node(node_id, inbox, node_names.get(node_id, ""))
        if inbox.is_dir():  # copies into the inbox that a crash cut short (hpdocs.atomic)
            for file in sorted(p for p in inbox.iterdir() if INBOX_TEMP.match(p.name)):
                if _mtime(file) <= cutoff:
                    file.unlink(missing_ok=True)
                    done.append(f"tog bort ofullständig kopia i inkorgen {file.name}")
        for line in done:
            self.db.log("webb", "städning", "", line)
        return done

    def missing_files(self) -> set[str]:
        """Stored paths that the database names but the disk lacks (someone deleted them)."""
        return {p for p in self.db.stored_paths(present_only=True) if not (self.uploads / p).is_file()}
