"""The bundled examples are exactly what examples/make_examples.py makes."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from examples_copy import committed_files, copy_committed
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_examples"] = module
    spec.loader.exec_module(module)
    return module


def _values(path: Path) -> dict[str, list[list[object]]]:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
    finally:
        wb.close()


@pytest.mark.libreoffice
@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) saknas: exemplet har en fil sparad i LibreOffice",
)
@pytest.mark.parametrize("name", ["vardbolaget", "region"])
def test_committed_example_is_what_the_script_makes(name: str, tmp_path: Path) -> None:
    script = _load_script()
    script.build_project(tmp_path / name, **script.PROJECTS[name])
    committed = committed_files(EXAMPLES / name)
    made = sorted(p.relative_to(tmp_path / name) for p in (tmp_path / name).rglob("*") if p.is_file())
    assert committed == made
    for rel in made:
        if rel.suffix == ".xlsx":
            assert _values(EXAMPLES / name / rel) == _values(tmp_path / name / rel), rel
        else:
            assert (EXAMPLES / name / rel).read_bytes() == (tmp_path / name / rel).read_bytes(), rel


def _leave_debris(project: Path) -> None:
    """What `hpdocs build` and the web page leave in a project folder."""
    for rel in (".hpdocs-cache/ab/cd.json", "utdata/index.html", "inlamningar/E1/x.xlsx", ".hpdocs.lock"):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text("left by a run")


@pytest.mark.parametrize("with_git", [True, False])
def test_what_runs_leave_in_an_example_is_not_taken_for_committed_files(
    tmp_path: Path, with_git: bool
) -> None:
    project = tmp_path / "exempel"
    (project / "inkorg").mkdir(parents=True)
    (project / "hpdocs.toml").write_text("x")
    (project / "inkorg" / "Enhet A.xlsx").write_text("x")
    if with_git:
        if shutil.which("git") is None:
            pytest.skip("git saknas")
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        subprocess.run(["git", "-C", str(tmp_path), "add", "."], check=True)
    _leave_debris(project)
    expected = [Path("hpdocs.toml"), Path("inkorg/Enhet A.xlsx")]
    assert committed_files(project) == expected
    copy = copy_committed(project, tmp_path / "kopia")
    assert sorted(p.relative_to(copy) for p in copy.rglob("*") if p.is_file()) == expected
