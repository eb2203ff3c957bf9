"""A roll-up workbook as print: titles on every page, the Data sheet landscape and one page
wide, names whole, an Identitet sheet that reads as a roll-up, meaningful sheet names."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hpdocs.consolidate import consolidate
from hpdocs.errors import PlanError
from hpdocs.org import Node, Organisation
from hpdocs.plan import Plan
from hpdocs.planfile import load_plan
from hpdocs.workbook import contract as c
from hpdocs.workbook.read import KIND_STATUS, Entry
from hpdocs.workbook.rollup_print import name_column_width
from hpdocs.workbook.rollup_write import write_rollup
from hpdocs.workbook.write import WorkbookSpec, build_workbook

LONG_NAME = "Psykiatrimottagningen Öst"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    plan = load_plan("hp-2022")
    nodes = [
        Node("B", "Vårdbolaget AB", "bolag"),
        Node("VO1", "Psykiatri", "vo", "B"),
        Node("E1", LONG_NAME, "enhet", "VO1"),
    ]
    org = Organisation({n.id: n for n in nodes})
    entries = [
        Entry(n.id, a.id, f"{a.id}.status", KIND_STATUS, "Q3", plan.area_statuses[0], comment="Bra.")
        for n in nodes
        for a in plan.areas
    ]
    rollup = consolidate(plan, org, "B", "Q3", 2022, entries, submitted=[n.id for n in nodes])
    return write_rollup(rollup, tmp_path_factory.mktemp("print") / "sammanstallning.xlsx")


def test_every_sheet_has_print_titles_and_prints_one_page_wide(written: Path) -> None:
    wb = load_workbook(written)
    for ws in wb.worksheets:
        assert ws.print_title_rows, ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    data = wb[c.DATA_SHEET]
    assert data.page_setup.orientation == "landscape"
    assert data.print_title_rows == "$1:$1"
    assert data.page_setup.fitToHeight == 0  # as many pages down as needed
    assert wb[c.OVERVIEW_SHEET].print_title_rows == "$1:$2"


def test_name_columns_hold_the_longest_word(written: Path) -> None:
    wb = load_workbook(written)
    area = wb.worksheets[2]
    width = area.column_dimensions["A"].width
    assert width >= len("Psykiatrimottagningen") + 1
    assert name_column_width(["Ett Psykiatrimottagningen"]) == width
    assert name_column_width(["Akuten"]) == 18  # never narrower than before


def test_identity_sheet_reads_as_a_roll_up(written: Path) -> None:
    ws = load_workbook(written)[c.IDENTITY_SHEET]
    texts = [str(cell.value) for row in ws.iter_rows() for cell in row if cell.value]
    assert "Sammanställningens identitet" in texts
    assert not any("gula" in t for t in texts)
    assert any("fylls inte i" in t for t in texts)


def test_unit_workbook_identity_still_asks_for_the_yellow_cells(plan: Plan, org: Organisation) -> None:
    wb = build_workbook(WorkbookSpec(plan, org.node("E1"), 2022))
    texts = [str(cell.value) for row in wb[c.IDENTITY_SHEET].iter_rows() for cell in row if cell.value]
    assert any("gula cellerna" in t for t in texts)


def test_sheet_names_are_meaningful_and_full_titles_inside(written: Path) -> None:
    plan = load_plan("hp-2022")
    wb = load_workbook(written)
    areas = wb.sheetnames[2 : 2 + len(plan.areas)]
    assert "Engagerad ledning och styrning" in areas
    for name, area in zip(areas, plan.areas, strict=True):
        assert len(name) <= 31
        assert name.split()[-1].lower() not in {"och", "i", "för", "av", "om", "med"}
        assert wb[name]["A1"].value == area.title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Engagerad ledning och tydlig styrning", "Engagerad ledning och tydlig"),
        ("Stärka analys, lärande och utveckling", "Stärka analys, lärande"),
        ("Öka riskmedvetenheten och beredskapen", "Öka riskmedvetenheten"),
        ("Tillförlitlig och säkra system och processer", "Tillförlitlig och säkra system"),
        ("Säker vård här och nu", "Säker vård här och nu"),
        ("x" * 40, "x" * 31),
        ("Hälsa: [del 1]/2", "Hälsa   del 1  2"),
    ],
)
def test_titles_without_a_sheet_name_are_cut_at_a_word_not_after_och(title: str, expected: str) -> None:
    assert c.short_sheet_title(title) == expected
    assert c.safe_sheet_title(title, set()) == expected


def test_old_sheet_names_are_still_recognised() -> None:
    title = "Stärka analys, lärande och utveckling"
    assert c.named_after("Stärka analys, lärande och", title)  # as earlier versions cut it
    assert c.named_after("Stärka analys, lärande", title)
    assert c.named_after("Analys och lärande", title, "Analys och lärande")
    assert not c.named_after("Vår egen flik", title, "Analys och lärande")


def test_plan_sheet_name_is_checked(tmp_path: Path) -> None:
    from hpdocs.planfile import builtin_plan_text

    text = builtin_plan_text("hp-2022").replace(
        "sheet: Engagerad ledning och styrning", "sheet: Engagerad ledning och tydlig styrning i hela bolaget"
    )
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert [p.code for p in caught.value.problems] == ["plan-bladnamn-for-langt"]
    assert "högst 31" in caught.value.problems[0].message


def test_sheet_name_field_is_used_for_unit_workbooks(plan: Plan, org: Organisation) -> None:
    areas = tuple(
        dataclasses.replace(a, sheet_name="Vår ledning") if i == 0 else a for i, a in enumerate(plan.areas)
    )
    wb = build_workbook(WorkbookSpec(dataclasses.replace(plan, areas=areas), org.node("E1"), 2022))
    assert "Vår ledning" in wb.sheetnames
