"""How tall text is on a slide, how blocks flow over slides, and how they are drawn.

PowerPoint table rows do not grow to fit when python-pptx writes them, and text
autofit is only a flag PowerPoint applies later (python-pptx #296, #701, #1021).
So hpdocs measures text itself: widths come from the metrics of Arial (wider than
the template's Calibri, so the estimate errs high; Liberation Sans on Linux has
Arial's metrics), line heights from Calibri's taller ones, rounded up, and
are wrapped word by word as PowerPoint wraps them. Every block gets a height, and
`paginate` moves what does not fit to a continuation slide. Measuring and drawing
live together because they must agree on fonts, margins and line spacing. The
estimates err on the high side: a row a little too tall looks fine, a row too
short runs off the slide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.util import Emu, Pt

EMU_PER_PT = 12700
LINE_SPACING = 1.22  # line height as a multiple of the font size (Calibri needs 1.22, Arial 1.15)
WIDTH_SAFETY = 1.03  # widths are rounded up by this factor
BOLD_FACTOR = 1.1  # bold characters missing from the bold table
CELL_MARGIN_X = 5.0  # points left and right inside table cells
CELL_MARGIN_Y = 3.0  # points above and below
ELLIPSIS = "…"
ROW_FILLS = ("FFFFFF", "EEF3F8")
CHART_SIZE = 12.0  # points: axis labels, data labels and legend

# Advance widths of Arial / Liberation Sans in 1/100 em, grouped by width.
# fmt: off
_WIDTH_GROUPS: dict[int, str] = {
    19: "'", 22: "ijl’", 26: "|", 28: " !,./:;I[\\]ft", 33: "()-`r{}”“", 35: '"•', 39: "*",
    47: "^", 50: "Jcksvxyz", 56: "#$0123456789?L_abdeghnopquåäöéèü–€§", 58: "+<=>~×",
    61: "FTZ", 67: "&ABEKPSVXYÅÄ", 72: "CDHNRUwÜ", 78: "GOQÖ", 83: "Mm½", 89: "%", 94: "W",
    100: "—…", 102: "@",
}
_BOLD_GROUPS: dict[int, str] = {
    24: "'", 28: " ,./I\\ijl|’", 33: "!()-:;[]`ft", 35: "•", 39: "*r{}", 47: '"', 50: "z”“",
    56: "#$0123456789J_aceksvxyåäéè–€§", 58: "+<=>^~×", 61: "?FLTZbdghnopquöü", 67: "EPSVXY",
    72: "&ABCDHKNRUÅÄÜ", 78: "GOQwÖ", 83: "M½", 89: "%m", 94: "W", 98: "@", 100: "—…",
}
# fmt: on
_WIDTHS = {ch: w / 100 for w, chars in _WIDTH_GROUPS.items() for ch in chars}
_BOLD = {ch: w / 100 for w, chars in _BOLD_GROUPS.items() for ch in chars}
# How much wider than Arial a theme font sets the same text (rounded up), so that a
# template restyled with another font still gets rows tall enough.
FONT_SCALES: dict[str, float] = {
    **dict.fromkeys(("arial", "liberation sans", "helvetica", "arimo", "roboto", "aptos"), 1.0),
    # Carlito (Calibri's metrics) sets the plan's texts at 0.92 of Arial's width.
    **dict.fromkeys(("calibri", "carlito"), 0.95),
    **dict.fromkeys(("times new roman", "cambria"), 0.97),
    **dict.fromkeys(("segoe ui", "tahoma", "trebuchet ms"), 1.05),
    **dict.fromkeys(("georgia", "open sans"), 1.1),
    **dict.fromkeys(("verdana", "century gothic"), 1.2),
}
UNKNOWN_FONT_SCALE = 1.15
# "Patient/brukarsäkerhetsperspektivet" may wrap after the slash, not inside a word: the slide
# gets a zero-width space there (PowerPoint and LibreOffice break at it) and `wrap` agrees.
_SLASH = re.compile(r"(?<=\w)/(?=\w)")
_BREAKS = re.compile("(?<= )|(?<=\\w/)(?=[\\w\u200b])")
_ILLEGAL_XML = re.compile("[^\t\n\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: object) -> str:
    """User text as it may go into slide XML: line breaks as \\n, characters XML 1.0
    forbids (most control characters) removed. python-pptx escapes & < > itself."""
    value = "" if text is None else str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n").replace("\f", "\n")
    return _ILLEGAL_XML.sub("", value)


def font_scale(*typefaces: str) -> float:
    """Width factor of the widest of the given fonts, relative to Arial."""
    known = [FONT_SCALES.get(t.strip().lower(), UNKNOWN_FONT_SCALE) for t in typefaces if t]
    return max(known, default=1.0)


@lru_cache(maxsize=8192)
def char_width(ch: str, bold: bool = False) -> float:
    """Width of one character in em."""
    known = (_BOLD if bold else _WIDTHS).get(ch)
    if known is not None:
        return known
    if bold:
        return char_width(ch) * BOLD_FACTOR
    code = ord(ch)
    if code == 9:
        return 2.0
    if code < 0x0300:  # other Latin letters and signs: as wide as a capital
        return 0.67
    if 0x0300 <= code < 0x0370 or code in (0x200B, 0x200C, 0x200D, 0xFE0F):  # combining
        return 0.0
    return 0.8 if code < 0x2E80 else 1.25  # CJK and emoji come from a wider fallback font


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Estimated width in points of a single line."""
    return sum(char_width(ch, bold) for ch in text) * size * WIDTH_SAFETY


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """The lines PowerPoint draws in a box `width` points wide: each \\n starts a
    paragraph, words wrap at spaces, a word longer than a line breaks anywhere."""
    limit = width / (size * WIDTH_SAFETY)  # in em
    lines: list[str] = []
    for paragraph in xml_safe(text).split("\n"):
        line, used = "", 0.0  # used: width of the line so far, trailing spaces included
        for word in _BREAKS.split(paragraph):  # the space stays with the word before it
            core = word.rstrip(" ")
            core_width = sum(char_width(ch, bold) for ch in core)
            full_width = core_width + (len(word) - len(core)) * char_width(" ", bold)
            if used + core_width <= limit:  # trailing spaces may hang over the edge
                line, used = line + word, used + full_width
                continue
            if line:
                lines.append(line.rstrip(" "))
            line, used = word, full_width
            if core_width > limit:  # break the long word between characters
                line, used = "", 0.0
                for ch in word:
                    if line.strip() and used + char_width(ch, bold) > limit:
                        lines.append(line.rstrip(" "))
                        line, used = "", 0.0
                    line, used = line + ch, used + char_width(ch, bold)
        lines.append(line.rstrip(" "))
    return lines


def line_height(size: float) -> float:
    return size * LINE_SPACING


def text_height(text: str, width: float, size: float, *, bold: bool = False) -> float:
    """Height in points of text wrapped in a box `width` points wide (no insets)."""
    return len(wrap(text, width, size, bold=bold)) * line_height(size)


def fit_lines(height: float, size: float) -> int:
    """How many lines of this size fit in `height` points."""
    return max(1, int(height // line_height(size)))


def truncate(
    text: str, width: float, size: float, max_lines: int, *, note: str = "", bold: bool = False
) -> str:
    """Text cut to at most `max_lines` wrapped lines, ending in "…" and then `note`
    on a line of its own when something was cut. Line breaks are kept."""
    clean = xml_safe(text)
    if len(wrap(clean, width, size, bold=bold)) <= max_lines:
        return clean
    keep = max(1, max_lines - (len(wrap(note, width, size, bold=bold)) if note else 0))
    low, high = 0, len(clean)
    while low < high:  # the longest prefix that, with "…", still wraps into `keep` lines
        mid = (low + high + 1) // 2
        if len(wrap(clean[:mid].rstrip() + ELLIPSIS, width, size, bold=bold)) <= keep:
            low = mid
        else:
            high = mid - 1
    shortened = clean[:low].rstrip() + ELLIPSIS
    return f"{shortened}\n{note}" if note else shortened


# --- blocks and pagination -------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    fill: str | None = None  # RGB hex; None = the table's banding
    bold: bool = False


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # points


@dataclass
class TableBlock:
    """A table that may continue on the next slide; its header row repeats there."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    size: float = 12.0
    scale: float = 1.0  # font width relative to Arial (see font_scale)

    def cell_height(self, text: str, width: float, bold: bool) -> float:
        inner = max(width - 2 * CELL_MARGIN_X, 1.0) / self.scale
        return text_height(text, inner, self.size, bold=bold) + 2 * CELL_MARGIN_Y

    @cached_property
    def header_height(self) -> float:
        return max(self.cell_height(c.header, c.width, True) for c in self.columns)

    @cached_property
    def _row_heights(self) -> list[float]:
        rows = (zip(row, self.columns, strict=True) for row in self.rows)
        return [max(self.cell_height(c.text, col.width, c.bold) for c, col in row) for row in rows]

    def row_height(self, index: int) -> float:
        return self._row_heights[index]

    @property
    def height(self) -> float:
        return self.header_height + sum(self._row_heights)


@dataclass
class FixedBlock:
    """Drawn whole: a heading, a paragraph, a chart, a status badge."""

    height: float
    kind: str
    payload: Any = None
    keep_with_next: bool = False


Block = TableBlock | FixedBlock


@dataclass
class Placement:
    block: Block
    top: float  # points below the top of the content area
    height: float
    rows: range = field(default_factory=lambda: range(0))  # the table rows on this slide


def paginate(blocks: Sequence[Block], available: float, gap: float = 10.0) -> list[list[Placement]]:
    """Blocks laid out top to bottom on as many slides as needed.

    A fixed block moves whole to the next slide and a heading goes with what follows
    it. A table that fits on one slide is not split; a longer one is split between
    rows, never leaving a single row before a break. Builders truncate texts so
    that no single row is taller than a slide.
    """
    pages: list[list[Placement]] = [[]]
    y = 0.0
    for index, block in enumerate(blocks):
        if isinstance(block, FixedBlock):
            need = block.height
            if block.keep_with_next and index + 1 < len(blocks):
                need += gap + _first_piece(blocks[index + 1], available)
            if y > 0 and y + need > available:
                pages.append([])
                y = 0.0
            pages[-1].append(Placement(block, y, block.height))
            y += block.height + gap
            continue
        if y > 0 and y + _first_piece(block, available) > available:
            pages.append([])
            y = 0.0
        start, count = 0, len(block.rows)
        while start < count:
            end, used = start, block.header_height
            while end < count and y + used + block.row_height(end) <= available:
                used += block.row_height(end)
                end += 1
            if end - start < min(2, count - start) and y > 0:
                pages.append([])
                y = 0.0
                continue
            if end == start:  # taller than a slide (builders prevent it): alone
                used += block.row_height(end)
                end += 1
            pages[-1].append(Placement(block, y, used, range(start, end)))
            y += used + gap
            start = end
            if start < count:
                pages.append([])
                y = 0.0
    return [page for page in pages if page] or [[]]


def _first_piece(block: Block, available: float) -> float:
    """What must fit below a heading: a whole table when it fits on one slide."""
    if isinstance(block, FixedBlock):
        return block.height
    if block.height <= available:
        return block.height
    return block.header_height + sum(block.row_height(i) for i in range(min(2, len(block.rows))))


# --- drawing ---------------------------------------------------------------------------


Series = tuple[str, list[float], str | None]  # name, values, RGB fill (None: the theme's)


@dataclass(frozen=True)
class ChartSpec:
    chart_type: Any  # XL_CHART_TYPE.BAR_STACKED or BAR_CLUSTERED
    categories: list[str]
    series: list[Series]
    number_format: str


def emu(points: float) -> Emu:
    return Emu(int(points * EMU_PER_PT))


def text_box(slide: Any, x: float, y: float, w: float, h: float) -> Any:
    """A text frame without insets or autofit, positioned in points."""
    frame = slide.shapes.add_textbox(emu(x), emu(y), emu(w), emu(h)).text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)
    return frame


def write(
    frame: Any, text: str, size: float, *, bold: bool = False, colour: str = "", align: Any = None
) -> None:
    """Text into a frame, one paragraph per line, each run sized explicitly.
    colour: RGB hex, "" for the inherited colour, "accent" for the theme's accent 1."""
    frame.text = ""
    for number, line in enumerate(xml_safe(text).split("\n")):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        paragraph._p.get_or_add_endParaRPr().set("sz", str(int(size * 100)))  # empty lines
        if not line:
            continue
        run = paragraph.add_run()
        run.text = _SLASH.sub("/\u200b", line)
        run.font.size = Pt(size)
        run.font.bold = bold
        if colour == "accent":
            run.font.color.theme_color = MSO_THEME_COLOR.ACCENT_1
        elif colour:
            run.font.color.rgb = RGBColor.from_string(colour)


def draw_table(slide: Any, block: TableBlock, rows: range, x: float, y: float) -> None:
    """The header and `rows` of a table block, rows exactly as tall as estimated."""
    heights = [block.header_height] + [block.row_height(i) for i in rows]
    shape = slide.shapes.add_table(
        len(heights),
        len(block.columns),
        emu(x),
        emu(y),
        emu(sum(c.width for c in block.columns)),
        emu(sum(heights)),
    )
    table = shape.table
    table.horz_banding = False
    for j, column in enumerate(block.columns):
        table.columns[j].width = emu(column.width)
    header = [Cell(c.header, None, True) for c in block.columns]
    for i, height in enumerate(heights):
        table.rows[i].height = emu(height)
        for j, data in enumerate(header if i == 0 else block.rows[rows[i - 1]]):
            cell = table.cell(i, j)
            cell.margin_left = cell.margin_right = emu(CELL_MARGIN_X)
            cell.margin_top = cell.margin_bottom = emu(CELL_MARGIN_Y)
            cell.vertical_anchor = MSO_ANCHOR.TOP if i else MSO_ANCHOR.MIDDLE
            cell.fill.solid()
            if i == 0:
                cell.fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_1
            else:
                cell.fill.fore_color.rgb = RGBColor.from_string(data.fill or ROW_FILLS[(i - 1) % 2])
            write(
                cell.text_frame,
                data.text,
                block.size,
                bold=data.bold,
                colour="FFFFFF" if i == 0 else "000000",
            )


def draw_chart(slide: Any, spec: ChartSpec, x: float, y: float, w: float, h: float) -> None:
    """A native, editable bar chart: categories top down, values labelled."""
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = spec.categories
    for name, values, _ in spec.series:
        data.add_series(name, values)
    chart = slide.shapes.add_chart(spec.chart_type, emu(x), emu(y), emu(w), emu(h), data).chart
    stacked = spec.chart_type == XL_CHART_TYPE.BAR_STACKED
    chart.font.size = Pt(CHART_SIZE)
    chart.has_title = False
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    chart.category_axis.reverse_order = True  # first category at the top, as in the plan
    chart.category_axis.tick_labels.font.size = Pt(CHART_SIZE)
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.minimum_scale = 0
    if "%" in spec.number_format:
        axis.maximum_scale = 100  # a share is never drawn past 100 %
        axis.major_unit = 20
    axis.tick_labels.font.size = Pt(CHART_SIZE)
    axis.tick_labels.number_format = spec.number_format.split(";")[0]
    axis.tick_labels.number_format_is_linked = False
    columns = list(zip(*(s[1] for s in spec.series), strict=True))
    top = max((sum(c) if stacked else max(c) for c in columns), default=0)
    if spec.number_format.split(";")[0] == "0" and top <= 10:
        axis.major_unit = 1  # whole numbers of units, no 0.5 steps
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = spec.number_format  # "0;-0;;" hides the zeros of a stack
    labels.number_format_is_linked = False
    labels.font.size = Pt(CHART_SIZE)
    share = "%" in spec.number_format
    inside = stacked or share  # a label outside a 100 % bar would stand past the axis
    labels.position = (
        XL_LABEL_POSITION.INSIDE_END
        if share and not stacked
        else (XL_LABEL_POSITION.CENTER if stacked else XL_LABEL_POSITION.OUTSIDE_END)
    )
    for series, (_, _, fill) in zip(plot.series, spec.series, strict=True):
        if fill:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = RGBColor.from_string(fill)
            series.format.line.color.rgb = RGBColor.from_string("7F7F7F")
        if inside and not fill:  # on the theme's dark accent
            series.data_labels.show_value = True
            series.data_labels.font.size = Pt(CHART_SIZE)
            series.data_labels.font.color.rgb = RGBColor.from_string("FFFFFF")
            series.data_labels.number_format = spec.number_format
            series.data_labels.number_format_is_linked = False
            series.data_labels.position = labels.position
