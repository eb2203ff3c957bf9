"""Rows written as worksheet XML, straight into a workbook openpyxl saves.

openpyxl builds and writes a cell in about 30 µs; a company roll-up has hundreds of thousands.
Long, regular parts of a sheet (the Data sheet, the tables on the area sheets) are therefore
made here as the XML openpyxl itself would write (inline strings, `t="n"` numbers, the same
cell references, style ids registered in the workbook through openpyxl) and put into the
sheet's XML after openpyxl has saved the rest: `save_with_rows`. Text goes through
`hpdocs.textsafe.cell_text`, so the same text rules apply as for every other cell.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hpdocs.textsafe import cell_text
from hpdocs.workbook import style as s
from hpdocs.workbook.deflate import segment, write_member

MAX_ROW_HEIGHT = 409  # points; Excel's limit


class RawPart(Protocol):
    """Rows for one sheet: appended after the rows openpyxl wrote for it."""

    ws: Worksheet

    def chunks(self) -> Iterator[bytes]: ...

    def dimension(self) -> str: ...


def xml_escape(text: str) -> str:
    # As lxml escapes element text; a carriage return would otherwise be read back as "\n".
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def number(value: object) -> str:
    assert isinstance(value, int | float)
    return "" if math.isnan(value) or math.isinf(value) else f"{value:.16g}"  # as openpyxl writes numbers


def inline_text(text: str, style: str) -> str:
    """What follows `<c r="A2"` for a text cell holding `text` (already made safe)."""
    if not text:
        return f'{style} t="inlineStr"/>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'{style} t="inlineStr"><is><t{space}>{xml_escape(text)}</t></is></c>'


class StyleIds:
    """The ` s="N"` attribute of each kind of raw cell, registered in the workbook on first use
    through a detached openpyxl cell (so the workbook saves the style): "plain" cells have none
    unless the text needs `quotePrefix`; table "header" and "body" cells have the table look."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self._ids: dict[tuple[str, bool], str] = {}
        self._texts: dict[tuple[str, str], str] = {}  # a table repeats names, levels, statuses

    def get(self, kind: str, quote: bool) -> str:
        found = self._ids.get((kind, quote))
        if found is None:
            probe = Cell(self.ws)
            if kind == "header":
                probe.font, probe.fill = s.HEADER_FONT, s.HEADER_FILL
            if kind != "plain":
                probe.alignment, probe.border = s.WRAP, s.BORDER
            probe.quotePrefix = quote
            found = self._ids[(kind, quote)] = f' s="{probe.style_id}"' if probe.has_style else ""
        return found

    def text(self, value: str, kind: str = "plain") -> str:
        """What follows `<c r="A2"` for a cell of `kind` holding the user text `value`."""
        found = self._texts.get((value, kind))
        if found is None:
            text, quote = cell_text(value)
            found = self._texts[(value, kind)] = inline_text(text, self.get(kind, quote))
        return found


class TableRows:
    """Tables (a header row, then body rows with wrapped text and borders) as raw rows.

    `table` has the contract of the cell-by-cell version in rollup_write: it sets the column
    widths, fits each body row's height to its text and returns the row after the table and
    a blank row. The sheet's own cells (openpyxl) must all lie above the first table.
    """

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self._parts: list[str] = []
        self._styles = StyleIds(ws)
        self._last = (ws.max_row, ws.max_column)

    def _row(self, number_: int, values: Sequence[object], kind: str, height: float | None) -> None:
        parts = self._parts
        parts.append(f'<row r="{number_}"' + (f' ht="{height:g}" customHeight="1">' if height else ">"))
        for col, value in enumerate(values, start=1):
            ref = f"{get_column_letter(col)}{number_}"
            if isinstance(value, str):
                parts.append(f'<c r="{ref}"{self._styles.text(value, kind)}')
            elif value is None:
                parts.append(f'<c r="{ref}"{self._styles.get(kind, False)}/>')
            else:
                parts.append(f'<c r="{ref}"{self._styles.get(kind, False)} t="n"><v>{number(value)}</v></c>')
        parts.append("</row>")
        self._last = (max(self._last[0], number_), max(self._last[1], len(values)))

    def table(self, row: int, headers: list[str], rows: list[list[object]], widths: Sequence[float]) -> int:
        for col, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self._row(row, headers, "header", _height(headers, widths))
        for values in rows:
            row += 1
            self._row(row, values, "body", _height(values, widths))
        return row + 2

    def chunks(self) -> Iterator[bytes]:
        yield "".join(self._parts).encode("utf-8")

    def dimension(self) -> str:
        rows, cols = self._last
        return f"A1:{get_column_letter(max(cols, 1))}{max(rows, 1)}"


def _height(values: Sequence[object], widths: Sequence[float]) -> float:
    """A row's height: its tallest wrapped text, as style.fit_row makes it for openpyxl cells."""
    height = max(
        (
            s.text_height(v, widths[i])
            for i, v in enumerate(values)
            if isinstance(v, str) and v and i < len(widths)
        ),
        default=15.0,
    )
    return min(max(15.0, height), MAX_ROW_HEIGHT)


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?"/>')


def save_with_rows(wb: Workbook, parts: Sequence[RawPart], target: Path) -> None:
    """Save `wb` to `target` with each part's rows put at the end of its sheet's rows."""
    buffer = io.BytesIO()
    wb.save(buffer)
    by_member = {part.ws.path.lstrip("/"): part for part in parts}
    # Level 1: on a 1,000-workbook company roll-up (86 MB of XML) 0.4 s instead of 1.4 s at the
    # default level 6, for a file of 7.9 MB instead of 6.5 MB.
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            part = by_member.get(info.filename)
            if part is None:
                out.writestr(info, content)
                continue
            head, end, tail = content.partition(b"</sheetData>")
            if not end:  # an empty sheet is written as <sheetData/>
                head, end, tail = content.partition(b"<sheetData/>")
                if not end:
                    raise ValueError(f"{info.filename}: no sheetData")
                head, end = head + b"<sheetData>", b"</sheetData>"
            ref = part.dimension()
            head = _DIMENSION.sub(f'<dimension ref="{ref}"/>'.encode(), head, count=1)
            last_row = int(re.sub(r"^.*?([0-9]+)$", r"\1", ref))
            pieces = getattr(part, "segments", None)
            if pieces is not None:  # compressed ahead of time (hpdocs.workbook.deflate)
                write_member(out, info, [segment(head), *pieces(), segment(end + tail)])
                continue
            with out.open(info.filename, "w", force_zip64=last_row > 500_000) as stream:
                stream.write(head)
                for chunk in part.chunks():
                    stream.write(chunk)
                stream.write(end + tail)
