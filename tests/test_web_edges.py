"""Issue 15.7 and 15.8: the redirect after login, and the smaller edges of the web page."""
# ruff: noqa: F811 - pytest fixtures imported from test_web are parameters here

from __future__ import annotations

import errno
import io
import os
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from flask import Flask
from flask.testing import FlaskClient
from test_web import (  # noqa: F401
    BAD,
    GOOD,
    PASSWORD,
    app,
    client,
    csrf,
    inbox_files,
    login,
    portal,
    project_dir,
    tokens,
    upload,
)

from hpdocs.errors import ConfigError, UsageError
from hpdocs.web import BODY_SLACK, create_app, make_server
from hpdocs.web import storage as storage_module
from hpdocs.web.db import Database
from hpdocs.web.serverlock import ServerLock
from hpdocs.web.service import Portal
from hpdocs.web.settings import load_settings
from hpdocs.web.storage import clean_original_name


@pytest.mark.parametrize(
    "target",
    [
        "/\t/ond.example/x",
        "/\n/ond.example/x",
        "/\r\n/ond.example/x",
        "\t//ond.example/x",
        "/\\ond.example/x",
        "\\\\ond.example/x",
        "//ond.example/x",
        "https://ond.example/x",
        "javascript:alert(1)",
        "/\x00/x",
        " //ond.example",
        "ond.example/x",
    ],
)
def test_login_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    response = client.post("/login", data={"csrf": csrf(client), "losenord": PASSWORD, "next": target})
    assert response.status_code == 303, target
    assert response.headers["Location"] == "/status", (target, response.headers["Location"])


def test_login_still_returns_to_a_page_of_this_site(client: FlaskClient) -> None:
    response = client.post(
        "/login", data={"csrf": csrf(client), "losenord": PASSWORD, "next": "/status/E1?x=1"}
    )
    assert response.headers["Location"] == "/status/E1?x=1"


# 15.8 ----------------------------------------------------------------------------------------------
def test_a_download_has_the_stored_suffix_never_the_uploaders(
    client: FlaskClient,
    tokens: dict[str, str],
    portal: Portal,
    filled,
) -> None:
    data = filled("E1", GOOD).read_bytes()
    for sent in ("rapport.html", "rapport.exe", "rapport.ods"):
        status, _ = upload(client, tokens["E1"], data, sent)
        sub = portal.db.submissions("E1")[0]
        assert status == 200 and sub.stored_path.endswith(".xlsx"), (sent, sub.stored_path)
        response = client.get(f"/n/{tokens['E1']}/inlamning/{sub.id}/fil")
        assert "filename=rapport.xlsx" in response.headers["Content-Disposition"], sent
    assert [p.suffix for p in (portal.project.inbox).iterdir()] == [".xlsx"]  # xlsx content, .ods name


def test_ids_beyond_64_bits_are_404(client: FlaskClient, tokens: dict[str, str]) -> None:
    huge = 1 << 63
    assert client.get(f"/n/{tokens['E1']}/inlamning/{huge}").status_code == 404
    assert client.get(f"/n/{tokens['E1']}/inlamning/{huge}/fil").status_code == 404
    login(client)
    for url in (f"/inlamning/{huge}", f"/inlamning/{10**30}/fil"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/inlamning/{huge}/aterstall", data={"csrf": csrf(client)}).status_code == 404


def test_error_logs_never_show_a_link_token(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with app.test_request_context("/n/hemlig-token-123/inlamning/1"):
        try:
            raise RuntimeError("fel")
        except RuntimeError:
            app.log_exception(sys.exc_info())
    assert "hemlig-token-123" not in caplog.text and "/n/<token>/inlamning/1" in caplog.text


def test_waitress_buffers_little_more_than_the_apps_limit(app: Flask) -> None:
    pytest.importorskip("waitress")
    server = make_server(app, "127.0.0.1", 0)
    try:
        assert server.adj.max_request_body_size == app.config["MAX_CONTENT_LENGTH"] + BODY_SLACK
    finally:
        server.close()


def test_start_up_removes_old_inbox_copies_a_crash_left(
    app: Flask,
    project_dir: Path,
) -> None:
    inbox = project_dir / "inkorg"
    old, young = (
        inbox / ".Akuten (E1, webb).xlsx.0123456789ab.xlsx",
        inbox / ".BVC (E2, webb).xlsx.ba9876543210.xlsx",
    )
    mine = inbox / ".min-egen.xlsx"  # not ours: left alone
    for path in (old, young, mine):
        path.write_bytes(b"halv")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    os.utime(mine, (time.time() - 7200, time.time() - 7200))
    app.extensions["hpdocs"].close()
    again = create_app(project_dir, settings=load_settings(project_dir, extra={"TESTING": True}))
    assert not old.exists() and young.exists() and mine.exists()
    again.extensions["hpdocs"].close()


def test_an_unwritable_project_gives_swedish_messages(
    app: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tokens: dict[str, str],
) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match=r"kan inte öppnas eller skrivas.*skrivrätt"):
        Database(blocker / "webb.sqlite")
    with pytest.raises(UsageError, match="går inte att skriva i"):
        ServerLock(blocker / "inlamningar").acquire()
    served = app.extensions["hpdocs"].portal

    def read_only(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(served.storage, "receive", read_only)
    status, html = upload(app.test_client(), tokens["E1"], b"PK")
    assert status == 503 and "Servern kan inte spara just nu" in html and "Traceback" not in html


def test_uploaded_names_are_normalised_before_the_base_name() -> None:
    assert clean_original_name("．．／．．／hemlig.xlsx") == "hemlig.xlsx"
    assert clean_original_name("..\\..\\x.xlsx") == "x.xlsx"
    assert clean_original_name("Ｒａｐｐｏｒｔ.xlsx") == "Rapport.xlsx"


def test_secure_cookie_follows_https_seen_through_a_trusted_proxy(app: Flask) -> None:
    https = app.test_client().get("/login", base_url="https://hp.exempel.se").headers.get("Set-Cookie", "")
    assert "Secure" in https
    plain = app.test_client().get("/login").headers.get("Set-Cookie", "")
    assert plain and "Secure" not in plain


def test_too_many_form_parts_is_not_called_too_large(client: FlaskClient, tokens: dict[str, str]) -> None:
    fields = {f"f{n}": "x" for n in range(1100)}
    data = {"csrf": csrf(client), **fields, "fil": (io.BytesIO(b"PK"), "a.xlsx")}  # multipart
    response = client.post(f"/n/{tokens['E1']}/inlamning", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "för många delar" in html and "Filen är för stor" not in html


def test_a_full_disk_before_the_inbox_copy_is_shown_not_hidden(
    client: FlaskClient,
    tokens: dict[str, str],
    portal: Portal,
    filled,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    workbook = filled("E1", GOOD)
    monkeypatch.setattr(storage_module.shutil, "copyfile", full)
    status, html = upload(client, tokens["E1"], workbook)
    assert status == 200 and "Inkorgen inte i takt" in html and "används i sammanställningen" not in html
    assert portal.db.submissions("E1")[0].ok and inbox_files(portal.project.root) == {}
    login(client)
    assert "inkorgen inte i takt" in client.get("/status").get_data(as_text=True)
    monkeypatch.undo()  # space again: the next status page catches up
    assert "inkorgen inte i takt" not in client.get("/status").get_data(as_text=True)
    assert list(inbox_files(portal.project.root)) == ["Akuten (E1, webb).xlsx"]


def test_a_restored_workbook_with_one_bad_cell_is_used_as_its_upload_was(
    client: FlaskClient,
    tokens: dict[str, str],
    portal: Portal,
    filled,
) -> None:
    upload(client, tokens["E1"], filled("E1", BAD))
    upload(client, tokens["E1"], filled("E1", GOOD, name="senare.xlsx"))
    first = min(portal.db.submissions("E1"), key=lambda s: s.id)
    assert first.ok and first.errors == 1
    restored = portal.restore(first.id)
    assert restored.ok and portal.db.newest_valid("E1").id == restored.id
