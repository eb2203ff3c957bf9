"""One `hpdocs serve` per project folder, for the server's whole lifetime.

Two servers on one project would each believe the other's half-received uploads to be left
over from a crash, and each order the uploads of one unit only among its own threads. So the
server holds an operating-system lock on `<uploads>/.server.lock` from start-up to exit. The
lock belongs to the open file: a server that dies (even by kill -9) releases it at once, so
nothing stale is ever left to break. A second start (a second process, a second WSGI worker,
or a second app in the same process) is refused with a Swedish message that names the holder.

POSIX uses flock, Windows msvcrt.locking on the file's first byte.
"""

from __future__ import annotations

import json
import os
import socket
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import IO

from hpdocs.errors import UsageError

LOCK_NAME = ".server.lock"


def _try_lock(fh: IO[str]) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows only
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class ServerLock:
    """Held from `acquire` to `release` (or the process's end)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fh: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._fh is not None

    def acquire(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fh = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"Webbsidan kan inte starta: mappen {self.folder} går inte att skriva i "
                f"({exc.strerror or exc}). Ge den användare som kör servern skrivrätt till projektmappen."
            ) from exc
        if not _try_lock(fh):
            holder = self._holder()
            fh.close()
            raise UsageError(
                f"En annan hpdocs-server kör redan för {self.folder.parent}{holder}. Kör bara en "
                "server per projektmapp: avsluta den andra först (eller använd den)."
            )
        fh.seek(0)
        fh.truncate()
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": f"{datetime.now():%Y-%m-%d %H:%M}",
        }
        fh.write(json.dumps(info))
        fh.flush()
        self._fh = fh

    def _holder(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            return f" (process {int(info['pid'])} på {info['host']}, startad {info['started']})"
        except (OSError, ValueError, KeyError, TypeError):
            return ""

    def release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            with suppress(OSError):
                fh.close()  # closing the file releases the lock
