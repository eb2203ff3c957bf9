"""A reader library that gives up on a file — a Rust panic (a BaseException), or a crash that
kills the worker process outright — costs that file only, in this process and in the pool."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hpdocs.plan import Plan
from hpdocs.workbook import parallel
from hpdocs.workbook import read as reader

BAD = "Enhet Trasig.xlsx"


class PanicException(BaseException):
    """What pyo3 raises when calamine's Rust code panics: not an Exception."""


def copies(source: Path, folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = [shutil.copyfile(source, folder / f"Enhet {i:02}.xlsx") for i in range(count)]
    paths.insert(count // 2, shutil.copyfile(source, folder / BAD))
    return paths


def failing(how: str):  # type: ignore[no-untyped-def]
    real = reader._read_into

    def read_into(result, path, plan, index):  # type: ignore[no-untyped-def]
        if path.name == BAD:
            if how == "panic":
                raise PanicException("called `Option::unwrap()` on a `None` value")
            os._exit(70)  # the worker dies: no exception, no answer
        real(result, path, plan, index)

    return read_into


def check(reads: list[reader.WorkbookRead]) -> None:
    bad = [r for r in reads if r.path.name == BAD]
    good = [r for r in reads if r.path.name != BAD]
    assert [p.code for p in bad[0].report.errors] == ["fil-lasare-kraschade"]
    assert not bad[0].entries
    assert good and all(r.report.usable and r.node_id for r in good)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_panic_in_the_reader_is_that_files_problem(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    plan: Plan,
    blank_workbooks: dict[str, Path],
    workers: int,
) -> None:
    if workers > 1 and parallel.start_method() != "fork":
        pytest.skip("the patched reader reaches worker processes only by fork")
    monkeypatch.setattr(reader, "_read_into", failing("panic"))
    paths = copies(blank_workbooks["E1"], tmp_path / "in", parallel.MIN_PARALLEL + 1)
    reads = parallel.read_many(paths, plan, workers=workers)
    check(reads)
    assert "PanicException" in reads[[r.path.name for r in reads].index(BAD)].report.errors[0].message


def test_a_worker_killed_by_a_file_costs_that_file_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plan: Plan, blank_workbooks: dict[str, Path]
) -> None:
    if parallel.start_method() != "fork":
        pytest.skip("the patched reader reaches worker processes only by fork")
    monkeypatch.setattr(reader, "_read_into", failing("exit"))
    paths = copies(blank_workbooks["E1"], tmp_path / "in", parallel.MIN_PARALLEL + 3)
    reads = parallel.read_many(paths, plan, workers=2)
    assert [r.path for r in reads] == paths  # every file answered, in order
    check(reads)


ABORTS = Path(__file__).parent / "hostile" / "Skadad (kraschar läsaren).xls"  # found by the fuzzer


def test_a_file_that_aborts_the_reader_costs_that_file_only(
    tmp_path: Path, plan: Plan, blank_workbooks: dict[str, Path]
) -> None:
    """calamine aborts the whole process on this damaged .xls ("memory allocation of
    687190016960 bytes failed"): no handler survives that, a worker process does."""
    from hpdocs.inbox import collect
    from hpdocs.workbook.parallel import read_one

    folder = tmp_path / "inkorg"
    folder.mkdir()
    shutil.copyfile(ABORTS, folder / ABORTS.name)
    shutil.copyfile(blank_workbooks["E1"], folder / "Enhet Akuten.xlsx")
    inbox = collect([folder], plan, None, year=2022)  # as validate reads: the default path
    bad = next(r for r in inbox.reads if r.path.name == ABORTS.name)
    good = next(r for r in inbox.reads if r.path.name != ABORTS.name)
    assert bad.report.errors and not bad.report.usable
    assert good.report.usable and good.node_id == "E1"
    # The web hand-in reads one upload the same way.
    alone = read_one(folder / ABORTS.name, plan, name="uppladdad.xls")
    assert alone.report.errors and alone.name == "uppladdad.xls"


def test_validate_survives_a_file_that_aborts_the_reader(tmp_path: Path) -> None:
    import subprocess
    import sys

    target = tmp_path / ABORTS.name
    shutil.copyfile(ABORTS, target)
    done = subprocess.run(
        [sys.executable, "-m", "hpdocs", "validate", str(target), "--plan", "hp-2022"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert ABORTS.name in done.stdout and "Traceback" not in done.stderr
    assert "memory allocation" not in done.stderr  # the reader's last words stay out of sight
