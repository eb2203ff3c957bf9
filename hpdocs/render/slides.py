"""The November MUM status slides (PowerPoint), built from a Rollup.

A business area's deck: a title slide, the plan's two status tables (Grundläggande
förutsättning / Fokusområden | Prioritering | Status, with who has reported by
name) and one slide per area (hpdocs.render.slides_area). The company's deck: the
area × business-area matrix on one slide, the company's status tables and what lies
behind every area not on plan (hpdocs.render.slides_company). Slides come from the
template's layouts, so a coordinator can restyle the template in PowerPoint.
Heights are estimated in hpdocs.render.slide_layout, because PowerPoint does not
resize rows python-pptx writes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn

from hpdocs.atomic import atomic_path
from hpdocs.consolidate import AreaResult, Rollup
from hpdocs.errors import TemplateError
from hpdocs.plan import AreaKind
from hpdocs.render import slide_layout as sl
from hpdocs.render.slide_layout import Cell, Column, FixedBlock, TableBlock
from hpdocs.render.slides_area import area_slide, is_sparse, sparse_section
from hpdocs.render.slides_company import behind_slides, matrix_slide
from hpdocs.render.slides_text import (
    PROPOSED,
    STATUS_FILLS,
    reporting_text,
    status_fill,
    status_text,
)
from hpdocs.resources import template_path

__all__ = [
    "PROPOSED",
    "STATUS_FILLS",
    "TABLE_HEADINGS",
    "render_company_overview",
    "render_slides",
    "status_fill",
]

TEMPLATE_NAME = "mum-status.pptx"
TABLE_HEADINGS = {
    AreaKind.PREREQUISITE: "Grundläggande förutsättning",
    AreaKind.FOCUS: "Fokusområden",
}
BODY, HEADING = 12.0, 16.0  # font sizes in points; nothing is below 12
LEVEL_NOTE = re.compile(r"\s*\([^)]*nivå\)\s*$", re.IGNORECASE)  # "(Vo-nivå)" in a seed title

TableSpec = Sequence[tuple[str, float]]  # column header, share of the content width


def render_slides(
    rollup: Rollup, out: Path, *, template: Path | None = None, organisation_name: str = ""
) -> Path:
    """Write the November MUM deck of one business area (or any scope) to `out`:
    a title slide, the plan's two status tables and one slide per area."""
    deck = _Deck(template)
    _business_area(deck, rollup, organisation_name)
    return deck.save(out)


def render_company_overview(
    rollups: list[Rollup],
    company_rollup: Rollup,
    out: Path,
    *,
    template: Path | None = None,
    organisation_name: str = "",
    details: bool = False,
) -> Path:
    """The company deck: the area × business-area matrix on one slide, the company's two
    status tables, what lies behind every area not on plan and, with `details`, every
    business area's own slides."""
    deck = _Deck(template)
    r = company_rollup
    deck.title_slide(_title(r), _subtitle(r, organisation_name))
    matrix_slide(deck, rollups, r)
    _status_sections(deck, r)
    behind_slides(deck, rollups, r)
    for rollup in rollups if details else []:
        _business_area(deck, rollup, organisation_name)
    return deck.save(out)


# --- content ---------------------------------------------------------------------------


def _title(rollup: Rollup) -> str:
    return f"Status handlingsplan – {rollup.scope.name} – {rollup.period_label} {rollup.year}"


def _subtitle(rollup: Rollup, organisation_name: str) -> str:
    title = rollup.plan.title
    plan = title if str(rollup.year) in title else f"{title} {rollup.year}"
    second = [organisation_name if organisation_name != rollup.scope.name else "", plan]
    return "November-MUM\n" + " · ".join(x for x in second if x)


def _business_area(deck: _Deck, rollup: Rollup, organisation_name: str) -> None:
    deck.title_slide(_title(rollup), _subtitle(rollup, organisation_name))
    _status_sections(deck, rollup)
    sparse = [r for r in rollup.areas if is_sparse(r)]
    for result in rollup.areas:
        if not is_sparse(result):
            area_slide(deck, rollup, result)
        elif result is sparse[0]:  # areas with nothing to do at these levels share slides
            sparse_section(deck, rollup, sparse)


def _status_cell(rollup: Rollup, result: AreaResult) -> Cell:
    return Cell(status_text(result), status_fill(rollup.plan, result.status), bold=True)


def table_title(rollup: Rollup, kind: AreaKind) -> str:
    """The seed's table title; for the company without the seed's "(Vo-nivå)" and with
    the company's name, for a business area as the seed has it with the area's name."""
    title = rollup.plan.status_tables.get(kind.value, TABLE_HEADINGS[kind])
    if rollup.scope.level != "vo":
        title = LEVEL_NOTE.sub("", title)
    return f"{title} – {rollup.scope.name}"


def _status_sections(deck: _Deck, rollup: Rollup) -> None:
    """The seed's two tables: area | priority | status, one slide each if at all possible,
    with who has reported for the period by name under them."""
    for kind in AreaKind:
        results = [a for a in rollup.areas if a.area.kind == kind]
        if not results:
            continue
        note = reporting_text(rollup)
        if any(status_text(a).endswith(PROPOSED) for a in results):
            note += f"\n{PROPOSED} = föreslagen utifrån aktiviteternas status; ingen egen bedömning."
        footer = deck.text(note, BODY)
        spec = [(TABLE_HEADINGS[kind], 0.3), ("Prioritering", 0.5), ("Status", 0.2)]
        rows: list[list[str | Cell]] = [
            [Cell(a.area.report_title, bold=True), a.area.report_priority, _status_cell(rollup, a)]
            for a in results
        ]
        table = deck.table(spec, rows, 18.0, fit_below=footer.height + 10, smallest=BODY)
        deck.section(table_title(rollup, kind), [table, footer])


# --- the deck --------------------------------------------------------------------------


class _Deck:
    """A presentation opened from the template, with its content area in points."""

    def __init__(self, template: Path | None) -> None:
        path = template or template_path("pptx", TEMPLATE_NAME)
        try:
            self.prs = Presentation(str(path))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise TemplateError(f"PowerPoint-mallen {path} kunde inte öppnas: {exc}") from exc
        ids = self.prs.slides._sldIdLst
        for entry in list(ids):  # sample slides left in the template (python-pptx #67)
            self.prs.part.drop_rel(entry.rId)
            ids.remove(entry)
        self.cover = self._layout(path, ("Titelbild", "Title Slide"), 0, {0, 1})
        self.content = self._layout(path, ("Endast rubrik", "Title Only"), 2, {0})
        title = next(p for p in self.content.placeholders if p.placeholder_format.idx == 0)
        pt = sl.EMU_PER_PT
        self.left, self.width = (title.left or 0) / pt, (title.width or 0) / pt
        self.title_height = (title.height or 0) / pt
        self.top = (title.top or 0) / pt + self.title_height + 18
        self.available = (self.prs.slide_height or 0) / pt - 40 - self.top
        theme = parse_xml(self.prs.slide_master.part.part_related_by(RT.THEME).blob)
        fonts = theme.xpath(".//a:majorFont/a:latin/@typeface | .//a:minorFont/a:latin/@typeface")
        self.scale = sl.font_scale(*map(str, fonts))  # measure as if boxes were this narrower

    def _layout(self, path: Path, names: tuple[str, ...], index: int, needs: set[int]) -> Any:
        layouts: list[Any] = list(self.prs.slide_layouts)
        fallback = layouts[index] if index < len(layouts) else None
        found = next((lay for lay in layouts if lay.name in names), fallback)
        if found is None or not needs <= {p.placeholder_format.idx for p in found.placeholders}:
            wanted = f"layouten {names[0]!r} med platshållarna {sorted(needs)}"
            raise TemplateError(f"PowerPoint-mallen {path} saknar {wanted}.")
        return found

    def save(self, out: Path) -> Path:
        with atomic_path(out) as tmp:
            self.prs.save(str(tmp))
        return out

    # blocks, measured with the template's geometry --------------------------------------
    def table(
        self,
        spec: TableSpec,
        rows: Sequence[Sequence[str | Cell]],
        size: float = BODY,
        *,
        fit_below: float | None = None,
        smallest: float = BODY,
    ) -> TableBlock:
        """A table whose every cell fits on one slide (longer texts end in "…"). With
        `fit_below`, the largest size down to `smallest` at which the table and
        `fit_below` points under it fit on one slide."""
        cells = [[c if isinstance(c, Cell) else Cell(c) for c in row] for row in rows]
        inner = [(self.width * share - 2 * sl.CELL_MARGIN_X) / self.scale for _, share in spec]
        while True:
            headers = [sl.truncate(h, w, size, 4, bold=True) for (h, _), w in zip(spec, inner, strict=True)]
            columns = [Column(h, self.width * share) for h, (_, share) in zip(headers, spec, strict=True)]
            room = self.available - 4 * sl.line_height(size) - 60  # header, a heading above
            lines = sl.fit_lines(room, size)
            fitted = [
                [
                    Cell(sl.truncate(c.text, w, size, lines, bold=c.bold), c.fill, c.bold)
                    for c, w in zip(row, inner, strict=True)
                ]
                for row in cells
            ]
            table = TableBlock(columns, fitted, size, self.scale)
            if fit_below is None or size <= smallest or table.height + fit_below <= self.available:
                return table
            size = max(smallest, size - 2)

    def text(self, text: str, size: float) -> FixedBlock:
        width = self.width / self.scale
        text = sl.truncate(text, width, size, sl.fit_lines(self.available / 3, size))
        return FixedBlock(sl.text_height(text, width, size), "text", (text, size))

    def heading(self, text: str) -> FixedBlock:
        width = self.width / self.scale
        text = sl.truncate(text, width, HEADING, 2, bold=True)
        height = sl.text_height(text, width, HEADING, bold=True)
        return FixedBlock(height, "heading", text, keep_with_next=True)

    # slides -------------------------------------------------------------------------------
    def title_slide(self, title: str, subtitle: str) -> None:
        slide = self.prs.slides.add_slide(self.cover)
        for idx, text, size in ((0, title, 36.0), (1, subtitle, 20.0)):
            ph = slide.placeholders[idx]
            width = ((ph.width or 0) / sl.EMU_PER_PT - 15) / self.scale
            lines = sl.fit_lines((ph.height or 0) / sl.EMU_PER_PT - 8, size)
            sl.write(
                ph.text_frame,
                sl.truncate(text, width, size, lines, bold=idx == 0),
                size,
                bold=idx == 0,
            )

    def content_slide(self, title: str) -> Any:
        """A slide of the title-only layout with `title`, at 24 pt or 20 pt if it needs it."""
        slide = self.prs.slides.add_slide(self.content)
        width, height = (self.width - 15) / self.scale, self.title_height - 8
        size = 24.0 if sl.text_height(title, width, 24.0, bold=True) <= height else 20.0
        title = sl.truncate(title, width, size, sl.fit_lines(height, size), bold=True)
        sl.write(slide.placeholders[0].text_frame, title, size, bold=True)
        return slide

    def section(self, title: str, blocks: list[sl.Block]) -> None:
        """Slides for the blocks; the title gets "(forts.)" on continuation slides."""
        for number, page in enumerate(sl.paginate(blocks, self.available)):
            slide = self.content_slide(title if number == 0 else f"{title} (forts.)")
            for placed in page:
                self._draw(slide, placed, self.left, self.top + placed.top)

    def badge(self, slide: Any, status: str, fill: str, x: float, y: float, w: float, h: float) -> None:
        """A status badge: the status in bold on its colour, black text, no theme shadow."""
        badge = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, sl.emu(x), sl.emu(y), sl.emu(w), sl.emu(h))
        badge.fill.solid()
        badge.fill.fore_color.rgb = RGBColor.from_string(fill)
        badge.line.color.rgb = RGBColor.from_string("404040")
        style = badge._element.find(qn("p:style"))  # the theme's shadow and white text
        if style is not None:
            badge._element.remove(style)
        frame = badge.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.margin_top = frame.margin_bottom = sl.emu(2)
        text = status.replace(f" {PROPOSED}", f"\n{PROPOSED}")
        size = 16.0 if len(text.split("\n")) == 1 else 13.0
        sl.write(frame, text, size, bold=True, colour="000000", align=PP_ALIGN.CENTER)

    def _draw(self, slide: Any, placed: sl.Placement, x: float, y: float) -> None:
        block, w, h = placed.block, self.width, placed.height
        if isinstance(block, TableBlock):
            sl.draw_table(slide, block, placed.rows, x, y)
        elif block.kind == "text":
            sl.write(sl.text_box(slide, x, y, w, h), *block.payload)
        elif block.kind == "heading":
            sl.write(sl.text_box(slide, x, y, w, h), block.payload, HEADING, bold=True, colour="accent")
