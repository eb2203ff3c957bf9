"""A workbook of plan version 2022.1 read against 2022.2: what maps is read, what changed is
explained once, without blame."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdocs.inbox import collect
from hpdocs.org import Organisation
from hpdocs.plan import Plan
from hpdocs.workbook.read import WorkbookRead, read_workbook
from tests.conftest import FillFn
from tests.revision_plans import ALL, revised_plan

VALUES = {
    "ledning.enhet.a1@Q1": {"status": "Klar", "kommentar": "Stående punkt"},
    "ledning.enhet.m1@Q1": {"varde": 4},
    "sakerhetskultur.status@Q1": {"status": "Enligt plan"},
    "sakerhetskultur.enhet.a1@Q1": {"status": "Pågår enligt plan"},
    "sakerhetskultur.enhet.a2@Q1": {"status": "Påbörjad", "kommentar": "Introduktion bokad"},
    "sakerhetskultur.enhet.m1@Q1": {"varde": 7, "kommentar": "sju förfallna"},
    "sakerhetskultur.enhet.m2@Q1": {"varde": "Ja"},
    "sakerhetskultur.enhet.m3@Q1": {"varde": "Nej"},
}
OWN = {"sakerhetskultur": [{"period": "Kvartal 1", "text": "Avvikelsecafé", "status": "Klar"}]}


def note(read: WorkbookRead) -> str:
    notes = [p for p in read.report if p.code == "plan-reviderad"]
    assert len(notes) == 1, [p.code for p in read.report]
    return notes[0].message


def values(read: WorkbookRead) -> dict[tuple[str, str], tuple[object, ...]]:
    return {(e.item, e.period): (e.status, e.value, e.denominator, e.comment) for e in read.entries}


@pytest.fixture
def workbook(filled: FillFn) -> Path:
    return filled("E1", VALUES, own=OWN)


@pytest.fixture
def original(workbook: Path, plan: Plan) -> dict[tuple[str, str], tuple[object, ...]]:
    read = read_workbook(workbook, plan)
    assert not read.report.errors
    return values(read)


def test_same_version_has_no_note(workbook: Path, plan: Plan) -> None:
    read = read_workbook(workbook, plan)
    assert [p for p in read.report if p.code == "plan-reviderad"] == []


def test_only_the_version_changed(workbook: Path, original: dict) -> None:  # type: ignore[type-arg]
    read = read_workbook(workbook, revised_plan())
    assert note(read) == (
        "Arbetsboken är gjord för planversion 2022.1, planen är nu 2022.2: inget som arbetsboken innehåller "
        "har ändrats, allt läses."
    )
    assert values(read) == original and not read.report.errors


def test_area_renamed_is_no_renamed_sheet(workbook: Path, original: dict) -> None:  # type: ignore[type-arg]
    read = read_workbook(workbook, revised_plan("area renamed"))
    assert "blad-omdopt" not in {p.code for p in read.report}
    assert note(read).startswith(
        "Arbetsboken är gjord för planversion 2022.1, planen är nu 2022.2: området "
        '"En god säkerhetskultur" heter nu "En god och öppen säkerhetskultur". Allt annat läses som vanligt.'
    )
    assert values(read) == original


def test_a_sheet_the_manager_renamed_names_both_names_right(
    tmp_path: Path, workbook: Path, plan: Plan
) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(workbook)
    wb["En god säkerhetskultur"].title = "Vår kultur"
    wb.save(tmp_path / "omdopt.xlsx")
    read = read_workbook(tmp_path / "omdopt.xlsx", revised_plan("area renamed"))
    renamed = [p.message for p in read.report if p.code == "blad-omdopt"]
    assert renamed == [
        'Bladet har bytt namn till "Vår kultur" (hette "En god säkerhetskultur"). Det läses ändå; byt gärna tillbaka namnet.'
    ]


def test_activity_added(workbook: Path, original: dict) -> None:  # type: ignore[type-arg]
    read = read_workbook(workbook, revised_plan("activity added"))
    assert (
        'aktiviteten "Gå igenom förfallna avvikelser på varje APT" är ny – fyll i den i den nya arbetsboken'
        in note(read)
    )
    assert values(read) == original


def test_text_edited_keeps_the_values(workbook: Path, original: dict) -> None:  # type: ignore[type-arg]
    read = read_workbook(workbook, revised_plan("text edited"))
    assert (
        'aktivitet 2 på bladet "En god säkerhetskultur" har ny lydelse: "Uppmuntra medarbetare att rapportera avvikelser och risker.…" '
        "(det som är ifyllt gäller fortfarande)"
    ) in note(read)
    assert values(read) == original


def test_measure_kind_changed_is_explained_not_refused(workbook: Path, original: dict) -> None:  # type: ignore[type-arg]
    read = read_workbook(workbook, revised_plan("measure kind changed"))
    assert not read.report.errors  # no "En andel behöver både täljare och nämnare" for a cell nobody can edit
    cell = next(
        e.cell
        for e in read_workbook(workbook, revised_plan()).entries
        if e.item == "sakerhetskultur.enhet.m1"
    )
    assert (
        f'mätningen "Antal förfallna avvikelser per enhetschef" är nu en andel – värdet i {cell} på bladet "En god säkerhetskultur" räknas inte, '
        "fyll i täljare och nämnare i den nya arbetsboken"
    ) in note(read)
    kept = values(read)
    assert kept.pop(("sakerhetskultur.enhet.m1", "Q1")) == (
        "",
        None,
        None,
        "sju förfallna",
    )  # the comment stays
    expected = dict(original)
    expected.pop(("sakerhetskultur.enhet.m1", "Q1"))
    assert kept == expected


def test_measure_removed(workbook: Path, original: dict) -> None:  # type: ignore[type-arg]
    read = read_workbook(workbook, revised_plan("measure removed"))
    cell = next(
        e.cell
        for e in read_workbook(workbook, revised_plan()).entries
        if e.item == "sakerhetskultur.enhet.m3"
    )
    assert (
        f'mätningen "Resultatet ska presenteras på APT" finns inte längre i planen – värdet i {cell} på bladet "En god säkerhetskultur" räknas inte'
        in note(read)
    )
    assert "post-okand" not in {p.code for p in read.report}
    expected = {k: v for k, v in original.items() if k[0] != "sakerhetskultur.enhet.m3"}
    assert values(read) == expected


def test_rhythm_changed_is_told_from_the_archived_version(
    workbook: Path,
    plan: Plan,
    org: Organisation,
    original: dict,  # type: ignore[type-arg]
) -> None:
    new = revised_plan("rhythm changed")
    without = collect([workbook], new, org, year=2022)
    assert note(without.reads[0]).endswith("inget som arbetsboken innehåller har ändrats, allt läses.")
    archive = {"2022.1": plan}
    inbox = collect([workbook], new, org, year=2022, previous=archive.get)
    read = inbox.reads[0]
    assert (
        'uppföljningen "Verksamhetschef följer upp dia HändelseVis/Överblick kvartalsvis" görs nu månadsvis '
        "(var kvartalsvis), så värden väntas i andra perioder än förut"
    ) in note(read)
    assert "annan-planversion" not in {p.code for p in read.report}
    assert values(read) == original


def test_every_change_at_once_gives_one_note(workbook: Path, plan: Plan, org: Organisation) -> None:
    inbox = collect([workbook], revised_plan(*ALL), org, year=2022, previous={"2022.1": plan}.get)
    read = inbox.reads[0]
    message = note(read)
    for part in (
        "heter nu",
        "är ny",
        "ny lydelse",
        "är nu en andel",
        "finns inte längre",
        "görs nu månadsvis",
    ):
        assert part in message
    assert not read.report.errors and inbox.state(read) == "godkänd"
    assert ("sakerhetskultur.egen:avvikelsecafé", "Q1") in values(read)


def test_a_kind_change_without_a_new_version_is_explained_too(workbook: Path) -> None:
    from hpdocs.planfile import parse_plan
    from tests.revision_plans import EDITS, OLD_TEXT

    old, new = EDITS["measure kind changed"]
    read = read_workbook(workbook, parse_plan(OLD_TEXT.replace(old, new), file="plan.yaml"))
    assert not read.report.errors
    assert note(read).startswith(
        'Planen (version 2022.1) har ändrats sedan arbetsboken gjordes: mätningen "Antal förfallna avvikelser '
        'per enhetschef" är nu en andel – värdet i '
    )


def test_every_measure_hint_the_writer_uses_tells_its_kind() -> None:
    """A new hint text must be added to KIND_HINTS (keeping the old ones: workbooks are out)."""
    from hpdocs.workbook.revised import KIND_HINTS
    from hpdocs.workbook.write import MEASURE_HINTS

    assert {hint: kind for kind, hint in MEASURE_HINTS.items()}.items() <= KIND_HINTS.items()
