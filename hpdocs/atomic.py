"""Writing outputs so that a reader never sees half a file, and one run at a time.

Outputs land in shared folders that people open in Excel and Word while hpdocs runs. A write
that fails half-way (full disk, crash, Ctrl-C) must leave the previous file intact, so every
output is written to a temporary file beside the target and moved over it in one step. On
Windows that step fails while Excel holds the target open; we retry briefly and then say so in
plain words. `ProjectLock` keeps two runs (two people, or a scheduled job and a person) from
writing the same project at once. Everything here is portable: no fcntl, no msvcrt.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from types import TracebackType

from hpdocs.errors import OutputError

REPLACE_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)  # seconds between retries of os.replace
LOCK_NAME = ".hpdocs.lock"
STALE_AFTER = 6 * 3600  # seconds: a lock this old is taken over whoever holds it
_UNREADABLE_GRACE = 10  # seconds: a lock file still empty after this is left over from a crash


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one step.

    The name is `.<target name>.<random><suffix>`: hidden, never picked up as an input (the
    inbox skips dot files), and with the target's extension for writers that check it. The
    file is created here (O_EXCL, so no name is ever shared) with normal permissions. If the
    block raises, the temporary file is removed and the target is left as it was.
    """
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}{target.suffix}")
    try:
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except OSError as exc:
        raise OutputError(f"Kunde inte skriva i {target.parent}: {exc.strerror or exc}.") from exc
    try:
        yield tmp
        fsync_path(tmp)
        _replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(target: Path, text: str) -> None:
    """UTF-8, newlines as given (no translation to CRLF on Windows, so output is the same)."""
    atomic_write_bytes(target, text.encode("utf-8"))


def _replace(tmp: Path, target: Path) -> None:
    for delay in (*REPLACE_DELAYS, None):
        try:
            tmp.replace(target)
            return
        except PermissionError as exc:  # Windows: Excel or Word has the target open
            if delay is None:
                raise OutputError(
                    f"Kunde inte skriva {target} – är filen öppen i Excel? Stäng den och kör igen."
                ) from exc
            time.sleep(delay)
        except OSError as exc:
            raise OutputError(f"Kunde inte skriva {target}: {exc.strerror or exc}.") from exc


def fsync_path(path: Path) -> None:
    """Best effort: what was written to a file, or a folder's entries (POSIX only), is on disk."""
    folder = path.is_dir()
    if folder and os.name != "posix":
        return  # Windows cannot open a folder to flush it
    with suppress(OSError):
        fd = os.open(path, os.O_RDONLY if folder else os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class ProjectLock:
    """One hpdocs run per project folder, across processes and machines sharing the folder.

    The lock is the file `<folder>/.hpdocs.lock`, created with O_CREAT|O_EXCL (atomic on local
    disks and SMB shares alike) and holding pid, host and start time so that a person can see
    who holds it. A lock whose process is gone (same host) or that is older than six hours is
    left over from a crash and taken over. Taking over is guarded by a second O_EXCL file so
    that two runs never both break the same stale lock and both go ahead.
    """

    def __init__(self, folder: Path, *, timeout: float = 0.0, poll: float = 0.1) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.timeout = timeout
        self.poll = poll
        self._token = ""

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            if self._try_create():
                return
            holder = self._read()
            if holder.get("gone") or (self._is_stale(holder) and self._break(holder)):
                continue  # released or broken just now: try again at once
            if time.monotonic() >= deadline:
                raise OutputError(self._held_message(holder))
            time.sleep(min(self.poll, max(deadline - time.monotonic(), 0.0)))

    def release(self) -> None:
        """Remove the lock if it is still ours (after a takeover it is somebody else's)."""
        if self._token and self._read().get("token") == self._token:
            with suppress(OSError):
                self.path.unlink()
        self._token = ""

    def _try_create(self) -> bool:
        token = secrets.token_hex(8)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "time": time.time(),
            "token": token,
        }
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            return False
        except OSError as exc:
            raise OutputError(f"Kunde inte låsa {self.folder}: {exc.strerror or exc}.") from exc
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(info, fh)
        self._token = token
        return True

    def _read(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except FileNotFoundError:
            return {"gone": True}
        except (OSError, ValueError):
            return {}

    def _is_stale(self, holder: dict[str, object]) -> bool:
        started = holder.get("time")
        if not isinstance(started, int | float):  # written half-way by a crashed run?
            with suppress(OSError):
                return time.time() - self.path.stat().st_mtime > _UNREADABLE_GRACE
            return False
        if time.time() - started > STALE_AFTER:
            return True
        pid = holder.get("pid")
        same_host = holder.get("host") == socket.gethostname()
        return same_host and isinstance(pid, int) and pid != os.getpid() and not _alive(pid)

    def _break(self, holder: dict[str, object]) -> bool:
        """Remove a stale lock, unless another run is already doing so or has replaced it."""
        breaker = self.path.with_name(LOCK_NAME + ".break")
        try:
            os.close(os.open(breaker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            with suppress(OSError):  # a breaker left by a crash in the next few lines
                if time.time() - breaker.stat().st_mtime > _UNREADABLE_GRACE:
                    breaker.unlink()
            return False
        except OSError as exc:
            raise OutputError(f"Kunde inte låsa {self.folder}: {exc.strerror or exc}.") from exc
        try:
            if self._read() != holder:
                return False
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                return False
            return True
        finally:
            with suppress(OSError):
                breaker.unlink()

    def _held_message(self, holder: dict[str, object]) -> str:
        started = holder.get("started") or "okänd tid"
        who = f"{holder.get('host', 'okänd dator')}, process {holder.get('pid', '?')}"
        return f"En annan hpdocs-körning arbetar redan i {self.folder} (startad {started} på {who}). Vänta tills den är klar eller ta bort {self.path} om den har avbrutits."


def _alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine. Never signals it (os.kill kills on Windows)."""
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, owned by another user
        return True
    return True
