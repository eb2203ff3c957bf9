"""Who stands behind a status: area statuses with a symbol that survives black-and-white print,
and the area × node matrix that opens the PSB chapter.

The matrix has one row per area and one column per node directly below the scope (units for a
business area, business areas for the company), each cell that node's own assessment of the area
for the period; the scope's own assessment stands beside it in a column labelled as its own.
"""

from __future__ import annotations

from typing import Any

from hpdocs.consolidate import NOT_ASSESSED, AreaResult, Rollup
from hpdocs.levels import capitalise
from hpdocs.org import Node
from hpdocs.plan import LEVEL_KEYS, Area, Plan
from hpdocs.render.context import _ordered_areas, _plain

# Shapes, not colours: full, half, empty circle for the best, middle and worst area status.
AREA_SYMBOLS = ("●", "◐", "○")
EXTRA_SYMBOL = "◇"  # a plan with more than three area statuses
NO_STATUS_SYMBOL = "–"
NO_STATUS = "Ingen bedömning"


def symbol(plan: Plan, status: str) -> str:
    """The print-safe symbol of an area status ('●' for the best); '–' for none."""
    if not status or status == NOT_ASSESSED:
        return NO_STATUS_SYMBOL
    if status in plan.area_statuses:
        index = plan.area_statuses.index(status)
        return AREA_SYMBOLS[index] if index < len(AREA_SYMBOLS) else EXTRA_SYMBOL
    return EXTRA_SYMBOL


def marked(plan: Plan, status: str, empty: str = NO_STATUS) -> str:
    """'● Enligt plan'; '– Ingen bedömning' when there is none."""
    return f"{symbol(plan, status)} {_plain(status) or empty}"


def legend(plan: Plan) -> str:
    parts = [f"{symbol(plan, s)} {s}" for s in plan.area_statuses]
    return "   ".join([*parts, f"{NO_STATUS_SYMBOL} {NO_STATUS}"])


def all_nodes(rollup: Rollup) -> list[Node]:
    """Every node in scope, in organisation order."""
    c = rollup.completeness
    nodes = {n.id: n for n in (*c.reported, *c.empty, *c.missing, *c.rejected)}
    order = list(rollup.names)
    return sorted(nodes.values(), key=lambda n: order.index(n.id) if n.id in order else 1 << 30)


def children(rollup: Rollup) -> list[Node]:
    """The nodes directly below the scope, in organisation order."""
    return [n for n in all_nodes(rollup) if n.parent == rollup.scope.id and n.id != rollup.scope.id]


def reporting_state(rollup: Rollup) -> dict[str, str]:
    """node id -> why it has no status: 'inte inlämnad', 'avvisad', 'inget för perioden'."""
    c = rollup.completeness
    states: dict[str, str] = {}
    for nodes, why in (
        (c.missing, "inte inlämnad"),
        (c.rejected, "avvisad"),
        (c.empty, "inget för perioden"),
    ):
        for n in nodes:
            states[n.id] = why
    return states


def _cell(plan: Plan, result: AreaResult | None, node: Node, states: dict[str, str]) -> dict[str, str]:
    status = result.node_statuses.get(node.id, "") if result else ""
    why = states.get(node.id, "")
    return {
        "status": _plain(status),
        "symbol": symbol(plan, status),
        # a node with nothing for the period says why in its column heading, not in every cell
        "text": marked(plan, status) if status or not why else NO_STATUS_SYMBOL,
    }


def status_matrix(rollup: Rollup) -> dict[str, Any]:
    """The area × node matrix for the scope and period, plain data for the template."""
    plan, scope = rollup.plan, rollup.scope
    below = children(rollup)
    states = reporting_state(rollup)
    results = {r.area.id: r for r in rollup.areas}
    scope_name = plan.level(scope.level)
    child_level = LEVEL_KEYS[min(LEVEL_KEYS.index(scope.level) + 1, len(LEVEL_KEYS) - 1)]
    rows = []
    for area in _ordered_areas(plan):
        result = results.get(area.id)
        rows.append(_row(plan, area, result, below, states))
    own_label = f"{capitalise(scope_name.genitive)} egen bedömning"
    return {
        "columns": [
            {
                "id": n.id,
                "name": _plain(rollup.label(n.id)) + (f" ({states[n.id]})" if n.id in states else ""),
                "state": states.get(n.id, ""),
            }
            for n in below
        ],
        "column_level": plan.level(child_level).title,
        "column_level_plural": plan.level(child_level).plural,
        "own_label": own_label,
        "rows": rows,
        "legend": legend(plan),
        "note": (
            f"Varje kolumn är {plan.level(child_level).article} {plan.level(child_level).indefinite_genitive} egen bedömning av området för "
            f"perioden. Kolumnen ”{own_label}” är den egna bedömningen för {_plain(scope.name)}; saknas den står "
            "förslaget utifrån aktiviteternas status inom parentes."
        ),
    }


def _row(
    plan: Plan, area: Area, result: AreaResult | None, below: list[Node], states: dict[str, str]
) -> dict[str, Any]:
    own = result.own_status if result else ""
    proposed = result.proposed_status if result else ""
    own_text = marked(plan, own) if own else f"{symbol(plan, proposed)} ({_plain(proposed) or NO_STATUS})"
    return {
        "id": area.id,
        "title": _plain(area.report_title),
        "cells": [_cell(plan, result, n, states) for n in below],
        "own": _plain(own),
        "own_text": own_text,
        "own_is_assessment": bool(own),
    }
