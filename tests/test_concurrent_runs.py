"""Two runs on the same project at the same time: one waits for the other, neither corrupts.

Two people (or a scheduled job and a person) start `hpdocs consolidate` on the same shared
folder. Both must succeed one after the other (the ProjectLock makes the second wait) or one
must refuse with the Swedish lock message; afterwards every output is a complete workbook.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from examples_copy import copy_example
from openpyxl import load_workbook

from hpdocs.atomic import LOCK_NAME, ProjectLock
from hpdocs.project import load_project
from hpdocs.workbook import contract as c
from hpdocs.workbook.read import read_workbook

LOCK_MESSAGE = "En annan hpdocs-körning arbetar redan"


def small_project(target: Path, keep: int = 2) -> Path:
    """examples/vardbolaget with only a few good workbooks, so that a run takes seconds."""
    root = copy_example(target)
    plan = load_project(root).plan
    inbox = sorted((root / "inkorg").iterdir())
    good = [p for p in inbox if read_workbook(p, plan).report.ok][:keep]
    for path in set(inbox) - set(good):
        path.unlink()
    return root


def test_two_consolidate_runs_at_the_same_time(tmp_path: Path) -> None:
    root = small_project(tmp_path / "projekt")
    command = [sys.executable, "-m", "hpdocs", "consolidate", str(root)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    logs = [(tmp_path / f"ut{i}.txt", tmp_path / f"fel{i}.txt") for i in range(2)]
    # Hold the lock while both start, so that both are certainly running at once and then
    # race for it; each waits up to a minute for a lock held by a live process. A run says
    # "Läser arbetsböcker" only once it holds the lock.
    with ProjectLock(root):
        runs = []
        for out, err in logs:
            with out.open("w") as stdout, err.open("w") as stderr:
                runs.append(subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env))
        time.sleep(4)
        assert all(run.poll() is None for run in runs), "a run did not wait for the lock"
        assert all(err.read_text(encoding="utf-8") == "" for _, err in logs), "a run went on while locked"
    codes = [run.wait(timeout=300) for run in runs]
    results = [
        (code, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"))
        for code, (out, err) in zip(codes, logs, strict=True)
    ]
    for code, out, err in results:
        assert code == 0 or (code != 0 and LOCK_MESSAGE in err), (code, out, err)
    assert any(code == 0 for code, _, _ in results)

    outdir = root / "utdata" / "sammanstallningar"
    written = sorted(outdir.iterdir())
    project = load_project(root)
    assert len(written) == len(project.organisation.business_areas) + 1
    assert not [p for p in written if p.name.startswith(".")], "temporary files left behind"
    assert not (root / LOCK_NAME).exists()
    for path in written:
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
        load_workbook(path).close()
        read = read_workbook(path, project.plan)
        assert read.report.ok and read.kind == c.KIND_ROLLUP, list(read.report)
    company = next(p for p in written if "Bolag" in p.name)
    assert read_workbook(company, project.plan).entries  # the values are there, not just a shell
