"""Fill a generated workbook by the contract's row ids, as a manager would.

Used by the example generator, the benchmark generator and the tests, so none
of them depends on row positions. Not used on users' files: hpdocs never
re-saves a workbook someone sent in.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl import load_workbook

from hpdocs.workbook import contract as c

Values = Mapping[str, Mapping[str, object]]  # row id -> column key -> value


def fill_workbook(
    path: Path,
    values: Values,
    *,
    own: Mapping[str, list[Mapping[str, object]]] | None = None,
    identity: Mapping[str, object] | None = None,
    out: Path | None = None,
) -> Path:
    """Write `values` into the rows with those ids; `own` adds own activities per area id.

    Raises KeyError for a row id that is not in the workbook, so callers notice typos.
    """
    wb = load_workbook(path)
    pending = dict(values)
    own_left = {area: list(rows) for area, rows in (own or {}).items()}
    for ws in wb.worksheets:
        if ws.title == c.IDENTITY_SHEET:
            for row in ws.iter_rows(min_row=1, max_col=3):
                key = row[0].value
                if identity and key in identity:
                    row[2].value = identity[key]
            continue
        header = next((r for r in ws.iter_rows(max_row=10) if r[0].value == c.COLUMNS_MARKER), None)
        if header is None:
            continue
        cols = {str(cell.value): cell.column for cell in header}
        for row in ws.iter_rows(min_row=header[0].row + 1):
            ident = str(row[0].value or "")
            if ident in pending:
                for key, value in pending.pop(ident).items():
                    ws.cell(row=row[0].row, column=cols[key]).value = value
            elif ident.endswith(c.OWN_SUFFIX):
                rows = own_left.get(ident.removesuffix(c.OWN_SUFFIX))
                if rows:
                    for key, value in rows.pop(0).items():
                        ws.cell(row=row[0].row, column=cols[key]).value = value
    if pending:
        raise KeyError(f"row ids not in the workbook: {sorted(pending)[:5]}")
    target = out or path
    wb.save(target)
    wb.close()
    return target
