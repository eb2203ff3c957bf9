"""Shared look of generated workbooks (standard workbooks and roll-ups)."""

from __future__ import annotations

import math

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from hpdocs.textsafe import write_text_cell

DARK = "1F4E79"
LIGHT = "DDEBF7"
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
EXPECTED_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor=DARK)
SECTION_FILL = PatternFill("solid", fgColor=LIGHT)
OWN_LEVEL_FILL = PatternFill("solid", fgColor="E2EFDA")
STATUS_FILLS = {0: "C6EFCE", 1: "FFEB9C", 2: "FFC7CE"}

THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")

TITLE_FONT = Font(bold=True, size=16, color=DARK)
HEADER_FONT = Font(bold=True, color="FFFFFF")
SECTION_FONT = Font(bold=True, size=12, color=DARK)
BOLD = Font(bold=True)
HINT_FONT = Font(italic=True, color="595959")


def text_height(text: str, width_chars: float, *, line_height: float = 15.0) -> float:
    """Row height (points) that shows wrapped text whole: Excel does not auto-fit
    merged cells, and LibreOffice only does so on edit."""
    usable = max(width_chars * 1.2 - 1, 5)
    lines = sum(max(1, math.ceil(len(part) / usable)) for part in str(text).split("\n"))
    return max(line_height, lines * line_height + 2)


def fit_row(ws: Worksheet, row: int, texts: dict[int, str], widths: dict[int, float]) -> None:
    """Make `row` tall enough for the longest wrapped text in it."""
    height = max((text_height(t, widths.get(c, 10)) for c, t in texts.items() if t), default=15.0)
    current = ws.row_dimensions[row].height or 15.0
    ws.row_dimensions[row].height = min(max(current, height), 409)


def put(ws: Worksheet, row: int, col: int, value: object, **style: object) -> None:
    """Write a cell; strings go through write_text_cell so user text stays text."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        write_text_cell(cell, value)
    else:
        cell.value = value
    for key, val in style.items():
        setattr(cell, key, val)


def print_setup(ws: Worksheet, *, landscape: bool = True, title_rows: str | None = None) -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A – sida &P av &N"
