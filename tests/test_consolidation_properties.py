"""Consolidation never loses or invents a value (property-based, hypothesis).

Random organisations (1-3 business areas, 1-4 units each, ids with leading zeros) and random
entries (counts, shares with numerator <= denominator, yes/no, values against a target, texts,
activity and area statuses, own activities, comments that look like formulas) go in; the
aggregates must be exactly the sums and counts of what went in. The company roll-up computed
from the business areas' roll-up workbooks (written and read back) must equal the direct one.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import astuple
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hpdocs.consolidate import Rollup, consolidate
from hpdocs.org import Node, Organisation
from hpdocs.plan import MeasureKind
from hpdocs.planfile import load_plan
from hpdocs.values import clean_text
from hpdocs.workbook.read import (
    KIND_ACTIVITY,
    KIND_MEASURE,
    KIND_OWN,
    KIND_STATUS,
    Entry,
    read_workbook,
)
from hpdocs.workbook.rollup_write import write_rollup

PLAN = load_plan("hp-2022")
YEAR, PERIOD = 2022, "Q3"
PERIODS = ("Q2", "Q3")  # the roll-up's period and one before it (history)
# level -> (area, item, kind, measure kind) of everything a node at that level can report.
CATALOGUE: dict[str, list[tuple[str, str, str, MeasureKind | None]]] = {}
for _area in PLAN.areas:
    for _level in ("bolag", "vo", "enhet"):
        CATALOGUE.setdefault(_level, []).append((_area.id, f"{_area.id}.status", KIND_STATUS, None))
    for _row in _area.rows:
        CATALOGUE[_row.level] += [(_area.id, a.id, KIND_ACTIVITY, None) for a in _row.activities]
        CATALOGUE[_row.level] += [(_area.id, m.id, KIND_MEASURE, m.kind) for m in _row.measures]
MEASURES = {m.id: m for a in PLAN.areas for r in a.rows for m in r.measures}
comments = st.text(alphabet="ab åÖ=+-@1", max_size=10).map(clean_text)


@st.composite
def organisations(draw: st.DrawFn) -> Organisation:
    nodes = [Node("000", "Bolaget", "bolag", "")]
    for v in range(1, draw(st.integers(1, 3)) + 1):
        nodes.append(Node(f"0{v}", f"VO {v}", "vo", "000"))
        for u in range(1, draw(st.integers(1, 4)) + 1):
            nodes.append(Node(f"0{v}{u:02d}", f"Enhet {v}.{u}", "enhet", f"0{v}"))
    return Organisation({n.id: n for n in nodes})


@st.composite
def entry(draw: st.DrawFn, node: str, choice: tuple[str, str, str, MeasureKind | None], period: str) -> Entry:
    area, item, kind, measure = choice
    source = {"file": f"{node}.xlsx", "sheet": area, "cell": f"F{draw(st.integers(8, 60))}"}
    comment = draw(comments)
    if kind == KIND_STATUS:
        status = draw(st.sampled_from(PLAN.area_statuses))
        return Entry(node, area, item, kind, period, status, comment=comment, **source)
    if kind == KIND_ACTIVITY:
        status = draw(st.sampled_from(PLAN.statuses))
        return Entry(node, area, item, kind, period, status, comment=comment, **source)
    value = denominator = None
    if measure is MeasureKind.SHARE:
        denominator = float(draw(st.integers(1, 500)))
        value = float(draw(st.integers(0, int(denominator))))
    elif measure is MeasureKind.YESNO:
        value = draw(st.sampled_from([0.0, 1.0]))
    elif measure is MeasureKind.TEXT:
        comment = comment or "text"
    else:  # counts, and values against a target (0..100)
        value = float(draw(st.integers(0, 100 if measure is MeasureKind.TARGET else 5000)))
    return Entry(node, area, item, kind, period, "", value, denominator, comment=comment, **source)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Organisation, list[Entry]]:
    org = draw(organisations())
    # A few items per level that many nodes report on, so that values really get summed.
    focus = {
        level: draw(st.lists(st.sampled_from(range(len(items))), min_size=1, max_size=8, unique=True))
        for level, items in CATALOGUE.items()
    }
    entries: list[Entry] = []
    for node in org.nodes.values():
        items = CATALOGUE[node.level]
        for index in draw(st.lists(st.sampled_from(focus[node.level]), max_size=8, unique=True)):
            for period in draw(st.lists(st.sampled_from(PERIODS), min_size=1, unique=True)):
                entries.append(draw(entry(node.id, items[index], period)))
        for n in range(draw(st.integers(0, 2))):
            area = draw(st.sampled_from(PLAN.areas)).id
            status = draw(st.sampled_from(PLAN.statuses))
            text = f"Egen aktivitet {n}"
            own = Entry(node.id, area, f"{area}.egen:{text.lower()}", KIND_OWN, PERIOD, status, text=text)
            entries.append(own)
    return org, entries


def rollup(org: Organisation, scope: str, entries: list[Entry]) -> Rollup:
    return consolidate(PLAN, org, scope, PERIOD, YEAR, entries, submitted=set(org.nodes))


def check(org: Organisation, scope: str, entries: list[Entry], result: Rollup) -> None:
    """Every aggregate of `result` equals the sums and counts over the entries in scope."""
    in_scope = {n.id for n in org.scope(scope)}
    mine = [e for e in entries if e.node in in_scope]
    assert len(result.entries) == len(mine) and Counter(result.entries) == Counter(mine)
    now = [e for e in mine if e.period == PERIOD]
    measured: Counter[Entry] = Counter()
    counted: Counter[str] = Counter()
    for area in result.areas:
        for m in area.measures:
            given_ = [e for e in now if e.item == m.measure.id]
            kind = m.measure.kind
            reporting = [
                e for e in given_ if (e.comment if kind is MeasureKind.TEXT else e.value is not None)
            ]
            assert Counter(m.reporting) == Counter(reporting)
            measured.update(m.reporting)
            values = [e.value or 0.0 for e in reporting]
            if kind is MeasureKind.COUNT and reporting:
                assert m.total == sum(values)
            if kind is MeasureKind.SHARE and reporting:
                den = sum(e.denominator or 0.0 for e in reporting)
                assert (m.total, m.denominator) == (sum(values), den)
                assert m.share == 100 * sum(values) / den
            if kind is MeasureKind.YESNO and reporting:
                assert (m.total, m.denominator) == (values.count(1.0), len(values))
            if kind is MeasureKind.TARGET and m.target is not None:
                assert m.meeting_target == sum(1 for v in values if v >= m.target)
        for a in area.activities:
            given_ = [e for e in now if e.item == a.activity_id]
            assert a.counts == dict(Counter(e.status for e in given_))
            counted.update({a.activity_id: sum(a.counts.values())})
            for period, counts in a.history.items():
                assert counts == dict(
                    Counter(e.status for e in mine if e.item == a.activity_id and e.period == period)
                )
        statuses = {e.node: e.status for e in now if e.item == f"{area.area.id}.status"}
        assert area.node_statuses == statuses
        assert area.own_status == statuses.get(scope, "")
        own = [e for e in now if e.area == area.area.id and e.kind == KIND_OWN]
        assert Counter(area.own_activities) == Counter(own)
        assert Counter(area.comments) == Counter(e for e in now if e.area == area.area.id and e.comment)
    # Nothing is lost: every measure value and every activity status of the period is counted.
    assert measured == Counter(
        e
        for e in now
        if e.kind == KIND_MEASURE and (e.value is not None or MEASURES[e.item].kind is MeasureKind.TEXT)
    )
    assert counted == Counter(e.item for e in now if e.kind == KIND_ACTIVITY)


@settings(max_examples=30, deadline=None)
@given(scenarios())
def test_consolidation_never_loses_or_invents_a_value(scenario: tuple[Organisation, list[Entry]]) -> None:
    org, entries = scenario
    for scope in [org.company.id, *(vo.id for vo in org.business_areas)]:
        check(org, scope, entries, rollup(org, scope, entries))


def key(e: Entry) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in astuple(e))


def summary(result: Rollup) -> object:
    """Every aggregate of a roll-up, in a form that compares by value."""
    comp = result.completeness
    areas = []
    for a in result.areas:
        activities = [
            (
                x.activity_id,
                x.level,
                sorted(x.statuses.items()),
                sorted(x.counts.items()),
                sorted((p, sorted(c.items())) for p, c in x.history.items()),
                sorted(map(key, x.comments)),
            )
            for x in a.activities
        ]
        measures = [
            (
                m.measure.id,
                m.level,
                m.total,
                m.denominator,
                m.share,
                m.meeting_target,
                sorted(map(key, m.reporting)),
            )
            for m in a.measures
        ]
        areas.append(
            (
                a.area.id,
                a.own_status,
                a.own_comment,
                a.proposed_status,
                sorted(a.node_statuses.items()),
                activities,
                measures,
                sorted(map(key, a.own_activities)),
                sorted(map(key, a.comments)),
            )
        )
    nodes = [[n.id for n in group] for group in (comp.submitted, comp.missing, comp.rejected)]
    return nodes, areas, sorted(map(key, result.entries))


@settings(max_examples=5, deadline=None)
@given(scenarios())
def test_company_from_business_area_rollups_equals_company_direct(
    scenario: tuple[Organisation, list[Entry]],
) -> None:
    org, entries = scenario
    company = org.company.id
    via = [e for e in entries if e.node == company]  # the company's own workbook
    with tempfile.TemporaryDirectory() as folder:
        for vo in org.business_areas:
            path = write_rollup(rollup(org, vo.id, entries), Path(folder) / f"{vo.id}.xlsx")
            read = read_workbook(path, PLAN)
            assert read.report.ok and read.node_id == vo.id, list(read.report)
            in_scope = {n.id for n in org.scope(vo.id)}
            assert Counter(read.entries) == Counter(e for e in entries if e.node in in_scope)
            via += read.entries
    assert summary(rollup(org, company, via)) == summary(rollup(org, company, entries))
