"""One slide per area: status, activities by name, measures against targets, key comments.

The slide is laid out to fit: the status badge with the scope's own assessment on
top, the activities (each node's status by name) on the left, the measures (value
per node, target, on/off target) on the right and the key comments under the
shorter column. Text starts at 14 pt and shrinks to 12 pt, long plan texts get
fewer lines, and only then are rows left out, with a line saying how many and that
the roll-up workbook has them all. An area never takes more than one slide.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pptx.enum.chart import XL_CHART_TYPE

from hpdocs.consolidate import AreaResult, MeasureResult, Rollup
from hpdocs.levels import capitalise
from hpdocs.plan import MeasureKind
from hpdocs.render import slide_layout as sl
from hpdocs.render import slides_text as st
from hpdocs.render.slide_layout import Cell, Column, TableBlock

if TYPE_CHECKING:
    from hpdocs.render.slides import _Deck

SIZES = (14.0, 13.0, 12.0)  # points; nothing on a slide is smaller than 12
LINES = (6, 4, 3, 2, 1)  # lines of a plan text (activity, measure) before it is cut, most first
# (text size, the fewest lines of plan text), best first: readable texts before large type
FITS = ((14.0, 3), (13.0, 3), (12.0, 3), (14.0, 2), (13.0, 2), (12.0, 2), (12.0, 1))
GAP = 14.0
BADGE_WIDTH, BADGE_HEIGHT = 200.0, 44.0
COMMENT_LINES = 3
CHART_BAR, CHART_MIN = 18.0, 130.0  # points per bar; the least height worth a chart
COMMENTS_MIN = 80.0  # the least room for the key comments: a heading, one comment and a note
ROOM_FOR_ASSESSMENTS = 0.45  # tables at most this share of the height: the assessments go below
GOOD, BAD = "C6EFCE", "FFC7CE"


def more(n: int, one: str = "rad", many: str = "rader") -> str:
    return f"Ytterligare {n} {one if n == 1 else many} finns i sammanställningen (Excel)."


def area_slide(deck: _Deck, rollup: Rollup, result: AreaResult) -> None:
    slide = deck.content_slide(result.area.report_title)
    x, y, width, height = deck.left, deck.top, deck.width, deck.available
    strip_text, strip = _strip_text(deck, rollup, result, width, behind=True)
    height -= strip + 12

    activities = _activity_rows(rollup, result)
    measures = list(result.measures)
    columns: list[tuple[str, float]] = []
    if activities:
        columns.append(("activities", 0.5 if measures else 0.6))
    if measures:
        columns.append(("measures", 1 - columns[0][1] if columns else 0.6))
    widths = {name: (width - GAP * (len(columns) > 1)) * share for name, share in columns}
    if len(columns) == 1:
        widths[columns[0][0]] = width * columns[0][1]
    comments = st.comment_lines(rollup, result)
    if not columns and _assessments(rollup, result):
        columns = [("assessments", 1.0)]
        widths = {"assessments": width}
        comments = [c for c in st.comment_lines(rollup, result, statuses=False)]

    tables: dict[str, TableBlock] = {}
    build: dict[str, Callable[[float, int], TableBlock]] = {}
    if activities:
        build["activities"] = lambda size, n: _activity_table(
            deck, rollup, activities, widths["activities"], size, n
        )
    if measures:
        build["measures"] = lambda size, n: _measure_table(deck, rollup, result, widths["measures"], size, n)
    if "assessments" in widths:
        build["assessments"] = lambda size, n: _assessment_table(deck, rollup, result, width, size)
    tables = _fit_tables(build, height, bool(comments))
    shorter = min(tables, key=lambda name: tables[name].height, default="")
    tables = {
        name: _clip(t, height - (COMMENTS_MIN if comments and name == shorter and len(tables) > 1 else 0))
        for name, t in tables.items()
    }

    # Room to spare under short tables: the assessments below, by name, instead of one line.
    extra = (
        "assessments" not in tables
        and bool(_assessments(rollup, result))
        and max((t.height for t in tables.values()), default=0.0) <= height * ROOM_FOR_ASSESSMENTS
    )
    if extra:
        strip_text, _ = _strip_text(deck, rollup, result, width, behind=False)
    y += _draw_strip(deck, slide, result, rollup, strip_text, x, y, width) + 12
    left = x
    bottoms: dict[str, tuple[float, float, float]] = {}  # column -> x, y below it, width
    for name, _ in columns:
        table = tables[name]
        sl.draw_table(slide, table, range(len(table.rows)), left, y)
        bottoms[name] = (left, y + table.height + 12, widths[name])
        left += widths[name] + GAP
    if len(columns) == 1 and columns[0][0] != "assessments":
        bottoms["rest"] = (left, y, width - (left - x))
    if not columns:
        bottoms["rest"] = (x, y, width)
    end = deck.top + deck.available
    others = [b for name, b in bottoms.items() if name != "measures"]
    room_elsewhere = max((end - b[1] for b in others), default=0.0)
    if "measures" in bottoms and not extra and (not comments or room_elsewhere >= COMMENTS_MIN):
        below_chart = _chart(slide, rollup, result, bottoms["measures"], end)
        if below_chart != bottoms["measures"] and others:
            del bottoms["measures"]  # the comments go beside the chart, not under it
        else:
            bottoms["measures"] = below_chart
    if extra:
        top = max((b[1] for name, b in bottoms.items() if name != "rest"), default=y)
        comments = st.comment_lines(rollup, result, statuses=False)
        room = end - top - (COMMENTS_MIN if comments else 0.0)
        table = _clip(_assessment_table(deck, rollup, result, width, table_size(tables)), room)
        sl.draw_table(slide, table, range(len(table.rows)), x, top)
        bottoms = {"assessments": (x, top + table.height + 12, width)}
    if not columns and not comments:
        comments = ["Inga aktiviteter, mätningar eller kommentarer för perioden."]
    places = sorted(bottoms.values(), key=lambda b: b[1])
    _comments(deck, slide, comments, places, end, table_size(tables))


def _fit_tables(
    build: dict[str, Callable[[float, int], TableBlock]], height: float, comments: bool
) -> dict[str, TableBlock]:
    """The tables at the best (size, least lines of plan text) of FITS at which each fits,
    keeping as many lines as it can, and one of two leaves room for the key comments
    under it. What does not fit even at 12 pt and one line is clipped by the caller."""
    made: dict[tuple[str, float, int], TableBlock] = {}

    def table(name: str, size: float, lines: int) -> TableBlock:
        if (name, size, lines) not in made:
            made[name, size, lines] = build[name](size, lines)
        return made[name, size, lines]

    for size, least in FITS:
        options = {name: [table(name, size, n) for n in LINES if n >= least] for name in build}
        chosen = {name: next((t for t in ts if t.height <= height), None) for name, ts in options.items()}
        if any(t is None for t in chosen.values()):
            continue
        fitted = {name: t for name, t in chosen.items() if t is not None}
        if not comments or len(fitted) < 2:
            return fitted
        roomy = [
            (index, name, t)
            for name, ts in options.items()
            for index, t in enumerate(ts)
            if t.height <= height - COMMENTS_MIN
        ]
        if roomy:
            _, name, best = min(roomy, key=lambda r: r[0])
            return {**fitted, name: best}
    return {name: table(name, SIZES[-1], 1) for name in build}


def table_size(tables: dict[str, TableBlock]) -> float:
    return min((t.size for t in tables.values()), default=SIZES[0])


def _strip_text(
    deck: _Deck, rollup: Rollup, result: AreaResult, width: float, behind: bool
) -> tuple[str, float]:
    """The scope's own assessment text beside the badge (with the nodes below that are not
    on plan, when `behind`), and the strip's height."""
    level = rollup.plan.level(rollup.scope.level)
    status = st.status_text(result)
    if result.own_comment:
        text = f"{capitalise(level.genitive)} kommentar: {st.plain(result.own_comment)}"
    elif status.endswith(st.PROPOSED):
        text = (
            f"Föreslagen utifrån aktiviteternas status; {level.definite} har inte gjort någon egen bedömning."
        )
    else:
        text = f"{capitalise(level.definite)} har inte kommenterat sin bedömning."
    not_on_plan = st.nodes_not_on_plan(rollup, result)
    if behind and not_on_plan:
        text += f"\n{not_on_plan}"
    inner = (width - BADGE_WIDTH - 16) / deck.scale
    text = sl.truncate(text, inner, 14.0, 3)
    return text, max(BADGE_HEIGHT, sl.text_height(text, inner, 14.0))


def _draw_strip(
    deck: _Deck, slide: Any, result: AreaResult, rollup: Rollup, text: str, x: float, y: float, width: float
) -> float:
    """The status badge and, beside it, the strip's text; returns the strip's height."""
    status = st.status_text(result)
    inner = (width - BADGE_WIDTH - 16) / deck.scale
    height = max(BADGE_HEIGHT, sl.text_height(text, inner, 14.0))
    deck.badge(slide, status, st.status_fill(rollup.plan, result.status), x, y, BADGE_WIDTH, BADGE_HEIGHT)
    sl.write(sl.text_box(slide, x + BADGE_WIDTH + 16, y, width - BADGE_WIDTH - 16, height), text, 14.0)
    return height


def chart_measure(rollup: Rollup, result: AreaResult) -> tuple[MeasureResult, list[str], list[float]] | None:
    """The area's first percentage measure that two or more nodes report: it gets a chart."""
    for m in result.measures:
        if m.measure.kind in (MeasureKind.TARGET, MeasureKind.SHARE):
            pairs = [(rollup.label(e.node), v) for e in m.reporting if (v := st.share_of(m, e)) is not None]
            if len(pairs) >= 2:
                return m, [name for name, _ in pairs], [value for _, value in pairs]
    return None


def _chart(
    slide: Any, rollup: Rollup, result: AreaResult, below: tuple[float, float, float], end: float
) -> tuple[float, float, float]:
    """A bar per node (0–100 %) with the target, under the measures where there is room."""
    found = chart_measure(rollup, result)
    x, y, width = below
    if found is None:
        return below
    m, names, values = found
    series: list[sl.Series] = [("Värde", values, None)]
    if m.target is not None:
        series.append(("Mål", [m.target] * len(values), "BFBFBF"))
    wanted = 40 + CHART_BAR * len(names) * len(series) + (24 if len(series) > 1 else 0)
    heading = sl.line_height(12.0) + 2
    room = end - y - heading
    if room < min(wanted, CHART_MIN):
        return below
    height = min(wanted, room)
    label = m.measure.display_label
    sl.write(
        sl.text_box(slide, x, y, width, heading),
        f"{label} – per {rollup.plan.level(m.level).singular}"[:90],
        12.0,
        bold=True,
    )
    spec = sl.ChartSpec(XL_CHART_TYPE.BAR_CLUSTERED, names, series, '0" %"')
    sl.draw_chart(slide, spec, x, y + heading, width, height)
    return (x, y + heading + height + 12, width)


def _activity_rows(rollup: Rollup, result: AreaResult) -> list[tuple[str, str]]:
    rows = []
    for activity in result.activities:
        what = f"{activity.number}. {activity.text}" if activity.number else activity.text
        status = st.activity_status(rollup, activity)
        if list(activity.statuses) == [rollup.scope.id]:
            status = f"{capitalise(rollup.plan.level(activity.level).definite)}: {status}"
        rows.append((what, status))
    for e in result.own_activities:
        rows.append((f"Egen aktivitet: {e.text}", f"{rollup.label(e.node)}: {e.status or st.NOT_FILLED}"))
    return rows


def _assessments(rollup: Rollup, result: AreaResult) -> list[tuple[str, str, str]]:
    """The nodes' own assessments of the area (below the scope): name, status, comment."""
    comments = {e.node: e.comment for e in result.comments if e.item.endswith(".status")}
    return [
        (rollup.label(node), status, st.plain(comments.get(node, "")))
        for node, status in result.node_statuses.items()
        if node != rollup.scope.id
    ]


def _assessment_table(
    deck: _Deck, rollup: Rollup, result: AreaResult, width: float, size: float
) -> TableBlock:
    """Where the plan has no activities below the scope: who assesses the area how, and why."""
    below = rollup.plan.level(st.below_level(rollup))
    spec = [(below.title, 0.25), (f"{capitalise(below.plural_genitive)} bedömning", 0.2), ("Kommentar", 0.55)]
    rows = [
        [Cell(name, bold=True), Cell(status, st.status_fill(rollup.plan, status), bold=True), Cell(comment)]
        for name, status, comment in _assessments(rollup, result)
    ]
    return _table(deck, spec, rows, width, size, (0, 0, 4))


def _activity_table(
    deck: _Deck, rollup: Rollup, rows: list[tuple[str, str]], width: float, size: float, lines: int
) -> TableBlock:
    below = rollup.plan.level(st.below_level(rollup))
    spec = [("Aktivitet", 0.55), (f"Status per {below.singular}", 0.45)]
    return _table(deck, spec, [[Cell(a), Cell(b)] for a, b in rows], width, size, (lines, 0))


def _measure_table(
    deck: _Deck, rollup: Rollup, result: AreaResult, width: float, size: float, lines: int
) -> TableBlock:
    rows = []
    for m in result.measures:
        label = (
            f"{m.measure.number}. {m.measure.display_label}" if m.measure.number else m.measure.display_label
        )
        target, met = st.measure_target(m)
        fill = None if met is None else GOOD if met else BAD
        rows.append([Cell(label), Cell(st.measure_value(rollup, m)), Cell(target, fill)])
    spec = [("Mätning", 0.4), ("Värde", 0.42), ("Mål", 0.18)]
    return _table(deck, spec, rows, width, size, (lines, 0, 0))


def _table(
    deck: _Deck,
    spec: Sequence[tuple[str, float]],
    rows: list[list[Cell]],
    width: float,
    size: float,
    lines: Sequence[int],
) -> TableBlock:
    """A table `width` points wide; columns with a line limit get their text cut to it."""
    columns = [Column(header, width * share) for header, share in spec]
    inner = [(c.width - 2 * sl.CELL_MARGIN_X) / deck.scale for c in columns]
    cut = [
        [
            Cell(sl.truncate(c.text, w, size, n) if n else c.text, c.fill, c.bold)
            for c, w, n in zip(row, inner, lines, strict=True)
        ]
        for row in rows
    ]
    return TableBlock(columns, cut, size, deck.scale)


def _clip(table: TableBlock, height: float) -> TableBlock:
    """The table with rows left out from the end, and a line saying so, until it fits."""
    rows = list(table.rows)
    kept = len(rows)
    while kept > 0 and TableBlock(table.columns, rows, table.size, table.scale).height > height:
        kept -= 1
        note = [Cell(more(len(table.rows) - kept))] + [Cell("")] * (len(table.columns) - 1)
        rows = [*table.rows[:kept], note]
    return TableBlock(table.columns, rows, table.size, table.scale)


def _comments(
    deck: _Deck,
    slide: Any,
    comments: list[str],
    places: list[tuple[float, float, float]],
    end: float,
    size: float,
) -> None:
    """As many key comments as fit, each cut to a few lines: under the shorter column
    first, then under the other; the rest counted in a last line."""
    line = sl.line_height(size)
    places = [p for p in places if end - p[1] >= 2 * line + 20]
    if not comments or not places:
        return
    x, y, width = places[0]
    sl.write(sl.text_box(slide, x, y, width, line + 2), "Kommentarer", size, bold=True, colour="accent")
    places[0] = (x, y + line + 4, width)
    left = list(comments)
    for number, (x, y, width) in enumerate(places):
        inner = width / deck.scale
        last = number == len(places) - 1
        shown: list[str] = []
        used = 0.0
        while left:
            text = "• " + sl.truncate(left[0], inner - size, size, COMMENT_LINES)
            need = sl.text_height(text, inner, size) + 4
            rest = len(left) - 1
            reserve = (
                sl.text_height(more(rest, "kommentar", "kommentarer"), inner, size) if rest and last else 0.0
            )
            if y + used + need + reserve > end:
                break
            shown.append(text)
            used += need
            left.pop(0)
        if left and last:
            shown.append(more(len(left), "kommentar", "kommentarer"))
        if shown:
            body = "\n".join(shown)
            sl.write(sl.text_box(slide, x, y, width, sl.text_height(body, inner, size) + 2), body, size)
        if not left:
            return


def is_sparse(result: AreaResult) -> bool:
    """An area without activities or measures for the scope and the levels below it."""
    return not (result.activities or result.own_activities or result.measures)


def sparse_section(deck: _Deck, rollup: Rollup, results: list[AreaResult]) -> None:
    """Areas the plan gives the scope nothing to do in, together: each with its status,
    who below assesses it how and why, and other comments."""
    level = rollup.plan.level(rollup.scope.level)
    below = rollup.plan.level(st.below_level(rollup))
    blocks: list[sl.Block] = []
    for result in results:
        blocks.append(deck.heading(f"{result.area.report_title} – {st.status_text(result)}"))
        if result.own_comment:
            blocks.append(
                deck.text(f"{capitalise(level.genitive)} kommentar: {st.plain(result.own_comment)}", 14.0)
            )
        if _assessments(rollup, result):
            blocks.append(_assessment_table(deck, rollup, result, deck.width, 14.0))
        else:
            blocks.append(deck.text(f"Ingen {below.singular} har bedömt området för perioden.", 14.0))
        others = st.comment_lines(rollup, result, statuses=False)
        if others:
            blocks.append(deck.text("\n".join(f"• {c}" for c in others), 12.0))
    deck.section(f"Områden utan aktiviteter för {level.definite} och {below.plural_definite}", blocks)
