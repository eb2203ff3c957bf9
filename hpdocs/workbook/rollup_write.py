"""Write a roll-up workbook: overview, one sheet per area, and the Data sheet.

The Data sheet carries every input value with its source (file, sheet, cell),
so a business area's roll-up is itself a valid input for the company roll-up,
and every number can be traced back. Generated, never edited by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hpdocs import __version__
from hpdocs.atomic import atomic_path
from hpdocs.consolidate import NOT_ASSESSED, AreaResult, Rollup
from hpdocs.plan import LEVEL_KEYS, AreaKind, Plan
from hpdocs.reporting import excluded_line, headline, state_lines
from hpdocs.workbook import contract as c
from hpdocs.workbook import style as s
from hpdocs.workbook.data_rows import data_sheets, data_store
from hpdocs.workbook.identity_write import identity_sheet, identity_values
from hpdocs.workbook.rawrows import RawPart, TableRows, save_with_rows
from hpdocs.workbook.read import Entry
from hpdocs.workbook.rollup_print import name_column_width, print_titled

STATUS_FILL = {0: "C6EFCE", 1: "FFEB9C", 2: "FFC7CE"}


def status_fill(plan: Plan, status: str) -> str | None:
    if status in plan.area_statuses:
        return STATUS_FILL.get(plan.area_statuses.index(status))
    return None


def _table(
    ws: Worksheet, row: int, headers: list[str], rows: list[list[object]], widths: Sequence[float]
) -> int:
    """A small table cell by cell (the overview's; the long ones are `TableRows`)."""
    for col, (title, width) in enumerate(zip(headers, widths, strict=True), start=1):
        s.put(ws, row, col, title, font=s.HEADER_FONT, fill=s.HEADER_FILL, alignment=s.WRAP, border=s.BORDER)
        ws.column_dimensions[get_column_letter(col)].width = width
    s.fit_row(ws, row, dict(enumerate(headers, start=1)), dict(enumerate(widths, start=1)))
    for values in rows:
        row += 1
        for col, value in enumerate(values, start=1):
            s.put(ws, row, col, value, alignment=s.WRAP, border=s.BORDER)
        s.fit_row(
            ws,
            row,
            {i: str(v) for i, v in enumerate(values, start=1) if isinstance(v, str)},
            dict(enumerate(widths, start=1)),
        )
    return row + 2


def _names(rollup: Rollup, entries: tuple[Entry, ...] | list[Entry]) -> str:
    return "\n".join(f"{rollup.names.get(e.node, e.node)}: {e.comment}" for e in entries)


OVERVIEW_WIDTHS = [18, 30, 50, 18, 18, 45]


def _overview(ws: Worksheet, rollup: Rollup) -> None:
    plan, comp = rollup.plan, rollup.completeness
    s.put(ws, 1, 1, f"Sammanställning – {rollup.scope.name}", font=s.TITLE_FONT)
    s.put(
        ws,
        2,
        1,
        f"{plan.title} {rollup.year} · {rollup.period_label} · skapad {datetime.now():%Y-%m-%d %H:%M} med hpdocs {__version__}",
        font=s.HINT_FONT,
    )
    status = "Komplett" if comp.complete else "OFULLSTÄNDIG – alla har inte rapporterat för perioden"
    lines = [("Status", status), ("Rapportering", headline(rollup))]
    lines += [(state.label, ", ".join(state.names)) for state in state_lines(rollup)]
    lines += [("Räknas inte", excluded_line(rollup, value)) for value in comp.excluded]
    row = 4
    for label, text in lines:
        s.put(ws, row, 1, label, font=s.BOLD, alignment=s.WRAP)
        s.put(ws, row, 2, text, alignment=s.WRAP)
        s.merge(ws, f"B{row}:F{row}")
        s.fit_row(ws, row, {1: label, 2: text}, {1: OVERVIEW_WIDTHS[0], 2: 150})
        row += 1
    headers = ["Typ", "Område", "Prioritering", "Egen bedömning", "Föreslagen status", "Kommentar"]
    rows: list[list[object]] = []
    for result in rollup.areas:
        kind = "Grundläggande förutsättning" if result.area.kind is AreaKind.PREREQUISITE else "Fokusområde"
        rows.append(
            [
                kind,
                result.area.report_title,
                result.area.report_priority,
                result.own_status or "(ingen)",
                result.proposed_status,
                result.own_comment,
            ]
        )
    _table(ws, row + 1, headers, rows, OVERVIEW_WIDTHS)
    for i, result in enumerate(rollup.areas, start=row + 2):
        for col, value in ((4, result.own_status), (5, result.proposed_status)):
            color = status_fill(plan, value)
            if color:
                ws.cell(row=i, column=col).fill = s.PatternFill("solid", fgColor=color)
    ws.freeze_panes = "A4"
    print_titled(ws, "1:2")


GRID = [18, 5, 56, 26, 48]  # every table on an area sheet shares this grid, so it prints on one page width


def _item_texts(plan: Plan) -> dict[str, str]:
    texts: dict[str, str] = {}
    for area in plan.areas:
        texts[area.id + c.STATUS_SUFFIX] = "Områdets samlade status"
        for row in area.rows:
            texts.update({a.id: a.text for a in row.activities})
            texts.update({m.id: m.text for m in row.measures})
    return texts


def _grid(rollup: Rollup) -> list[float]:
    """GRID with its first column (level, unit names) wide enough for the longest word."""
    words = [*rollup.names.values(), *(rollup.plan.level_name(k) for k in LEVEL_KEYS)]
    return [name_column_width(words, GRID[0]), *GRID[1:]]


def _area_sheet(ws: Worksheet, rollup: Rollup, result: AreaResult, texts: dict[str, str]) -> TableRows:
    """The area's heading (cells) and its four tables (raw rows, returned to be saved)."""
    plan = rollup.plan
    names = rollup.names
    grid = _grid(rollup)
    s.put(ws, 1, 1, result.area.title, font=s.TITLE_FONT)
    s.put(ws, 2, 1, f"Prioritering: {result.area.priority}", alignment=s.WRAP)
    s.merge(ws, "A2:E2")
    s.fit_row(ws, 2, {1: result.area.priority}, {1: sum(grid)})
    own = (
        f"{result.own_status} (egen bedömning)"
        if result.own_status
        else f"{result.proposed_status} (förslag utifrån aktiviteterna)"
    )
    s.put(ws, 3, 1, f"Status: {own}", font=s.BOLD)
    s.merge(ws, "A3:C3")
    color = status_fill(plan, result.status)
    if color:
        ws.cell(row=3, column=1).fill = s.PatternFill("solid", fgColor=color)
    if result.own_comment:
        s.put(ws, 4, 1, result.own_comment, alignment=s.WRAP)
        s.merge(ws, "A4:E4")
        s.fit_row(ws, 4, {1: result.own_comment}, {1: sum(grid)})
    rows: list[list[object]] = []
    for act in result.activities:
        summary = "\n".join(f"{st}: {n}" for st, n in act.counts.items())
        missing = sum(1 for v in act.statuses.values() if not v)
        if missing:
            summary += ("\n" if summary else "") + f"Ej angivet: {missing}"
        per_node = "\n".join(f"{names.get(n, n)}: {v or '–'}" for n, v in act.statuses.items())
        rows.append([plan.level_name(act.level), act.number, act.text, summary or "Inga inlämnade", per_node])
    tables = TableRows(ws)
    row = tables.table(6, ["Nivå", "Nr", "Aktivitet", "Status", "Per enhet"], rows, grid)
    m_rows: list[list[object]] = []
    for m in result.measures:
        target = f"\nMål {m.target:g} %" if m.target is not None else ""
        values = "\n".join(f"{names.get(e.node, e.node)}: {_entry_value(e)}" for e in m.reporting)
        m_rows.append(
            [plan.level_name(m.level), m.measure.number, m.measure.text, m.display + target, values]
        )
    row = tables.table(
        row,
        ["Nivå", "Nr", "Mätning", "Resultat", "Per enhet"],
        m_rows or [["–", "", "Inga mätningar", "", ""]],
        grid,
    )
    own_rows: list[list[object]] = [
        [names.get(e.node, e.node), e.nr, e.text, e.status, e.comment] for e in result.own_activities
    ]
    row = tables.table(
        row,
        ["Tillagd av", "Nr", "Egen aktivitet", "Status", "Kommentar"],
        own_rows or [["–", "", "Inga egna aktiviteter", "", ""]],
        grid,
    )
    comment_rows: list[list[object]] = [
        [names.get(e.node, e.node), e.nr, e.text or texts.get(e.item, e.item), e.status, e.comment]
        for e in result.comments
    ]
    tables.table(
        row,
        ["Från", "Nr", "Gäller", "Status", "Kommentar"],
        comment_rows or [["–", "", "Inga kommentarer", "", ""]],
        grid,
    )
    print_titled(ws, "1:1")
    return tables


def _entry_value(e: Entry) -> str:
    if e.value is None:
        return e.comment or "–"
    if e.denominator is not None:
        return f"{e.value:g}/{e.denominator:g}"
    return f"{e.value:g}"


def write_rollup(
    rollup: Rollup,
    path: Path,
    *,
    stamps: dict[str, str] | None = None,
    cache_dir: Path | None = None,
    digests: dict[str, str] | None = None,
) -> Path:
    """Write the roll-up workbook atomically. With `cache_dir`, the Data sheet's rows of
    nodes unchanged since the last run are taken from the project's store of them (known by
    `digests` of their entries where given, see hpdocs.outputs.Keys)."""
    wb = Workbook()
    overview = wb.active
    assert overview is not None
    overview.title = c.OVERVIEW_SHEET
    _overview(overview, rollup)
    values = identity_values(rollup.plan, rollup.scope, rollup.year, c.KIND_ROLLUP, "", "")
    identity_sheet(wb, values, c.KIND_ROLLUP)
    print_titled(wb[c.IDENTITY_SHEET], "1:1", landscape=False)
    taken = {c.OVERVIEW_SHEET, c.IDENTITY_SHEET, c.DATA_SHEET}
    texts = _item_texts(rollup.plan)
    parts: list[RawPart] = []
    for result in rollup.areas:
        sheet = wb.create_sheet(c.safe_sheet_title(result.area.sheet_title, taken))
        parts.append(_area_sheet(sheet, rollup, result, texts))
    store = data_store(cache_dir) if cache_dir is not None else None
    sheets = data_sheets(wb, rollup.entries, rollup.names, stamps or {}, store, digests)
    with atomic_path(path) as tmp:
        save_with_rows(wb, [*parts, *sheets], tmp)
    wb.close()
    if store is not None:
        store.save()
    return path


__all__ = ["NOT_ASSESSED", "status_fill", "write_rollup"]
