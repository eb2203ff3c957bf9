"""Issue 15.5: logins are server-side sessions; the signing key is not in the database."""
# ruff: noqa: F811 - pytest fixtures imported from test_web are parameters here

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from flask import Flask
from flask.testing import FlaskClient
from test_web import PASSWORD, app, csrf, login, portal, project_dir  # noqa: F401

from hpdocs.web import create_app
from hpdocs.web.sessions import COOKIE_FIELD, ENV_KEY
from hpdocs.web.settings import load_settings


def cookie(client: FlaskClient) -> str:
    found = client.get_cookie("hpdocs_session")
    assert found is not None
    return found.value


def test_logout_ends_the_session_on_the_server(app: Flask) -> None:
    client = app.test_client()
    assert login(client) == 303
    saved = cookie(client)
    assert client.post("/logout", data={"csrf": csrf(client)}).status_code == 303
    thief = app.test_client()
    thief.set_cookie("hpdocs_session", saved)  # the cookie as it was before logging out
    assert thief.get("/status").status_code == 302


def test_a_copy_of_the_database_and_key_makes_nobody_coordinator(
    app: Flask,
    project_dir: Path,
    tmp_path: Path,
) -> None:
    client = app.test_client()
    login(client)  # a coordinator is logged in right now
    copy = tmp_path / "kopia.sqlite"
    shutil.copy(project_dir / "inlamningar" / "webb.sqlite", copy)
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT * FROM meta WHERE key = 'session_secret'").fetchall() == []
        password_hash = conn.execute("SELECT password_hash FROM coordinator").fetchone()[0]
        dump = "\n".join(conn.iterdump())
    key = (project_dir / "inlamningar" / ".webbnyckel").read_text()
    assert key not in dump and app.secret_key == key
    # Even holding the signing key, the attacker forges what the old scheme accepted (a stamp
    # derived from the password hash) and a made-up session id: neither is a login.
    attacker = app.test_client()
    with attacker.session_transaction() as forged:
        forged["samordnare"] = hashlib.sha256(password_hash.encode()).hexdigest()[:32]
        forged[COOKIE_FIELD] = "gissad-session"
    assert attacker.get("/status").status_code == 302
    assert client.get("/status").status_code == 200


def test_the_key_file_is_private_and_the_environment_wins(
    project_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = create_app(project_dir, settings=load_settings(project_dir))
    key_file = project_dir / "inlamningar" / ".webbnyckel"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_text()) == 64
    first.extensions["hpdocs"].close()
    again = create_app(project_dir, settings=load_settings(project_dir))
    assert again.secret_key == first.secret_key  # logins survive a restart
    again.extensions["hpdocs"].close()
    monkeypatch.setenv(ENV_KEY, "nyckel-fran-miljon")
    third = create_app(project_dir, settings=load_settings(project_dir))
    assert third.secret_key == "nyckel-fran-miljon"
    third.extensions["hpdocs"].close()


def test_a_session_expires_on_the_server(project_dir: Path) -> None:
    from hpdocs.web import set_coordinator_password

    set_coordinator_password(project_dir, PASSWORD)
    short = create_app(
        project_dir, settings=load_settings(project_dir, session_hours=0, extra={"TESTING": True})
    )
    client = short.test_client()
    assert login(client) == 303 and client.get("/status").status_code == 302
    short.extensions["hpdocs"].close()
