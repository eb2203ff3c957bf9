"""A business area's MUM deck: at most one slide per area, statuses and values by name,
targets shown and judged, 12 pt at the least, percentage axes to 100 %."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pptx import Presentation

from hpdocs.consolidate import Rollup, consolidate
from hpdocs.org import Organisation
from hpdocs.plan import MeasureKind, Plan
from hpdocs.planfile import load_plan
from hpdocs.render import slides_text as st
from hpdocs.render.slides import render_slides
from hpdocs.workbook.read import KIND_MEASURE, Entry
from tests.test_render_slides import (
    assert_no_overflow,
    deck_text,
    make_entries,
    make_org,
    slide_titles,
    vo_rollup,
)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan("hp-2022")


@pytest.fixture(scope="module")
def org() -> Organisation:
    return make_org({"Äldreomsorg": 3, "Psykiatri": 2})


def tables_on(path: Path, title: str) -> list:
    prs = Presentation(str(path))
    index = slide_titles(path).index(title)
    return [s.table for s in prs.slides[index].shapes if s.has_table]


def run_sizes(path: Path) -> list[float]:
    """The size of every run of text in tables, text boxes and charts."""
    prs = Presentation(str(path))
    sizes: list[float] = []
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for r in shape.table.rows for c in r.cells]
            sizes += [r.font.size.pt for f in frames for p in f.paragraphs for r in p.runs if r.text]
            if shape.has_chart:
                chart = shape.chart
                sizes += [chart.font.size.pt, chart.value_axis.tick_labels.font.size.pt]
                sizes += [chart.category_axis.tick_labels.font.size.pt]
    return sizes


def test_built_in_plan_gives_title_two_tables_and_one_slide_per_area(
    plan: Plan, org: Organisation, tmp_path: Path
) -> None:
    rollup = vo_rollup(plan, org, make_entries(plan, org))
    out = render_slides(rollup, tmp_path / "vo.pptx")
    titles = slide_titles(out)
    assert 12 <= len(titles) <= 14
    assert len(titles) == 1 + 2 + len(plan.areas)
    assert titles[3:] == [a.report_title for a in plan.areas]
    assert_no_overflow(out)


def test_no_text_under_12_points(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    out = render_slides(vo_rollup(plan, org, make_entries(plan, org)), tmp_path / "vo.pptx")
    sizes = run_sizes(out)
    assert sizes and min(sizes) >= 12


def test_activities_show_each_unit_status_by_name(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    rollup = vo_rollup(plan, org, make_entries(plan, org))
    out = render_slides(rollup, tmp_path / "vo.pptx")
    area = rollup.areas[1]
    table = next(t for t in tables_on(out, area.area.report_title) if t.cell(0, 0).text == "Aktivitet")
    assert table.cell(0, 1).text == "Status per enhet"
    unit_activity = next(a for a in area.activities if a.level == "enhet")
    row = 1 + list(area.activities).index(unit_activity)
    assert table.cell(row, 0).text.startswith(f"{unit_activity.number}. ")
    cell = table.cell(row, 1).text
    for node, status in unit_activity.statuses.items():
        line = next(line for line in cell.split("\n") if line.startswith(f"{status}: "))
        assert rollup.label(node) in line
    assert not any(ch.isdigit() and f": {ch}" in cell for ch in "123456789")  # names, not counts
    vo_activity = next(a for a in area.activities if a.level == "vo")
    texts = [table.cell(r, 1).text for r in range(1, len(table.rows))]
    assert f"Verksamhetsområdet: {vo_activity.statuses['VO1']}" in texts


def test_measures_show_label_value_per_unit_and_target(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    area = next(
        a for a in plan.areas if any(m.kind is MeasureKind.TARGET for r in a.rows for m in r.measures)
    )
    measure = next(m for r in area.rows for m in r.measures if m.kind is MeasureKind.TARGET)
    labelled = dataclasses.replace(measure, label="HSE-enkätens resultat")
    rows = tuple(
        dataclasses.replace(r, measures=tuple(labelled if m.id == measure.id else m for m in r.measures))
        for r in area.rows
    )
    areas = tuple(dataclasses.replace(a, rows=rows) if a.id == area.id else a for a in plan.areas)
    plan2 = dataclasses.replace(plan, areas=areas)
    entries = [e for e in make_entries(plan2, org) if e.item != measure.id]
    entries += [Entry("VO1", area.id, measure.id, KIND_MEASURE, "Q4", value=58.0)]
    rollup = vo_rollup(plan2, org, entries)
    out = render_slides(rollup, tmp_path / "vo.pptx")
    table = next(t for t in tables_on(out, area.report_title) if t.cell(0, 0).text == "Mätning")
    row = next(r for r in range(1, len(table.rows)) if "HSE-enkätens resultat" in table.cell(r, 0).text)
    assert measure.text not in deck_text(out)  # the follow-up text is not the label
    assert table.cell(row, 1).text == "Äldreomsorg: 58 % (under mål)"
    target = measure.targets[2022]
    assert table.cell(row, 2).text == f"{target:g} %\n0 av 1 når målet"


def test_values_per_unit_with_total(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    rollup = vo_rollup(plan, org, make_entries(plan, org))
    result = next(
        a
        for a in rollup.areas
        if any(m.measure.kind is MeasureKind.COUNT and len(m.reporting) > 1 for m in a.measures)
    )
    m = next(m for m in result.measures if m.measure.kind is MeasureKind.COUNT and len(m.reporting) > 1)
    shown = st.measure_value(rollup, m)
    for e in m.reporting:
        assert f"{rollup.label(e.node)}: {e.value:g}" in shown
    assert shown.endswith(f"Totalt: {m.total:g}")
    assert st.measure_target(m) == (st.NO_TARGET, None)


def test_percentage_axes_end_at_100(plan: Plan, tmp_path: Path) -> None:
    small = make_org({"Äldreomsorg": 3})
    area = next(
        a
        for a in plan.areas
        if any(m.kind is MeasureKind.SHARE for m in a.row("enhet").measures)  # type: ignore[union-attr]
    )
    one_area = dataclasses.replace(plan, areas=(area,))
    entries = [dataclasses.replace(e, comment="") for e in make_entries(one_area, small)]
    rollup = vo_rollup(one_area, small, entries)
    out = render_slides(rollup, tmp_path / "vo.pptx")
    charts = [s.chart for slide in Presentation(str(out)).slides for s in slide.shapes if s.has_chart]
    assert charts
    for chart in charts:
        axis = chart.value_axis
        assert (axis.minimum_scale, axis.maximum_scale) == (0, 100)
        assert "%" in axis.tick_labels.number_format
        values = list(chart.plots[0].series[0].values)
        assert all(0 <= v <= 100 for v in values)
        names = list(chart.plots[0].categories)
        assert all("…" not in name for name in names)
        assert set(names) <= {rollup.label(n.id) for n in small.scope("VO1")}


def test_empty_and_excluded_nodes_are_named_under_the_status_tables(
    plan: Plan, org: Organisation, tmp_path: Path
) -> None:
    from hpdocs.consolidate import Excluded

    entries = [e for e in make_entries(plan, org) if e.node != "E102"]
    bad = Excluded("E103", "Enhet 3.xlsx", "Säkerhetskultur", "H12", "Q4", "x", "", "sextio", "Inte ett tal.")
    rollup = vo_rollup(plan, org, entries, excluded=[bad])
    text = deck_text(render_slides(rollup, tmp_path / "vo.pptx"))
    assert f"Inlämnad, inget för perioden: {rollup.label('E102')}." in text
    assert f"Godkänd med fel (värden räknas inte): {rollup.label('E103')}." in text
    assert "Har rapporterat: Äldreomsorg, Äldreomsorg enhet 1, Äldreomsorg enhet 3." in text


def test_region_levels_and_sparse_plan(tmp_path: Path) -> None:
    region = load_plan("region-2022-2024")
    org = make_org({"Primärvårdsförvaltningen": 2})
    period = region.periods[1].id
    entries = make_entries(region, org, period=period)
    everyone = [n.id for n in org.scope("VO1")]
    rollup: Rollup = consolidate(region, org, "VO1", period, 2022, entries, submitted=everyone)
    out = render_slides(rollup, tmp_path / "region.pptx")
    text = deck_text(out)
    assert "Verksamhetsområde" not in text.replace(org.node("VO1").name, "")
    assert "Förvaltningens" in text or "Förvaltningen" in text
    assert "2022-2024 2022" not in text
    titles = slide_titles(out)
    assert len(titles) <= 1 + 2 + len(region.areas)
    sparse = [a for a in rollup.areas if not (a.activities or a.own_activities or a.measures)]
    if len(sparse) > 1:  # areas with nothing to do at these levels share a slide
        assert "Områden utan aktiviteter för förvaltningen och enheterna" in titles
        assert len(titles) < 1 + 2 + len(region.areas)
        for area in sparse:
            assert f"{area.area.report_title} – " in text
    first = rollup.areas[0]  # only the units' own activities: room for their assessments by name
    assert first.own_activities and not first.activities
    headers = [[c.text for c in t.rows[0].cells] for t in tables_on(out, first.area.report_title)]
    assert ["Enhet", "Enheternas bedömning", "Kommentar"] in headers
    assert_no_overflow(out)
    assert min(run_sizes(out)) >= 12


def test_status_entries_without_comment_are_not_listed(plan: Plan, org: Organisation) -> None:
    entries = make_entries(plan, org, comment="Samlad bedömning: arbetet går enligt plan.")
    rollup = vo_rollup(plan, org, entries)
    lines = st.comment_lines(rollup, rollup.areas[0])
    assert lines and all("Samlad bedömning" not in line for line in lines)
    assert all(not line.startswith("Äldreomsorg: ") for line in lines)  # the VO's own is beside the status


def test_ratio_measures_read_as_two_numbers_as_in_the_psb(
    plan: Plan, org: Organisation, tmp_path: Path
) -> None:
    from hpdocs.ratio import is_ratio
    from hpdocs.render.psb_measures import measure_row
    from hpdocs.render.slides_area import chart_measure

    entries = make_entries(plan, org)
    everyone = list(org.nodes)
    company = consolidate(plan, org, "B", "Q4", 2022, entries, submitted=everyone)
    area, m = next((a, m) for a in company.areas for m in a.measures if is_ratio(m.measure))
    assert len(m.reporting) == 2  # both business areas report the VO-level ratio
    shown = st.measure_value(company, m)
    psb = measure_row(plan, company, m, [e.node for e in m.reporting])
    assert "%" not in shown + str(psb["total"]) + "".join(v["value"] for v in psb["values"])
    for e, value in zip(m.reporting, psb["values"], strict=True):
        pair = f"{e.value:g} mot {e.denominator:g}"
        assert value["value"] == pair
        assert f"{company.label(e.node)}: {pair}" in shown
    assert psb["total"] == f"{m.total:g} mot {m.denominator:g}"
    assert shown.endswith(f"Totalt: {psb['total']}")
    charted = chart_measure(company, area)
    assert charted is None or charted[0] is not m  # a ratio gets no percentage bars


def test_long_slashed_words_wrap_after_the_slash_not_inside_a_word(tmp_path: Path) -> None:
    from pptx import Presentation as Deck

    from hpdocs.render import slide_layout as sl

    text = "Antal LG där Patient/brukarsäkerhetsperspektivet varit med som punkt"
    lines = sl.wrap(text, 200, 12)
    assert "Patient/" in lines[0] and any(line.startswith("brukarsäkerhetsperspektivet") for line in lines)
    prs = Deck()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    sl.write(sl.text_box(slide, 0, 0, 200, 100), text, 12)
    runs = [r.text for p in slide.shapes[0].text_frame.paragraphs for r in p.runs]
    assert runs == [text.replace("/", "/\u200b")]  # a break opportunity PowerPoint and LibreOffice honour
    assert sl.text_width("/\u200b", 12) == sl.text_width("/", 12)
