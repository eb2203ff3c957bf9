"""Issue 15.1: which outputs a personal link may fetch follows the node the build recorded.

Node names inside file names decide nothing: a business area called "Vård och omsorg" (words
of the plan's title) or "Omsorg" (a word of the company's name) gets only its own documents.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from flask import Flask
from flask.testing import FlaskClient
from test_web import PASSWORD, login, make_project

from hpdocs.build import build_project
from hpdocs.org import Node, Organisation
from hpdocs.project import load_project
from hpdocs.web import create_app, set_coordinator_password
from hpdocs.web.settings import load_settings

# The company's name contains the business area "Omsorg"; the plan's title ("Handlingsplan
# för säker vård och omsorg") contains the business area "Vård och omsorg".
CLASHING = Organisation(
    {
        n.id: n
        for n in [
            Node("B1", "Omsorg Norden AB", "bolag", ""),
            Node("VO1", "Omsorg", "vo", "B1"),
            Node("E1", "Akuten", "enhet", "VO1"),
            Node("VO2", "Vård och omsorg", "vo", "B1"),
            Node("E3", "Lindgården", "enhet", "VO2"),
        ]
    }
)


@pytest.fixture
def built(tmp_path: Path) -> tuple[Flask, dict[str, str], list[dict[str, str]]]:
    """A project with clashing names, built from the web page; its links and recorded outputs."""
    root = make_project(tmp_path / "projekt", CLASHING)
    set_coordinator_password(root, PASSWORD)
    app = create_app(root, settings=load_settings(root, extra={"TESTING": True}))
    ctx = app.extensions["hpdocs"]
    tokens = {n: ctx.portal.issue_link(n) for n in ("B1", "VO1", "E1", "VO2", "E3")}
    ctx.builder.start()
    ctx.builder.wait(300)
    build = ctx.portal.db.last_build(finished=True)
    assert build is not None and build.ok, build
    records = json.loads((root / "utdata" / "index.json").read_text(encoding="utf-8"))["utdata"]
    return app, tokens, records


def listed(client: FlaskClient, token: str) -> set[str]:
    page = client.get(f"/n/{token}").get_data(as_text=True)
    return {unquote(m) for m in re.findall(rf'href="/n/{re.escape(token)}/dokument/([^"]+)"', page)}


def test_every_output_records_its_node_and_kind(built) -> None:
    _, _, records = built
    assert records and all(r["nod"] in CLASHING.nodes and r["typ"] for r in records), records
    board = [r for r in records if r["typ"] == "styrelse"]
    assert len(board) == 1 and board[0]["nod"] == "B1"
    assert {r["nod"] for r in records if r["typ"] == "psb"} == {"B1", "VO1", "VO2"}
    assert {r["nod"] for r in records if r["typ"] == "sammanstallning"} == {"B1", "VO1", "VO2"}


@pytest.mark.parametrize(("node", "area"), [("E1", "VO1"), ("VO1", "VO1"), ("E3", "VO2"), ("VO2", "VO2")])
def test_a_link_gets_only_its_business_areas_outputs_whatever_the_names(built, node: str, area: str) -> None:
    app, tokens, records = built
    client = app.test_client()
    own = {r["fil"] for r in records if r["nod"] == area and r["grupp"] != "Problemrapporter"}
    assert own and listed(client, tokens[node]) == own
    for record in records:
        status = client.get(f"/n/{tokens[node]}/dokument/{record['fil']}").status_code
        assert status == (200 if record["fil"] in own else 404), (node, record)


def test_company_outputs_only_through_the_companys_link_or_the_coordinator(built) -> None:
    app, tokens, records = built
    client = app.test_client()
    company = [r["fil"] for r in records if r["nod"] == "B1"]
    assert any("Styrelsebeslut" in f for f in company) and any("Omsorg Norden AB" in f for f in company)
    for rel in company:
        assert client.get(f"/n/{tokens['B1']}/dokument/{rel}").status_code == 200
        for other in ("VO1", "E1", "VO2", "E3"):
            assert client.get(f"/n/{tokens[other]}/dokument/{rel}").status_code == 404, (other, rel)
    login(client)
    for record in records:
        assert client.get(f"/utdata/{record['fil']}").status_code == 200


def test_outputs_without_a_recorded_node_are_the_coordinators_only(tmp_path: Path) -> None:
    """A CLI build records owners in index.json; without any record nothing is guessed."""
    root = make_project(tmp_path / "projekt", CLASHING)
    build_project(load_project(root))  # from the command line: the web database knows nothing
    set_coordinator_password(root, PASSWORD)
    app = create_app(root, settings=load_settings(root, extra={"TESTING": True}))
    portal = app.extensions["hpdocs"].portal
    tokens = {n: portal.issue_link(n) for n in ("B1", "E1")}
    client = app.test_client()
    assert listed(client, tokens["E1"]) and all(
        "Omsorg Norden" not in f for f in listed(client, tokens["E1"])
    )
    (root / "utdata" / "index.json").unlink()
    assert listed(client, tokens["E1"]) == set() and listed(client, tokens["B1"]) == set()
    # A stray file dropped into the output folder is never a manager's either.
    [stray] = (root / "utdata" / "dokument").glob("PSB Verksamhetschef – Omsorg 2022-*.docx")
    assert client.get(f"/n/{tokens['B1']}/dokument/dokument/{stray.name}").status_code == 404
    login(client)
    assert client.get(f"/utdata/dokument/{stray.name}").status_code == 200
