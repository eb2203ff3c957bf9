"""Roll-ups: correct aggregation, completeness, and nothing lost or invented."""

from __future__ import annotations

from hpdocs.consolidate import NOT_ASSESSED, consolidate, propose_status
from hpdocs.org import Organisation
from hpdocs.plan import Plan
from hpdocs.workbook.read import KIND_ACTIVITY, KIND_MEASURE, KIND_OWN, KIND_STATUS, Entry


def e(node: str, item: str, kind: str = KIND_ACTIVITY, period: str = "Q3", **kw: object) -> Entry:
    return Entry(node=node, area=item.split(".")[0], item=item, kind=kind, period=period, **kw)  # type: ignore[arg-type]


ENTRIES = [
    e("E1", "ledning.enhet.a1", status="Klar", comment="Klart på APT"),
    e("E2", "ledning.enhet.a1", status="Försenad"),
    e("E3", "ledning.enhet.a1", status="Klar"),
    e("E1", "ledning.enhet.m1", KIND_MEASURE, value=4.0),
    e("E2", "ledning.enhet.m1", KIND_MEASURE, value=3.0),
    e("E3", "ledning.enhet.m1", KIND_MEASURE, value=5.0),
    e("E1", "kompetens.enhet.m1", KIND_MEASURE, value=9.0, denominator=10.0),
    e("E2", "kompetens.enhet.m1", KIND_MEASURE, value=1.0, denominator=90.0),
    e("VO1", "ledning.vo.m1", KIND_MEASURE, value=6.0),
    e("VO1", "ledning.status", KIND_STATUS, status="Delvis enligt plan", comment="Vi jobbar på"),
    e("E1", "risk.egen:tavelmöte", KIND_OWN, status="Klar", text="Tavelmöte"),
    e("E1", "ledning.enhet.a1", period="Q2", status="Påbörjad"),
]


def test_counts_are_summed_and_shares_are_sum_over_sum(plan: Plan, org: Organisation) -> None:
    rollup = consolidate(plan, org, "B1", "Q3", 2022, ENTRIES, submitted={"E1", "E2", "E3", "VO1", "B1"})
    ledning = rollup.area("ledning")
    apt = next(m for m in ledning.measures if m.measure.id == "ledning.enhet.m1")
    assert apt.total == 12
    share = next(m for m in rollup.area("kompetens").measures if m.measure.id == "kompetens.enhet.m1")
    # 10 of 100 = 10 % (the average of 90 % and 1.1 % would be 45.6 %)
    assert (share.total, share.denominator, share.share) == (10, 100, 10)
    activity = next(a for a in ledning.activities if a.activity_id == "ledning.enhet.a1")
    assert activity.counts == {"Klar": 2, "Försenad": 1}
    assert activity.history == {"Q2": {"Påbörjad": 1}, "Q3": {"Klar": 2, "Försenad": 1}}
    assert [c.comment for c in activity.comments] == ["Klart på APT"]


def test_business_area_scope_and_completeness(plan: Plan, org: Organisation) -> None:
    rollup = consolidate(plan, org, "VO1", "Q3", 2022, ENTRIES, submitted={"E1", "VO1"}, rejected={"E2"})
    comp = rollup.completeness
    assert [n.id for n in comp.submitted] == ["VO1", "E1"]
    assert [n.id for n in comp.missing] == []
    assert [n.id for n in comp.rejected] == ["E2"]
    assert not comp.complete
    assert all(e.node in {"VO1", "E1", "E2"} for e in rollup.entries)  # E3 is in VO2
    ledning = rollup.area("ledning")
    assert ledning.own_status == "Delvis enligt plan" and ledning.own_comment == "Vi jobbar på"
    assert [a.text for a in rollup.area("risk").own_activities] == ["Tavelmöte"]


def test_only_submitted_nodes_count_and_missing_are_listed(plan: Plan, org: Organisation) -> None:
    rollup = consolidate(plan, org, "VO2", "Q3", 2022, ENTRIES, submitted=set())
    assert [n.id for n in rollup.completeness.missing] == ["VO2", "E3"]
    assert rollup.area("ledning").status == NOT_ASSESSED


def test_status_is_proposed_from_activities(plan: Plan) -> None:
    assert propose_status(plan, ["Klar", "Klar", "Pågår enligt plan", "Klar", "Försenad"]) == "Enligt plan"
    assert propose_status(plan, ["Klar", "Försenad"]) == "Delvis enligt plan"
    assert propose_status(plan, ["Ej påbörjad", "Försenad", "Klar"]) == "Ej enligt plan"
    assert propose_status(plan, ["", "Ej aktuell"]) == NOT_ASSESSED


def test_company_totals_equal_sums_over_units(plan: Plan, org: Organisation) -> None:
    submitted = {"E1", "E2", "E3", "VO1", "B1"}
    company = consolidate(plan, org, "B1", "Q3", 2022, ENTRIES, submitted=submitted)
    per_vo = [consolidate(plan, org, vo, "Q3", 2022, ENTRIES, submitted=submitted) for vo in ("VO1", "VO2")]
    for area in company.areas:
        for measure in area.measures:
            if measure.level == "bolag":
                continue  # the company's own rows are not in any business area
            parts = [
                next(m for m in r.area(area.area.id).measures if m.measure.id == measure.measure.id)
                for r in per_vo
            ]
            assert measure.total == (sum(p.total or 0 for p in parts) if measure.total is not None else None)
            assert len(measure.reporting) == sum(len(p.reporting) for p in parts)
    assert len(company.entries) == len(ENTRIES)
