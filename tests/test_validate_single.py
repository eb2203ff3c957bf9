"""`hpdocs validate FILE`: a manager checks one workbook before sending it, with or without a project."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from examples_copy import REPO, copy_example

from hpdocs.cli import cli
from hpdocs.org import write_organisation
from hpdocs.project import load_project
from hpdocs.workbook.write import WorkbookSpec, write_workbook

INBOX = REPO / "examples" / "vardbolaget" / "inkorg"
CLEAN, FAULTY = "Enhet Dagkirurgin.xlsx", "Enhet Vårdcentralen Sjöstaden.xlsx"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A manager's folder outside any project, as the current folder."""
    folder = tmp_path / "skrivbord"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_a_single_workbook_outside_a_project_is_checked_against_its_own_plan_and_year(desk: Path) -> None:
    for name in (CLEAN, FAULTY):
        shutil.copyfile(INBOX / name, desk / name)
    code, out, err = run("validate", CLEAN)
    assert code == 0, err
    assert out.startswith(f"{CLEAN}: godkänd (0 fel, 0 varningar)")
    assert out.rstrip().endswith("1 arbetsbok kontrollerad: 0 avvisade, 0 godkända med fel, 0 problem.")
    assert 'planen inbyggd:hp-2022 och året 2022 ur arbetsboken "Enhet Dagkirurgin.xlsx"' in err
    code, out, _ = run("validate", FAULTY, "--json")
    assert code == 1
    problems = json.loads(out)["files"][0]["problems"]
    assert ("andel-som-procent", "G22") in {(p["code"], p["cell"]) for p in problems}


def test_the_year_in_the_workbook_is_the_year_checked(desk: Path) -> None:
    shutil.copyfile(INBOX / CLEAN, desk / CLEAN)
    code, out, _ = run("validate", CLEAN, "--json")
    assert code == 0 and not json.loads(out)["files"][0]["problems"]  # no "fel år" against itself


def test_a_region_workbook_outside_a_project_uses_the_region_plan(desk: Path) -> None:
    region = REPO / "examples" / "region" / "inkorg"
    book = sorted(region.glob("Enhet *.xlsx"))[0]
    shutil.copyfile(book, desk / book.name)
    code, _, err = run("validate", book.name)
    assert "inbyggd:region-2022-2024" in err
    assert code in (0, 1)


def test_inside_a_project_the_file_finds_its_project_from_its_folder(desk: Path, tmp_path: Path) -> None:
    project = copy_example(tmp_path / "vardbolaget")
    org = load_project(project).organisation
    write_organisation(project / "organisation.xlsx", [n for n in org.nodes.values() if n.id != "E41"])
    # From outside the project, without options: the project's organisation is used.
    code, out, err = run("validate", str(project / "inkorg" / CLEAN), "--json")
    assert code == 1 and f"projektet {project.resolve()}" in err
    assert [p["code"] for p in json.loads(out)["files"][0]["problems"]] == ["okand-nod"]
    # The same file outside the project: checked against its plan alone.
    shutil.copyfile(project / "inkorg" / CLEAN, desk / CLEAN)
    code, out, _ = run("validate", CLEAN, "--json")
    assert code == 0


def test_files_of_two_projects_at_once_are_refused_in_swedish(tmp_path: Path) -> None:
    one = copy_example(tmp_path / "ett")
    two = copy_example(tmp_path / "tva")
    code, _, err = run("validate", str(one / "inkorg" / CLEAN), str(two / "inkorg" / CLEAN))
    assert code == 2 and "olika projekt" in err


def test_a_workbook_of_a_plan_hpdocs_does_not_ship_asks_for_the_plan_file(desk: Path, plan, org) -> None:
    own = dataclasses.replace(plan, id="var-egen-plan")
    node = org.nodes["E1"]
    write_workbook(
        WorkbookSpec(own, node, 2022, "Primärvård", "2022-01-10 08:00"), desk / "Enhet Akuten.xlsx"
    )
    code, _, err = run("validate", "Enhet Akuten.xlsx")
    assert code == 2
    assert 'planen "var-egen-plan", som inte är inbyggd' in err and "--plan PLANFIL" in err


def test_nothing_to_check_outside_a_project_says_what_to_give(desk: Path) -> None:
    code, _, err = run("validate")
    assert code == 2 and "Ange arbetsböcker eller mappar" in err
