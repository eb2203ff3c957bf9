"""The November MUM status slides (PowerPoint), built from a Rollup.

Per business area: a title slide, the plan's two status tables (Grundläggande
förutsättning / Fokusområden | Prioritering | Status) and, per area, what lies
behind the status: activity progress as a native (editable) chart, measures
against targets, activities the units added, and comments. Slides come from the
template's layouts, so a coordinator can restyle the template in PowerPoint.
Heights are estimated in hpdocs.render.slide_layout; what does not fit goes on a
"(forts.)" slide, because PowerPoint does not resize rows python-pptx writes.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn

from hpdocs.atomic import atomic_path
from hpdocs.consolidate import NOT_ASSESSED, AreaResult, MeasureResult, Rollup
from hpdocs.errors import TemplateError
from hpdocs.plan import AreaKind, MeasureKind, Plan
from hpdocs.render import slide_layout as sl
from hpdocs.render.slide_layout import Cell, Column, FixedBlock, TableBlock
from hpdocs.resources import template_path
from hpdocs.workbook.read import KIND_ACTIVITY, KIND_MEASURE, KIND_OWN, KIND_STATUS, Entry

TEMPLATE_NAME = "mum-status.pptx"
STATUS_FILLS = {"good": "A9D08E", "partly": "FFD966", "bad": "F08080", "none": "D9D9D9"}
PROPOSED = "(förslag)"
NOT_FILLED = "Ej ifylld"
COMMENT_NOTE = "(Hela kommentaren finns i sammanställningen.)"
TABLE_HEADINGS = {
    AreaKind.PREREQUISITE: "Grundläggande förutsättning",
    AreaKind.FOCUS: "Fokusområden",
}
PLURALS = {"enhet": "enheter", "verksamhetsområde": "verksamhetsområden"}
BODY, SMALL, HEADING = 12.0, 11.0, 16.0  # font sizes in points; nothing is below 10
COMMENT_LINES = 10  # longer comments are cut; the roll-up workbook has the full text
MATRIX_COLUMNS = 4  # at most this many business areas per slide in the company matrix
BADGE_WIDTH, BADGE_HEIGHT = 210.0, 56.0

TableSpec = Sequence[tuple[str, float]]  # column header, share of the content width


def status_fill(plan: Plan, status: str) -> str:
    """Fill of an area status: the first of the plan's scale green, the last red."""
    scale = plan.area_statuses
    if status not in scale:
        return STATUS_FILLS["none"]
    position = scale.index(status)
    if position == 0:
        return STATUS_FILLS["good"]
    return STATUS_FILLS["bad"] if position == len(scale) - 1 else STATUS_FILLS["partly"]


def status_text(result: AreaResult) -> str:
    """The status in words, marked when it is proposed from the activities."""
    if result.own_status or result.proposed_status == NOT_ASSESSED:
        return result.own_status or NOT_ASSESSED
    return f"{result.proposed_status} {PROPOSED}"


def completeness_text(rollup: Rollup) -> str:
    """'Inlämnat underlag: 1 av 1 verksamhetsområde, 7 av 9 enheter. Saknas: …'"""
    c, plan = rollup.completeness, rollup.plan
    every = [*c.submitted, *c.missing, *c.rejected]
    parts = []
    for level in dict.fromkeys(n.level for n in every):
        total = sum(1 for n in every if n.level == level)
        done = sum(1 for n in c.submitted if n.level == level)
        name = plan.level_name(level).lower()
        parts.append(f"{done} av {total} {PLURALS.get(name, name) if total > 1 else name}")
    text = f"Inlämnat underlag: {', '.join(parts)}." if parts else "Inget underlag förväntas."
    for label, nodes in (("Saknas", c.missing), ("Underkänt, skickas in igen", c.rejected)):
        if nodes:
            more = f" och {len(nodes) - 12} till" if len(nodes) > 12 else ""
            text += f" {label}: {', '.join(n.name for n in nodes[:12])}{more}."
    return text


def render_slides(
    rollup: Rollup, out: Path, *, template: Path | None = None, organisation_name: str = ""
) -> Path:
    """Write the November MUM deck of one business area (or any scope) to `out`."""
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
    """The company deck: a status matrix (areas × business areas and the whole
    company), the company's two status tables and, with `details`, every business
    area's own slides."""
    deck = _Deck(template)
    r = company_rollup
    deck.title_slide(_title(r), _subtitle(r, organisation_name))
    columns = [(b.scope.name, b) for b in rollups] + [(f"Hela {r.scope.name}", r)]
    per_slide = -(-len(columns) // -(-len(columns) // MATRIX_COLUMNS))  # balanced slides
    for start in range(0, len(columns), per_slide):
        chunk = columns[start : start + per_slide]
        first = 0.34 if len(chunk) > 2 else 0.5
        spec = [("Område", first)] + [(name, (1 - first) / len(chunk)) for name, _ in chunk]
        rows = [
            [Cell(a.report_title, bold=True), *(_status_cell(b, b.area(a.id)) for _, b in chunk)]
            for a in r.plan.areas
        ]
        table = deck.table(spec, rows, 16.0, fit_below=0.0, smallest=SMALL)
        deck.section("Status per verksamhetsområde" + (" (forts.)" if start else ""), [table])
    _status_sections(deck, r)
    for rollup in rollups if details else []:
        _business_area(deck, rollup, organisation_name)
    return deck.save(out)


# --- content ---------------------------------------------------------------------------


def _title(rollup: Rollup) -> str:
    return f"Status handlingsplan – {rollup.scope.name} – {rollup.period_label} {rollup.year}"


def _subtitle(rollup: Rollup, organisation_name: str) -> str:
    second = [organisation_name, f"{rollup.plan.title} {rollup.year}"]
    return "November-MUM\n" + " · ".join(x for x in second if x)


def _business_area(deck: _Deck, rollup: Rollup, organisation_name: str) -> None:
    deck.title_slide(_title(rollup), _subtitle(rollup, organisation_name))
    _status_sections(deck, rollup)
    for result in rollup.areas:
        deck.section(result.area.report_title, _area_blocks(deck, rollup, result))


def _status_cell(rollup: Rollup, result: AreaResult) -> Cell:
    return Cell(status_text(result), status_fill(rollup.plan, result.status), bold=True)


def _status_sections(deck: _Deck, rollup: Rollup) -> None:
    """The seed's two tables: area | priority | status, one slide each if at all possible."""
    for kind in AreaKind:
        results = [a for a in rollup.areas if a.area.kind == kind]
        if not results:
            continue
        note = completeness_text(rollup)
        if any(status_text(a).endswith(PROPOSED) for a in results):
            note += f"\n{PROPOSED} = föreslagen utifrån aktiviteternas status; ingen egen bedömning."
        footer = deck.text(note, SMALL)
        spec = [(TABLE_HEADINGS[kind], 0.3), ("Prioritering", 0.5), ("Status", 0.2)]
        rows: list[list[str | Cell]] = [
            [Cell(a.area.report_title, bold=True), a.area.report_priority, _status_cell(rollup, a)]
            for a in results
        ]
        table = deck.table(spec, rows, 18.0, fit_below=footer.height + 10, smallest=14.0)
        title = rollup.plan.status_tables.get(kind.value, TABLE_HEADINGS[kind])
        deck.section(title, [table, footer])


def _area_blocks(deck: _Deck, rollup: Rollup, result: AreaResult) -> list[sl.Block]:
    """What lies behind one area's status."""
    plan, names = rollup.plan, rollup.names
    status = status_text(result)
    blocks: list[sl.Block] = [
        deck.strip(status, status_fill(plan, result.status), result.area.report_priority)
    ]
    others = Counter(s for node, s in result.node_statuses.items() if node != rollup.scope.id)
    if others:
        order = [*plan.area_statuses, *sorted(set(others) - set(plan.area_statuses))]
        counts = ", ".join(f"{s}: {others[s]}" for s in order if s in others)
        blocks.append(deck.text(f"Enheternas egen bedömning – {counts}.", SMALL))
    blocks += _activity_blocks(deck, rollup, result)
    if result.measures:
        spec = [("Nivå", 0.16), ("Mätning", 0.44), ("Resultat", 0.28), ("Mål", 0.12)]
        rows = [
            [
                plan.level_name(m.level),
                _numbered(m.measure.number, m.measure.text),
                m.display,
                _target(m),
            ]
            for m in result.measures
        ]
        blocks += [deck.heading("Mätningar"), deck.table(spec, rows)]
    for m in result.measures:
        blocks += _measure_chart(deck, plan, m, names)
    if result.own_activities:
        spec = [("Tillagd av", 0.22), ("Aktivitet", 0.58), ("Status", 0.2)]
        rows = [[names.get(e.node, e.node), e.text, e.status or NOT_FILLED] for e in result.own_activities]
        blocks += [deck.heading("Egna aktiviteter som lagts till"), deck.table(spec, rows)]
    if result.comments:
        spec = [("Från", 0.18), ("Gäller", 0.22), ("Kommentar", 0.6)]
        width = (deck.width * 0.6 - 2 * sl.CELL_MARGIN_X) / deck.scale
        rows = [
            [
                names.get(e.node, e.node),
                _about(result, e),
                sl.truncate(e.comment, width, BODY, COMMENT_LINES, note=COMMENT_NOTE),
            ]
            for e in result.comments
        ]
        blocks += [deck.heading("Kommentarer"), deck.table(spec, rows)]
    if len(blocks) == 1:
        blocks.append(deck.text("Inga aktiviteter, mätningar eller kommentarer är rapporterade.", BODY))
    return blocks


def _activity_blocks(deck: _Deck, rollup: Rollup, result: AreaResult) -> list[sl.Block]:
    """A stacked bar per activity: how many nodes report each status."""
    plan = rollup.plan
    activities = [a for a in result.activities if a.statuses]
    if not activities:
        return []
    labels, values = [], []
    for a in activities:
        labels.append(f"{plan.level_name(a.level)} – {_numbered(a.number, a.text)}")
        blank = sum(1 for s in a.statuses.values() if not s)
        values.append([float(a.counts.get(s, 0)) for s in plan.statuses] + [float(blank)])
    series: list[sl.Series] = [
        (name, [v[i] for v in values], _activity_fill(plan, name))
        for i, name in enumerate([*plan.statuses, NOT_FILLED])
    ]
    used = [s for s in series if any(s[1])]
    heading = deck.heading(f"Aktiviteter – status per aktivitet ({rollup.period_label})")
    return [heading, *deck.charts(XL_CHART_TYPE.BAR_STACKED, labels, used, "0;-0;;")]


def _measure_chart(deck: _Deck, plan: Plan, m: MeasureResult, names: dict[str, str]) -> list[sl.Block]:
    """A bar per reporting node, where several nodes report a number."""
    kind = m.measure.kind
    if kind not in (MeasureKind.COUNT, MeasureKind.SHARE, MeasureKind.TARGET):
        return []
    entries = [e for e in m.reporting if kind is not MeasureKind.SHARE or e.denominator]
    if len(entries) < 2:
        return []
    labels = [names.get(e.node, e.node) for e in entries]
    share = kind is MeasureKind.SHARE
    values = [100 * (e.value or 0) / (e.denominator or 1) if share else e.value or 0 for e in entries]
    series: list[sl.Series] = [("Resultat", values, None)]
    if kind is MeasureKind.TARGET and m.target is not None:
        series.append(("Mål", [m.target] * len(entries), "BFBFBF"))
    fmt = "0" if kind is MeasureKind.COUNT else '0" %"'
    text = f"{_numbered(m.measure.number, m.measure.text)} – per {plan.level_name(m.level).lower()}"
    return [deck.heading(text), *deck.charts(XL_CHART_TYPE.BAR_CLUSTERED, labels, series, fmt)]


def _numbered(number: str, text: str) -> str:
    return f"{number}. {text}" if number else text


def _target(m: MeasureResult) -> str:
    return f"{m.target:g} %" if m.target is not None else "–"


def _about(result: AreaResult, entry: Entry) -> str:
    """What a comment is about, in a few words."""
    if entry.kind == KIND_STATUS:
        return "Områdets status"
    if entry.kind == KIND_OWN:
        return f"Egen aktivitet: {entry.text}"
    kind = {KIND_ACTIVITY: "Aktivitet", KIND_MEASURE: "Mätning"}.get(entry.kind, "")
    for row in result.area.rows:
        items: list[Any] = [*row.activities, *row.measures]
        for item in items:
            if item.id == entry.item:
                return f"{kind} {item.number}" if item.number else f"{kind}: {item.text}"
    return kind or entry.item


def _activity_fill(plan: Plan, status: str) -> str:
    """Greens for done, reds for late, blue for started, grey for not relevant."""
    if status == NOT_FILLED:
        return "FFFFFF"
    if status in plan.done_statuses:
        return "70AD47" if status == plan.done_statuses[-1] else "C5E0B4"
    if status in plan.late_statuses:
        return "F08080" if status == plan.late_statuses[-1] else "F8CBAD"
    return "BFBFBF" if status == plan.statuses[-1] else "9DC3E6"


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

    def strip(self, status: str, fill: str, priority: str) -> FixedBlock:
        """The status badge with the area's priority beside it."""
        width = (self.width - BADGE_WIDTH - 20) / self.scale
        text = sl.truncate(f"Prioritering: {priority}", width, 14, 8)
        height = max(BADGE_HEIGHT, sl.text_height(text, width, 14))
        return FixedBlock(height, "strip", (status, fill, text))

    def charts(
        self,
        chart_type: Any,
        labels: list[str],
        series: list[sl.Series],
        fmt: str,
    ) -> list[FixedBlock]:
        """One chart, or several when there are more categories than fit on a slide."""
        per_chart = max(1, int((self.available - 90) // 26))
        width = self.width * 0.3 / self.scale  # labels: two lines of at most 30 % of the width
        short = ["\n".join(sl.wrap(sl.truncate(x, width, 10, 2), width, 10)) for x in labels]
        blocks = []
        for start in range(0, len(short), per_chart):
            part = slice(start, start + per_chart)
            height = 56 + 26 * len(short[part]) + (16 if len(series) > 1 else 0)
            spec = sl.ChartSpec(chart_type, short[part], [(n, v[part], f) for n, v, f in series], fmt)
            blocks.append(FixedBlock(height, "chart", spec))
        return blocks

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

    def section(self, title: str, blocks: list[sl.Block]) -> None:
        """Slides for the blocks; the title gets "(forts.)" on continuation slides."""
        for number, page in enumerate(sl.paginate(blocks, self.available)):
            slide = self.prs.slides.add_slide(self.content)
            heading = title if number == 0 else f"{title} (forts.)"
            width, height = (self.width - 15) / self.scale, self.title_height - 8
            size = 24.0 if sl.text_height(heading, width, 24.0, bold=True) <= height else 20.0
            heading = sl.truncate(heading, width, size, sl.fit_lines(height, size), bold=True)
            sl.write(slide.placeholders[0].text_frame, heading, size, bold=True)
            for placed in page:
                self._draw(slide, placed, self.left, self.top + placed.top)

    def _draw(self, slide: Any, placed: sl.Placement, x: float, y: float) -> None:
        block, w, h = placed.block, self.width, placed.height
        if isinstance(block, TableBlock):
            sl.draw_table(slide, block, placed.rows, x, y)
        elif block.kind == "text":
            sl.write(sl.text_box(slide, x, y, w, h), *block.payload)
        elif block.kind == "heading":
            sl.write(sl.text_box(slide, x, y, w, h), block.payload, HEADING, bold=True, colour="accent")
        elif block.kind == "chart":
            sl.draw_chart(slide, block.payload, x, y, w, h)
        elif block.kind == "strip":
            status, fill, priority = block.payload
            badge = slide.shapes.add_shape(
                MSO_SHAPE.RECTANGLE, sl.emu(x), sl.emu(y), sl.emu(BADGE_WIDTH), sl.emu(BADGE_HEIGHT)
            )
            badge.fill.solid()
            badge.fill.fore_color.rgb = RGBColor.from_string(fill)
            badge.line.color.rgb = RGBColor.from_string("404040")
            style = badge._element.find(qn("p:style"))  # the theme's shadow and white text
            if style is not None:
                badge._element.remove(style)
            badge.text_frame.word_wrap = True
            badge.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            text = status.replace(f" {PROPOSED}", f"\n{PROPOSED}")
            sl.write(badge.text_frame, text, 16, bold=True, colour="000000", align=PP_ALIGN.CENTER)
            box = sl.text_box(slide, x + BADGE_WIDTH + 20, y, w - BADGE_WIDTH - 20, h)
            sl.write(box, priority, 14)
