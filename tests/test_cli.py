"""The commands as a coordinator runs them: init, organisation, workbooks, validate, consolidate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from examples_copy import copy_example
from openpyxl import load_workbook

from hpdocs.cli import cli
from hpdocs.org import Node, write_organisation
from hpdocs.project import load_project


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def example(tmp_path: Path) -> Path:
    target = tmp_path / "vardbolaget"
    return copy_example(target)


@pytest.mark.parametrize(
    ("plan", "levels"),
    [("hp-2022", ("Bolag", "Verksamhetsområde")), ("region-2022-2024", ("Region", "Förvaltning"))],
)
def test_init_then_workbooks_for_both_builtin_plans(
    tmp_path: Path, plan: str, levels: tuple[str, str]
) -> None:
    folder = tmp_path / "projekt"
    code, out, _ = run("init", str(folder), "--namn", "Testbolaget AB", "--plan", plan)
    assert code == 0 and "hpdocs workbooks" in out
    assert (folder / "hpdocs.toml").is_file() and (folder / "plan.yaml").is_file()
    assert (folder / "mallar" / "word" / "psb-verksamhetschef.docx").is_file()
    assert (folder / "mallar" / "pptx" / "mum-status.pptx").is_file()
    project = load_project(folder)
    nodes = [
        Node("B1", "Testbolaget AB", "bolag"),
        Node("V1", "Vården", "vo", "B1"),
        Node("007", "Enhet Sju", "enhet", "V1"),  # leading zeros kept
    ]
    write_organisation(folder / "organisation.xlsx", nodes, level_names=project.plan.level_names)
    code, out, _ = run("workbooks", str(folder))
    assert code == 0 and "Skrev 3 arbetsböcker" in out
    made = sorted(p.name for p in (folder / "utdata" / "arbetsbocker").iterdir())
    assert made == sorted(
        [f"{levels[0]} Testbolaget AB.xlsx", f"{levels[1]} Vården.xlsx", "Enhet Enhet Sju.xlsx"]
    )
    wb = load_workbook(folder / "utdata" / "arbetsbocker" / "Enhet Enhet Sju.xlsx")
    ident = {r[0].value: r[2].value for r in wb["Identitet"].iter_rows() if r[0].value}
    assert ident["hpdocs.nod"] == "007"
    wb.close()
    code, _, err = run("init", str(folder), "--namn", "X")
    assert code == 2 and "finns redan" in err


def test_level_names_come_from_configuration(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    run("init", str(folder), "--namn", "Region X")
    config = folder / "hpdocs.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[nivaer]\nbolag = "Region"\nvo = "Förvaltning"\n',
        encoding="utf-8",
    )
    project = load_project(folder)
    assert project.plan.level_name("vo") == "Förvaltning"


def test_validate_reports_every_problem_with_json_and_exit_codes(example: Path) -> None:
    code, out, _ = run("validate", "--projekt", str(example), "--json")
    assert code == 1
    data = json.loads(out)
    by_file = {f["file"]: f for f in data["files"]}
    sjostaden = by_file["Enhet Vårdcentralen Sjöstaden.xlsx"]
    assert not sjostaden["ok"]
    assert {p["code"] for p in sjostaden["problems"]} == {
        "andel-som-procent",
        "varde-i-kommentar",
        "blad-omdopt",
    }
    assert [n["code"] for n in data["notes"]] == ["dubblett"]
    clean = example / "inkorg" / "Enhet Dagkirurgin.xlsx"
    code, out, _ = run("validate", str(clean), "--projekt", str(example))
    assert code == 0 and "godkänd" in out
    code, _, err = run("validate", str(clean))  # the project is found from the file's folder
    assert code == 0 and f"projektet {example.resolve()}" in err


def test_validate_of_a_project_folder_checks_its_inbox(example: Path) -> None:
    code, out, _ = run("validate", str(example), "--json")
    assert code == 1
    names = {f["file"] for f in json.loads(out)["files"]}
    assert "Enhet Dagkirurgin.xlsx" in names
    assert not any(n.startswith("organisation") for n in names)


def test_validate_writes_a_problem_report_and_leaves_the_original_alone(
    example: Path, tmp_path: Path
) -> None:
    bad = example / "inkorg" / "Enhet Vårdcentralen Sjöstaden.xlsx"
    before = bad.read_bytes()
    code, _, _ = run("validate", str(bad), "--projekt", str(example), "--rapport", str(tmp_path / "rapport"))
    assert code == 1 and bad.read_bytes() == before
    report = load_workbook(next((tmp_path / "rapport").glob("*.xlsx")))
    rows = [[c.value for c in r] for r in report["Problem"].iter_rows(min_row=6)]
    assert ["Fel", "Adekvat kunskap och kompetens", "G22"] in [r[:3] for r in rows]
    report.close()


def test_unknown_node_and_wrong_plan_are_structural_errors(example: Path, tmp_path: Path) -> None:
    org = load_project(example).organisation
    nodes = [n for n in org.nodes.values() if n.id != "E41"]
    write_organisation(example / "organisation.xlsx", nodes)
    code, out, _ = run("validate", "--projekt", str(example), "--json")
    assert code == 1
    data = json.loads(out)
    dagkirurgin = next(f for f in data["files"] if f["file"] == "Enhet Dagkirurgin.xlsx")
    assert [p["code"] for p in dagkirurgin["problems"]] == ["okand-nod"]


def test_business_area_rollups_feed_the_company_with_the_same_result(example: Path, tmp_path: Path) -> None:
    from hpdocs.pipeline import consolidate_project

    direct = consolidate_project(load_project(example), "Q3")
    # A second project whose inbox holds only the VO roll-ups and the company's own workbook.
    upward = tmp_path / "uppat"
    shutil.copytree(example, upward, ignore=shutil.ignore_patterns("inkorg", "utdata"))
    (upward / "inkorg").mkdir()
    for path in direct.files:
        if "Verksamhetsområde" in path.name:
            shutil.copyfile(path, upward / "inkorg" / path.name)
    shutil.copyfile(
        example / "inkorg" / "Bolag Omsorgsbolaget Exempel AB.xlsx",
        upward / "inkorg" / "Bolag Omsorgsbolaget Exempel AB.xlsx",
    )
    stepped = consolidate_project(load_project(upward), "Q3")
    a, b = direct.company, stepped.company
    assert [n.id for n in a.completeness.submitted] == [n.id for n in b.completeness.submitted]
    assert sorted(map(repr, a.entries), key=str) == sorted(map(repr, b.entries), key=str)
    for left, right in zip(a.areas, b.areas, strict=True):
        assert (left.status, left.proposed_status) == (right.status, right.proposed_status)
        assert [(m.total, m.denominator, m.share) for m in left.measures] == [
            (m.total, m.denominator, m.share) for m in right.measures
        ]
        assert [a_.counts for a_ in left.activities] == [b_.counts for b_ in right.activities]


def test_bad_period_is_a_usage_error(example: Path) -> None:
    code, _, err = run("consolidate", str(example), "--period", "2021-Q3")
    assert code == 2 and "2022" in err
    code, _, err = run("consolidate", str(example), "--period", "Q9")
    assert code == 2 and "Kvartal 1" in err


def test_board_paper_exists_before_any_workbook_is_filled(tmp_path: Path) -> None:
    from docx import Document

    folder = tmp_path / "ny"
    run("init", str(folder), "--namn", "Nytt Bolag AB")
    code, out, _ = run("documents", str(folder), "--typ", "styrelse")
    assert code == 0 and "ur planen" in out
    doc = Document(str(next((folder / "utdata" / "dokument").glob("Styrelsebeslut*.docx"))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "Förslag till beslut" in text
        and "Nytt Bolag AB" in "\n".join(p.text for s in doc.sections for p in s.header.paragraphs) + text
    )


def test_templates_command_lists_tags_and_flags_curly_quotes(tmp_path: Path) -> None:
    from docx import Document

    bad = tmp_path / "trasig.docx"
    doc = Document()
    doc.add_paragraph("{{ area.title }} och {{ “citat” }}")
    doc.save(str(bad))
    code, out, _ = run("templates", str(bad))
    assert code == 1 and "{{ area.title }}" in out and "krullig" in out.lower()
