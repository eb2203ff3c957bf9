"""Read the Data sheet of a roll-up back into entries, keeping their sources.

This is what lets a business area consolidate its units and send the result
upward: the company roll-up computed from business-area roll-ups equals the
one computed from all workbooks directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hpdocs.problems import Problem
from hpdocs.values import clean_text, parse_number
from hpdocs.workbook import contract as c

if TYPE_CHECKING:
    from hpdocs.workbook.read import WorkbookRead


def read_data_sheet(result: WorkbookRead, sheets: list[tuple[str, list[list[Any]]]]) -> None:
    from hpdocs.workbook.read import Entry

    # "Data", then "Data 2", "Data 3"… when the entries did not fit on one sheet.
    header = list(c.DATA_COLUMNS)
    parts = [rows for _, rows in sheets if rows and [clean_text(v) for v in rows[0][: len(header)]] == header]
    data = [row for rows in parts for row in rows[1:]]
    if not parts:
        result.report.add(
            Problem(
                "data-saknas",
                "Sammanställningen saknar bladet Data och kan inte användas som underlag. Skapa den på nytt med hpdocs consolidate.",
                file=result.name,
            )
        )
        return
    for row in data:
        cells = {key: (row[i] if i < len(row) else "") for i, key in enumerate(c.DATA_COLUMNS)}
        node = clean_text(cells["nod"])
        if not node:
            continue
        value = parse_number(cells["varde"]).value
        denominator = parse_number(cells["namnare"]).value
        result.entries.append(
            Entry(
                node=node,
                area=clean_text(cells["omrade"]),
                item=clean_text(cells["post"]),
                kind=clean_text(cells["typ"]),
                period=clean_text(cells["period"]),
                status=clean_text(cells["status"]),
                value=value,
                denominator=denominator,
                text=clean_text(cells["text"]),
                comment=clean_text(cells["kommentar"]),
                file=clean_text(cells["fil"]),
                sheet=clean_text(cells["blad"]),
                cell=clean_text(cells["cell"]),
                nr=clean_text(cells["nr"]),
            )
        )
