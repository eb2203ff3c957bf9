"""The company's MUM deck: the whole matrix on one slide with equal columns and the
company's own assessment labelled, seed tables titled for the company, and what lies
behind every area not on plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from hpdocs.consolidate import Rollup, consolidate
from hpdocs.org import Organisation
from hpdocs.plan import Plan
from hpdocs.planfile import load_plan
from hpdocs.render.slides import render_company_overview
from hpdocs.workbook.read import KIND_STATUS, Entry
from tests.test_render_slides import assert_no_overflow, deck_text, make_entries, make_org, slide_titles
from tests.test_slides_area import run_sizes


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan("hp-2022")


def company_deck(
    plan: Plan, org: Organisation, entries: list[Entry], out: Path
) -> tuple[Path, list[Rollup], Rollup]:
    everyone = list(org.nodes)
    rollups = [
        consolidate(plan, org, vo.id, "Q4", 2022, entries, submitted=everyone) for vo in org.business_areas
    ]
    company = consolidate(plan, org, "B", "Q4", 2022, entries, submitted=everyone)
    return render_company_overview(rollups, company, out), rollups, company


def matrices(path: Path) -> list:
    prs = Presentation(str(path))
    return [
        s for slide in prs.slides for s in slide.shapes if s.has_table and s.table.cell(0, 0).text == "Område"
    ]


@pytest.mark.parametrize("count", [2, 5, 9])
def test_the_whole_matrix_is_on_one_slide_with_equal_columns(plan: Plan, tmp_path: Path, count: int) -> None:
    org = make_org({f"Verksamhetsområde nummer {i} med ett långt namn": 1 for i in range(1, count + 1)})
    out, rollups, _ = company_deck(plan, org, make_entries(plan, org), tmp_path / "bolag.pptx")
    found = matrices(out)
    assert len(found) == 1
    table = found[0].table
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Område", *(r.scope.name for r in rollups), "Bolagets egen bedömning"]
    widths = {table.columns[i].width for i in range(1, len(table.columns) - 1)}
    assert max(widths) - min(widths) <= 1  # EMU rounding; the own column may be narrower
    assert len(table.rows) == 1 + len(plan.areas)
    assert "Status per verksamhetsområde" in slide_titles(out)
    assert "Hela " not in deck_text(out)
    assert_no_overflow(out)
    assert min(run_sizes(out)) >= 12


def test_seed_tables_are_titled_for_the_company(plan: Plan, tmp_path: Path) -> None:
    org = make_org({"Äldreomsorg": 2, "Psykiatri": 1})
    out, _, _ = company_deck(plan, org, make_entries(plan, org), tmp_path / "bolag.pptx")
    titles = slide_titles(out)
    assert "Redovisning status HP MUM november – Vårdbolaget AB" in titles
    assert not any("Vo-nivå" in t for t in titles)


def test_areas_not_on_plan_say_which_business_areas_and_why(plan: Plan, tmp_path: Path) -> None:
    org = make_org({"Äldreomsorg": 1, "Psykiatri": 1})
    good, _, bad = plan.area_statuses
    first, second = plan.areas[0], plan.areas[1]
    entries = [e for e in make_entries(plan, org) if e.kind != KIND_STATUS]
    for node in org.nodes.values():
        for area in plan.areas:
            status, comment = good, ""
            if node.id == "VO2" and area.id == first.id:
                status, comment = bad, "Ingen analysledare utsedd under hösten."
            entries.append(
                Entry(node.id, area.id, f"{area.id}.status", KIND_STATUS, "Q4", status, comment=comment)
            )
    out, _, _ = company_deck(plan, org, entries, tmp_path / "bolag.pptx")
    prs = Presentation(str(out))
    titles = slide_titles(out)
    index = titles.index("Bakom statusen – områden som inte går enligt plan")
    slide = prs.slides[index]
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    tables = [sh.table for sh in slide.shapes if sh.has_table]
    assert first.report_title in text and second.report_title not in text
    rows = [[c.text for c in row.cells] for t in tables for row in list(t.rows)[1:]]
    assert [row[:2] for row in rows] == [["Psykiatri", bad]]
    why = rows[0][2].split("\n")
    assert why[0] == "Ingen analysledare utsedd under hösten."
    assert all(line.endswith("(Psykiatri enhet 1)") for line in why[1:])  # late activities, by name


def test_everything_on_plan_says_so(plan: Plan, tmp_path: Path) -> None:
    org = make_org({"Äldreomsorg": 1})
    good = plan.area_statuses[0]
    entries = [e for e in make_entries(plan, org) if e.kind != KIND_STATUS]
    entries += [
        Entry(n, a.id, f"{a.id}.status", KIND_STATUS, "Q4", good) for n in org.nodes for a in plan.areas
    ]
    out, _, _ = company_deck(plan, org, entries, tmp_path / "bolag.pptx")
    assert "Alla områden går enligt plan i alla verksamhetsområden." in deck_text(out)


def test_region_uses_its_level_names(tmp_path: Path) -> None:
    region = load_plan("region-2022-2024")
    org = make_org({"Primärvården": 1, "Psykiatrin": 1})
    period = region.periods[1].id
    entries = make_entries(region, org, period=period)
    everyone = list(org.nodes)
    rollups = [
        consolidate(region, org, vo.id, period, 2022, entries, submitted=everyone)
        for vo in org.business_areas
    ]
    company = consolidate(region, org, "B", period, 2022, entries, submitted=everyone)
    out = render_company_overview(rollups, company, tmp_path / "region.pptx")
    text = deck_text(out)
    assert "Status per förvaltning" in slide_titles(out)
    assert "Regionens egen bedömning" in text
    assert "verksamhetsområde" not in text.lower()


CARLITO_BOLD = Path("/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf")


@pytest.mark.skipif(not CARLITO_BOLD.exists(), reason="Carlito is not installed")
@pytest.mark.parametrize("count", [2, 4])
def test_matrix_names_never_break_inside_a_word(plan: Plan, tmp_path: Path, count: int) -> None:
    from PIL import ImageFont

    font = ImageFont.truetype(str(CARLITO_BOLD), 1000)
    names = [
        "Närsjukvårdsförvaltningen",
        "Sjukhusförvaltningen",
        "Psykiatriförvaltningen",
        "Tandvården",
        "Ambulanssjukvården",
    ]
    org = make_org({n: 1 for n in names[:count]})
    out, _, _ = company_deck(plan, org, make_entries(plan, org), tmp_path / "bolag.pptx")
    table = matrices(out)[0].table
    for i, cell in enumerate(table.rows[0].cells):
        size = max(r.font.size.pt for p in cell.text_frame.paragraphs for r in p.runs)
        inner = table.columns[i].width / 12700 - cell.margin_left / 12700 - cell.margin_right / 12700
        widest = max(font.getlength(w) for w in cell.text.split()) * size / 1000
        assert widest <= inner, cell.text
