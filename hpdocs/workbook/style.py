"""Shared look of generated workbooks (standard workbooks and roll-ups)."""

from __future__ import annotations

import math
import weakref
from copy import copy

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
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

# Named: a font without a name is drawn in the reader's default (a serif in LibreOffice),
# wider than the body's Calibri, so headings wrapped past the heights fitted for them.
FONT_NAME = "Calibri"
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=16, color=DARK)
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
SECTION_FONT = Font(name=FONT_NAME, bold=True, size=12, color=DARK)
BOLD = Font(name=FONT_NAME, bold=True)
HINT_FONT = Font(name=FONT_NAME, italic=True, color="595959")
LINK_FONT = Font(name=FONT_NAME, underline="single", color="0563C1")
UNLOCKED = Protection(locked=False)  # cells the person fills in


def text_height(text: str, width_chars: float, *, line_height: float = 15.0) -> float:
    """Row height (points) that shows wrapped text whole: Excel does not auto-fit
    merged cells, and LibreOffice only does so on edit."""
    usable = max(width_chars * 1.1 - 1, 5)  # 1.2 let "Verksamhetsområde" (17) clip at width 16
    lines = sum(max(1, math.ceil(len(part) / usable)) for part in str(text).split("\n"))
    return max(line_height, lines * line_height + 2)


def fit_row(ws: Worksheet, row: int, texts: dict[int, str], widths: dict[int, float]) -> None:
    """Make `row` tall enough for the longest wrapped text in it."""
    height = max((text_height(t, widths.get(c, 10)) for c, t in texts.items() if t), default=15.0)
    current = ws.row_dimensions[row].height or 15.0
    ws.row_dimensions[row].height = min(max(current, height), 409)


# The shared style objects above: safe to know by id (they live as long as the module).
_SHARED = {
    id(v)
    for v in (
        LOCKED_FILL,
        INPUT_FILL,
        EXPECTED_FILL,
        HEADER_FILL,
        SECTION_FILL,
        OWN_LEVEL_FILL,
        BORDER,
        WRAP,
        WRAP_CENTER,
        TITLE_FONT,
        HEADER_FONT,
        SECTION_FONT,
        BOLD,
        HINT_FONT,
    )
}
# Per workbook: the style array of each combination of shared styles, made once.
_ARRAYS: weakref.WeakKeyDictionary[Workbook, dict[tuple[tuple[str, int], ...], StyleArray]] = (
    weakref.WeakKeyDictionary()
)


def put(ws: Worksheet, row: int, col: int, value: object, **style: object) -> None:
    """Write a cell; strings go through write_text_cell so user text stays text.

    Setting `cell.font = ...` makes openpyxl hash the style objects again for every cell, most
    of the time of writing a styled sheet. A fresh cell given only the shared styles above gets
    a copy of the style array made for the first such cell instead: the same file.
    """
    cell = ws.cell(row=row, column=col)
    fresh = cell._style is None or not any(cell._style)
    if style and fresh and all(id(v) in _SHARED for v in style.values()):
        arrays = _ARRAYS.setdefault(ws.parent, {})
        key = tuple(sorted((name, id(v)) for name, v in style.items()))
        array = arrays.get(key)
        if array is None:
            for name, v in style.items():
                setattr(cell, name, v)
            arrays[key] = copy(cell._style)
        else:
            cell._style = copy(array)
    else:
        for name, v in style.items():
            setattr(cell, name, v)
    if isinstance(value, str):
        write_text_cell(cell, value)
    else:
        cell.value = value


def merge(ws: Worksheet, ref: str) -> None:
    """Merge a range whose cells other than the first are empty and unstyled (headings):
    without openpyxl's per-cell border copying, which costs a millisecond a merge."""
    ws.merged_cells.add(ref)


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
