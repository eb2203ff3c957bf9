"""Factories that build input workbooks from readable Python data."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from hpdocs.org import Node, Organisation
from hpdocs.plan import Plan
from hpdocs.planfile import load_plan
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.write import WorkbookSpec, workbook_filename, write_workbook

NODES = [
    Node("B1", "Testbolaget AB", "bolag", "", "Karin Chefläkare"),
    Node("VO1", "Primärvård", "vo", "B1", "Anders VC"),
    Node("E1", "Akuten", "enhet", "VO1", "Eva EC"),
    Node("E2", "BVC Centrum", "enhet", "VO1", "Olle EC"),
    Node("VO2", "Äldreomsorg", "vo", "B1", "Berit VC"),
    Node("E3", "Lindgården", "enhet", "VO2", "Sara EC"),
]


@pytest.fixture(scope="session")
def plan() -> Plan:
    return load_plan("hp-2022")


@pytest.fixture(scope="session")
def org() -> Organisation:
    return Organisation({n.id: n for n in NODES})


@pytest.fixture(scope="session")
def blank_workbooks(
    tmp_path_factory: pytest.TempPathFactory, plan: Plan, org: Organisation
) -> dict[str, Path]:
    """One generated (empty) workbook per node, made once per test session."""
    folder = tmp_path_factory.mktemp("blank")
    result = {}
    for node in org.nodes.values():
        parent = org.nodes.get(node.parent)
        spec = WorkbookSpec(plan, node, 2022, parent.name if parent else "", "2022-01-10 08:00")
        result[node.id] = write_workbook(spec, folder / workbook_filename(plan, node))
    return result


FillFn = Callable[..., Path]


@pytest.fixture
def filled(tmp_path: Path, blank_workbooks: dict[str, Path]) -> FillFn:
    """filled("E1", {"ledning.enhet.a1@Q3": {"status": "Klar"}}, own=..., name=...) -> path in tmp inbox."""
    inbox = tmp_path / "inkorg"
    inbox.mkdir(exist_ok=True)

    def make(
        node_id: str,
        values: Mapping[str, Mapping[str, object]],
        *,
        own: Mapping[str, list[Mapping[str, object]]] | None = None,
        name: str | None = None,
        updated: str = "2022-10-01",
        identity: Mapping[str, object] | None = None,
    ) -> Path:
        target = inbox / (name or blank_workbooks[node_id].name)
        shutil.copyfile(blank_workbooks[node_id], target)
        given = {"hpdocs.ifylldav": "Testare", "hpdocs.uppdaterad": updated, **(identity or {})}
        return fill_workbook(target, values, own=own, identity=given)

    return make
