"""Issue 15.3: storage per link is bounded; non-workbooks are not kept; the coordinator prunes."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from flask import Flask
from test_web import GOOD, PASSWORD, WRONG_YEAR, csrf, inbox_files, login, make_project, sha, text, upload

from hpdocs.org import Organisation
from hpdocs.web import create_app, set_coordinator_password
from hpdocs.web.limits import LimitReached
from hpdocs.web.settings import load_settings


@pytest.fixture
def make_app(tmp_path: Path, org: Organisation) -> Iterator:  # type: ignore[type-arg]
    made: list[Flask] = []

    def make(**overrides: object) -> Flask:
        root = make_project(tmp_path / "projekt", org)
        set_coordinator_password(root, PASSWORD)
        app = create_app(root, settings=load_settings(root, extra={"TESTING": True}, **overrides))
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["hpdocs"].close()


def test_uploads_per_hour_are_limited_even_in_parallel(make_app, filled) -> None:
    app = make_app(uploads_per_hour=3)
    portal = app.extensions["hpdocs"].portal
    node = portal.project.organisation.nodes["E1"]
    data = filled("E1", GOOD).read_bytes()
    outcomes: list[str] = []

    def one() -> None:
        try:
            portal.upload(node, io.BytesIO(data), "a.xlsx", by="lank")
            outcomes.append("ok")
        except LimitReached as exc:
            outcomes.append(str(exc.status))

    threads = [threading.Thread(target=one) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcomes.count("ok") == 3 and outcomes.count("429") == 9, outcomes
    assert len(portal.db.submissions("E1")) == 3
    client = app.test_client()
    token = portal.issue_link("E1")
    status, html = upload(client, token, data)
    assert status == 429 and "gränsen är 3" in text(html) and "Vänta en stund" in html
    # Another link, and the coordinator handing in by e-mail, are not held back.
    portal.upload(
        portal.project.organisation.nodes["E2"],
        io.BytesIO(filled("E2", GOOD).read_bytes()),
        "b.xlsx",
        by="lank",
    )
    assert portal.upload(node, io.BytesIO(data), "c.xlsx", by="samordnare").ok


def test_a_links_stored_bytes_have_a_quota(make_app, filled) -> None:
    data = filled("E1", GOOD).read_bytes()
    app = make_app(quota_bytes=2 * len(data) + len(data) // 2)
    portal = app.extensions["hpdocs"].portal
    client, token = app.test_client(), portal.issue_link("E1")
    assert upload(client, token, data)[0] == 200 and upload(client, token, data)[0] == 200
    status, html = upload(client, token, data)  # would exceed the quota by half a file
    assert status == 507 and "lagringsutrymmet" in html.lower() and "Lagring" in html
    folder = portal.settings.uploads / "E1"
    assert len([p for p in folder.iterdir() if not p.name.startswith(".")]) == 2  # nothing stored beyond
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_files_that_are_no_workbook_are_not_kept(make_app, filled) -> None:
    app = make_app()
    portal = app.extensions["hpdocs"].portal
    client, token = app.test_client(), portal.issue_link("E1")
    junk = os.urandom(1 << 20)
    for _ in range(3):
        status, html = upload(client, token, junk, "rapport.exe")
        assert status == 200 and "Avvisad." in html and "Filen sparades inte" in html
    subs = portal.db.submissions("E1")
    assert len(subs) == 3 and all(s.stored_path == "" and not s.has_file for s in subs)
    assert not list((portal.settings.uploads / "E1").iterdir())  # not one byte kept
    assert portal.db.stored_bytes("E1") == 0
    assert client.get(f"/n/{token}/inlamning/{subs[0].id}/fil").status_code == 404
    assert "filen sparades inte" in client.get(f"/n/{token}").get_data(as_text=True)
    login(client)
    assert client.get(f"/inlamning/{subs[0].id}/fil").status_code == 404
    assert client.post(f"/inlamning/{subs[0].id}/aterstall", data={"csrf": csrf(client)}).status_code == 404


def test_the_coordinator_sees_storage_and_prunes_old_files(make_app, filled) -> None:
    app = make_app()
    portal = app.extensions["hpdocs"].portal
    client, token = app.test_client(), portal.issue_link("E1")
    good = filled("E1", GOOD).read_bytes()
    bad = filled("E1", GOOD, identity=WRONG_YEAR, name="b.xlsx").read_bytes()  # refused
    for data in (good, good, good, bad):
        upload(client, token, data)
    first, *_, newest = sorted(portal.db.submissions("E1"), key=lambda s: s.id)
    before_inbox = inbox_files(portal.project.root)
    login(client)
    page = text(client.get("/lagring").get_data(as_text=True))
    assert "Akuten E1 4 4" in page and "Kan rensas" in page
    response = client.post("/lagring/rensa", data={"csrf": csrf(client)})
    assert response.status_code == 303
    assert "Rensat: 2 filer" in text(client.get(response.headers["Location"]).get_data(as_text=True))
    kept = [s for s in portal.db.submissions("E1") if s.has_file]
    assert [s.id for s in kept] == [newest.id, newest.id - 1]  # the newest, and the newest valid
    assert all(portal.storage.path_of(s).is_file() for s in kept)
    assert not portal.storage.path_of(first).exists()
    assert client.get(f"/inlamning/{first.id}/fil").status_code == 404
    assert "filen är rensad" in client.get("/status/E1").get_data(as_text=True)
    assert inbox_files(portal.project.root) == before_inbox  # what is used is untouched
    assert portal.storage.missing_files() == set()
    assert list(before_inbox.values()) == [sha(good)]
    assert len(portal.db.submissions("E1")) == 4  # the history stays
