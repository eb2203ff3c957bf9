"""The company deck's own slides: the area × business-area matrix on one slide, and
what lies behind every area that is not on plan (which business areas, and why)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hpdocs.consolidate import Rollup
from hpdocs.levels import capitalise
from hpdocs.render import slide_layout as sl
from hpdocs.render import slides_text as st
from hpdocs.render.slide_layout import Cell, Column, TableBlock

if TYPE_CHECKING:
    from hpdocs.render.slides import _Deck

MATRIX_SIZES = (20.0, 18.0, 16.0, 14.0, 13.0, 12.0)
WHY_LINES = 4


def _status_cell(rollup: Rollup, area_id: str, *, short: bool = False) -> Cell:
    result = rollup.area(area_id)
    text = st.status_text(result)
    if short:
        text = text.replace(f" {st.PROPOSED}", f"\n{st.PROPOSED}")
    return Cell(text, st.status_fill(rollup.plan, result.status), bold=True)


def matrix_slide(deck: _Deck, rollups: list[Rollup], company: Rollup) -> None:
    """Areas down, business areas across (equal widths), the company's own assessment
    last and labelled as its own; one slide, the text shrinking to 12 pt at the least."""
    plan = company.plan
    vo = plan.level("vo")
    headers = [r.scope.name for r in rollups] + [st.own_label(company)]
    first = 0.3 if len(headers) <= 6 else 0.22
    share = (1 - first) / len(headers)
    rows = [
        [
            Cell(area.report_title, bold=True),
            *(_status_cell(r, area.id, short=True) for r in rollups),
            _status_cell(company, area.id, short=True),
        ]
        for area in plan.areas
    ]
    notes = []
    if any(c.text.endswith(st.PROPOSED) for row in rows for c in row):
        notes.append(f"{st.PROPOSED} = föreslagen utifrån aktiviteternas status; ingen egen bedömning.")
    note = "\n".join(notes)
    note_height = sl.text_height(note, deck.width / deck.scale, 12.0) + 10 if note else 0.0
    # Widths where no name breaks inside a word come first; the template's shares when none fits.
    tries = [(size, _widths(deck, headers, rows, size, first, share)) for size in MATRIX_SIZES]
    tries = [t for t in tries if t[1] is not None] + [(size, None) for size in MATRIX_SIZES]
    table = None
    for size, widths in tries:
        first_w, share_w, own_w = widths or (deck.width * first, deck.width * share, deck.width * share)
        columns = [Column("Område", first_w)] + [Column(h, share_w) for h in headers[:-1]]
        columns.append(Column(headers[-1], own_w))
        table = TableBlock(columns, rows, size, deck.scale)
        if table.height + note_height <= deck.available:
            break
    assert table is not None
    slide = deck.content_slide(f"Status per {vo.singular}")
    sl.draw_table(slide, table, range(len(rows)), deck.left, deck.top)
    if note:
        y = deck.top + table.height + 10
        sl.write(sl.text_box(slide, deck.left, y, deck.width, note_height - 10), note, 12.0)


def longest_word(texts: list[str], size: float, scale: float) -> float:
    """Width in points of the widest single word among `texts`, set in bold, with the cell's margins."""
    words = [w for t in texts for w in t.split()]
    # 2 points of slack: column widths are rounded to whole EMU when drawn
    return (
        max((sl.text_width(w, size, bold=True) for w in words), default=0.0) * scale
        + 2 * sl.CELL_MARGIN_X
        + 2
    )


def _widths(
    deck: _Deck, headers: list[str], rows: list[list[Cell]], size: float, first: float, share: float
) -> tuple[float, float, float] | None:
    """Widths of the area column, of every business-area column (all equal) and of the
    company's own column, so that no word breaks ("Närsjukvårdsförvaltnin|gen"): the
    business-area columns widen as needed, the own column and then the area column give way
    down to their own longest word; None when that is not enough at this size."""
    equal = deck.width * share
    column = max(
        equal, longest_word([*headers[:-1], *(c.text for r in rows for c in r[1:-1])], size, deck.scale)
    )
    own_need = longest_word([headers[-1], *(r[-1].text for r in rows)], size, deck.scale)
    first_need = longest_word(["Område", *(r[0].text for r in rows)], size, deck.scale)
    vo_columns = column * (len(headers) - 1)
    # what is left is shared by the area and the own column as in the template, neither
    # narrower than its longest word
    left = deck.width - vo_columns
    own = max(own_need, min(equal, left * share / (first + share)))
    area = left - own
    if area < first_need:
        return None
    return area, column, own


def behind_slides(deck: _Deck, rollups: list[Rollup], company: Rollup) -> None:
    """Per area not on plan: each business area not on plan, its status and why."""
    plan = company.plan
    vo = plan.level("vo")
    blocks: list[sl.Block] = []
    for area in plan.areas:
        own = company.area(area.id)
        behind = [r for r in rollups if not st.on_plan(plan, r.area(area.id))]
        if st.on_plan(plan, own) and not behind:
            continue
        heading = f"{area.report_title} – {st.own_label(company).lower()}: {st.status_text(own)}"
        blocks.append(deck.heading(heading))
        if not behind:
            text = f"Alla {vo.plural} bedömer området som {plan.area_statuses[0].lower()}."
            blocks.append(deck.text(text, 14.0))
            continue
        rows = []
        width = (deck.width * 0.62 - 2 * sl.CELL_MARGIN_X) / deck.scale
        for r in behind:
            result = r.area(area.id)
            why = [st.plain(result.own_comment)] if result.own_comment else []
            why += [line for line in [st.nodes_not_on_plan(r, result)] if line]
            why += st.late_activities(r, result)
            text = "\n".join(why) or f"{capitalise(vo.definite)} har inte kommenterat bedömningen."
            rows.append(
                [
                    Cell(r.scope.name, bold=True),
                    _status_cell(r, area.id),
                    Cell(sl.truncate(text, width, 12.0, WHY_LINES)),
                ]
            )
        spec = [(vo.title, 0.18), ("Status", 0.2), ("Varför", 0.62)]
        columns = [Column(h, deck.width * s) for h, s in spec]
        blocks.append(TableBlock(columns, rows, 12.0, deck.scale))
    if not blocks:
        blocks.append(deck.text(f"Alla områden går enligt plan i alla {vo.plural}.", 14.0))
    deck.section("Bakom statusen – områden som inte går enligt plan", blocks)
