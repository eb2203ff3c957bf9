"""An Excel problems report for the person who must fix a workbook.

Written beside the outputs, never into the original file. The problems come in the order the
person meets them in their workbook (the file's own first, then sheet by sheet, row by row), and
each says which period and which row of the plan it is about and what was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import CellCoordinatesException
from openpyxl.worksheet.hyperlink import Hyperlink

from hpdocs.atomic import atomic_path
from hpdocs.problems import Problem, Severity
from hpdocs.workbook import style as s
from hpdocs.workbook.read import WorkbookRead

COLUMNS = (  # title, width, text wrapped to the width
    ("Allvarlighet", 12),
    ("Blad", 26),
    ("Cell", 7),
    ("Period", 11),
    ("Rad i arbetsboken", 34),
    ("Skrivet", 16),
    ("Vad är fel och vad ska du göra", 64),
    ("Kod", 20),
)
HEADER_ROW = 5
WIDTHS: dict[int, float] = {col: width for col, (_, width) in enumerate(COLUMNS, start=1)}


def verdict(read: WorkbookRead) -> str:
    """What the errors mean for the workbook: refused, used without some values, or used."""
    errors = read.report.errors
    if any(p.file_level for p in errors):
        return "Arbetsboken kan INTE användas förrän felen är rättade."
    if errors:
        return "Arbetsboken används, men värdena i cellerna med fel räknas inte förrän felen är rättade."
    return "Arbetsboken används; titta gärna på varningarna."


def workbook_order(read: WorkbookRead, problems: list[Problem]) -> list[Problem]:
    """The file's own problems first, then sheet by sheet as in the workbook, row by row."""
    sheets = {name: i for i, name in enumerate(read.areas_found.values())}

    def key(p: Problem) -> tuple[int, int, str, int, int]:
        try:
            letters, row = coordinate_from_string(p.cell)
            position = (row, column_index_from_string(letters))
        except (CellCoordinatesException, ValueError):
            position = (0, 0)
        return (0 if p.file_level else 1, sheets.get(p.sheet, len(sheets)), p.sheet, *position)

    return sorted(problems, key=key)


def cell_link(read: WorkbookRead, problem: Problem, ref: str) -> Hyperlink:
    """A link to the cell in the person's own workbook, relative to the folder they keep both in
    (the file as target, the cell as the location within it, as Excel writes such links)."""
    sheet = problem.sheet.replace("'", "''")
    return Hyperlink(ref=ref, target=quote(read.path.name), location=f"'{sheet}'!{problem.cell}")


def write_problem_report(read: WorkbookRead, path: Path, periods: Mapping[str, str] | None = None) -> Path:
    """Write the report; `periods` maps period ids to the plan's labels ("Q3" -> "Kvartal 3")."""
    labels = periods or {}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Problem"
    report = read.report
    s.put(ws, 1, 1, f"Problem i {read.name}", font=s.TITLE_FONT)
    counts = f"{len(report.errors)} fel, {len(report.warnings)} varningar."
    s.put(ws, 2, 1, f"{counts} {verdict(read)}", font=s.BOLD)
    s.put(
        ws,
        3,
        1,
        "Rätta i din egen arbetsbok (inte i den här filen) och skicka in den igen. Ligger rapporten i "
        "samma mapp som arbetsboken öppnar länkarna i kolumnen Cell rätt cell.",
        font=s.HINT_FONT,
    )
    for col, (title, width) in enumerate(COLUMNS, start=1):
        s.put(ws, HEADER_ROW, col, title, font=s.HEADER_FONT, fill=s.HEADER_FILL, border=s.BORDER)
        ws.column_dimensions[ws.cell(row=HEADER_ROW, column=col).column_letter].width = width
    for row, problem in enumerate(workbook_order(read, report.problems), start=HEADER_ROW + 1):
        values = (
            "Fel" if problem.severity == Severity.ERROR else "Varning",
            problem.sheet,
            problem.cell,
            labels.get(problem.period, problem.period),
            problem.context,
            problem.written,
            problem.message,
            problem.code,
        )
        for col, value in enumerate(values, start=1):
            s.put(ws, row, col, value, alignment=s.WRAP, border=s.BORDER)
        if problem.sheet and problem.cell:
            link = ws.cell(row=row, column=3)
            link.hyperlink = cell_link(read, problem, link.coordinate)
            link.font = s.LINK_FONT
        if problem.severity == Severity.ERROR:
            ws.cell(row=row, column=1).fill = s.PatternFill("solid", fgColor="FFC7CE")
        wrapped = {i: str(v) for i, v in enumerate(values, start=1) if v}
        s.fit_row(ws, row, wrapped, WIDTHS)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    s.print_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    wb.close()
    return path
