"""Putting text typed by users into workbook cells without surprises.

User text (comments, activity names, plan titles) travels from workbooks other people filled in
into workbooks we write. Three things go wrong if it is written naively with openpyxl:

* a value starting with `=` becomes a formula (formula injection; `=HYPERLINK(...)` or
  `=WEBSERVICE(...)` runs when somebody opens the file), and `#N/A` becomes an error value;
* control characters raise `IllegalCharacterError` (and U+FFFE, U+FFFF or lone surrogates
  make a file Excel refuses to open);
* text over Excel's 32,767-character cell limit is cut silently by openpyxl;
* `_x0041_` in a text is read back by Excel, LibreOffice and calamine as the escape of "A".
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

EXCEL_MAX_CELL_CHARS = 32_767  # counted in UTF-16 code units, as Excel does
ELLIPSIS = "…"
FORMULA_PREFIXES = ("=", "+", "-", "@")
# Code points that are not allowed in XML 1.0 at all, beyond openpyxl's control characters.
_NOT_XML_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")
# OOXML's escape for characters XML cannot hold; a literal one is escaped by escaping its "_".
_OOXML_ESCAPE_RE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def safe_cell_text(value: str) -> str:
    """`value` without characters a workbook cannot hold, cut to fit one cell.

    Tab, newline and carriage return stay; emoji, right-to-left scripts and Swedish letters
    stay. A cut is marked with "…" so that a reader sees the text goes on elsewhere.
    """
    text = _NOT_XML_RE.sub("", ILLEGAL_CHARACTERS_RE.sub("", value))
    if len(text) * 2 <= EXCEL_MAX_CELL_CHARS or _utf16_len(text) <= EXCEL_MAX_CELL_CHARS:
        return text
    budget = EXCEL_MAX_CELL_CHARS - len(ELLIPSIS)
    kept: list[str] = []
    for char in text:  # count as Excel does: characters outside the BMP take two units
        budget -= 2 if ord(char) > 0xFFFF else 1
        if budget < 0:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS


def write_text_cell(cell: Cell, value: str) -> None:
    """Store user text in `cell` as text, never as a formula or an error value.

    openpyxl decides the type from the value: a string starting with `=` is written as a
    formula and `#N/A` as an error, so whatever a unit manager typed would run or break when
    the workbook is opened. Setting `data_type = "s"` after the value makes openpyxl write the
    cell as an inline string (`<is><t>…</t></is>`, never `<f>`), which Excel and LibreOffice
    show as the text itself. For text that Excel would turn into a formula when a person
    edits the cell and presses Enter (`= + - @`), `quotePrefix` is set as well: Excel then
    shows it with the apostrophe it uses for text typed as `'=…`, and keeps it text. A literal
    `_x0041_` is written as `_x005F_x0041_` so that readers show it as typed, not as "A".
    """
    stored, quote = cell_text(value)
    cell.value = stored
    cell.data_type = "s"
    if quote:
        cell.quotePrefix = True


def cell_text(value: str) -> tuple[str, bool]:
    """(the text to store for `value`, whether the cell needs `quotePrefix`): what
    `write_text_cell` puts in a cell, for writers that make the cell XML themselves."""
    text = safe_cell_text(value)
    return _OOXML_ESCAPE_RE.sub(r"_x005F_\1", text), text.startswith(FORMULA_PREFIXES)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
