"""Column widths for tables whose columns repeat (`{%tc for %}`: one per unit, VO or period).

docxtpl copies the template's one repeated cell, width and all, so four units would make the
table four times too wide. A template table marked with the description `hpdocs-kolumner:F,L`
(the first and last column in mm; L may be 0 for none) gets its widths set after rendering: the
first and last columns as marked, the columns in between sharing the rest of the table's width
equally. Users who restyle the template keep the marker with the table.

Names in the heading row never break inside a word ("Barnavårdscentra|len"): when the longest
word of a heading does not fit its column, the first column gives up width (never below what its
own longest word needs), then the heading row's text gets smaller (down to 80 %), and when even
that is not enough (many units) the repeated columns' headings are turned to read bottom to
top, in a row tall enough for their longest word. Word and LibreOffice draw all three alike.
Text widths are estimated as on the slides (hpdocs.render.slide_layout), erring wide.
"""

from __future__ import annotations

import re
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from hpdocs.render.slide_layout import font_scale, text_width

MARKER = "hpdocs-kolumner:"
TWIPS_PER_MM = 56.7
TWIPS_PER_PT = 20
CELL_MARGIN_TWIPS = 60  # left and right, as the templates set them (word_builder.data_table)
HEADER_SCALES = (1.0, 0.94, 0.89, 0.83)  # heading row sizes tried, relative to the style's size
FIRST_MIN_MM = 28.0  # the first column is never made narrower than this
FIRST_SOFT_MM = 36.0  # ... and only narrower than this when smaller headings are not enough
ROTATED_MAX_MM = 45.0  # tallest rotated heading row; longer names wrap at spaces

# Calibri/Carlito set the plan's words (bold too) at 0.83-0.88 of the Arial estimate; the
# slides' 0.95 leaves room for PowerPoint, here it would shrink headings that fit.
WORD_SCALES = {"calibri": 0.9, "carlito": 0.9}


def word_scale(typeface: str) -> float:
    """Width factor of a Word document's body font relative to the Arial estimate."""
    return WORD_SCALES.get(typeface.strip().lower(), font_scale(typeface))


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


def _cell_text(tc: Any) -> str:
    return " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))


def _word_twips(text: str, size: float, bold: bool, scale: float) -> int:
    """Width of the longest word of `text` plus the cell's margins, in twips."""
    words = [w for w in re.split(r"\s+", text) if w]
    widest = max((text_width(w, size, bold=bold) for w in words), default=0.0)
    return int(widest * scale * TWIPS_PER_PT) + 2 * CELL_MARGIN_TWIPS + 20


def fit_headings(
    widths: list[int], headers: list[str], first_words: int, has_last: bool, size: float, scale: float
) -> tuple[list[int], float, bool]:
    """Widths, heading size and whether to rotate the repeated headings, so that no heading
    word breaks. `first_words` is what the first column's own longest word needs (twips)."""
    total = sum(widths)
    middle = len(widths) - 1 - (1 if has_last else 0)
    if middle <= 0:
        return widths, size, False
    first_min = max(first_words, int(FIRST_MIN_MM * TWIPS_PER_MM))
    # A slightly narrower first column reads better than small headings; a much narrower one not.
    for floor in (max(first_min, int(FIRST_SOFT_MM * TWIPS_PER_MM)), first_min):
        for factor in HEADER_SCALES:
            s = size * factor
            need = [_word_twips(h, s, True, scale) for h in headers]
            last = max(widths[-1], need[-1]) if has_last else 0
            mid = max(widths[1], max(need[1 : 1 + middle]))
            first = min(widths[0], total - last - middle * mid)
            if first >= min(floor, widths[0]) and need[0] <= first:
                share = (total - first - last) // middle
                return [first, *[share] * middle, *([last] if has_last else [])], s, False
    # Too many columns for any of that: the repeated headings read bottom to top.
    s = size * HEADER_SCALES[-1]
    need = [_word_twips(h, s, True, scale) for h in headers]
    last = max(widths[-1], need[-1]) if has_last else 0
    first = min(widths[0], max(first_min, total - last - middle * widths[1]))
    share = (total - first - last) // middle
    return [first, *[share] * middle, *([last] if has_last else [])], s, True


def _set_size(tr: Any, size: float) -> None:
    half_points = str(round(size * 2))
    for r in tr.iter(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            r.insert(0, rpr)
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), half_points)


def _rotate(tr: Any, tcs: list[Any], headers: list[str], width: int, size: float, scale: float) -> None:
    """Turn the given heading cells to read bottom to top in a row tall enough for them."""
    line = size * 1.25 * TWIPS_PER_PT
    lines = max(1, int((width - 2 * CELL_MARGIN_TWIPS) // line))
    height = 0
    for text in headers:
        whole = int(text_width(text, size, bold=True) * scale * TWIPS_PER_PT / lines)
        longest = _word_twips(text, size, True, scale)
        height = max(height, longest, min(whole + 2 * CELL_MARGIN_TWIPS, int(ROTATED_MAX_MM * TWIPS_PER_MM)))
    for tc in tcs:
        tc_pr = tc.find(qn("w:tcPr"))
        if tc_pr is None:
            tc_pr = OxmlElement("w:tcPr")
            tc.insert(0, tc_pr)
        direction = OxmlElement("w:textDirection")
        direction.set(qn("w:val"), "btLr")
        tc_pr.append(direction)
    tr_pr = tr.find(qn("w:trPr"))
    if tr_pr is None:
        tr_pr = OxmlElement("w:trPr")
        tr.insert(0, tr_pr)
    tr_height = OxmlElement("w:trHeight")
    tr_height.set(qn("w:val"), str(height))
    tr_height.set(qn("w:hRule"), "atLeast")
    tr_pr.append(tr_height)


def fit_loop_tables(
    body: Any, *, header_size: float = 9.0, body_size: float = 9.0, scale: float = 0.9
) -> None:
    """Set the widths of every marked table in a rendered document body (lxml element).

    `header_size` and `body_size` are the table styles' font sizes in points, `scale` the
    document font's width relative to Arial (slide_layout.font_scale)."""
    for tbl in body.iter(qn("w:tbl")):
        pr = tbl.find(qn("w:tblPr"))
        desc = pr.find(qn("w:tblDescription")) if pr is not None else None
        if desc is None or not str(desc.get(qn("w:val"), "")).startswith(MARKER):
            continue
        width_el = pr.find(qn("w:tblW"))
        total = int(width_el.get(qn("w:w"), "9866")) if width_el is not None else 9866
        rows = tbl.findall(qn("w:tr"))
        cells = max((len(r.findall(qn("w:tc"))) for r in rows), default=0)
        marker = str(desc.get(qn("w:val")))
        widths = _widths(marker, total, cells)
        pr.remove(desc)  # the marker is for hpdocs, not a description for readers
        if not widths:
            continue
        rotate = False
        head = rows[0] if rows else None
        if head is not None and len(head.findall(qn("w:tc"))) == len(widths):
            head_tcs = head.findall(qn("w:tc"))
            headers = [_cell_text(tc) for tc in head_tcs]
            first_words = max(
                (
                    _word_twips(_cell_text(r.findall(qn("w:tc"))[0]), body_size, False, scale)
                    for r in rows[1:]
                ),
                default=0,
            )
            has_last = not marker.endswith(",0")
            widths, size, rotate = fit_headings(widths, headers, first_words, has_last, header_size, scale)
            if size < header_size:
                _set_size(head, size)
            if rotate:
                middle = head_tcs[1 : len(head_tcs) - (1 if has_last else 0)]
                _rotate(head, middle, headers[1 : 1 + len(middle)], widths[1], size, scale)
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
