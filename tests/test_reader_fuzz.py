"""A short, bounded fuzz run over the reader; longer runs: python benchmarks/fuzz_reader.py."""

from __future__ import annotations

import importlib.util
import random
import sys
import zipfile
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from hpdocs.plan import Plan
from hpdocs.workbook.read import read_workbook

SECONDS = 8.0  # the bound; the runs are seeded, so a failure names the seed that repeats it


@cache
def load_fuzzer() -> ModuleType:
    """benchmarks/ is no package: load the script by path (one copy serves both uses)."""
    path = Path(__file__).parents[1] / "benchmarks" / "fuzz_reader.py"
    spec = importlib.util.spec_from_file_location("fuzz_reader", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def test_base_workbook_reads_cleanly(plan: Plan, tmp_path: Path) -> None:
    """The fuzzer starts from a workbook with values and no problems."""
    read = read_workbook(load_fuzzer().make_base(tmp_path, plan), plan)
    assert len(read.entries) == 4 and list(read.report) == []


def test_every_mutation_changes_the_file(plan: Plan, tmp_path: Path) -> None:
    fuzzer = load_fuzzer()
    base = fuzzer.make_base(tmp_path, plan).read_bytes()
    for name, mutate in fuzzer.MUTATIONS.items():
        assert mutate(base, random.Random(1)) != base, name
    with zipfile.ZipFile(tmp_path / "bas.xlsx") as zf:
        assert len(zf.infolist()) > 5  # enough members to swap and drop


def test_reader_never_raises_on_damaged_bytes(plan: Plan, tmp_path: Path) -> None:
    runs, findings = load_fuzzer().fuzz(SECONDS, seed=20221001, plan=plan, folder=tmp_path)
    assert runs >= 20, "the fuzz run read too few workbooks to mean anything"
    assert not findings, "\n\n".join(f"seed {f.seed} ({f.mutation}): {f.error}" for f in findings[:3])


DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "seed_file",
    [
        "Enhet Lärkan (LibreOffice).ods",
        "Enhet Lärkan (sparad i LibreOffice).xlsx",
        "Enhet Lärkan (Excel 97-2003).xls",  # not a zip: the byte-level mutations
    ],
)
def test_files_from_other_programs_never_crash_the_reader(plan: Plan, tmp_path: Path, seed_file: str) -> None:
    """Other programs write other zips and XML (ODF for .ods): damaged copies of their files too."""
    runs, findings = load_fuzzer().fuzz(
        SECONDS / 2, seed=20221002, plan=plan, folder=tmp_path, base_file=DATA / seed_file
    )
    assert runs >= 10
    assert not findings, "\n\n".join(f"seed {f.seed} ({f.mutation}): {f.error}" for f in findings[:3])
