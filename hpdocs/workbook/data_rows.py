"""The Data sheet of a roll-up: every input value with its source, as raw worksheet XML.

The Data sheet carries every entry in scope (node, item, period, value, file, sheet, cell), so
a business area's roll-up is itself a valid input for the company roll-up and every number
can be traced back. A company roll-up has one row per entry of the organisation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import attrgetter

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hpdocs.workbook import contract as c
from hpdocs.workbook import style as s
from hpdocs.workbook.rawrows import StyleIds
from hpdocs.workbook.rawrows import number as raw_number
from hpdocs.workbook.read import Entry
from hpdocs.workbook.rollup_print import print_data_sheet

DATA_ROWS_PER_SHEET = 1_048_575  # Excel's 1,048,576 rows less the header


def _data_sheet(ws: Worksheet, rows: int) -> None:
    """A Data sheet's header, frozen pane and filter; its rows are added by `DataRows`."""
    for col, key in enumerate(c.DATA_COLUMNS, start=1):
        s.put(ws, 1, col, key, font=s.BOLD)
    ws.freeze_panes = "A2"
    print_data_sheet(ws)
    ws.auto_filter.ref = f"A1:{ws.cell(row=1, column=len(c.DATA_COLUMNS)).column_letter}{max(rows + 1, 2)}"


class DataRows:
    """A Data sheet's rows as worksheet XML, written straight into the saved file.

    A company roll-up carries every entry of the organisation: about 110 rows per workbook,
    over a million cells for 1,000 workbooks, which openpyxl builds and writes at ~30 µs a
    cell. These rows have no styles, so they are written here as the XML openpyxl would write
    (inline strings, `t="n"` numbers, the same cell references), each distinct text made safe
    once by `StyleIds.text`: the cleaning and escapes of `write_text_cell`, and the same
    `quotePrefix` style for text that Excel would take for a formula. More entries than one
    sheet holds continue on "Data 2", "Data 3"…; the reader reads them in that order.
    """

    def __init__(
        self,
        ws: Worksheet,
        entries: Sequence[Entry],
        names: dict[str, str],
        stamp: dict[str, str],
        texts: dict[str, str],
    ) -> None:
        self.ws, self.entries, self.names, self.stamp = ws, entries, names, stamp
        self.letters = [get_column_letter(i) for i in range(1, len(c.DATA_COLUMNS) + 1)]
        self._texts = texts  # shared by a roll-up's Data sheets
        self._styles = StyleIds(ws)

    def _text(self, value: str) -> str:
        """What follows `<c r="A2"` for a text cell."""
        found = self._texts.get(value)
        if found is None:
            found = self._texts[value] = self._styles.text(value)
        return found

    def prepare(self) -> None:
        """Make every distinct text safe before the workbook is saved: a text that needs the
        `quotePrefix` style registers it in the workbook's styles, which are saved first."""
        entries = self.entries
        texts: set[object] = set()
        for name in _TEXT_FIELDS:
            texts.update(map(attrgetter(name), entries))
        nodes = {e.node for e in entries}
        texts.update(self.names.get(n, "") for n in nodes)
        texts.update(self.stamp.get(n, "") for n in nodes)
        for value in texts:
            if isinstance(value, str) and value:
                self._text(value)

    def chunks(self, rows_per_chunk: int = 2000) -> Iterator[bytes]:
        parts: list[str] = []
        letters, names, stamp = self.letters, self.names, self.stamp
        texts = self._texts  # every text is in it after prepare()
        for number, e in enumerate(self.entries, start=2):
            parts.append(f'<row r="{number}">')
            node = e.node
            # The columns of c.DATA_COLUMNS, in order.
            values = (
                node,
                names.get(node, ""),
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
                stamp.get(node, ""),
            )
            for letter, value in zip(letters, values, strict=True):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    parts.append(f'<c r="{letter}{number}"{texts.get(value) or self._text(value)}')
                else:
                    parts.append(f'<c r="{letter}{number}" t="n"><v>{raw_number(value)}</v></c>')
            parts.append("</row>")
            if number % rows_per_chunk == 0:
                yield "".join(parts).encode("utf-8")
                parts.clear()
        if parts:
            yield "".join(parts).encode("utf-8")

    def dimension(self) -> str:
        return f"A1:{self.letters[-1]}{len(self.entries) + 1}"


_TEXT_FIELDS = (
    "node",
    "area",
    "item",
    "kind",
    "nr",
    "text",
    "period",
    "status",
    "comment",
    "file",
    "sheet",
    "cell",
)


def data_sheets(
    wb: Workbook, entries: Sequence[Entry], names: dict[str, str], stamps: dict[str, str]
) -> list[DataRows]:
    """The Data sheets of `wb` ("Data", then "Data 2"… past Excel's row limit), ready to save."""
    texts: dict[str, str] = {}
    sheets: list[DataRows] = []
    for number, start in enumerate(range(0, max(len(entries), 1), DATA_ROWS_PER_SHEET), start=1):
        part = entries[start : start + DATA_ROWS_PER_SHEET]
        ws = wb.create_sheet(c.DATA_SHEET if number == 1 else f"{c.DATA_SHEET} {number}")
        _data_sheet(ws, len(part))
        sheets.append(DataRows(ws, part, names, stamps, texts))
    for rows in sheets:
        rows.prepare()  # registers styles, which are saved before any sheet
    return sheets
