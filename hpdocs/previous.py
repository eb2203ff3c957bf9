"""Last year's results, kept so that this year's documents can compare.

When next year's project is started from this year's (`hpdocs init --fran-projekt`),
this year's roll-ups are saved as `foregaende-ar/<år>.json` in the new project: per
scope (the company and each business area), per measure and per period, the value the
documents showed. This year's roll-ups then carry, for every measure where both years
have a value, last year's value (`Rollup.previous`) — the same period last year when it
was reported then, else last year's latest value — for the PSB chapter and the MUM deck.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from hpdocs.atomic import atomic_write_text
from hpdocs.consolidate import MeasureResult, Rollup
from hpdocs.project import Project
from hpdocs.ratio import is_ratio, ratio_text

FOLDER = "foregaende-ar"
FORMAT = 1


@dataclass(frozen=True)
class PreviousValue:
    """One measure's value in one scope and period of an earlier year."""

    year: int
    period: str  # period id
    period_label: str
    display: str  # as the documents showed it, e.g. "62 % (31 av 50)"
    share: float | None = None  # 0..100 where a share makes sense
    total: float | None = None
    denominator: float | None = None
    target: float | None = None  # that year's target
    reporting: int = 0  # how many reported
    meeting_target: int = 0

    @property
    def heading(self) -> str:
        """`2022, Kvartal 3` – what the value is, for a table heading or a label."""
        return f"{self.year}, {self.period_label}"


def _value(result: MeasureResult, year: int, label: str) -> PreviousValue:
    return PreviousValue(
        year,
        result.period,
        label,
        result.display,
        result.share,
        result.total,
        result.denominator,
        result.target,
        len(result.reporting),
        result.meeting_target,
    )


def snapshot(project: Project) -> dict[str, Any]:
    """This year's results of a project, per scope, measure and period, as JSON data."""
    from hpdocs.inbox import collect
    from hpdocs.pipeline import rollup_all

    plan, org = project.plan, project.organisation
    inbox = collect([project.inbox], plan, org, year=project.year) if project.inbox.is_dir() else None
    scopes: dict[str, dict[str, dict[str, Any]]] = {}
    if inbox is not None:
        for period in plan.periods:
            areas, company = rollup_all(plan, org, inbox, period.id, project.year)
            for rollup in (*areas.values(), company):
                for area in rollup.areas:
                    for result in area.measures:
                        if result.reporting:
                            value = _value(result, project.year, period.label)
                            scopes.setdefault(rollup.scope.id, {}).setdefault(result.measure.id, {})[
                                period.id
                            ] = asdict(value)
    return {
        "format": FORMAT,
        "year": project.year,
        "plan": plan.id,
        "plan_version": plan.version,
        "periods": [p.id for p in plan.periods],
        "scopes": scopes,
    }


def save_snapshot(project: Project, target: Project | Path) -> Path:
    """Save `project`'s results into the folder of next year's project `target`."""
    root = target.root if isinstance(target, Project) else target
    path = root / FOLDER / f"{project.year}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(snapshot(project), ensure_ascii=False, indent=1, sort_keys=True))
    return path


def load_previous(project: Project) -> dict[str, Any] | None:
    """Last year's saved results for this project, None when there are none (or unreadable)."""
    path = project.root / FOLDER / f"{project.year - 1}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def previous_for(rollup: Rollup, data: dict[str, Any] | None) -> dict[str, PreviousValue]:
    """Measure id -> last year's value in the roll-up's scope, for measures that have both.

    The same period last year when it had a value, else last year's latest value.
    """
    if not data:
        return {}
    measures = data.get("scopes", {}).get(rollup.scope.id, {})
    order = list(data.get("periods", []))
    found: dict[str, PreviousValue] = {}
    for area in rollup.areas:
        for result in area.measures:
            periods = measures.get(result.measure.id)
            if not periods or not result.reporting:
                continue
            key = rollup.period if rollup.period in periods else max(periods, key=_order(order))
            try:
                found[result.measure.id] = PreviousValue(**periods[key])
            except TypeError:  # written by another version of hpdocs: leave it out
                continue
    return found


def _order(order: list[str]) -> Any:
    return lambda p: order.index(p) if p in order else -1


def with_previous(
    project: Project, rollups: dict[str, Rollup], company: Rollup
) -> tuple[dict[str, Rollup], Rollup]:
    """The roll-ups with last year's values attached (unchanged when there are none)."""
    data = load_previous(project)
    if data is None:
        return rollups, company
    return (
        {k: replace(r, previous=previous_for(r, data)) for k, r in rollups.items()},
        replace(company, previous=previous_for(company, data)),
    )


def previous_row(rollup: Rollup, result: MeasureResult) -> dict[str, Any]:
    """The template keys for last year's value of one measure row: `previous`,
    `previous_heading` ("2022, Kvartal 3"), `previous_target` ("60 %"), all "" without one."""
    value = rollup.previous.get(result.measure.id)
    if value is None:
        return {"previous": "", "previous_heading": "", "previous_target": "", "previous_line": ""}
    target = f"{value.target:g} %" if value.target is not None else ""
    return {
        "previous": _display(result, value),
        "previous_heading": value.heading,
        "previous_target": target,
        "previous_line": previous_line(rollup, result),
    }


def previous_line(rollup: Rollup, result: MeasureResult) -> str:
    """'Förra året (2022, Kvartal 3): 62 % (31 av 50)', or "" where last year has no value."""
    value = rollup.previous.get(result.measure.id)
    return f"Förra året ({value.heading}): {_display(result, value)}" if value is not None else ""


def _display(result: MeasureResult, value: PreviousValue) -> str:
    """Last year's value as this year's is shown: a ratio as two numbers, not a share."""
    if is_ratio(result.measure) and value.total is not None:
        return ratio_text(value.total, value.denominator)
    return value.display
