"""The PSB chapter names who stands behind every status, shows targets, and states reporting truly.

Built from the two example projects (copied, so nothing in examples/ changes), read back with
python-docx.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn

from hpdocs.cli import cli
from hpdocs.pipeline import ConsolidateResult, consolidate_project, is_whole_year
from hpdocs.project import load_project
from hpdocs.render.psb_context import psb_context
from hpdocs.render.status_matrix import symbol
from hpdocs.render.word import render_psb

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("examples")
    copies = {}
    for name in ("vardbolaget", "region"):
        target = root / name
        shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns("utdata", ".hpdocs-cache"))
        copies[name] = target
    return copies


@pytest.fixture(scope="module")
def company(projects: dict[str, Path]) -> ConsolidateResult:
    return consolidate_project(load_project(projects["vardbolaget"]), "Q3", use_cache=False)


@pytest.fixture(scope="module")
def region(projects: dict[str, Path]) -> ConsolidateResult:
    return consolidate_project(load_project(projects["region"]), "T2", use_cache=False)


def all_text(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_matrix_names_every_business_area_with_its_status(company: ConsolidateResult) -> None:
    rollup = company.company
    matrix = psb_context(rollup)["matrix"]
    vos = [vo.scope for vo in company.business_areas.values()]
    assert [c["id"] for c in matrix["columns"]] == [vo.id for vo in vos]
    assert matrix["own_label"] == "Bolagets egen bedömning"
    results = {r.area.id: r for r in rollup.areas}
    for row in matrix["rows"]:
        result = results[row["id"]]
        for vo, cell in zip(vos, row["cells"], strict=True):
            status = result.node_statuses.get(vo.id, "")
            assert cell["status"] == status
            if status:
                assert cell["text"] == f"{symbol(rollup.plan, status)} {status}"
        if result.own_status:
            assert row["own_text"].endswith(result.own_status)


def test_vo_chapter_names_units_behind_activity_statuses(company: ConsolidateResult, tmp_path: Path) -> None:
    rollup = next(iter(company.business_areas.values()))
    context = psb_context(rollup)
    for area, result in zip(context["areas"], rollup.areas, strict=False):
        for lvl in area["below"]:
            for row, activity in zip(
                lvl["activities"], [a for a in result.activities if a.level == "enhet"], strict=True
            ):
                for node, status in activity.statuses.items():
                    if status:
                        group = next(g for g in row["by_status"] if g["status"] == status)
                        assert rollup.label(node) in group["names"]
    text = all_text(render_psb(rollup, tmp_path / "vo.docx"))
    assert "Enheternas aktiviteter" in text
    assert "Antal per status" not in text


def test_every_measure_with_a_target_shows_it(company: ConsolidateResult) -> None:
    rollup = company.company
    context = psb_context(rollup)
    seen_zero = False
    for area in context["areas"]:
        for row in area["measures"]:
            if row["has_target"]:
                assert row["target"], row["label"]
                assert row["met"] or row["total"].endswith("når målet"), row
            seen_zero = seen_zero or row["target"] == "0"
    assert seen_zero, "the target 0 of 'förfallna synpunkter och klagomål' is shown"
    hse = next(m for a in context["areas"] for m in a["measures"] if m["label"].startswith("HSE-enkäten"))
    assert hse["target"] == "60 %"
    below = [v for v in hse["values"] if v["met"] == "når inte målet"]
    assert below and all(f"{v['name']}: " in str(hse["values_text"]) for v in below)


def test_reporting_states_by_name(company: ConsolidateResult, tmp_path: Path) -> None:
    rollup = company.company
    reporting = psb_context(rollup)["reporting"]
    lines = {line["label"]: line["names"] for line in reporting["lines"]}
    assert "Barnavårdscentralen Centrum" in lines["Inlämnad, inget för perioden"]
    assert "Hemtjänst Västra" in lines["Inte inlämnad"]
    assert "Vårdcentralen Sjöstaden" in lines["Godkänd med fel (värden räknas inte)"]
    assert "Vårdcentralen Sjöstaden" in lines["Har rapporterat"]
    excluded = [x for x in reporting["excluded"] if x["name"] == "Vårdcentralen Sjöstaden"]
    assert excluded and all(x["cell"] and x["reason"] and x["written"] for x in excluded)
    text = all_text(render_psb(rollup, tmp_path / "bolag.docx"))
    assert "inlämnade och lästa" not in text
    assert excluded[0]["reason"] in text


def test_rows_never_split_headings_keep_with_next(company: ConsolidateResult, tmp_path: Path) -> None:
    doc = Document(str(render_psb(company.company, tmp_path / "bolag.docx")))
    assert doc.tables
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert all(len(r._tr.findall(qn("w:tc"))) == len(grid) for r in table.rows)
        assert sum(grid) <= 174 * 57  # never wider than the text
    for p in doc.paragraphs:
        if p.style.name.startswith("Heading"):
            assert p.style.paragraph_format.keep_with_next, p.text


def test_region_uses_the_plan_level_names(region: ConsolidateResult, tmp_path: Path) -> None:
    vo = next(iter(region.business_areas.values()))
    vo_text = all_text(render_psb(vo, tmp_path / "forvaltning.docx"))
    assert "Förvaltningens egen bedömning" in vo_text
    # the region's plan has activities at region level only, and the chapter says so
    assert "Planen anger inga aktiviteter på förvaltningens eller enheternas nivå inom området." in vo_text
    assert "en enhets egen bedömning" in vo_text
    company_text = all_text(render_psb(region.company, tmp_path / "region.docx"))
    assert "Regionens egen bedömning" in company_text
    assert "en förvaltnings egen bedömning" in company_text
    for wrong in (
        "regionet",
        "sitt förvaltning",
        "egen bedömning av förvaltning",
        "verksamhetsområde",
        "region hallands",
        "Samlad bedömning:",  # the nodes' boilerplate prefix is dropped from their comments
    ):
        assert wrong not in (vo_text + company_text), wrong


def test_year_so_far_covers_the_periods_up_to_this_one(company: ConsolidateResult) -> None:
    history = psb_context(company.company)["history"]
    assert history["periods"] == ["Kvartal 1", "Kvartal 2", "Kvartal 3"]
    assert all(len(a["statuses"]) == 3 for a in history["areas"])
    assert history["measures"] and all(len(m["cells"]) == 3 for m in history["measures"])


def test_whole_year_period(projects: dict[str, Path]) -> None:
    assert is_whole_year("2022", 2022) and is_whole_year("helår", 2022) and not is_whole_year("Q3", 2022)
    result = CliRunner().invoke(
        cli,
        ["documents", str(projects["vardbolaget"]), "--typ", "psb", "--period", "2022", "--vo", "VO1"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    out = next((projects["vardbolaget"] / "utdata" / "dokument").glob("PSB*helår.docx"))
    text = all_text(out)
    assert "Helår 2022" in text and "Året 2022 period för period" in text
