"""The roll-up's Data sheet is written as raw XML for speed: it must hold exactly what
openpyxl would have written, for every kind of text people type."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from hpdocs.consolidate import consolidate
from hpdocs.org import Organisation
from hpdocs.plan import Plan
from hpdocs.workbook import contract as c
from hpdocs.workbook import rollup_write
from hpdocs.workbook import style as s
from hpdocs.workbook.rawrows import TableRows, save_with_rows
from hpdocs.workbook.read import Entry, read_workbook
from hpdocs.workbook.rollup_write import write_rollup

TRICKY = [
    '=HYPERLINK("http://example.com")',
    "+46 70 123",
    "-5",
    "@summa",
    "  inledande blanksteg",
    "avslutande blanksteg ",
    "rad 1\r\nrad 2\rrad 3\n",
    "_x0041_ och _x005F_",
    "styrtecken\x01\x02\x1f här",
    "emoji 😀 & <b>fet</b> ”citat”",
    "x" * 40_000,
    "😀" * 20_000,
    "\t",
    "#N/A",
    "a\u2028b\ufffe",
    "Åsa Öberg – Ärende",
]
NUMBERS = [None, 1e20, 3, -0.0, 1 / 3, 12.5, 1e-7]


def entries(plan: Plan) -> list[Entry]:
    area = plan.areas[0]
    activity = area.rows[-1].activities[0]
    result = []
    for i, text in enumerate(TRICKY):
        node = ("E1", "E2", "E3")[i % 3]
        result.append(
            Entry(
                node,
                area.id,
                activity.id,
                "aktivitet",
                "Q3",
                "Klar",
                NUMBERS[i % len(NUMBERS)],
                None,
                text if i % 2 else "",
                text,
                f"{node} {text[:20]}.xlsx",
                "Blad",
                f"F{i + 10}",
                "1",
            )
        )
    return result


def reference_data_sheet(rollup, stamps: dict[str, str], path: Path) -> Path:
    """The Data sheet the way it was written before: openpyxl, cell by cell."""
    wb = Workbook()
    ws = wb.active
    ws.title = c.DATA_SHEET
    for col, key in enumerate(c.DATA_COLUMNS, start=1):
        s.put(ws, 1, col, key, font=s.BOLD)
    for row, e in enumerate(rollup.entries, start=2):
        values = [
            e.node,
            rollup.names.get(e.node, ""),
            "",
            e.area,
            e.item,
            e.kind,
            e.nr,
            e.text,
            e.period,
            e.status,
            e.value,
            e.denominator,
            e.comment,
            e.file,
            e.sheet,
            e.cell,
            stamps.get(e.node, ""),
        ]
        for col, value in enumerate(values, start=1):
            if value is not None and value != "":
                s.put(ws, row, col, value)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:Q{max(len(rollup.entries) + 1, 2)}"
    wb.save(path)
    return path


def cells(path: Path) -> tuple[list, tuple]:
    ws = load_workbook(path)[c.DATA_SHEET]
    found = [
        (cell.coordinate, cell.value, cell.data_type, cell.quotePrefix, cell.font.b)
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    return found, (ws.dimensions, ws.freeze_panes, ws.auto_filter.ref)


def test_data_sheet_holds_what_openpyxl_would_write(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    stamps = {"E1": "2022-10-01", "E2": "=1+1"}
    rollup = consolidate(plan, org, "B1", "Q3", 2022, entries(plan), submitted={"E1", "E2", "E3"})
    ours = write_rollup(rollup, tmp_path / "ny.xlsx", stamps=stamps)
    reference = reference_data_sheet(rollup, stamps, tmp_path / "referens.xlsx")
    assert cells(ours) == cells(reference)
    rows = CalamineWorkbook.from_path(str(ours)).get_sheet_by_name(c.DATA_SHEET).to_python()
    expected = CalamineWorkbook.from_path(str(reference)).get_sheet_by_name(c.DATA_SHEET).to_python()
    assert rows == expected
    assert any(quote for _, _, _, quote, _ in cells(ours)[0])  # "=HYPERLINK…" kept as text


def test_roll_up_reads_back_as_the_same_entries(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    plain = [
        dataclasses.replace(e, comment=f"kommentar {i} & <mer>", text="", file=f"{e.node}.xlsx")
        for i, e in enumerate(entries(plan))
    ]
    rollup = consolidate(plan, org, "B1", "Q3", 2022, plain, submitted={"E1", "E2", "E3"})
    path = write_rollup(rollup, tmp_path / "sammanstallning.xlsx")
    read = read_workbook(path, plan)
    assert read.kind == c.KIND_ROLLUP and read.report.ok
    assert read.entries == list(rollup.entries)


def test_empty_roll_up_has_only_the_header(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    rollup = consolidate(plan, org, "VO2", "Q3", 2022, [], submitted=set())
    found, (dimensions, freeze, autofilter) = cells(write_rollup(rollup, tmp_path / "tom.xlsx"))
    assert [coord for coord, *_ in found] == [f"{col}1" for col in "ABCDEFGHIJKLMNOPQ"]
    assert (dimensions, freeze, autofilter) == ("A1:Q1", "A2", "A1:Q2")


def styled_cells(ws) -> tuple[list, dict, dict]:
    found = [
        (
            cell.coordinate,
            cell.value,
            cell.data_type,
            cell.quotePrefix,
            cell.font.b,
            cell.fill.fgColor.rgb,
            cell.border.left.style,
            cell.alignment.wrap_text,
            cell.alignment.vertical,
        )
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None or cell.has_style
    ]
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
    return found, heights, widths


def test_area_tables_as_raw_rows_equal_cells_written_by_openpyxl(tmp_path: Path) -> None:
    """The area sheets' tables are written as raw XML: the same values, text rules, styles,
    row heights and column widths as the cell-by-cell table of the overview."""
    headers = ["Nivå", "Nr", "Aktivitet", "Status", "Per enhet"]
    rows: list[list[object]] = [[text, i, TRICKY[-1 - i], "", None] for i, text in enumerate(TRICKY)]
    rows.append(["–", 3.5, "Inga kommentarer", "", ""])
    widths = [16, 5, 58, 26, 48]

    reference = Workbook()
    s.put(reference.active, 1, 1, "Rubrik", font=s.TITLE_FONT)
    rollup_write._table(reference.active, 3, headers, rows, widths)
    reference.save(tmp_path / "referens.xlsx")

    ours = Workbook()
    s.put(ours.active, 1, 1, "Rubrik", font=s.TITLE_FONT)
    tables = TableRows(ours.active)
    after = tables.table(3, headers, rows, widths)
    save_with_rows(ours, [tables], tmp_path / "ny.xlsx")

    assert after == 3 + len(rows) + 2
    assert styled_cells(load_workbook(tmp_path / "ny.xlsx").active) == styled_cells(
        load_workbook(tmp_path / "referens.xlsx").active
    )
    ours_values = CalamineWorkbook.from_path(str(tmp_path / "ny.xlsx")).get_sheet_by_index(0).to_python()
    theirs = CalamineWorkbook.from_path(str(tmp_path / "referens.xlsx")).get_sheet_by_index(0).to_python()
    assert ours_values == theirs
