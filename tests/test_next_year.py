"""The next year: a project started from this year's runs on with the year moved on, the
plan's targets for the new year, and last year's values beside this year's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation

from hpdocs.cli import cli
from hpdocs.nextyear import start_next_year
from hpdocs.pipeline import consolidate_project
from hpdocs.previous import PreviousValue, previous_row
from hpdocs.project import Project, load_project
from hpdocs.render.slides import render_slides
from hpdocs.render.word import render_psb
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.write import write_all

EXAMPLES = Path(__file__).parents[1] / "examples"
HSE = "sakerhetskultur.vo.m2"


def copy_example(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns("utdata", ".hpdocs-cache"))
    return target


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Project]:
    tmp = tmp_path_factory.mktemp("tva-ar")
    old = copy_example("vardbolaget", tmp)
    result = start_next_year(old, tmp / "2023")
    return load_project(old), result.project


def test_the_new_project_is_next_year_with_the_same_settings(two_years: tuple[Project, Project]) -> None:
    old, new = two_years
    assert (new.year, new.name, new.signer) == (2023, old.name, old.signer)
    assert new.plan.id == old.plan.id and new.plan.years == (2022, 2023)
    assert [n.id for n in new.organisation.nodes.values()] == [n.id for n in old.organisation.nodes.values()]
    assert (new.root / "foregaende-ar" / "2022.json").is_file()
    assert not any(new.inbox.iterdir())  # a new year starts with an empty inbox
    assert (old.root / "hpdocs.toml").read_text(encoding="utf-8").count('"år" = 2022') == 1  # untouched


def test_workbooks_carry_the_new_years_target(two_years: tuple[Project, Project], tmp_path: Path) -> None:
    _, new = two_years
    files = write_all(new.plan, new.organisation, tmp_path, new.year)
    vo = next(f for f in files if f.name.startswith("Verksamhetsområde"))
    wb = load_workbook(vo)
    targets = {
        str(row[0].value): row[8].value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        if str(row[0].value or "").startswith(HSE + "@")
    }
    assert set(targets.values()) == {"70 %"}  # 2022: 60 %, 2023: 70 %


def test_last_years_value_is_beside_this_years(two_years: tuple[Project, Project], tmp_path: Path) -> None:
    _, new = two_years
    files = write_all(new.plan, new.organisation, tmp_path, new.year)
    vo = next(f for f in files if f.name.startswith("Verksamhetsområde"))
    fill_workbook(
        vo,
        {f"{HSE}@Q3": {"varde": 72}},
        identity={"hpdocs.ifylldav": "Test", "hpdocs.uppdaterad": "2023-10-02"},
        out=new.inbox / vo.name,
    )
    try:
        result = consolidate_project(new, "Q3", use_cache=False)
    finally:
        (new.inbox / vo.name).unlink()
    # The documents show last year's value beside this year's (PSB chapter and MUM deck).
    psb = render_psb(result.company, tmp_path / "psb.docx", organisation_name=new.name)
    words = " ".join(
        p.text for t in Document(str(psb)).tables for r in t.rows for c in r.cells for p in c.paragraphs
    )
    assert "Förra året (2022, Kvartal 3): 63 %, 63 %, 63 %, 58 % – 3 av 4 når målet 60 %" in words
    deck = render_slides(result.company, tmp_path / "mum.pptx", organisation_name=new.name)
    shown = " ".join(
        cell.text
        for slide in Presentation(str(deck)).slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    )
    assert "Förra året (2022, Kvartal 3)" in shown and "72 %" in shown
    company = result.company
    now = next(m for a in company.areas for m in a.measures if m.measure.id == HSE)
    assert now.target == 70 and now.display == "72 % – 1 av 1 når målet 70 %"
    before = company.previous[HSE]
    assert isinstance(before, PreviousValue)
    assert (before.year, before.period, before.target) == (2022, "Q3", 60)
    assert before.display == "63 %, 63 %, 63 %, 58 % – 3 av 4 når målet 60 %"
    assert previous_row(company, now) == {
        "previous": "63 %, 63 %, 63 %, 58 % – 3 av 4 når målet 60 %",
        "previous_heading": "2022, Kvartal 3",
        "previous_target": "60 %",
        "previous_line": "Förra året (2022, Kvartal 3): 63 %, 63 %, 63 %, 58 % – 3 av 4 når målet 60 %",
    }
    # only where both years have a value
    assert set(company.previous) == {HSE}
    vo_rollup = next(iter(result.business_areas.values()))
    assert set(vo_rollup.previous) <= {HSE}


def test_a_multi_year_plan_runs_across_its_years(tmp_path: Path) -> None:
    first = copy_example("region", tmp_path)
    runner = CliRunner()
    out = runner.invoke(cli, ["init", str(tmp_path / "2023"), "--fran-projekt", str(first)])
    assert out.exit_code == 0, out.output
    assert "är skapad för 2023" in out.output and "tillagt" not in out.output
    again = runner.invoke(cli, ["init", str(tmp_path / "2024"), "--fran-projekt", str(tmp_path / "2023")])
    assert again.exit_code == 0, again.output
    third = load_project(tmp_path / "2024")
    assert third.year == 2024
    assert (tmp_path / "2024" / "plan.yaml").read_text(encoding="utf-8") == (first / "plan.yaml").read_text(
        encoding="utf-8"
    )  # not copied by hand, not changed
    assert (tmp_path / "2024" / "foregaende-ar" / "2023.json").is_file()


def test_a_year_past_the_plan_is_added_and_missing_targets_named(two_years: tuple[Project, Project]) -> None:
    _, new = two_years
    out = CliRunner().invoke(cli, ["init", str(new.root.parent / "2024"), "--fran-projekt", str(new.root)])
    assert out.exit_code == 0, out.output
    assert "Planen gällde inte 2024; året är tillagt under years i plan.yaml." in out.output
    assert "Mätningar mot mål som saknar mål för 2024" in out.output
    assert (
        'En god säkerhetskultur, Verksamhetsområde: "HSE-enkäten, andel som svarat 4 eller 5"' in out.output
    )
    assert load_project(new.root.parent / "2024").plan.years == (2022, 2023, 2024)


def test_the_new_folder_must_be_new(two_years: tuple[Project, Project]) -> None:
    old, new = two_years
    out = CliRunner().invoke(cli, ["init", str(new.root), "--fran-projekt", str(old.root)])
    assert out.exit_code == 2 and "finns redan" in out.output
