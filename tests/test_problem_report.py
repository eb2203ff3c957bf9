"""The problem report a filler gets: in workbook order, with the period, the row and what was
written, and a verdict that tells a refused workbook from one used without some values."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from openpyxl import load_workbook

from hpdocs.plan import Plan
from hpdocs.workbook.problems_write import HEADER_ROW, write_problem_report
from hpdocs.workbook.read import read_workbook
from tests.conftest import FillFn


def rows(path: Path) -> tuple[list[str], list[dict[str, object]]]:
    wb = load_workbook(path, read_only=True)
    try:
        cells = [list(r) for r in wb["Problem"].iter_rows(values_only=True)]
    finally:
        wb.close()
    header = [str(v) for v in cells[HEADER_ROW - 1]]
    return [str(r[0]) for r in cells[:3]], [dict(zip(header, r, strict=False)) for r in cells[HEADER_ROW:]]


def test_cell_errors_say_the_workbook_is_used_with_period_row_and_what_was_written(
    filled: FillFn, plan: Plan, tmp_path: Path
) -> None:
    path = filled(
        "E1",
        {
            "kompetens.enhet.m1@Q3": {"varde": "60 %"},
            "ledning.enhet.m1@Q2": {"varde": "abc"},
            "ledning.enhet.a1@Q1": {"status": "Kanske"},
        },
    )
    read = read_workbook(path, plan)
    out = write_problem_report(read, tmp_path / "rapport.xlsx", {p.id: p.label for p in plan.periods})
    head, found = rows(out)

    assert "används" in head[1] and "INTE" not in head[1]
    errors = [r for r in found if r["Allvarlighet"] == "Fel"]
    assert {r["Skrivet"] for r in errors} >= {"60 %", "abc"}
    sixty = next(r for r in errors if r["Skrivet"] == "60 %")
    assert sixty["Period"] == "Kvartal 3"
    assert sixty["Rad i arbetsboken"]  # the measure's text, so the person finds the row
    # Workbook order: sheet by sheet as in the workbook, then by row.
    sheets = list(read.areas_found.values())
    positions = [(sheets.index(r["Blad"]) if r["Blad"] in sheets else 99) for r in found]
    assert positions == sorted(positions)


def test_a_file_level_error_says_the_workbook_cannot_be_used(
    filled: FillFn, plan: Plan, tmp_path: Path
) -> None:
    path = filled("E1", {}, identity={"hpdocs.nod": "X99"})
    read = read_workbook(path, plan)
    # An unknown node is known only against an organisation: simulate the pipeline's verdict.
    from hpdocs.problems import Problem

    read.report.add(Problem("nod-okand", "Noden X99 finns inte i organisationen.", file=read.name))
    head, found = rows(write_problem_report(read, tmp_path / "r.xlsx"))
    assert "kan INTE användas" in head[1]
    assert found[0]["Kod"] == "nod-okand"  # the file's own problem first


def test_each_cell_links_to_the_cell_in_the_persons_workbook(
    filled: FillFn, plan: Plan, tmp_path: Path
) -> None:
    path = filled("E1", {"kompetens.enhet.m1@Q3": {"varde": "60 %"}})
    read = read_workbook(path, plan)
    problem = next(p for p in read.report.errors)
    out = write_problem_report(read, tmp_path / "r.xlsx")
    wb = load_workbook(out)
    try:
        ws = wb["Problem"]
        cell = next(
            ws.cell(row=r, column=3)
            for r in range(HEADER_ROW + 1, ws.max_row + 1)
            if ws.cell(row=r, column=3).value == problem.cell
        )
        assert cell.hyperlink is not None
        assert unquote(cell.hyperlink.target) == path.name
        assert cell.hyperlink.location == f"'{problem.sheet}'!{problem.cell}"
    finally:
        wb.close()
