"""What counts (issue "What counts"): reported per period, one bad cell is not a bad unit,
formulas without a saved value, Identitet warnings, duplicates by a real date, the inbox's
sub-folders and the files it does not read."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from hpdocs.inbox import STATE_WITH_ERRORS, collect
from hpdocs.org import Organisation
from hpdocs.pipeline import rollup_all
from hpdocs.plan import Plan
from hpdocs.reporting import headline, state_lines
from tests.conftest import FillFn


def company(plan: Plan, org: Organisation, folder: Path, period: str = "Q3"):  # type: ignore[no-untyped-def]
    inbox = collect([folder], plan, org, year=2022)
    _, rollup = rollup_all(plan, org, inbox, period, 2022)
    return inbox, rollup


def test_handed_in_with_nothing_for_the_period_is_not_reported(
    filled: FillFn, plan: Plan, org: Organisation
) -> None:
    path = filled("E1", {"ledning.enhet.a1@Q2": {"status": "Klar"}})  # Q2 only
    filled("E2", {"ledning.enhet.a1@Q3": {"status": "Klar"}})
    _, rollup = company(plan, org, path.parent)
    comp = rollup.completeness
    assert [n.id for n in comp.reported] == ["E2"]
    assert [n.id for n in comp.empty] == ["E1"]
    assert headline(rollup) == f"1 av {comp.expected} har rapporterat för Kvartal 3."
    lines = {line.label: line.names for line in state_lines(rollup)}
    assert lines["Inlämnad, inget för perioden"] == ("Akuten",)


def test_one_bad_cell_excludes_that_value_only(filled: FillFn, plan: Plan, org: Organisation) -> None:
    path = filled(
        "E1",
        {
            "kompetens.enhet.m1@Q3": {"varde": "60 %"},  # a share written as a percentage
            "ledning.enhet.m1@Q3": {"varde": 7},
            "ledning.enhet.a1@Q3": {"status": "Klar"},
        },
    )
    filled("E2", {"ledning.enhet.m1@Q3": {"varde": 5}})
    inbox, rollup = company(plan, org, path.parent)
    read = next(r for r in inbox.reads if r.node_id == "E1")
    assert inbox.state(read) == STATE_WITH_ERRORS
    assert "E1" in inbox.chosen
    # The rest of the workbook counts: 7 + 5.
    ledning = rollup.area("ledning")
    count = next(m for m in ledning.measures if m.level == "enhet" and m.measure.id.endswith("m1"))
    assert count.total == 12
    assert ledning.activities and any(a.statuses.get("E1") == "Klar" for a in ledning.activities)
    # The excluded value is listed with node, cell, what was written and why.
    (excluded,) = rollup.completeness.excluded
    assert (excluded.node, excluded.written, excluded.period) == ("E1", "60 %", "Q3")
    assert excluded.cell and "procent" in excluded.reason
    assert [n.id for n in rollup.completeness.with_errors] == ["E1"]
    assert "E1" in {n.id for n in rollup.completeness.reported}


def test_a_formula_without_a_saved_value_is_an_excluded_error(
    filled: FillFn, plan: Plan, org: Organisation
) -> None:
    path = filled("E1", {"ledning.enhet.m1@Q3": {"varde": "=2+3"}, "ledning.enhet.a1@Q3": {"status": "Klar"}})
    inbox, rollup = company(plan, org, path.parent)
    read = inbox.reads[0]
    assert read.report.usable
    assert [p.written for p in read.report.errors] == ["(formel)"]
    assert [x.node for x in rollup.completeness.excluded] == ["E1"]


@pytest.mark.parametrize(
    ("identity", "code"),
    [
        ({"hpdocs.ifylldav": ""}, "identitet-ifylldav-saknas"),
        ({"hpdocs.uppdaterad": ""}, "identitet-datum-saknas"),
        ({"hpdocs.uppdaterad": "igår"}, "identitet-datum-okant"),
    ],
)
def test_identity_gaps_are_warned(
    filled: FillFn, plan: Plan, org: Organisation, identity: dict[str, str], code: str
) -> None:
    path = filled("E1", {"ledning.enhet.a1@Q3": {"status": "Klar"}}, identity=identity)
    inbox, _ = company(plan, org, path.parent)
    read = inbox.reads[0]
    assert code in {p.code for p in read.report.warnings}
    assert read.report.usable


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("2022-09-30", "9 okt 2022"),  # as text "9 okt" < "2022-…" would pick the older one
        ("30/9/2022", "9/10/2022"),
        ("2022-10-09 08:00", "2022-10-09 14:30"),
    ],
)
def test_duplicates_are_chosen_by_a_real_date(
    filled: FillFn, plan: Plan, org: Organisation, older: str, newer: str
) -> None:
    old = filled("E1", {"ledning.enhet.m1@Q3": {"varde": 1}}, name="Akuten A.xlsx", updated=older)
    new = filled("E1", {"ledning.enhet.m1@Q3": {"varde": 2}}, name="Akuten B.xlsx", updated=newer)
    # The newer file gets the name that sorts first, so that the file name cannot decide.
    new_first = old.with_name("Akuten 0.xlsx")
    new.rename(new_first)
    inbox, _ = company(plan, org, old.parent)
    assert inbox.chosen["E1"].name == new_first.name
    assert inbox.state(next(r for r in inbox.reads if r.name == old.name)) == f"ersatt av {new_first.name}"
    note = next(p for p in inbox.notes if p.code == "dubblett")
    assert f"Används: {new_first.name}" in note.message


def test_sub_folders_are_read_and_other_files_listed(filled: FillFn, plan: Plan, org: Organisation) -> None:
    path = filled("E1", {"ledning.enhet.a1@Q3": {"status": "Klar"}})
    inbox_dir = path.parent
    (inbox_dir / "Primärvård").mkdir()
    path.rename(inbox_dir / "Primärvård" / path.name)
    with zipfile.ZipFile(inbox_dir / "skickat.zip", "w") as z:
        z.writestr("a.txt", "x")
    (inbox_dir / "anteckning.csv").write_text("a;b\n", encoding="utf-8")
    (inbox_dir / "~$Enhet Akuten.xlsx").write_bytes(b"lock")
    inbox, rollup = company(plan, org, inbox_dir)
    assert inbox.reads[0].name == f"Primärvård/{path.name}"
    assert {n.id for n in rollup.completeness.reported} == {"E1"}
    ignored = {p.file: p.message for p in inbox.ignored}
    assert set(ignored) == {"skickat.zip", "anteckning.csv", "~$Enhet Akuten.xlsx"}
    assert "låsfil" in ignored["~$Enhet Akuten.xlsx"]
    assert all(p.code == "fil-ignorerad" for p in inbox.ignored)


def test_every_lenient_reading_is_warned_in_every_value_column(filled: FillFn, plan: Plan) -> None:
    """One rule: where a value is read in a way the person might not have meant, a warning says how."""
    path = filled(
        "E1",
        {
            "ledning.enhet.m1@Q3": {"varde": "7 stycken"},  # count
            "medskapare.enhet.m1@Q3": {"varde": 3, "namnare": "20 st"},  # denominator
            "sakerhetskultur.enhet.m2@Q3": {"varde": "x"},  # yes/no
            "risk.enhet.m1@Q3": {"varde": "Yes"},
            "kompetens.enhet.m1@Q3": {"varde": "3/5"},  # a share written as a fraction
            "analys.enhet.m1@Q3": {"varde": "1.200"},  # thousands separator in a count
        },
    )
    inbox = collect([path.parent], plan, None, year=2022)
    read = inbox.reads[0]
    values = {e.item: (e.value, e.denominator) for e in read.entries if e.period == "Q3"}
    assert values["ledning.enhet.m1"] == (7, None)
    assert values["medskapare.enhet.m1"] == (3, 20)
    assert values["sakerhetskultur.enhet.m2"][0] == 1 and values["risk.enhet.m1"][0] == 1
    tolkat = [p for p in read.report.warnings if p.code == "varde-tolkat"]
    assert {p.written for p in tolkat} == {"7 stycken", "20 st", "x", "Yes"}
    fraction = next(p for p in read.report.errors if p.code == "andel-som-kvot")
    assert "täljaren 3" in fraction.message and "nämnaren 5" in fraction.message
    thousands = next(p for p in read.report.problems if p.code == "varde-tusental")
    assert thousands.written == "1.200" and "tusental" in thousands.message.lower()
