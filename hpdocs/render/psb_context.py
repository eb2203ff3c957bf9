"""Context for the PSB chapter "Verksamhetschef" of one scope (business area or company) and period.

Plain data for the template (see hpdocs.render.context): the status matrix first, who has
reported for the period by name (issue 12's states, with every value left out and why), the
areas one by one, and the year so far. With `whole_year` the chapter is the February document
for the yearly patientsäkerhetsberättelse: the status is the last reported period's and the
year-so-far table covers every period reported in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hpdocs.consolidate import Rollup
from hpdocs.render.context import _groups, _names, _ordered_areas, _plain
from hpdocs.render.psb_area import psb_area
from hpdocs.render.psb_history import history
from hpdocs.render.status_matrix import legend, status_matrix
from hpdocs.reporting import excluded_line, headline, state_lines


def _reporting(rollup: Rollup) -> dict[str, Any]:
    c = rollup.completeness
    lines = [
        {
            "label": line.label,
            "names": list(line.names),
            "names_text": _names(line.names),
            "count": len(line.names),
        }
        for line in state_lines(rollup)
    ]
    excluded = [
        {
            "name": _plain(rollup.label(x.node)),
            "sheet": _plain(x.sheet),
            "cell": _plain(x.cell),
            "where": " › ".join(p for p in (_plain(x.sheet), _plain(x.cell)) if p),
            "context": _plain(x.context),
            "written": _plain(x.written),
            "reason": _plain(x.reason),
            "text": _plain(excluded_line(rollup, x)),
        }
        for x in c.excluded
    ]
    return {
        "headline": headline(rollup),
        "lines": lines,
        "excluded": excluded,
        "complete": c.complete and not c.with_errors,
    }


def _completeness(rollup: Rollup) -> dict[str, Any]:
    """The older `completeness` key, kept for templates written before the reporting states."""
    c = rollup.completeness
    sub, mis, rej = (
        [_plain(rollup.label(n.id)) for n in nodes] for nodes in (c.submitted, c.missing, c.rejected)
    )
    return {
        "expected": c.expected,
        "complete": c.complete,
        "summary": headline(rollup),
        "submitted": sub,
        "missing": mis,
        "rejected": rej,
        "submitted_text": _names(sub),
        "missing_text": _names(mis),
        "rejected_text": _names(rej),
    }


def psb_context(
    rollup: Rollup,
    *,
    organisation_name: str = "",
    generated: date | None = None,
    whole_year: bool = False,
) -> dict[str, Any]:
    """Context for the PSB chapter "Verksamhetschef" of one scope and period (or the whole year)."""
    plan, scope = rollup.plan, rollup.scope
    org = organisation_name or (rollup.names.get(scope.parent, "") if scope.parent else scope.name)
    results = {r.area.id: r for r in rollup.areas}
    areas = [psb_area(rollup, results[a.id]) for a in _ordered_areas(plan) if a.id in results]
    period = _plain(rollup.period_label)
    if whole_year:
        heading = f"Helår {rollup.year}"
        note = (
            f"Status och mätvärden per {period} {rollup.year}, den senaste perioden med inrapportering; "
            "årets utveckling period för period står sist."
        )
    else:
        heading = f"{period} {rollup.year}"
        note = f"Status och mätvärden för {period} {rollup.year}."
    return {
        "organisation": _plain(org),
        "title": "Verksamhetschef",
        "scope": _plain(scope.name),
        "scope_level": plan.level(scope.level).title,
        "manager": _plain(scope.manager),
        "period": period,
        "period_id": rollup.period,
        "period_heading": heading,
        "whole_year": whole_year,
        "status_note": note,
        "year": rollup.year,
        "plan_title": _plain(plan.title),
        "plan_subtitle": _plain(plan.subtitle),
        "generated": (generated or date.today()).isoformat(),
        "completeness": _completeness(rollup),
        "reporting": _reporting(rollup),
        "matrix": status_matrix(rollup),
        "legend": legend(plan),
        "history": history(rollup),
        "areas": areas,
        "groups": _groups(areas),
        "statuses": list(plan.statuses),
    }
