"""The bundled examples are exactly what examples/make_examples.py makes."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
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
    committed = sorted(
        p.relative_to(EXAMPLES / name)
        for p in (EXAMPLES / name).rglob("*")
        if p.is_file() and "utdata" not in p.parts and not p.name.startswith(".")
    )
    made = sorted(p.relative_to(tmp_path / name) for p in (tmp_path / name).rglob("*") if p.is_file())
    assert committed == made
    for rel in made:
        if rel.suffix == ".xlsx":
            assert _values(EXAMPLES / name / rel) == _values(tmp_path / name / rel), rel
        else:
            assert (EXAMPLES / name / rel).read_bytes() == (tmp_path / name / rel).read_bytes(), rel
