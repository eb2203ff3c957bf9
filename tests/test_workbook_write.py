"""The standard workbook: every plan text present, inputs editable, the rest locked."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

from hpdocs.plan import Plan
from hpdocs.workbook import contract as c
from hpdocs.workbook.write import COL


def _all_text(path: Path) -> str:
    wb = load_workbook(path)
    texts = [
        str(cell.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    wb.close()
    return "\n".join(texts)


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_company_workbook_holds_every_activity_measure_and_followup_text(
    plan: Plan, blank_workbooks: dict[str, Path]
) -> None:
    text = _norm(_all_text(blank_workbooks["B1"]))
    missing = []
    for area in plan.areas:
        for item in (area.title, area.priority):
            if _norm(item) not in text:
                missing.append(item)
        for row in area.rows:
            for item in (*row.activities, *row.measures, *row.followups):
                if _norm(item.text) not in text:
                    missing.append(item.text)
    for instruction in plan.instructions:
        if _norm(instruction) not in text:
            missing.append(instruction)
    assert missing == []


def test_one_sheet_per_area_found_by_marker(plan: Plan, blank_workbooks: dict[str, Path]) -> None:
    wb = load_workbook(blank_workbooks["E1"])
    markers = [ws["A1"].value for ws in wb.worksheets if str(ws["A1"].value or "").startswith(c.AREA_MARKER)]
    assert markers == [c.AREA_MARKER + a.id for a in plan.areas]
    assert wb[c.LISTS_SHEET].sheet_state == "hidden"
    assert all(len(ws.title) <= 31 for ws in wb.worksheets)
    wb.close()


def test_own_level_inputs_are_unlocked_and_everything_else_locked(
    plan: Plan, blank_workbooks: dict[str, Path]
) -> None:
    wb = load_workbook(blank_workbooks["E1"])
    ws = next(w for w in wb.worksheets if w["A1"].value == c.AREA_MARKER + "ledning")
    assert ws.protection.sheet
    ids = {str(r[0].value): r[0].row for r in ws.iter_rows() if r[0].value}
    activity_row = ids["ledning.enhet.a1@Q3"]
    measure_row = ids["ledning.enhet.m1@Q3"]
    status_row = ids["ledning.status@Q3"]
    assert not ws.cell(activity_row, COL["status"]).protection.locked
    assert not ws.cell(activity_row, COL["kommentar"]).protection.locked
    assert ws.cell(activity_row, COL["text"]).protection.locked  # plan text cannot be edited
    assert ws.cell(activity_row, COL["varde"]).protection.locked  # activities have no value
    assert not ws.cell(measure_row, COL["varde"]).protection.locked
    assert ws.cell(measure_row, COL["status"]).protection.locked
    assert not ws.cell(status_row, COL["status"]).protection.locked
    # Only the unit's own level has input rows; other levels are context only.
    assert not any(re.match(r"ledning\.(bolag|vo)\.", key) for key in ids)
    own = [r for r in ws.iter_rows() if r[0].value == "ledning" + c.OWN_SUFFIX]
    assert len(own) >= 5 and not own[0][COL["text"] - 1].protection.locked
    wb.close()


def test_dropdowns_use_ranges_not_inline_lists(blank_workbooks: dict[str, Path]) -> None:
    wb = load_workbook(blank_workbooks["E1"])
    ws = next(w for w in wb.worksheets if w["A1"].value == c.AREA_MARKER + "ledning")
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert formulas == {c.LIST_STATUS, c.LIST_AREA_STATUS, c.LIST_PERIOD}
    assert c.LIST_STATUS in wb.defined_names
    wb.close()


def test_identity_sheet_stamps_node_plan_and_version(plan: Plan, blank_workbooks: dict[str, Path]) -> None:
    wb = load_workbook(blank_workbooks["E2"])
    ws = wb[c.IDENTITY_SHEET]
    ident = {r[0].value: r[2].value for r in ws.iter_rows() if str(r[0].value or "").startswith("hpdocs.")}
    assert ident["hpdocs.nod"] == "E2"
    assert ident["hpdocs.plan"] == plan.id and ident["hpdocs.planversion"] == plan.version
    assert ident["hpdocs.mallversion"] == c.TEMPLATE_VERSION
    editable = [r[0].value for r in ws.iter_rows() if r[0].value and not r[2].protection.locked]
    assert editable == list(c.EDITABLE_IDENTITY_KEYS)
    wb.close()


def test_regional_plan_produces_workbooks_with_its_level_names(tmp_path: Path) -> None:
    from hpdocs.org import Node
    from hpdocs.planfile import load_plan
    from hpdocs.workbook.write import WorkbookSpec, write_workbook

    region = load_plan("region-2022-2024")
    node = Node("F1E1", "Vårdcentralen Hamnen", "enhet", "F1")
    path = write_workbook(WorkbookSpec(region, node, 2023), tmp_path / "w.xlsx")
    text = _all_text(path)
    assert "Tertial 2" in text and "Regionövergripande nivå" in text
    assert all(_norm(goal) in _norm(text) for area in region.areas for goal in area.goals)
