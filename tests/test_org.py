"""The organisation file: loaded from Excel or CSV, every mistake named by cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from hpdocs.errors import OrganisationError
from hpdocs.org import Node, load_organisation, parse_rows, write_organisation

HEADER = ["Id", "Namn", "Nivå", "Överordnad", "Chef", "E-post"]


def test_written_form_reads_back(tmp_path: Path) -> None:
    nodes = [
        Node("B1", "Bolaget", "bolag"),
        Node("V1", "VO Ett", "vo", "B1", "Anna"),
        Node("E1", "Enheten", "enhet", "V1"),
    ]
    path = tmp_path / "org.xlsx"
    write_organisation(path, nodes)
    org = load_organisation(path)
    assert org.company.id == "B1"
    assert [n.id for n in org.children("V1")] == ["E1"]
    assert org.business_area_of("E1").id == "V1"  # type: ignore[union-attr]


def test_csv_with_semicolons_and_region_level_names(tmp_path: Path) -> None:
    path = tmp_path / "org.csv"
    path.write_text(
        "Id;Namn;Nivå;Överordnad\nR;Regionen;Region;\nF;Förv;Förvaltning;R\nE;Enh;Enhet;F\n", encoding="utf-8"
    )
    org = load_organisation(path, level_names={"bolag": "Region", "vo": "Förvaltning"})
    assert [n.level for n in org.nodes.values()] == ["bolag", "vo", "enhet"]


def test_every_mistake_is_reported_with_its_cell() -> None:
    rows = [
        HEADER,
        ["B1", "Bolaget", "Bolag", ""],
        ["V1", "VO", "Verksamhetsområde", "B1"],
        ["V1", "Dubblett", "Enhet", "V1"],
        ["E1", "Utan VO", "Enhet", ""],
        ["E2", "Fel förälder", "Enhet", "B1"],
        ["E3", "Okänd förälder", "Enhet", "X9"],
        ["E4", "Konstig nivå", "Avdelning", "V1"],
    ]
    org, problems = parse_rows(rows, file="org.xlsx", sheet="Organisation")
    assert org is None
    assert [(p.code, p.cell) for p in problems] == [
        ("org-dubblett-id", "A4"),
        ("org-okand-niva", "C8"),
        ("org-overordnad-saknas", "D5"),
        ("org-fel-overordnad", "D6"),
        ("org-overordnad-okand", "D7"),
    ]


def test_missing_file_and_refused_file_raise_a_swedish_error(tmp_path: Path) -> None:
    with pytest.raises(OrganisationError, match="finns inte"):
        load_organisation(tmp_path / "saknas.xlsx")
    fake = tmp_path / "org.xlsx"
    fake.write_bytes(b"%PDF-1.7")
    with pytest.raises(OrganisationError, match="PDF"):
        load_organisation(fake)


def test_names_starting_with_formula_characters_stay_names(tmp_path: Path) -> None:
    nodes = [
        Node("B1", "=Bolaget", "bolag"),
        Node("V1", "+VO", "vo", "B1"),
        Node("E1", "@Enhet", "enhet", "V1"),
    ]
    path = tmp_path / "org.xlsx"
    write_organisation(path, nodes)
    org = load_organisation(path)
    assert [n.name for n in org.nodes.values()] == ["=Bolaget", "+VO", "@Enhet"]
