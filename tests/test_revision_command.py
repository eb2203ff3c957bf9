"""`hpdocs revision` on a known revision: its whole output, word for word."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hpdocs.cli import cli
from hpdocs.planversions import archive_plan, archived, archived_versions
from hpdocs.project import Project, init_project, load_project
from tests.conftest import FillFn
from tests.revision_plans import ALL, revised_text
from tests.test_revised_read import OWN, VALUES


@pytest.fixture
def project(tmp_path: Path, filled: FillFn) -> Project:
    project = init_project(tmp_path / "projekt", name="Testbolaget AB", plan="hp-2022", copy_templates=False)
    archive_plan(project)
    shutil.copyfile(filled("E1", VALUES, own=OWN), project.inbox / "Enhet Akuten.xlsx")
    (project.root / "plan.yaml").write_text(revised_text(*ALL), encoding="utf-8")
    return load_project(project.root)


def test_the_plan_is_archived_once_per_version(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p", name="X", plan="hp-2022", copy_templates=False)
    first = archive_plan(project)
    assert first == project.root / "planversioner" / "2022.1.yaml"
    assert archive_plan(project) == first and archived_versions(project) == ["2022.1"]
    (project.root / "plan.yaml").write_text(revised_text("area renamed"), encoding="utf-8")
    second = archive_plan(load_project(project.root))
    assert second.name == "2022.2.yaml" and archived(project, "2022.1") is not None
    assert archived(project, "2022.1").area("sakerhetskultur").title == "En god säkerhetskultur"  # type: ignore[union-attr]


def test_revision_output_for_a_known_revision(project: Project) -> None:
    result = CliRunner().invoke(cli, ["revision", str(project.root)])
    assert result.exit_code == 0, result.output
    assert result.output == GOLDEN


GOLDEN = """\
Planrevision: Handlingsplan för säker vård och omsorg, version 2022.1 → 2022.2
Jämför planversioner/2022.1.yaml med plan.yaml.

Områden:
  – Området "En god säkerhetskultur" heter nu "En god och öppen säkerhetskultur".

Aktiviteter:
  – Aktivitet 2 på nivån Enhet i "En god och öppen säkerhetskultur" har ny lydelse: "Uppmuntra medarbetare att rapportera avvikelser. Medarbetare ska gå Introduktion händelsevis," → "Uppmuntra medarbetare att rapportera avvikelser och risker. Medarbetare ska gå Introduktion i Händelsevis".
      berör 1 inlämnat värde (läses som förut):
        Enhet Akuten.xlsx › En god säkerhetskultur › F13
  – Ny aktivitet på nivån Enhet i "En god och öppen säkerhetskultur": 4. "Gå igenom förfallna avvikelser på varje APT".

Mätningar:
  – Mätningen 1. "Antal förfallna avvikelser per enhetschef" på nivån Enhet i "En god och öppen säkerhetskultur" är nu en andel med täljare och nämnare (var ett antal); inlämnade värden räknas inte och fylls i på nytt i den nya arbetsboken.
      berör 1 inlämnat värde (räknas inte längre):
        Enhet Akuten.xlsx › En god säkerhetskultur › G15
  – Mätningen 3. "Resultatet ska presenteras på APT" på nivån Enhet i "En god och öppen säkerhetskultur" är borttagen.
      berör 1 inlämnat värde (räknas inte längre):
        Enhet Akuten.xlsx › En god säkerhetskultur › G17

Uppföljningar:
  – Uppföljningen "Verksamhetschef följer upp dia HändelseVis/Överblick kvartalsvis" på nivån Enhet i "En god och öppen säkerhetskultur" görs nu månadsvis (var kvartalsvis); det ändrar i vilka perioder värden väntas.
      berör 1 inlämnat värde (läses som förut):
        Enhet Akuten.xlsx › En god säkerhetskultur › G15

6 ändringar. 1 inlämnad arbetsbok har lästs för att hitta berörda värden.
2 inlämnade värden räknas inte längre. Kör hpdocs refresh för nya arbetsböcker med allt annat ifyllt överfört, och be enheterna fylla i det som ändrats.
"""


def test_without_an_earlier_version_it_says_what_to_do(tmp_path: Path) -> None:
    project = init_project(tmp_path / "p", name="X", plan="hp-2022", copy_templates=False)
    result = CliRunner().invoke(cli, ["revision", str(project.root)])
    assert result.exit_code == 2
    assert "ingen tidigare planversion" in result.output and "--fran" in result.output


def test_a_plan_file_can_be_compared_with_another(project: Project, tmp_path: Path) -> None:
    from hpdocs.planfile import builtin_plan_text

    old = tmp_path / "gammal.yaml"
    old.write_text(
        builtin_plan_text("hp-2022").replace("  - id: risk\n", "  - id: risker\n"), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["revision", str(project.root), "--fran", str(old)])
    assert result.exit_code == 0, result.output
    assert (
        "Nytt område:" in result.output and "är borttaget; dess inlämnade värden räknas inte" in result.output
    )


def test_target_and_status_changes() -> None:
    from hpdocs.planfile import parse_plan
    from hpdocs.revision import compare

    old = parse_plan(revised_text(), file="a.yaml")
    text = revised_text().replace("statuses: [Ej påbörjad, Påbörjad,", "statuses: [Ej startad, Påbörjad,", 1)
    text = text.replace(
        "done_statuses: [Pågår enligt plan, Klar]", "done_statuses: [Pågår enligt plan, Klar]"
    )
    text = text.replace("late_statuses: [Ej påbörjad, Försenad]", "late_statuses: [Ej startad, Försenad]")
    texts = [c.text for c in compare(old, parse_plan(text, file="b.yaml"))]
    assert texts == [
        'Statusen "Ej påbörjad" finns inte längre att välja.',
        'Ny status att välja: "Ej startad".',
    ]


def test_workbooks_archive_the_plan_version(tmp_path: Path) -> None:
    from hpdocs.org import write_organisation
    from tests.conftest import NODES

    project = init_project(tmp_path / "p", name="X", plan="hp-2022", copy_templates=False)
    write_organisation(project.organisation_file, NODES)
    result = CliRunner().invoke(cli, ["workbooks", str(project.root)])
    assert result.exit_code == 0, result.output
    assert "Planversion 2022.1 sparad i planversioner/2022.1.yaml" in result.output
    assert (project.root / "planversioner" / "2022.1.yaml").read_text(encoding="utf-8") == (
        project.root / "plan.yaml"
    ).read_text(encoding="utf-8")


def test_validate_and_consolidate_say_it_once_also_from_the_cache(project: Project) -> None:
    from hpdocs.org import write_organisation
    from hpdocs.pipeline import consolidate_project
    from tests.conftest import NODES

    write_organisation(project.organisation_file, NODES)
    project = load_project(project.root)
    out = CliRunner().invoke(cli, ["validate", "--projekt", str(project.root)])
    assert out.output.count("[plan-reviderad]") == 1 and "[annan-planversion]" not in out.output
    assert "Enhet Akuten.xlsx: godkänd (0 fel" in out.output
    for _ in range(2):  # the second run reads from the cache
        result = consolidate_project(project, "Q1")
        read = result.inbox.chosen["E1"]
        notes = [p.message for p in read.report if p.code == "plan-reviderad"]
        assert len(notes) == 1 and "görs nu månadsvis (var kvartalsvis)" in notes[0]
