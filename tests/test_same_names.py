"""Two nodes with the same name never overwrite each other's workbook, and every message that
names them tells them apart (issue "What counts": same names)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from hpdocs.cli import cli
from hpdocs.consolidate import consolidate
from hpdocs.org import Node, Organisation, write_organisation
from hpdocs.plan import Plan
from hpdocs.reporting import state_lines
from hpdocs.workbook.read import read_workbook
from hpdocs.workbook.write import write_all

TWINS = [
    Node("B1", "Testbolaget AB", "bolag", "", "Karin Chefläkare"),
    Node("VO1", "Omsorg", "vo", "B1", "Anders VC"),
    Node("E1", "Dagverksamhet", "enhet", "VO1", "Eva EC"),
    Node("VO2", "Psykiatri", "vo", "B1", "Berit VC"),
    Node("E2", "Dagverksamhet", "enhet", "VO2", "Sara EC"),
    Node("E3", "DAGVERKSAMHET", "enhet", "VO2", "Olle EC"),  # differs only in case: one file on Windows
    Node("E4", "Akut: vård", "enhet", "VO1", "Per EC"),
    Node("E5", "Akut/ vård", "enhet", "VO1", "Lisa EC"),  # both become "Akut_ vård" in a file name
]


def test_every_node_gets_its_own_workbook(tmp_path: Path, plan: Plan) -> None:
    org = Organisation({n.id: n for n in TWINS})
    written = write_all(plan, org, tmp_path, 2022, created="2022-01-10 08:00")

    assert len(written) == len(TWINS) == len(list(tmp_path.glob("*.xlsx")))
    assert len({p.name.casefold() for p in written}) == len(written)
    nodes = {read_workbook(p, plan).node_id: p.name for p in written}
    assert set(nodes) == {n.id for n in TWINS}
    assert nodes["E1"] == "Enhet Dagverksamhet (Omsorg).xlsx"
    assert nodes["E2"] != nodes["E3"]
    assert "Psykiatri" in nodes["E2"] and "E2" in nodes["E2"]


def test_the_count_printed_is_the_count_written(tmp_path: Path) -> None:
    project = tmp_path / "p"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(project), "--namn", "Testbolaget AB"]).exit_code == 0
    write_organisation(project / "organisation.xlsx", TWINS)
    result = runner.invoke(cli, ["workbooks", str(project), "--ut", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "ut").glob("*.xlsx"))
    assert len(files) == len(TWINS)
    assert f"Skrev {len(files)} arbetsböcker" in result.output


def test_missing_twins_are_named_with_their_business_area(plan: Plan) -> None:
    org = Organisation({n.id: n for n in TWINS})
    rollup = consolidate(plan, org, "B1", "Q3", 2022, [])
    missing = next(line for line in state_lines(rollup) if line.label == "Inte inlämnad")
    assert "Dagverksamhet (Omsorg)" in missing.names
    assert "Dagverksamhet (Psykiatri, id E2)" in missing.names
