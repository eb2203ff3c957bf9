"""The year so far: the scope's status per area and each measure's total, period by period.

Built from the roll-up's entries of every period (the workbooks hold the whole year), so the
PSB chapter of Kvartal 3 shows Kvartal 1 → Kvartal 3, and the whole-year document shows every
period reported in.
"""

from __future__ import annotations

from typing import Any

from hpdocs.consolidate import Rollup, _aggregate, propose_status
from hpdocs.plan import LEVEL_KEYS, MeasureKind
from hpdocs.ratio import is_ratio, ratio_text
from hpdocs.render.context import _ordered_areas, _plain
from hpdocs.render.psb_measures import number, pct
from hpdocs.render.status_matrix import marked
from hpdocs.workbook.read import KIND_ACTIVITY, KIND_OWN, KIND_STATUS, Entry


def periods_so_far(rollup: Rollup) -> list[str]:
    """The plan's periods from the first up to the roll-up's period."""
    ids = [p.id for p in rollup.plan.periods]
    return ids[: ids.index(rollup.period) + 1] if rollup.period in ids else ids


def _short_total(kind: MeasureKind, ratio: bool, result: Any) -> str:
    if not result.reporting:
        return "–"
    if kind is MeasureKind.COUNT:
        return number(result.total or 0)
    if kind is MeasureKind.SHARE:
        if ratio:
            return ratio_text(result.total, result.denominator)
        return pct(result.share) if result.share is not None else "–"
    if kind is MeasureKind.YESNO:
        return f"Ja {number(result.total or 0)} av {number(result.denominator or 0)}"
    if kind is MeasureKind.TARGET:
        if result.target is None:
            return f"{len(result.reporting)} värden"
        return f"{result.meeting_target} av {len(result.reporting)} når målet"
    return f"{len(result.reporting)} svar"


def history(rollup: Rollup) -> dict[str, Any]:
    """Per area: status per period, and per measure: its total per period."""
    plan, scope = rollup.plan, rollup.scope
    periods = periods_so_far(rollup)
    by_period: dict[str, list[Entry]] = {p: [] for p in periods}
    for e in rollup.entries:
        if e.period in by_period:
            by_period[e.period].append(e)
    levels = LEVEL_KEYS[LEVEL_KEYS.index(scope.level) :]
    areas: list[dict[str, Any]] = []
    for area in _ordered_areas(plan):
        statuses = []
        for p in periods:
            now = [e for e in by_period[p] if e.area == area.id]
            own = next(
                (e.status for e in now if e.kind == KIND_STATUS and e.node == scope.id and e.status), ""
            )
            if own:
                statuses.append({"text": marked(plan, own), "own": True})
                continue
            acts = [e.status for e in now if e.kind in (KIND_ACTIVITY, KIND_OWN) and e.status]
            proposed = propose_status(plan, acts) if acts else ""
            statuses.append({"text": f"({marked(plan, proposed)})" if proposed else "–", "own": False})
        measures: list[dict[str, Any]] = []
        for lvl in levels:
            row = area.row(lvl)
            for m in row.measures if row else ():
                ratio = is_ratio(m)
                cells = []
                for p in periods:
                    got = [e for e in by_period[p] if e.item == m.id]
                    cells.append(_short_total(m.kind, ratio, _aggregate(m, lvl, p, got, rollup.year)))
                measures.append(
                    {
                        "label": _plain(m.display_label),
                        "level": plan.level(lvl).title,
                        "cells": cells,
                        "any": any(c != "–" for c in cells),
                    }
                )
        areas.append(
            {
                "id": area.id,
                "title": _plain(area.report_title),
                "statuses": statuses,
                "measures": [m for m in measures if m["any"]],
            }
        )
    flat = [{**m, "area": a["title"]} for a in areas for m in a["measures"]]
    return {
        "periods": [_plain(plan.period(p).label) for p in periods],
        "measures": flat,
        "period_ids": periods,
        "areas": areas,
        "note": (
            f"Status är {plan.level(scope.level).genitive} egen bedömning; inom parentes föreslagen utifrån "
            "aktiviteternas status när egen bedömning saknas. Mätningarna visar det sammanräknade värdet per period."
        ),
    }
