"""`hpdocs build` on the bundled example, end to end, checking what people get."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from examples_copy import copy_example
from openpyxl import load_workbook
from pptx import Presentation

from hpdocs.cli import cli
from hpdocs.planfile import load_plan


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    project = tmp_path_factory.mktemp("build") / "vardbolaget"
    copy_example(project)
    before = _hashes(project / "inkorg")
    result = CliRunner().invoke(cli, ["build", str(project)], catch_exceptions=False)
    assert result.exit_code == 1, result.output  # one workbook was rejected
    assert _hashes(project / "inkorg") == before  # inputs never modified
    return project, result.stdout, before


def test_summary_names_the_late_unit_and_the_unit_with_mistakes(built) -> None:
    _, out, _ = built
    assert "Inte inlämnad: Hemtjänst Västra" in out
    # One bad cell is not a bad unit: the workbook counts, the one value is left out and said so.
    assert "Godkänd med fel: Enhet Vårdcentralen Sjöstaden.xlsx" in out
    assert "Godkänd med fel (värden räknas inte): Vårdcentralen Sjöstaden" in out
    assert '"60 %" är en procentsats' in out and "Adekvat kunskap och kompetens › G22" in out


def test_index_links_every_output_and_lists_problems(built) -> None:
    project, _, _ = built
    out = project / "utdata"
    summary = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert summary["saknas"] == ["Hemtjänst Västra"]
    assert summary["avvisade"] == []
    assert summary["godkanda_med_fel"] == ["Vårdcentralen Sjöstaden"]
    [left_out] = summary["ej_raknade_varden"]
    assert (left_out["node"], left_out["cell"], left_out["written"]) == ("E12", "G22", "60 %")
    warned = {r["fil"]: [p["code"] for p in r["problem"]] for r in summary["varningar"]}
    assert "blad-omdopt" in warned["Enhet Vårdcentralen Sjöstaden.xlsx"]  # its renamed sheet is read
    files = [o["fil"] for o in summary["utdata"]]
    assert all((out / f).is_file() for f in files)
    assert sum(f.endswith(".docx") for f in files) == 6  # 4 VO + company PSB + board paper
    assert sum(f.endswith(".pptx") for f in files) == 5
    assert sum(f.startswith("sammanstallningar/") for f in files) == 5
    html = (out / "index.html").read_text(encoding="utf-8")
    assert all(Path(f).name.replace("&", "&amp;") in html for f in files)


def test_documents_hold_every_area_and_the_business_area_comments(built) -> None:
    project, _, _ = built
    plan = load_plan("hp-2022")
    docs = project / "utdata" / "dokument"
    psb = Document(str(next(docs.glob("PSB Verksamhetschef – Äldreomsorg*.docx"))))
    text = "\n".join(p.text for p in psb.paragraphs) + "\n".join(
        c.text for t in psb.tables for r in t.rows for c in r.cells
    )
    assert all(area.title in text for area in plan.areas)
    assert "Hemtjänst Västra" in text  # who has not reported
    deck = Presentation(str(next(docs.glob("Status HP november-MUM – Äldreomsorg*.pptx"))))
    slide_text = " ".join(sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    table_text = " ".join(
        c.text for s in deck.slides for sh in s.shapes if sh.has_table for r in sh.table.rows for c in r.cells
    )
    assert all(area.report_title in table_text for area in plan.areas)
    assert "Äldreomsorg" in slide_text


def test_rollup_data_traces_every_value_to_file_sheet_and_cell(built) -> None:
    project, _, before = built
    rollup = next((project / "utdata" / "sammanstallningar").glob("Sammanställning Bolag*.xlsx"))
    wb = load_workbook(rollup, read_only=True)
    rows = list(wb["Data"].iter_rows(values_only=True))
    wb.close()
    header, data = rows[0], rows[1:]
    files = {r[header.index("fil")] for r in data}
    assert files <= set(before)  # every value comes from a file in the inbox
    # Accepted with one error: its other values count; the bad cell (G22) gives no value.
    sjostaden = {
        (r[header.index("blad")], r[header.index("cell")]): r[header.index("varde")]
        for r in data
        if r[header.index("fil")] == "Enhet Vårdcentralen Sjöstaden.xlsx"
    }
    assert len(sjostaden) > 5
    assert not [
        v for (sheet, cell), v in sjostaden.items() if sheet.startswith("Adekvat") and cell == "G22" and v
    ]
    assert "Enhet Äldreboendet Lindgården (första version).xlsx" not in files  # older duplicate
    assert all(r[header.index("blad")] and r[header.index("cell")] for r in data)


def test_build_json_lists_documents_and_index_for_programs(built) -> None:
    project, _, _ = built
    result = CliRunner().invoke(cli, ["build", str(project), "--json"], catch_exceptions=False)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["schema_version"], data["command"], data["period_id"]) == (1, "build", "2022-Q3")
    assert data["documents"] and all(Path(d["path"]).is_file() and d["title"] for d in data["documents"])
    assert data["index"] == str(project / "utdata" / "index.html")
    assert not any(o["written"] for o in data["outputs"])  # nothing changed since the first build
