"""An Excel problems report for the person who must fix a workbook.

Written beside the outputs, never into the original file.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from hpdocs.atomic import atomic_path
from hpdocs.problems import Severity
from hpdocs.workbook import style as s
from hpdocs.workbook.read import WorkbookRead


def write_problem_report(read: WorkbookRead, path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Problem"
    errors = len(read.report.errors)
    verdict = (
        "Arbetsboken kan INTE användas förrän felen är rättade."
        if errors
        else "Arbetsboken används; titta gärna på varningarna."
    )
    s.put(ws, 1, 1, f"Problem i {read.name}", font=s.TITLE_FONT)
    s.put(ws, 2, 1, f"{errors} fel, {len(read.report.warnings)} varningar. {verdict}", font=s.BOLD)
    s.put(
        ws,
        3,
        1,
        "Rätta i din egen arbetsbok (inte i den här filen) och skicka in den igen.",
        font=s.HINT_FONT,
    )
    headers = ("Allvarlighet", "Blad", "Cell", "Vad är fel och vad ska du göra", "Kod")
    widths = (12, 30, 8, 90, 22)
    for col, (title, width) in enumerate(zip(headers, widths, strict=True), start=1):
        s.put(ws, 5, col, title, font=s.HEADER_FONT, fill=s.HEADER_FILL, border=s.BORDER)
        ws.column_dimensions[ws.cell(row=5, column=col).column_letter].width = width
    ordered = sorted(read.report.problems, key=lambda p: (p.severity != Severity.ERROR, p.sheet, p.cell))
    for row, problem in enumerate(ordered, start=6):
        values = (
            "Fel" if problem.severity == Severity.ERROR else "Varning",
            problem.sheet,
            problem.cell,
            problem.message,
            problem.code,
        )
        for col, value in enumerate(values, start=1):
            s.put(ws, row, col, value, alignment=s.WRAP, border=s.BORDER)
        if problem.severity == Severity.ERROR:
            ws.cell(row=row, column=1).fill = s.PatternFill("solid", fgColor="FFC7CE")
        s.fit_row(ws, row, {4: problem.message}, {4: 90})
    ws.freeze_panes = "A6"
    s.print_setup(ws)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    wb.close()
    return path
