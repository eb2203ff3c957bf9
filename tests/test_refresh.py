"""`hpdocs refresh`: new workbooks for the revised plan carry every handed-in value over,
checked cell by cell against the workbooks in the inbox."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from hpdocs.cli import cli
from hpdocs.org import write_organisation
from hpdocs.planversions import archive_plan
from hpdocs.project import Project, init_project, load_project
from hpdocs.refresh import refresh_workbooks
from hpdocs.workbook import contract as c
from hpdocs.workbook.read import read_workbook
from tests.conftest import NODES, FillFn
from tests.revision_plans import ALL, revised_text
from tests.test_revised_read import OWN, VALUES

INPUTS = ("status", "varde", "namnare", "kommentar")
E2_VALUES = {
    "ledning.enhet.a2@Q2": {"status": "Försenad", "kommentar": "Väntar på analysledare"},
    "kompetens.enhet.m1@Q2": {"varde": 3, "namnare": 12},
    "vardskador.status@Q2": {"status": "Delvis enligt plan", "kommentar": "Två av tre"},
    "sakerhetskultur.enhet.m2@Q2": {"varde": "Nej"},
}
MANY_OWN = {
    "ledning": [{"period": "Kvartal 2", "text": f"Egen aktivitet {i}", "status": "Klar"} for i in range(8)]
}


def insert_own_rows(path: Path, count: int) -> None:
    """As a manager does with Infoga rad: more own activities than the workbook had rows for."""
    wb = load_workbook(path)
    ws = next(ws for ws in wb.worksheets if ws["A1"].value == "#omrade:ledning")
    last = max(cell.row for cell in ws["A"] if cell.value == "ledning" + c.OWN_SUFFIX)
    ws.insert_rows(last + 1, count)
    for i in range(count):  # an inserted row has no id; the reader takes it as an own activity
        ws.cell(row=last + 1 + i, column=2).value = "Kvartal 3"
        ws.cell(row=last + 1 + i, column=5).value = f"Infogad aktivitet {i}"
        ws.cell(row=last + 1 + i, column=6).value = "Påbörjad"
        ws.cell(row=last + 1 + i, column=10).value = f"rad {i}"
    wb.save(path)


def sheet_cells(path: Path) -> tuple[dict[str, dict[str, Any]], list[tuple[Any, ...]]]:
    """Row id -> input column -> value, and the own activities, of a workbook."""
    wb = load_workbook(path, data_only=True)
    rows: dict[str, dict[str, Any]] = {}
    own: list[tuple[Any, ...]] = []
    for ws in wb.worksheets:
        header = next((r for r in ws.iter_rows(max_row=10) if r[0].value == c.COLUMNS_MARKER), None)
        if header is None:
            continue
        cols = {str(cell.value): cell.column for cell in header}
        for row in ws.iter_rows(min_row=header[0].row + 1):
            ident = str(row[0].value or "")
            values = {k: ws.cell(row=row[0].row, column=cols[k]).value for k in INPUTS}
            if ident.endswith(c.OWN_SUFFIX) or not ident:
                text = ws.cell(row=row[0].row, column=cols["text"]).value
                if text:
                    period = ws.cell(row=row[0].row, column=cols["period"]).value
                    own.append((str(ws["A1"].value), period, text, *values.values()))
            elif "@" in ident:
                rows[ident] = values
    wb.close()
    return rows, sorted(own)


@pytest.fixture
def project(tmp_path: Path, filled: FillFn) -> Project:
    project = init_project(tmp_path / "projekt", name="Testbolaget AB", plan="hp-2022", copy_templates=False)
    write_organisation(project.organisation_file, NODES)
    archive_plan(project)
    shutil.copyfile(filled("E1", VALUES, own=OWN), project.inbox / "Enhet Akuten.xlsx")
    shutil.copyfile(filled("E2", E2_VALUES, own=MANY_OWN), project.inbox / "Enhet BVC Centrum.xlsx")
    insert_own_rows(project.inbox / "Enhet BVC Centrum.xlsx", 5)
    (project.root / "plan.yaml").write_text(revised_text(*ALL), encoding="utf-8")
    return load_project(project.root)


def test_every_value_is_carried_over_cell_by_cell(project: Project) -> None:
    results = {r.node.id: r for r in refresh_workbooks(project)}
    assert set(results) == {n.id for n in NODES}
    for node, name in (("E1", "Enhet Akuten.xlsx"), ("E2", "Enhet BVC Centrum.xlsx")):
        old_rows, old_own = sheet_cells(project.inbox / name)
        new_rows, new_own = sheet_cells(results[node].path)
        assert results[node].source == name
        not_carried = {
            ident
            for ident in old_rows
            if ident.startswith(("sakerhetskultur.enhet.m1@", "sakerhetskultur.enhet.m3@"))
        }
        for ident, values in old_rows.items():
            if ident in not_carried:
                continue
            assert new_rows[ident] == values, (node, ident)
        assert set(new_rows) - set(old_rows) == {
            f"sakerhetskultur.enhet.a4@{p}" for p in ("Q1", "Q2", "Q3", "Q4")
        }  # the new activity, empty
        assert old_own == new_own and old_own  # by area, also on the renamed area's sheet
    assert sum(1 for own in new_own if own[0] == "#omrade:ledning") == 13  # 8 + 5 inserted rows
    assert new_rows["kompetens.enhet.m1@Q2"]["namnare"] == 12  # a share keeps its denominator


def test_what_cannot_be_carried_over_is_said_per_node(project: Project) -> None:
    results = {r.node.id: r for r in refresh_workbooks(project)}
    akuten = results["E1"]
    assert len(akuten.not_carried) == 2, akuten.not_carried
    kind, removed = akuten.not_carried
    assert kind.startswith("En god säkerhetskultur › G15: mätningen")
    assert "är nu en andel; värdet förs inte över – fyll i täljare och nämnare" in kind
    assert '"Resultatet ska presenteras på APT" finns inte längre i planen' in removed
    assert results["E2"].not_carried == []  # nothing of E2's changed
    assert results["E3"].source == "" and results["E3"].not_carried == []


def test_refreshed_workbooks_read_without_any_note_and_old_ones_still_read(project: Project) -> None:
    results = {r.node.id: r for r in refresh_workbooks(project)}
    new = read_workbook(results["E1"].path, project.plan)
    assert not new.report.errors and "plan-reviderad" not in {p.code for p in new.report}
    assert new.identity["hpdocs.ifylldav"] == "Testare" and new.identity["hpdocs.planversion"] == "2022.2"
    old = read_workbook(project.inbox / "Enhet Akuten.xlsx", project.plan)
    assert not old.report.errors and "plan-reviderad" in {p.code for p in old.report}
    carried = {(e.item, e.period, e.status, e.value, e.denominator, e.comment) for e in new.entries}
    kept = {(e.item, e.period, e.status, e.value, e.denominator, e.comment) for e in old.entries}
    assert carried == kept
    assert (project.root / "planversioner" / "2022.2.yaml").is_file()


def test_refresh_command(project: Project) -> None:
    result = CliRunner().invoke(cli, ["refresh", str(project.root)])
    assert result.exit_code == 0, result.output
    assert (
        "utdata/arbetsbocker-fornyade/Enhet Akuten.xlsx: 8 rader förda över från Enhet Akuten.xlsx."
        in result.output
    )
    assert "Enhet BVC Centrum.xlsx: 17 rader förda över från Enhet BVC Centrum.xlsx." in result.output
    assert "  förs inte över: En god säkerhetskultur › G15: mätningen" in result.output
    assert "Enhet Lindgården.xlsx: ingen inlämnad arbetsbok, en tom arbetsbok skrevs." in result.output
