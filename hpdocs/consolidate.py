"""Roll entries up unit -> business area -> company. Pure functions, no I/O.

Numbers never depend on how they are shown: shares are sum(numerator) /
sum(denominator), never an average of percentages; yes/no becomes the share
of nodes answering yes; counts are summed; values against a target are
compared node by node. Every aggregate keeps the entries it came from, so
each number can be traced to file, sheet and cell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hpdocs.org import Node, Organisation
from hpdocs.plan import LEVEL_KEYS, Area, Measure, MeasureKind, Plan
from hpdocs.workbook.read import KIND_ACTIVITY, KIND_MEASURE, KIND_OWN, KIND_STATUS, Entry

NOT_ASSESSED = "Ej bedömd"


@dataclass(frozen=True)
class Excluded:
    """A value someone wrote that is not counted (an error on that cell only)."""

    node: str
    file: str
    sheet: str
    cell: str
    period: str  # period id, "" when the cell is not tied to one
    item: str  # plan item id, "" when unknown
    context: str  # the row's text (activity, measure), "" when unknown
    written: str  # what was written
    reason: str  # why it is not counted (the problem's message)


@dataclass(frozen=True)
class Completeness:
    """Who under the scope has reported for the period, by name.

    *Reported* means the node's workbook holds at least one status or value for the period; a
    workbook handed in with nothing for the period is *empty* ("inlämnad, inget för perioden").
    """

    reported: tuple[Node, ...]
    empty: tuple[Node, ...]
    missing: tuple[Node, ...]
    rejected: tuple[Node, ...]
    with_errors: tuple[Node, ...] = ()  # among reported/empty: values excluded for the period
    excluded: tuple[Excluded, ...] = ()  # those values, by file, then as found in it

    @property
    def submitted(self) -> tuple[Node, ...]:
        """Handed in and usable, whether or not anything was filled in for the period."""
        return self.reported + self.empty

    @property
    def complete(self) -> bool:
        return not self.missing and not self.rejected and not self.empty

    @property
    def expected(self) -> int:
        return len(self.reported) + len(self.empty) + len(self.missing) + len(self.rejected)


@dataclass(frozen=True)
class MeasureResult:
    measure: Measure
    level: str
    period: str
    reporting: tuple[Entry, ...]  # entries with a value for this period
    total: float | None = None  # count: sum; share: sum numerators; yes/no: number of yes
    denominator: float | None = None  # share: sum denominators; yes/no: nodes answering
    share: float | None = None  # 0..100 where a share makes sense
    target: float | None = None
    meeting_target: int = 0  # target kind: nodes at or above target

    @property
    def display(self) -> str:
        kind = self.measure.kind
        if not self.reporting:
            return "Inga värden"
        if kind is MeasureKind.COUNT:
            return f"{self.total:g} totalt ({len(self.reporting)} rapporterade)"
        if kind is MeasureKind.SHARE and self.share is not None:
            return f"{_pct(self.share)} ({self.total:g} av {self.denominator:g})"
        if kind is MeasureKind.YESNO and self.share is not None:
            return f"Ja: {self.total:g} av {self.denominator:g} ({_pct(self.share)})"
        if kind is MeasureKind.TARGET:
            values = ", ".join(_pct(e.value or 0) for e in self.reporting)
            goal = (
                f" – {self.meeting_target} av {len(self.reporting)} når målet {self.target:g} %"
                if self.target is not None
                else ""
            )
            return f"{values}{goal}"
        return f"{len(self.reporting)} kommentarer"


@dataclass(frozen=True)
class ActivityResult:
    """One plan activity at one level, across the nodes of that level in scope."""

    activity_id: str
    level: str
    number: str
    text: str
    statuses: dict[str, str]  # node id -> status this period ("" = not given)
    counts: dict[str, int]  # status -> number of nodes
    comments: tuple[Entry, ...]
    history: dict[str, dict[str, int]] = field(default_factory=dict)  # period -> status counts


@dataclass(frozen=True)
class AreaResult:
    area: Area
    own_status: str  # the scope node's own assessment for the period ("" if none)
    own_comment: str
    proposed_status: str  # proposed from activity statuses
    activities: tuple[ActivityResult, ...]  # all levels at and below the scope
    measures: tuple[MeasureResult, ...]
    own_activities: tuple[Entry, ...]  # added by nodes in scope, this period
    comments: tuple[Entry, ...]  # every comment in scope for the area, this period
    node_statuses: dict[str, str] = field(default_factory=dict)  # node -> its area status

    @property
    def status(self) -> str:
        return self.own_status or self.proposed_status


@dataclass(frozen=True)
class Rollup:
    plan: Plan
    scope: Node
    period: str
    year: int
    completeness: Completeness
    areas: tuple[AreaResult, ...]
    entries: tuple[Entry, ...]  # every entry in scope, all periods (for history and tracing)
    names: dict[str, str]  # node id -> name
    labels: dict[str, str] = field(default_factory=dict)  # node id -> name told apart (org.labels)
    # measure id -> last year's value in this scope, where both years have one (hpdocs.previous)
    previous: dict[str, Any] = field(default_factory=dict)

    def label(self, node_id: str) -> str:
        """The node's name, with its VO (or id) where another node has the same name."""
        return self.labels.get(node_id) or self.names.get(node_id, node_id)

    def area(self, area_id: str) -> AreaResult:
        return next(a for a in self.areas if a.area.id == area_id)

    @property
    def period_label(self) -> str:
        return self.plan.period(self.period).label


def _pct(value: float) -> str:
    return f"{value:.0f} %" if abs(value - round(value)) < 0.05 else f"{value:.1f} %".replace(".", ",")


def propose_status(plan: Plan, statuses: Iterable[str]) -> str:
    """Suggest the area status from its activities' statuses.

    On track when at least 80 % of the assessed activities are done or going
    to plan, partly when at least half are, otherwise not on plan.
    """
    assessed = [s for s in statuses if s and s in plan.statuses and s != "Ej aktuell"]
    if not assessed or len(plan.area_statuses) < 3:
        return NOT_ASSESSED if not assessed else plan.area_statuses[0]
    good = sum(1 for s in assessed if s in plan.done_statuses) / len(assessed)
    if good >= 0.8:
        return plan.area_statuses[0]
    if good >= 0.5:
        return plan.area_statuses[1]
    return plan.area_statuses[2]


def _aggregate(measure: Measure, level: str, period: str, entries: list[Entry], year: int) -> MeasureResult:
    reporting = tuple(
        e for e in entries if e.value is not None or (measure.kind is MeasureKind.TEXT and e.comment)
    )
    kind = measure.kind
    target = measure.targets.get(year)
    if not reporting or kind is MeasureKind.TEXT:
        return MeasureResult(measure, level, period, reporting, target=target)
    values = [e.value or 0.0 for e in reporting]
    if kind is MeasureKind.COUNT:
        return MeasureResult(measure, level, period, reporting, total=sum(values))
    if kind is MeasureKind.SHARE:
        num = sum(values)
        den = sum(e.denominator or 0.0 for e in reporting)
        return MeasureResult(measure, level, period, reporting, num, den, 100 * num / den if den else None)
    if kind is MeasureKind.YESNO:
        yes = sum(1 for v in values if v >= 0.5)
        return MeasureResult(
            measure, level, period, reporting, float(yes), float(len(values)), 100 * yes / len(values)
        )
    meeting = sum(1 for v in values if target is not None and v >= target)
    return MeasureResult(measure, level, period, reporting, target=target, meeting_target=meeting)


def _levels_in_scope(scope: Node) -> tuple[str, ...]:
    return LEVEL_KEYS[LEVEL_KEYS.index(scope.level) :]


def consolidate(
    plan: Plan,
    org: Organisation,
    scope_id: str,
    period: str,
    year: int,
    entries: Iterable[Entry],
    *,
    submitted: Iterable[str] = (),
    rejected: Iterable[str] = (),
    excluded: Iterable[Excluded] = (),
) -> Rollup:
    """Roll up the entries of the nodes under `scope_id` for one period."""
    scope = org.node(scope_id)
    in_scope = {n.id for n in org.scope(scope_id)}
    all_entries = tuple(e for e in entries if e.node in in_scope)
    done, refused = set(submitted) & in_scope, set(rejected) & in_scope
    below = [n for n in org.scope(scope_id)]
    now = [e for e in all_entries if e.period == period]
    has_values = {e.node for e in now if _counts(e)}
    left_out = tuple(x for x in excluded if x.node in done and x.period in ("", period))
    faulty = {x.node for x in left_out}
    completeness = Completeness(
        reported=tuple(n for n in below if n.id in done and n.id in has_values),
        empty=tuple(n for n in below if n.id in done and n.id not in has_values),
        missing=tuple(n for n in below if n.id not in done and n.id not in refused),
        rejected=tuple(n for n in below if n.id in refused and n.id not in done),
        with_errors=tuple(n for n in below if n.id in faulty),
        excluded=left_out,
    )
    by_item: dict[str, list[Entry]] = {}
    by_area: dict[str, list[Entry]] = {}  # in the order of `now`
    for e in now:
        by_item.setdefault(e.item, []).append(e)
        by_area.setdefault(e.area, []).append(e)
    history: dict[str, dict[str, Counter[str]]] = {}
    for e in all_entries:
        if e.kind == KIND_ACTIVITY and e.status:
            periods = history.get(e.item)
            if periods is None:
                periods = history[e.item] = {}
            counts = periods.get(e.period)
            if counts is None:
                counts = periods[e.period] = Counter()
            counts[e.status] += 1

    levels = _levels_in_scope(scope)
    nodes_at = {lvl: [n for n in below if n.level == lvl and n.id in done] for lvl in levels}
    areas: list[AreaResult] = []
    for area in plan.areas:
        activity_results: list[ActivityResult] = []
        measure_results: list[MeasureResult] = []
        for lvl in levels:
            row = area.row(lvl)
            if row is None:
                continue
            for activity in row.activities:
                got = {e.node: e for e in by_item.get(activity.id, [])}
                statuses = {n.id: got[n.id].status if n.id in got else "" for n in nodes_at[lvl]}
                counts = Counter(s for s in statuses.values() if s)
                comments = tuple(e for e in got.values() if e.comment)
                hist = {p: dict(c) for p, c in sorted(history.get(activity.id, {}).items())}
                activity_results.append(
                    ActivityResult(
                        activity.id,
                        lvl,
                        activity.number,
                        activity.text,
                        statuses,
                        dict(counts),
                        comments,
                        hist,
                    )
                )
            for measure in row.measures:
                measure_results.append(_aggregate(measure, lvl, period, by_item.get(measure.id, []), year))
        status_entries = {e.node: e for e in by_item.get(area.id + ".status", [])}
        own = status_entries.get(scope.id)
        in_area = by_area.get(area.id, ())
        own_activities = tuple(e for e in in_area if e.kind == KIND_OWN)
        activity_statuses = [s for a in activity_results for s in a.statuses.values()]
        activity_statuses += [e.status for e in own_activities]
        comments = tuple(
            e for e in in_area if e.comment and e.kind in (KIND_ACTIVITY, KIND_MEASURE, KIND_STATUS, KIND_OWN)
        )
        areas.append(
            AreaResult(
                area=area,
                own_status=own.status if own else "",
                own_comment=own.comment if own else "",
                proposed_status=propose_status(plan, activity_statuses),
                activities=tuple(activity_results),
                measures=tuple(measure_results),
                own_activities=own_activities,
                comments=comments,
                node_statuses={n: e.status for n, e in status_entries.items() if e.status},
            )
        )
    return Rollup(plan, scope, period, year, completeness, tuple(areas), all_entries, org.names, org.labels)


def _counts(entry: Entry) -> bool:
    """A status or a value: what makes a node "reported" for a period (a comment alone does not)."""
    return bool(entry.status) or entry.value is not None or entry.denominator is not None
