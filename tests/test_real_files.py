"""Real files as people send them (tests/data/): saved by LibreOffice, as .ods, with mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdocs.plan import Plan
from hpdocs.problems import Severity
from hpdocs.workbook.read import read_workbook

DATA = Path(__file__).resolve().parent / "data"


def _values(read) -> dict[tuple[str, str], tuple[object, ...]]:
    return {(e.item, e.period): (e.status, e.value, e.denominator, e.comment, e.text) for e in read.entries}


def test_libreoffice_xlsx_and_ods_read_the_same_values(plan: Plan) -> None:
    xlsx = read_workbook(DATA / "Enhet Lärkan (sparad i LibreOffice).xlsx", plan)
    ods = read_workbook(DATA / "Enhet Lärkan (LibreOffice).ods", plan)
    assert xlsx.report.ok and ods.report.ok, [str(p) for p in (*xlsx.report, *ods.report)]
    assert xlsx.node_id == ods.node_id == "E32"
    assert len(xlsx.entries) > 50
    assert _values(xlsx) == _values(ods)


def test_unit_with_typical_mistakes_is_reported_precisely(plan: Plan) -> None:
    read = read_workbook(DATA / "Enhet Sjöstaden (med fel).xlsx", plan)
    found = sorted((p.code, p.severity, p.sheet, p.cell) for p in read.report)
    assert found == [
        ("andel-som-procent", Severity.ERROR, "Adekvat kunskap och kompetens", "G22"),
        ("blad-omdopt", Severity.WARNING, "Säker vård (vår enhet)", ""),
        ("varde-i-kommentar", Severity.WARNING, "Engagerad ledning och tydlig", "J22"),
    ]
    klar = next(e for e in read.entries if e.item == "ledning.enhet.a1" and e.period == "Q3")
    assert klar.status == "Klar"  # "klar " was typed


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir()))
def test_real_files_never_crash_the_reader(plan: Plan, name: str) -> None:
    read = read_workbook(DATA / name, plan)
    assert read.identity.get("hpdocs.format") == "hpdocs-arbetsbok"


def test_ods_saved_with_an_xlsx_name_is_read_by_content(plan: Plan, tmp_path: Path) -> None:
    renamed = tmp_path / "Enhet Lärkan.xlsx"
    renamed.write_bytes((DATA / "Enhet Lärkan (LibreOffice).ods").read_bytes())
    read = read_workbook(renamed, plan)
    assert read.report.ok and read.node_id == "E32" and len(read.entries) > 50
