"""The Data sheet of a roll-up: every input value with its source, as raw worksheet XML.

The Data sheet carries every entry in scope (node, item, period, value, file, sheet, cell), so
a business area's roll-up is itself a valid input for the company roll-up and every number
can be traced back. A company roll-up has one row per entry of the organisation.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import fields
from operator import attrgetter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hpdocs import __version__
from hpdocs.cache import module_fingerprint
from hpdocs.workbook import contract as c
from hpdocs.workbook import style as s
from hpdocs.workbook.deflate import Segment, segment
from hpdocs.workbook.fragments import FragmentStore
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
    cell. These rows have no styles, so they are written here as XML (inline strings, `t="n"`
    numbers), each distinct text made safe once by `StyleIds.text`: the cleaning and escapes
    of `write_text_cell`, and the same `quotePrefix` style for text that Excel would take for a
    formula. More entries than one sheet holds continue on "Data 2", "Data 3"…; the reader
    reads them in that order.

    The rows carry no cell references: ECMA-376 makes `r` optional on rows (§18.3.1.73) and
    cells (§18.3.1.4), a row without one follows the row before and a cell the cell before
    (an empty `<c/>` stands in for an empty column before a value). Excel, LibreOffice,
    openpyxl and calamine read them so. It makes a node's rows the same wherever they land,
    so they are compressed once per run of one node's entries (`Segment`) and, with a `store`,
    kept for the next run (`hpdocs.workbook.fragments`).
    """

    def __init__(
        self,
        ws: Worksheet,
        entries: Sequence[Entry],
        names: dict[str, str],
        stamp: dict[str, str],
        texts: dict[str, str],
        store: FragmentStore | None = None,
        digests: dict[str, str] | None = None,
    ) -> None:
        self.ws, self.entries, self.names, self.stamp = ws, entries, names, stamp
        self.store = store
        # node -> a digest of all its entries and its stamp (hpdocs.outputs.Keys), where known
        self.digests = digests or {}
        self._texts = texts  # shared by a roll-up's Data sheets
        self._styles = StyleIds(ws)
        self._pieces: list[Segment] = []

    def _text(self, value: str) -> str:
        """What follows `<c` for a text cell."""
        found = self._texts.get(value)
        if found is None:
            found = self._texts[value] = self._styles.text(value)
        return found

    def prepare(self, offsets: dict[str, int] | None = None) -> None:
        """Make the rows, compressed, before the workbook is saved: a text that needs the
        `quotePrefix` style registers it in the workbook's styles, which are saved first.

        That style is registered whether or not a text needs it, so that its id is known
        before any row is made: rows taken from the store were made with the id in their key.
        `offsets` counts each node's entries on the roll-up's Data sheets before this one.
        """
        quote = self._styles.get("plain", True)
        store, digests = self.store, self.digests
        offsets = {} if offsets is None else offsets
        for run in _runs(self.entries):
            node = run[0].node
            offset = offsets.get(node, 0)
            offsets[node] = offset + len(run)
            if store is None:
                self._pieces.append(segment(self._xml(run).encode("utf-8")))
                continue
            name, stamp = self.names.get(node, ""), self.stamp.get(node, "")
            digest = digests.get(node)
            # The node's entries are known by their digest: these are entries offset… of them.
            content: object = (digest, offset, len(run)) if digest else [_fields(e) for e in run]
            key = hashlib.sha256(repr((quote, name, stamp, content)).encode("utf-8")).hexdigest()
            piece = store.get(key)
            if piece is None:
                piece = segment(self._xml(run).encode("utf-8"))
                store.put(key, piece)
            self._pieces.append(piece)

    def _xml(self, run: Sequence[Entry]) -> str:
        parts: list[str] = []
        node = run[0].node
        name, stamp, texts = self.names.get(node, ""), self.stamp.get(node, ""), self._texts
        for e in run:
            parts.append("<row>")
            gap = ""
            # The columns of c.DATA_COLUMNS, in order.
            for value in (
                node,
                name,
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
                stamp,
            ):
                if value is None or value == "":
                    gap += "<c/>"  # written only where a value follows
                    continue
                if gap:
                    parts.append(gap)
                    gap = ""
                if isinstance(value, str):
                    parts.append(f"<c{texts.get(value) or self._text(value)}")
                else:
                    parts.append(f'<c t="n"><v>{raw_number(value)}</v></c>')
            parts.append("</row>")
        return "".join(parts)

    def segments(self) -> Iterator[Segment]:
        """The rows, compressed: one piece per run of one node's entries (after `prepare`)."""
        yield from self._pieces

    def chunks(self) -> Iterator[bytes]:
        """The rows as text (`segments` is what `save_with_rows` writes)."""
        for piece in self._pieces:
            yield zlib.decompressobj(-15).decompress(piece.data)

    def dimension(self) -> str:
        return f"A1:{get_column_letter(len(c.DATA_COLUMNS))}{len(self.entries) + 1}"


def _runs(entries: Sequence[Entry]) -> Iterator[Sequence[Entry]]:
    """The entries in runs of one node's (a unit's workbook gives one run)."""
    start = 0
    for i in range(1, len(entries) + 1):
        if i == len(entries) or entries[i].node != entries[start].node:
            yield entries[start:i]
            start = i


_fields = attrgetter(*(f.name for f in fields(Entry)))


# The code that decides what a run of rows holds: a change in it starts a new store.
_MODULES = (
    "hpdocs.workbook.data_rows",
    "hpdocs.workbook.deflate",
    "hpdocs.workbook.rawrows",
    "hpdocs.textsafe",
    "hpdocs.workbook.contract",
)


def data_store(cache_dir: Path) -> FragmentStore:
    """The project's store of Data-sheet rows, for this version of hpdocs."""
    context = f"{__version__}:{module_fingerprint(_MODULES)}"
    return FragmentStore(cache_dir, hashlib.sha256(context.encode()).hexdigest())


def data_sheets(
    wb: Workbook,
    entries: Sequence[Entry],
    names: dict[str, str],
    stamps: dict[str, str],
    store: FragmentStore | None = None,
    digests: dict[str, str] | None = None,
) -> list[DataRows]:
    """The Data sheets of `wb` ("Data", then "Data 2"… past Excel's row limit), ready to save."""
    texts: dict[str, str] = {}
    sheets: list[DataRows] = []
    for number, start in enumerate(range(0, max(len(entries), 1), DATA_ROWS_PER_SHEET), start=1):
        part = entries[start : start + DATA_ROWS_PER_SHEET]
        ws = wb.create_sheet(c.DATA_SHEET if number == 1 else f"{c.DATA_SHEET} {number}")
        _data_sheet(ws, len(part))
        sheets.append(DataRows(ws, part, names, stamps, texts, store, digests))
    offsets: dict[str, int] = {}
    for rows in sheets:
        rows.prepare(offsets)  # registers styles, which are saved before any sheet
    return sheets
