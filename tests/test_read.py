"""Reading filled workbooks by id, cell by cell, forgiving where the meaning is clear."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from hpdocs.plan import Plan
from hpdocs.problems import Severity
from hpdocs.workbook import contract as c
from hpdocs.workbook.read import KIND_OWN, read_workbook


def codes(read) -> list[tuple[str, str, str]]:
    return [(p.code, p.sheet, p.cell) for p in read.report]


def test_values_are_read_by_id_and_converted(plan: Plan, filled) -> None:
    path = filled(
        "E1",
        {
            "ledning.enhet.a1@Q3": {"status": "klar ", "kommentar": "Rad 1\nRad 2 & <mer>"},
            "ledning.enhet.m1@Q3": {"varde": " 7 "},
            "kompetens.enhet.m1@Q3": {"varde": "12", "namnare": "20"},
            "ledning.status@Q3": {"status": "Delvis enligt plan"},
        },
    )
    read = read_workbook(path, plan)
    assert read.report.ok, codes(read)
    got = {(e.item, e.period): e for e in read.entries}
    activity = got[("ledning.enhet.a1", "Q3")]
    assert activity.status == "Klar" and activity.comment == "Rad 1\nRad 2 & <mer>"
    assert got[("ledning.enhet.m1", "Q3")].value == 7
    share = got[("kompetens.enhet.m1", "Q3")]
    assert (share.value, share.denominator) == (12, 20)
    assert got[("ledning.status", "Q3")].status == "Delvis enligt plan"
    assert read.node_id == "E1" and read.stamp == "2022-10-01"
    # Every value points at its cell.
    assert activity.sheet.startswith("Engagerad ledning") and activity.cell.startswith("F")


def test_bad_values_are_reported_with_sheet_and_cell(plan: Plan, filled) -> None:
    path = filled(
        "E1",
        {
            "ledning.enhet.m1@Q2": {"varde": "sextio"},
            "kompetens.enhet.m1@Q3": {"varde": "60 %"},
            "ledning.enhet.a2@Q3": {"status": "Kanske"},
        },
    )
    read = read_workbook(path, plan)
    found = {(p.code, p.severity) for p in read.report}
    assert ("varde-inte-tal", Severity.ERROR) in found
    assert ("andel-som-procent", Severity.ERROR) in found
    assert ("status-okand", Severity.ERROR) in found
    sextio = next(p for p in read.report if p.code == "varde-inte-tal")
    assert sextio.file == path.name and sextio.cell.startswith("G") and '"sextio"' in sextio.message
    assert not read.report.ok


def test_renamed_reordered_sheets_and_inserted_rows_still_read(plan: Plan, filled, tmp_path: Path) -> None:
    path = filled("E1", {"ledning.enhet.a1@Q3": {"status": "Klar"}})
    wb = load_workbook(path)
    ws = next(w for w in wb.worksheets if w["A1"].value == c.AREA_MARKER + "ledning")
    ws.title = "Vår ledning"
    ws.insert_rows(8, 3)
    wb.move_sheet(ws, offset=5)
    wb.save(path)
    read = read_workbook(path, plan)
    assert [e.status for e in read.entries if e.item == "ledning.enhet.a1"] == ["Klar"]
    assert ("blad-omdopt", "Vår ledning", "") in codes(read)
    assert read.report.ok


def test_own_activities_and_inserted_rows_become_own_entries(plan: Plan, filled) -> None:
    own = {
        "risk": [
            {
                "period": "Kvartal 3",
                "text": "Tavelmöte om risker",
                "status": "Klar",
                "kommentar": "Varje fredag",
            }
        ]
    }
    path = filled("E1", {}, own=own)
    wb = load_workbook(path)
    ws = next(w for w in wb.worksheets if w["A1"].value == c.AREA_MARKER + "risk")
    last = max(r[0].row for r in ws.iter_rows() if r[0].value == "risk" + c.OWN_SUFFIX)
    ws.insert_rows(last + 1)
    cols = {
        str(cell.value): cell.column
        for cell in next(r for r in ws.iter_rows() if r[0].value == c.COLUMNS_MARKER)
    }
    ws.cell(last + 1, cols["period"]).value = "kv 3"
    ws.cell(last + 1, cols["text"]).value = "Extra rad som någon infogat"
    ws.cell(last + 1, cols["status"]).value = "Påbörjad"
    wb.save(path)
    read = read_workbook(path, plan)
    mine = sorted((e.text, e.status, e.period) for e in read.entries if e.kind == KIND_OWN)
    assert mine == [("Extra rad som någon infogat", "Påbörjad", "Q3"), ("Tavelmöte om risker", "Klar", "Q3")]


def test_deleted_area_sheet_is_a_warning_not_a_crash(plan: Plan, filled) -> None:
    path = filled("E1", {"ledning.enhet.a1@Q1": {"status": "Klar"}})
    wb = load_workbook(path)
    del wb[next(w.title for w in wb.worksheets if w["A1"].value == c.AREA_MARKER + "risk")]
    wb.save(path)
    read = read_workbook(path, plan)
    assert [(p.code, p.severity) for p in read.report] == [("blad-saknas", Severity.WARNING)]


def test_formula_without_cached_value_is_reported(plan: Plan, filled) -> None:
    path = filled("E1", {"ledning.enhet.m1@Q1": {"varde": "=2+3"}})
    read = read_workbook(path, plan)
    formula = [p for p in read.report if p.code == "formel-utan-varde"]
    assert (
        len(formula) == 1
        and formula[0].sheet.startswith("Engagerad ledning")
        and formula[0].cell.startswith("G")
    )


def test_not_a_workbook_is_refused_and_named(plan: Plan, tmp_path: Path) -> None:
    fake = tmp_path / "Enhet X.xlsx"
    fake.write_bytes(b"%PDF-1.4 not really")
    read = read_workbook(fake, plan)
    assert not read.report.ok and read.entries == []
    assert read.report.problems[0].file == "Enhet X.xlsx"
