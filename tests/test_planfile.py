"""The plan is data: built-in plans load, and mistakes are reported with position."""

from __future__ import annotations

import pytest

from hpdocs.errors import PlanError
from hpdocs.plan import AreaKind, MeasureKind, Rhythm, expected_periods
from hpdocs.planfile import load_plan, parse_plan

MINIMAL = """\
id: test
version: "1"
title: Testplan
years: [2022]
periods:
  - {id: Q1, label: Kvartal 1, months: [1, 2, 3]}
  - {id: Q2, label: Kvartal 2, months: [4, 5, 6]}
statuses: [Ej påbörjad, Klar]
done_statuses: [Klar]
late_statuses: [Ej påbörjad]
area_statuses: [Grön, Gul, Röd]
areas:
  - id: a
    kind: förutsättning
    title: Område A
    priority: Prio A
    levels:
      enhet:
        label: Enhetsnivå
        activities:
          - {nr: "1", text: "Första"}
          - {nr: "", text: "Andra"}
        measures:
          - {nr: "", text: "Antal", kind: antal}
        followups:
          - {nr: "1-2", text: "Juli och dec", rhythm: juli-december}
"""


def problems_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(PlanError) as info:
        parse_plan(text, file="plan.yaml")
    return [(p.code, p.cell) for p in info.value.problems]  # type: ignore[attr-defined]


def test_minimal_plan_loads_with_references_resolved() -> None:
    plan = parse_plan(MINIMAL)
    row = plan.area("a").row("enhet")
    assert row is not None
    first, second = row.activities
    assert (first.number, first.key, second.number, second.key) == ("1", "1", "", "2")
    assert row.measures[0].activities == ("1", "2")  # unnumbered measure covers all
    assert row.followups[0].activities == ("1", "2")  # "1-2" covers both
    assert row.measures_for(second) == row.measures


def test_every_mistake_is_reported_with_line_and_column() -> None:
    broken = MINIMAL.replace("kind: förutsättning", "kind: regel").replace("      enhet:", "      enheter:")
    broken = broken.replace("    title: Område A\n", "")
    found = problems_of(broken)
    assert sorted(found) == [
        ("plan-falt-saknas", "rad 13, kolumn 5"),  # the area (line 13) lacks its title
        ("plan-okand-niva", "rad 18, kolumn 9"),
        ("plan-okant-varde", "rad 14, kolumn 11"),
    ]


def test_duplicate_ids_and_dangling_references_are_refused() -> None:
    text = MINIMAL.replace('- {nr: "", text: "Andra"}', '- {nr: "1", text: "Andra"}')
    text = text.replace("activities:\n          - {nr", "activities:\n          - {nr", 1)
    found = [code for code, _ in problems_of(text)]
    assert "plan-dubblett-id" in found
    bad_ref = MINIMAL.replace("kind: antal}", 'kind: antal, activities: ["7"]}')
    assert [code for code, _ in problems_of(bad_ref)] == ["plan-okand-aktivitet"]


def test_yaml_syntax_error_names_the_line() -> None:
    found = problems_of("id: x\nareas: [\n")
    assert found[0][0] == "plan-yaml-fel" and found[0][1].startswith("rad ")


def test_builtin_company_plan_has_the_seed_shape() -> None:
    plan = load_plan("hp-2022")
    assert plan.title == "Handlingsplan för säker vård och omsorg"
    assert [len(plan.areas_of(k)) for k in (AreaKind.PREREQUISITE, AreaKind.FOCUS)] == [4, 5]
    ledning = plan.area("ledning").row("bolag")
    assert ledning is not None
    assert (len(ledning.activities), len(ledning.measures), len(ledning.followups)) == (3, 3, 2)
    assert ledning.measures[0].kind is MeasureKind.SHARE
    hse = [m for a in plan.areas for r in a.rows for m in r.measures if m.kind is MeasureKind.TARGET]
    assert hse and hse[0].targets == {2022: 60.0, 2023: 70.0}
    medskapare = plan.area("medskapare")
    assert [m.number for m in medskapare.rows[0].measures] == ["1", "3"]
    vo = medskapare.row("vo")
    assert vo is not None and vo.followups[0].activities == ("1", "2", "3")


def test_regional_plan_loads_through_the_same_code() -> None:
    plan = load_plan("inbyggd:region-2022-2024")
    assert plan.years == (2022, 2023, 2024)
    assert len(plan.areas) == 3
    assert plan.level_name("bolag") == "Region" and plan.level_name("vo") == "Förvaltning"
    assert sum(len(a.goals) for a in plan.areas) == 5


def test_rhythm_decides_expected_periods() -> None:
    plan = load_plan("hp-2022")
    assert expected_periods(Rhythm.JULY_DECEMBER, plan.periods) == ("Q3", "Q4")  # July is in Q3
    assert expected_periods(Rhythm.MONTHLY, plan.periods) == ("Q1", "Q2", "Q3", "Q4")
    assert expected_periods(Rhythm.YEARLY, plan.periods, (2,)) == ("Q1",)


def test_missing_plan_file_says_what_to_do(tmp_path) -> None:
    with pytest.raises(PlanError, match="inbyggd:hp-2022"):
        load_plan(tmp_path / "saknas.yaml")


def test_month_out_of_range_is_reported_where_it_stands() -> None:
    text = MINIMAL.replace("months: [4, 5, 6]", "months: [4, 5, 13]")
    assert problems_of(text) == [("plan-okant-varde", "rad 7, kolumn 47")]
