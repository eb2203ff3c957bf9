"""How a roll-up workbook prints: print titles on every sheet, the Data sheet landscape
and one page wide, and columns of names wide enough that no name breaks mid-word.

A roll-up is read on screen but also printed for a meeting; Excel and LibreOffice
print what the page setup says, so it is set here, sheet by sheet.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hpdocs.workbook import contract as c
from hpdocs.workbook import style as s

# Column widths (characters) of the Data sheet, in the order of contract.DATA_COLUMNS.
DATA_WIDTHS: dict[str, float] = {
    "nod": 10,
    "nodnamn": 24,
    "niva": 8,
    "omrade": 14,
    "post": 22,
    "typ": 10,
    "nr": 5,
    "text": 30,
    "period": 8,
    "status": 16,
    "varde": 8,
    "namnare": 8,
    "kommentar": 40,
    "fil": 28,
    "blad": 20,
    "cell": 6,
    "inlamnad": 16,
}
DEFAULT_DATA_WIDTH = 12.0
NAME_MIN, NAME_MAX = 18.0, 34.0  # characters; a longer single word may still wrap


def name_column_width(names: Iterable[str], minimum: float = NAME_MIN) -> float:
    """A width (in characters) that holds the longest word of any name on one line,
    so Excel never breaks "Psykiatrimottagningen" in the middle."""
    longest = max((len(word) for name in names for word in str(name).split()), default=0)
    return max(minimum, min(NAME_MAX, longest * 1.1 + 2))


def print_data_sheet(ws: Worksheet) -> None:
    """The Data sheet on landscape pages one page wide, its header row on every page."""
    for col, key in enumerate(c.DATA_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = DATA_WIDTHS.get(key, DEFAULT_DATA_WIDTH)
    s.print_setup(ws, landscape=True, title_rows="1:1")


def print_titled(ws: Worksheet, rows: str, *, landscape: bool = True) -> None:
    """A sheet printed one page wide with `rows` (e.g. "1:2") repeated on every page."""
    s.print_setup(ws, landscape=landscape, title_rows=rows)
