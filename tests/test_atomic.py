"""hpdocs.atomic: outputs are replaced whole or not at all, and one run holds a project."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hpdocs import atomic
from hpdocs.atomic import ProjectLock, atomic_path, atomic_write_bytes, atomic_write_text
from hpdocs.errors import OutputError


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_text_and_bytes(tmp_path: Path) -> None:
    atomic_write_text(tmp_path / "index.html", "<p>Åtgärder</p>\n")
    atomic_write_bytes(tmp_path / "data.bin", b"\x00\xff")
    assert (tmp_path / "index.html").read_bytes() == "<p>Åtgärder</p>\n".encode()
    assert (tmp_path / "data.bin").read_bytes() == b"\x00\xff"
    assert files_in(tmp_path) == ["data.bin", "index.html"]


def test_temporary_path_is_hidden_beside_the_target_with_its_extension(tmp_path: Path) -> None:
    target = tmp_path / "Sammanställning VO1.xlsx"
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent
        assert tmp.name.startswith(".Sammanställning VO1.xlsx.")
        assert tmp.suffix == ".xlsx"
        assert not target.exists()  # nothing appears under the real name before the end
        tmp.write_bytes(b"klar")
    assert target.read_bytes() == b"klar"
    assert files_in(tmp_path) == [target.name]


def test_failing_writer_leaves_the_previous_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "rapport.docx"
    target.write_bytes(b"version 1")
    with pytest.raises(RuntimeError, match="mallen"), atomic_path(target) as tmp:
        tmp.write_bytes(b"halv vers")
        raise RuntimeError("mallen gick sönder")
    assert target.read_bytes() == b"version 1"
    assert files_in(tmp_path) == ["rapport.docx"]


def test_locked_target_is_retried_then_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to replace a file Excel has open: retry a little, then say so."""
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"gammal")
    attempts: list[Path] = []

    def locked(self: Path, other: Path) -> Path:
        attempts.append(self)
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(Path, "replace", locked)
    monkeypatch.setattr(atomic.time, "sleep", lambda seconds: None)
    with pytest.raises(OutputError, match=r"är filen öppen i Excel\? Stäng den och kör igen"):
        atomic_write_bytes(target, b"ny")
    assert len(attempts) == len(atomic.REPLACE_DELAYS) + 1
    assert target.read_bytes() == b"gammal"
    assert files_in(tmp_path) == ["plan.xlsx"]


def test_lock_released_while_retrying_lets_the_write_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plan.xlsx"
    real_replace = Path.replace
    refusals = iter([True, True, False])

    def briefly_locked(self: Path, other: Path) -> Path:
        if next(refusals):
            raise PermissionError(13, "locked")
        return real_replace(self, other)

    monkeypatch.setattr(Path, "replace", briefly_locked)
    monkeypatch.setattr(atomic.time, "sleep", lambda seconds: None)
    atomic_write_bytes(target, b"ny")
    assert target.read_bytes() == b"ny"


def test_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="Kunde inte skriva"):
        atomic_write_text(tmp_path / "finns-inte" / "index.html", "x")


def test_concurrent_writers_and_a_reader_only_ever_see_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "sammanstallning.xlsx"
    payloads = [bytes([n]) * 300_000 for n in range(6)]
    atomic_write_bytes(target, payloads[0])
    seen: set[bytes] = set()
    done = threading.Event()

    errors: list[BaseException] = []

    def write(payload: bytes) -> None:
        try:
            for _ in range(15):
                atomic_write_bytes(target, payload)
        except BaseException as exc:  # a thread's exception would otherwise only warn
            errors.append(exc)

    def read() -> None:
        while not done.is_set():
            seen.add(target.read_bytes())

    reader = threading.Thread(target=read)
    writers = [threading.Thread(target=write, args=(p,)) for p in payloads]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join()
    assert errors == []
    assert target.read_bytes() in payloads
    assert seen <= set(payloads)  # never an empty or half-written file
    assert files_in(tmp_path) == [target.name]


def write_lock(folder: Path, **fields: object) -> Path:
    info = {"pid": os.getpid(), "host": socket.gethostname(), "time": time.time()}
    info |= {"started": "2024-05-02 08:15", "token": "abc"} | fields
    path = folder / ".hpdocs.lock"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


def test_second_run_waits_then_gives_up(tmp_path: Path) -> None:
    with ProjectLock(tmp_path):
        lock_file = tmp_path / ".hpdocs.lock"
        assert json.loads(lock_file.read_text())["pid"] == os.getpid()
        with pytest.raises(OutputError) as caught:
            ProjectLock(tmp_path, timeout=0.2).acquire()
    message = str(caught.value)
    assert message.startswith(f"En annan hpdocs-körning arbetar redan i {tmp_path} (startad ")
    assert f"Vänta tills den är klar eller ta bort {lock_file} om den har avbrutits." in message
    assert not lock_file.exists()
    with ProjectLock(tmp_path, timeout=0):
        pass


def test_second_run_gets_the_lock_when_the_first_finishes(tmp_path: Path) -> None:
    first = ProjectLock(tmp_path)
    first.acquire()
    threading.Timer(0.3, first.release).start()
    with ProjectLock(tmp_path, timeout=10, poll=0.02):
        assert (tmp_path / ".hpdocs.lock").exists()


def test_runs_in_threads_never_overlap(tmp_path: Path) -> None:
    inside: list[int] = []
    overlaps: list[int] = []

    def run() -> None:
        for _ in range(5):
            with ProjectLock(tmp_path, timeout=30, poll=0.005):
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(len(inside))
                time.sleep(0.002)
                inside.pop()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == []


def test_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # reaped: its pid names no process now
    write_lock(tmp_path, pid=finished.pid)
    with ProjectLock(tmp_path, timeout=0) as lock:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()


def test_lock_older_than_six_hours_is_taken_over(tmp_path: Path) -> None:
    write_lock(tmp_path, host="annan-dator", pid=1, time=time.time() - 7 * 3600)
    with ProjectLock(tmp_path, timeout=0) as lock:
        assert json.loads(lock.path.read_text())["host"] == socket.gethostname()


def test_live_lock_from_another_computer_is_respected(tmp_path: Path) -> None:
    write_lock(tmp_path, host="annan-dator", pid=999_999_999)
    with pytest.raises(OutputError, match="startad 2024-05-02 08:15 på annan-dator"):
        ProjectLock(tmp_path, timeout=0).acquire()


def test_live_lock_from_another_process_here_is_respected(tmp_path: Path) -> None:
    write_lock(tmp_path, pid=os.getppid())  # pytest's parent: alive, and not us
    with pytest.raises(OutputError, match=f"process {os.getppid()}"):
        ProjectLock(tmp_path, timeout=0).acquire()


def test_half_written_lock_is_respected_briefly_then_taken_over(tmp_path: Path) -> None:
    lock_file = tmp_path / ".hpdocs.lock"
    lock_file.write_bytes(b"")  # a run that crashed between creating and writing it
    with pytest.raises(OutputError):
        ProjectLock(tmp_path, timeout=0).acquire()
    an_hour_ago = time.time() - 3600
    os.utime(lock_file, (an_hour_ago, an_hour_ago))
    with ProjectLock(tmp_path, timeout=0):
        assert json.loads(lock_file.read_text())["pid"] == os.getpid()


def race_for_stale_lock(folder: Path, runs: int) -> list[ProjectLock]:
    """`runs` threads try to take over the same stale lock at once; the winners."""
    write_lock(folder, time=time.time() - 7 * 3600)
    start, stop = threading.Barrier(runs), threading.Barrier(runs)
    winners: list[ProjectLock] = []

    def run() -> None:
        lock = ProjectLock(folder, timeout=0)
        start.wait()
        with contextlib.suppress(OutputError):
            lock.acquire()
            winners.append(lock)
        stop.wait()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return winners


def test_stale_lock_is_taken_over_by_exactly_one_run(tmp_path: Path) -> None:
    for _ in range(20):
        winners = race_for_stale_lock(tmp_path, 4)
        assert len(winners) == 1
        winners[0].release()
        assert files_in(tmp_path) == []


def test_release_leaves_a_lock_that_another_run_took_over(tmp_path: Path) -> None:
    lock = ProjectLock(tmp_path)
    lock.acquire()
    write_lock(tmp_path, host="annan-dator", token="deras")
    lock.release()
    assert json.loads((tmp_path / ".hpdocs.lock").read_text())["token"] == "deras"


def test_breaking_a_stale_lock_rechecks_it_first(tmp_path: Path) -> None:
    """Between reading a stale lock and removing it, another run may have replaced it."""
    stale = write_lock(tmp_path, time=time.time() - 7 * 3600)
    lock = ProjectLock(tmp_path)
    holder = lock._read()
    write_lock(tmp_path, host="annan-dator", token="ny")  # somebody broke it and took it
    assert not lock._break(holder)
    assert json.loads(stale.read_text())["token"] == "ny"
    assert files_in(tmp_path) == [".hpdocs.lock"]
