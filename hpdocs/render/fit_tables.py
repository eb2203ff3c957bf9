"""Column widths for tables whose columns repeat (`{%tc for %}`: one per unit, VO or period).

docxtpl copies the template's one repeated cell, width and all, so four units would make the
table four times too wide. A template table marked with the description `hpdocs-kolumner:F,L`
(the first and last column in mm; L may be 0 for none) gets its widths set after rendering: the
first and last columns as marked, the columns in between sharing the rest of the table's width
equally. Users who restyle the template keep the marker with the table.
"""

from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

MARKER = "hpdocs-kolumner:"
TWIPS_PER_MM = 56.7


def _widths(marker: str, total: int, cells: int) -> list[int] | None:
    try:
        first_mm, last_mm = (float(x) for x in marker.removeprefix(MARKER).split(","))
    except ValueError:
        return None
    first, last = int(first_mm * TWIPS_PER_MM), int(last_mm * TWIPS_PER_MM)
    middle = cells - 1 - (1 if last else 0)
    if middle <= 0:
        return [total] if cells == 1 else [first, total - first][:cells]
    share = max((total - first - last) // middle, 1)
    return [first, *[share] * middle, *([last] if last else [])]


def fit_loop_tables(body: Any) -> None:
    """Set the widths of every marked table in a rendered document body (lxml element)."""
    for tbl in body.iter(qn("w:tbl")):
        pr = tbl.find(qn("w:tblPr"))
        desc = pr.find(qn("w:tblDescription")) if pr is not None else None
        if desc is None or not str(desc.get(qn("w:val"), "")).startswith(MARKER):
            continue
        width_el = pr.find(qn("w:tblW"))
        total = int(width_el.get(qn("w:w"), "9866")) if width_el is not None else 9866
        rows = tbl.findall(qn("w:tr"))
        cells = max((len(r.findall(qn("w:tc"))) for r in rows), default=0)
        widths = _widths(str(desc.get(qn("w:val"))), total, cells)
        pr.remove(desc)  # the marker is for hpdocs, not a description for readers
        if not widths:
            continue
        grid = tbl.find(qn("w:tblGrid"))
        if grid is not None:
            for col in list(grid):
                grid.remove(col)
            for w in widths:
                col = OxmlElement("w:gridCol")
                col.set(qn("w:w"), str(w))
                grid.append(col)
        for row in rows:
            for tc, w in zip(row.findall(qn("w:tc")), widths, strict=False):
                tc_pr = tc.find(qn("w:tcPr"))
                if tc_pr is None:
                    tc_pr = OxmlElement("w:tcPr")
                    tc.insert(0, tc_pr)
                tc_w = tc_pr.find(qn("w:tcW"))
                if tc_w is None:
                    tc_w = OxmlElement("w:tcW")
                    tc_pr.insert(0, tc_w)
                tc_w.set(qn("w:w"), str(w))
                tc_w.set(qn("w:type"), "dxa")
