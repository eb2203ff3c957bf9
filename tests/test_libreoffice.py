"""Generated workbooks open in LibreOffice (a real client) and survive its round trip."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hpdocs.plan import Plan
from hpdocs.render.pdf import to_pdf
from hpdocs.workbook import contract as c
from hpdocs.workbook.read import read_workbook

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas"),
]


def _resave(path: Path, outdir: Path) -> Path:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(outdir),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return outdir / path.name


def test_generated_workbook_converts_to_pdf(blank_workbooks: dict[str, Path], tmp_path: Path) -> None:
    pdf = to_pdf(blank_workbooks["E1"], tmp_path)
    assert pdf.stat().st_size > 10_000
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes())
    assert len(pages) > 9  # instructions, identity and nine areas at least


def test_libreoffice_round_trip_keeps_contract_protection_and_dropdowns(
    plan: Plan, filled, tmp_path: Path
) -> None:
    path = filled(
        "E2",
        {
            "ledning.enhet.a1@Q3": {"status": "Klar", "kommentar": "Rad 1\nRad 2"},
            "kompetens.enhet.m1@Q3": {"varde": 3, "namnare": 4},
        },
    )
    out = tmp_path / "lo"
    out.mkdir()
    saved = _resave(path, out)
    read = read_workbook(saved, plan)
    assert read.report.ok, [str(p) for p in read.report]
    got = {(e.item, e.period): e for e in read.entries}
    assert got[("ledning.enhet.a1", "Q3")].comment == "Rad 1\nRad 2"
    assert (got[("kompetens.enhet.m1", "Q3")].value, got[("kompetens.enhet.m1", "Q3")].denominator) == (3, 4)
    wb = load_workbook(saved)
    ws = next(w for w in wb.worksheets if w["A1"].value == c.AREA_MARKER + "ledning")
    assert ws.protection.sheet
    assert ws.data_validations.dataValidation
    assert wb[c.LISTS_SHEET].sheet_state == "hidden"
    wb.close()
