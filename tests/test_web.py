"""The web page over Flask's test client: every page, every permission boundary, hostile input."""

from __future__ import annotations

import csv
import hashlib
import http.client
import io
import json
import os
import re
import sqlite3
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from flask import Flask
from flask.testing import FlaskClient

from hpdocs.errors import ConfigError, UsageError
from hpdocs.org import Organisation, write_organisation
from hpdocs.plan import Plan
from hpdocs.web import create_app, make_server, set_coordinator_password
from hpdocs.web.db import Database
from hpdocs.web.service import Portal
from hpdocs.web.settings import load_settings
from hpdocs.workbook.read import read_workbook

PASSWORD = "ett-langt-losenord"
CONFIG = """namn = "Testbolaget AB"
"år" = 2022
plan = "hp-2022"
organisation = "organisation.xlsx"
inkorg = "inkorg"
utdata = "utdata"
mallar = ""
"""
GOOD = {"ledning.enhet.a1@Q3": {"status": "Klar"}, "kompetens.enhet.m1@Q3": {"varde": "12", "namnare": "20"}}
BAD = {"kompetens.enhet.m1@Q3": {"varde": "60 %"}}  # one bad cell: used, that value left out
WRONG_YEAR = {"hpdocs.ar": "2021"}  # a file-level error: the workbook is refused as a whole


def make_project(root: Path, org: Organisation, extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "hpdocs.toml").write_text(CONFIG + extra, encoding="utf-8")
    write_organisation(root / "organisation.xlsx", org.nodes.values())
    (root / "inkorg").mkdir(exist_ok=True)
    return root


@contextmanager
def running_server(app: Flask, threads: int = 8) -> Iterator[tuple[str, int]]:
    """The app served by waitress on loopback, in a thread, on a free port."""
    server = make_server(app, "127.0.0.1", 0, threads=threads)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", int(server.effective_port)
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(10)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def project_dir(tmp_path: Path, org: Organisation) -> Path:
    return make_project(tmp_path / "projekt", org)


@pytest.fixture
def app(project_dir: Path) -> Iterator[Flask]:
    set_coordinator_password(project_dir, PASSWORD)
    made = create_app(project_dir, settings=load_settings(project_dir, extra={"TESTING": True}))
    yield made
    made.extensions["hpdocs"].close()  # the server lock: one server per project


@pytest.fixture
def portal(app: Flask) -> Portal:
    result: Portal = app.extensions["hpdocs"].portal
    return result


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def tokens(portal: Portal) -> dict[str, str]:
    return {node_id: portal.issue_link(node_id) for node_id in ("B1", "VO1", "E1", "E2", "E3")}


def csrf(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        session.setdefault("csrf", "test-csrf-token")
        return str(session["csrf"])


def upload(client: FlaskClient, token: str, path: Path | bytes, name: str | None = None) -> tuple[int, str]:
    """POST a file with a personal link; returns (status, text of the page it leads to)."""
    data = path if isinstance(path, bytes) else path.read_bytes()
    filename = name or (path.name if isinstance(path, Path) else "arbetsbok.xlsx")
    response = client.post(
        f"/n/{token}/inlamning", data={"csrf": csrf(client), "fil": (io.BytesIO(data), filename)}
    )
    if response.status_code == 303:
        page = client.get(response.headers["Location"])
        return page.status_code, page.get_data(as_text=True)
    return response.status_code, response.get_data(as_text=True)


def login(client: FlaskClient, password: str = PASSWORD) -> int:
    return client.post("/login", data={"csrf": csrf(client), "losenord": password}).status_code


def inbox_files(project_dir: Path) -> dict[str, str]:
    return {p.name: sha(p.read_bytes()) for p in (project_dir / "inkorg").iterdir() if p.is_file()}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Pages and headers -----------------------------------------------------------------------------
def test_every_page_sends_security_headers_and_no_script(client: FlaskClient, tokens: dict[str, str]) -> None:
    login(client)
    for url in ("/", "/login", "/status", "/status/E1", "/lankar", f"/n/{tokens['E1']}", "/finns-inte"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        html = response.get_data(as_text=True)
        assert '<html lang="sv">' in html and "<script" not in html and " on" + "click" not in html, url
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    css = client.get("/static/hpdocs.css")
    assert css.status_code == 200 and css.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_http_only_and_same_site(client: FlaskClient) -> None:
    client.get("/login")
    cookie = client.get_cookie("hpdocs_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_manager_page_and_fresh_blank_workbook(
    client: FlaskClient, tokens: dict[str, str], plan: Plan
) -> None:
    page = client.get(f"/n/{tokens['E1']}")
    assert page.status_code == 200
    words = text(page.get_data(as_text=True))
    assert "Akuten" in words and "Primärvård" in words and "Inte inlämnad ännu" in words
    blank = client.get(f"/n/{tokens['E1']}/arbetsbok")
    assert blank.status_code == 200
    assert "Enhet Akuten.xlsx" in blank.headers["Content-Disposition"]
    assert blank.get_data()[:2] == b"PK"


def test_blank_workbook_is_the_nodes_own_and_valid(
    client: FlaskClient, tokens: dict[str, str], plan: Plan, tmp_path: Path
) -> None:
    target = tmp_path / "blank.xlsx"
    target.write_bytes(client.get(f"/n/{tokens['E2']}/arbetsbok").get_data())
    read = read_workbook(target, plan)
    assert read.node_id == "E2" and read.report.ok


def test_unknown_or_malformed_token_is_404_in_swedish(client: FlaskClient) -> None:
    for token in ("fel", "x" * 43, "x" * 500):
        response = client.get(f"/n/{token}")
        assert response.status_code == 404
        assert "Länken gäller inte" in response.get_data(as_text=True)


# Uploads ---------------------------------------------------------------------------------------
def test_valid_upload_is_stored_and_placed_in_the_inbox(
    client: FlaskClient, tokens: dict[str, str], filled, project_dir: Path, portal: Portal
) -> None:
    path = filled("E1", GOOD)
    status, html = upload(client, tokens["E1"], path)
    assert status == 200 and "Godkänd." in html and "används i sammanställningen" in html
    [sub] = portal.db.submissions("E1")
    assert sub.ok and sub.sha256 == sha(path.read_bytes()) and sub.original_name == path.name
    stored = portal.storage.path_of(sub)
    assert stored.parent == project_dir / "inlamningar" / "E1"
    assert re.fullmatch(r"\d{8}T\d{6}_\d{6}-[0-9a-f]{8}\.xlsx", stored.name)
    assert inbox_files(project_dir) == {"Akuten (E1, webb).xlsx": sub.sha256}
    page = text(client.get(f"/n/{tokens['E1']}").get_data(as_text=True))
    assert "Inlämnad." in page and "senaste godkända inlämning" in page


def test_upload_with_mistakes_shows_every_problem_with_sheet_and_cell(
    client: FlaskClient, tokens: dict[str, str], filled, project_dir: Path
) -> None:
    status, html = upload(client, tokens["E1"], filled("E1", BAD))
    assert status == 200
    words = text(html)
    # One bad cell is not a bad unit: the workbook is used, that one value is left out.
    assert "Godkänd med fel." in words and "1 värde räknas inte" in words
    assert "Allvarlighet Blad Cell Vad ska du göra" in words
    assert re.search(r"Fel Adekvat kunskap och kompetens G\d+ &#34;60 %&#34; är en procentsats", words)
    assert list(inbox_files(project_dir)) == ["Akuten (E1, webb).xlsx"]


def test_upload_with_a_file_level_error_is_refused(
    client: FlaskClient, tokens: dict[str, str], filled, project_dir: Path
) -> None:
    status, html = upload(client, tokens["E1"], filled("E1", GOOD, identity=WRONG_YEAR))
    assert status == 200
    assert "Avvisad." in text(html)
    assert inbox_files(project_dir) == {}


def test_upload_twice_keeps_both_and_uses_the_newest(
    client: FlaskClient, tokens: dict[str, str], filled, project_dir: Path, portal: Portal
) -> None:
    first = filled("E1", GOOD, name="v1.xlsx")
    second = filled("E1", {**GOOD, "ledning.enhet.a2@Q3": {"status": "Klar"}}, name="v2.xlsx")
    upload(client, tokens["E1"], first)
    upload(client, tokens["E1"], second)
    subs = portal.db.submissions("E1")
    assert [s.original_name for s in subs] == ["v2.xlsx", "v1.xlsx"]
    assert all(portal.storage.path_of(s).is_file() for s in subs)
    assert inbox_files(project_dir) == {"Akuten (E1, webb).xlsx": sha(second.read_bytes())}
    # A rejected upload afterwards leaves the last valid one in the inbox.
    upload(client, tokens["E1"], filled("E1", GOOD, name="v3.xlsx", identity=WRONG_YEAR))
    assert inbox_files(project_dir) == {"Akuten (E1, webb).xlsx": sha(second.read_bytes())}
    page = text(client.get(f"/n/{tokens['E1']}").get_data(as_text=True))
    assert "avvisades" in page and "v1.xlsx" in page and "v3.xlsx" in page


def test_upload_of_another_nodes_workbook_is_refused(
    client: FlaskClient, tokens: dict[str, str], filled, project_dir: Path, portal: Portal
) -> None:
    status, html = upload(client, tokens["E1"], filled("E2", GOOD))
    assert (
        status == 200 and "Avvisad." in html and "gäller BVC Centrum (E2), men länken gäller Akuten" in html
    )
    [sub] = portal.db.submissions()
    assert sub.node_id == "E1" and not sub.ok and sub.problems[-1]["code"] == "webb-annan-enhet"
    assert portal.db.submissions("E2") == [] and inbox_files(project_dir) == {}


@pytest.fixture
def zip_bomb(tmp_path: Path) -> Path:
    """A small .xlsx-looking file whose sheet unpacks to 60 MiB."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(60):
                member.write(chunk)
    assert path.stat().st_size < 1 << 20
    return path


def test_hostile_uploads_are_refused_in_swedish_and_kept_out_of_the_inbox(
    client: FlaskClient, tokens: dict[str, str], zip_bomb: Path, project_dir: Path, portal: Portal
) -> None:
    status, html = upload(client, tokens["E1"], zip_bomb)
    assert status == 200 and "Avvisad." in html and "packas upp till orimligt mycket data" in html
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    status, html = upload(client, tokens["E1"], pdf, "Enhet Akuten.xlsx")
    assert status == 200 and "Avvisad." in html and "PDF" in html
    status, html = upload(client, tokens["E1"], b"", "tom.xlsx")
    assert "Filen är tom" in html
    assert inbox_files(project_dir) == {}
    subs = portal.db.submissions("E1")
    assert len(subs) == 3 and not any(s.ok for s in subs)  # kept for the record, never used


def test_upload_larger_than_the_limit_gets_a_swedish_413(
    project_dir: Path, app: Flask, tokens: dict[str, str]
) -> None:
    app.extensions["hpdocs"].close()  # one server per project: this one replaces it
    small = create_app(
        project_dir, settings=load_settings(project_dir, max_upload_bytes=1 << 20, extra={"TESTING": True})
    )
    token = small.extensions["hpdocs"].portal.issue_link("E1")
    client = small.test_client()
    status, html = upload(client, token, b"PK" + b"\0" * (3 << 20))
    assert status == 413 and "Filen är för stor" in html
    assert small.extensions["hpdocs"].portal.db.submissions() == []


def test_upload_without_a_file_says_so(client: FlaskClient, tokens: dict[str, str]) -> None:
    response = client.post(f"/n/{tokens['E1']}/inlamning", data={"csrf": csrf(client)})
    assert response.status_code == 400 and "Ingen fil vald" in response.get_data(as_text=True)


def test_original_file_name_is_text_never_a_path(
    client: FlaskClient, tokens: dict[str, str], filled, portal: Portal
) -> None:
    upload(client, tokens["E1"], filled("E1", GOOD), "..\\..\\<script>ond.xlsx")
    [sub] = portal.db.submissions("E1")
    assert sub.original_name == "<script>ond.xlsx"
    assert portal.storage.path_of(sub).parent.name == "E1"
    html = client.get(f"/n/{tokens['E1']}").get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;" in html


# Permission boundaries ---------------------------------------------------------------------------
def test_a_token_never_reaches_another_nodes_submissions(
    client: FlaskClient, tokens: dict[str, str], filled, portal: Portal
) -> None:
    upload(client, tokens["E2"], filled("E2", GOOD))
    [theirs] = portal.db.submissions("E2")
    for url in (f"/n/{tokens['E1']}/inlamning/{theirs.id}", f"/n/{tokens['E1']}/inlamning/{theirs.id}/fil"):
        assert client.get(url).status_code == 404
    assert (
        client.get(f"/n/{tokens['E2']}/inlamning/{theirs.id}/fil").get_data()
        == portal.storage.path_of(theirs).read_bytes()
    )
    assert "BVC" not in client.get(f"/n/{tokens['E1']}").get_data(as_text=True)


@pytest.fixture
def documents(project_dir: Path) -> dict[str, str]:
    out = project_dir / "utdata"
    files = {
        "VO1": "sammanstallningar/Sammanställning Verksamhetsområde Primärvård 2022-Q3.xlsx",
        "VO2": "sammanstallningar/Sammanställning Verksamhetsområde Äldreomsorg 2022-Q3.xlsx",
        "B1": "dokument/Styrelsebeslut Testbolaget AB 2022.docx",
        "problem": "problem/Problem – Akuten (E1, webb).xlsx",
        "hidden": "arbetsbocker/Enhet Akuten.xlsx",
    }
    for rel in files.values():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(rel.encode())
    # What a build records for each output (hpdocs.index_page): who may see it follows from this.
    groups = {"VO1": "Sammanställningar", "VO2": "Sammanställningar", "B1": "Dokument"}
    records = [
        {"fil": files[k], "grupp": g, "titel": files[k], "nod": k, "typ": ""} for k, g in groups.items()
    ]
    records.append(
        {"fil": files["problem"], "grupp": "Problemrapporter", "titel": "p", "nod": "E1", "typ": ""}
    )
    (out / "index.json").write_text(json.dumps({"utdata": records}), encoding="utf-8")
    return files


def test_documents_only_for_the_own_business_area(
    client: FlaskClient, tokens: dict[str, str], documents: dict[str, str]
) -> None:
    e1 = client.get(f"/n/{tokens['E1']}").get_data(as_text=True)
    assert (
        "Primärvård 2022-Q3" in e1
        and "Äldreomsorg" not in e1
        and "Styrelsebeslut" not in e1
        and "Problem" not in e1
    )
    assert (
        client.get(f"/n/{tokens['E1']}/dokument/{documents['VO1']}").get_data() == documents["VO1"].encode()
    )
    for key in ("VO2", "B1", "problem", "hidden"):
        assert client.get(f"/n/{tokens['E1']}/dokument/{documents[key]}").status_code == 404, key
    assert client.get(f"/n/{tokens['E3']}/dokument/{documents['VO2']}").status_code == 200
    # The VO's own link sees its area; the company's link sees every business area and the company.
    assert client.get(f"/n/{tokens['VO1']}/dokument/{documents['VO1']}").status_code == 200
    for key in ("VO1", "VO2", "B1"):
        assert client.get(f"/n/{tokens['B1']}/dokument/{documents[key]}").status_code == 200
    assert client.get(f"/n/{tokens['B1']}/dokument/{documents['problem']}").status_code == 404


TRAVERSALS = [
    "../hpdocs.toml",
    "%2e%2e/hpdocs.toml",
    "..%2fhpdocs.toml",
    "sammanstallningar/../../hpdocs.toml",
    "%2Fetc%2Fpasswd",
    "/etc/passwd",
    "..\\hpdocs.toml",
    "arbetsbocker/Enhet Akuten.xlsx",
    "utanfor.xlsx",
]


def test_path_traversal_is_impossible(
    client: FlaskClient, tokens: dict[str, str], documents: dict[str, str], project_dir: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "hemlig.xlsx"
    secret.write_bytes(b"hemligt")
    (project_dir / "utdata" / "utanfor.xlsx").symlink_to(secret)
    login(client)
    for rel in TRAVERSALS:
        for url in (f"/utdata/{rel}", f"/n/{tokens['B1']}/dokument/{rel}"):
            response = client.get(url)
            assert response.status_code in (404, 308), (url, response.status_code)
            assert b"hemligt" not in response.get_data() and b"namn =" not in response.get_data()
    assert client.get(f"/utdata/{documents['problem']}").status_code == 200


COORDINATOR_GETS = ["/status", "/status/E1", "/lankar", "/inlamning/1", "/inlamning/1/fil", "/utdata/x.xlsx"]
COORDINATOR_POSTS = [
    "/bygg",
    "/lankar",
    "/status/E1/ny-lank",
    "/status/E1/inlamning",
    "/inlamning/1/aterstall",
]


def test_coordinator_pages_need_a_login(client: FlaskClient, tokens: dict[str, str], filled) -> None:
    upload(client, tokens["E1"], filled("E1", GOOD))
    for url in COORDINATOR_GETS:
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], url
    for url in COORDINATOR_POSTS:
        assert client.post(url, data={"csrf": csrf(client)}).status_code == 403, url
    # A personal link is no coordinator login either.
    client.get(f"/n/{tokens['B1']}")
    assert client.get("/status").status_code == 302


def test_forms_without_csrf_token_are_refused(client: FlaskClient, tokens: dict[str, str], filled) -> None:
    path = filled("E1", GOOD)
    response = client.post(
        f"/n/{tokens['E1']}/inlamning", data={"fil": (io.BytesIO(path.read_bytes()), "a.xlsx")}
    )
    assert response.status_code == 400 and "Säkerhetskontrollen" in response.get_data(as_text=True)
    csrf(client)
    assert (
        client.post(
            f"/n/{tokens['E1']}/inlamning", data={"csrf": "fel", "fil": (io.BytesIO(b"x"), "a.xlsx")}
        ).status_code
        == 400
    )
    assert client.post("/login", data={"losenord": PASSWORD}).status_code == 400
    login(client)
    for url in [*COORDINATOR_POSTS, "/logout"]:
        assert client.post(url).status_code == 400, url
    assert client.get("/status").status_code == 200  # still logged in: logout needed its token


# Coordinator ----------------------------------------------------------------------------------------
def test_login_logout_and_no_open_redirect(client: FlaskClient) -> None:
    assert "Logga in som samordnare" in client.get("/login").get_data(as_text=True)
    assert login(client, "fel-losenord") == 401
    response = client.post(
        "/login", data={"csrf": csrf(client), "losenord": PASSWORD, "next": "//ond.example/x"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/status"
    assert client.get("/status").status_code == 200
    assert client.post("/logout", data={"csrf": csrf(client)}).status_code == 303
    assert client.get("/status").status_code == 302


def test_login_redirects_back_to_the_page_asked_for(client: FlaskClient) -> None:
    target = client.get("/status/E1").headers["Location"]
    client.get(target)
    response = client.post("/login", data={"csrf": csrf(client), "losenord": PASSWORD, "next": "/status/E1"})
    assert response.headers["Location"] == "/status/E1"


def test_repeated_failed_logins_are_throttled(client: FlaskClient) -> None:
    for _ in range(5):
        assert login(client, "fel-losenord") == 401
    response = client.post("/login", data={"csrf": csrf(client), "losenord": PASSWORD})
    assert response.status_code == 401 and "För många" in response.get_data(as_text=True)


def test_a_new_password_ends_open_sessions(client: FlaskClient, project_dir: Path) -> None:
    login(client)
    assert client.get("/status").status_code == 200
    set_coordinator_password(project_dir, "ett-annat-langt-losenord")
    assert client.get("/status").status_code == 302
    assert login(client) == 401 and login(client, "ett-annat-langt-losenord") == 303


def test_short_passwords_are_refused(project_dir: Path) -> None:
    with pytest.raises(UsageError, match="minst 10 tecken"):
        set_coordinator_password(project_dir, "kort")


def test_login_page_says_when_no_password_is_set(project_dir: Path) -> None:
    fresh = create_app(project_dir, settings=load_settings(project_dir, extra={"TESTING": True}))
    assert "Inget lösenord är satt" in fresh.test_client().get("/login").get_data(as_text=True)


def test_status_shows_each_nodes_state(
    client: FlaskClient, tokens: dict[str, str], filled, app: Flask
) -> None:
    upload(client, tokens["E1"], filled("E1", GOOD))
    upload(client, tokens["E2"], filled("E2", GOOD, identity=WRONG_YEAR))
    login(client)
    words = text(client.get("/status").get_data(as_text=True))
    assert (
        "Akuten E1 Inlämnad" in words
        and "BVC Centrum E2 Avvisad" in words
        and "Lindgården E3 Saknas" in words
    )
    assert "2 av 3 inlämnade" not in words and "1 av 3 inlämnade, 1 avvisade, 1 saknas" in words
    portal: Portal = app.extensions["hpdocs"].portal
    portal.settings = replace(portal.settings, deadline=date(2022, 10, 15))
    assert [r.state for g in portal.status() for r in g.rows if r.node.id == "E3"] == ["sen"]
    assert "Lindgården E3 Sen" in text(client.get("/status").get_data(as_text=True))


def test_node_page_restore_and_upload_on_behalf(
    client: FlaskClient, tokens: dict[str, str], filled, project_dir: Path, portal: Portal
) -> None:
    first, second = (
        filled("E1", GOOD, name="v1.xlsx"),
        filled("E1", {**GOOD, "ledning.enhet.a2@Q3": {"status": "Klar"}}, name="v2.xlsx"),
    )
    upload(client, tokens["E1"], first)
    login(client)
    response = client.post(
        "/status/E1/inlamning",
        data={"csrf": csrf(client), "fil": (io.BytesIO(second.read_bytes()), "v2.xlsx")},
    )
    assert response.status_code == 303
    newest = portal.db.submissions("E1")[0]
    assert newest.uploaded_by == "samordnare" and inbox_files(project_dir) == {
        "Akuten (E1, webb).xlsx": sha(second.read_bytes())
    }
    page = text(client.get("/status/E1").get_data(as_text=True))
    assert "v1.xlsx" in page and "av samordnaren" in page and "Återställ" in page
    old = portal.db.submissions("E1")[1]
    response = client.post(f"/inlamning/{old.id}/aterstall", data={"csrf": csrf(client)})
    assert response.status_code == 303
    restored = portal.db.submissions("E1")[0]
    assert restored.restored_from == old.id and restored.ok
    assert inbox_files(project_dir) == {"Akuten (E1, webb).xlsx": sha(first.read_bytes())}
    assert client.post("/inlamning/9999/aterstall", data={"csrf": csrf(client)}).status_code == 404
    assert client.get(f"/inlamning/{old.id}/fil").get_data() == first.read_bytes()
    assert "återställd från inlämning" in client.get(f"/inlamning/{restored.id}").get_data(as_text=True)


def test_links_csv_for_a_mail_merge(client: FlaskClient, portal: Portal) -> None:
    login(client)
    assert "0 av 6 har en giltig länk" in text(client.get("/lankar").get_data(as_text=True))
    response = client.post("/lankar", data={"csrf": csrf(client), "vilka": "saknar"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Id", "Namn", "Chef", "E-post", "Länk"]
    assert [r[0] for r in rows[1:]] == ["B1", "VO1", "E1", "E2", "VO2", "E3"]
    links = {r[0]: r[4] for r in rows[1:]}
    assert links["E1"].startswith("http://localhost/n/")
    other = client.application.test_client()
    assert "Akuten" in other.get(links["E1"].removeprefix("http://localhost")).get_data(as_text=True)
    # Links are stored only as hashes: a second export for those "without a link" has no rows...
    again = client.post("/lankar", data={"csrf": csrf(client), "vilka": "saknar"}).get_data(as_text=True)
    assert again.strip().count("\n") == 0
    # ...and "all" replaces every link.
    client.post("/lankar", data={"csrf": csrf(client), "vilka": "alla"})
    assert other.get(links["E1"].removeprefix("http://localhost")).status_code == 404
    with sqlite3.connect(portal.settings.database) as conn:
        stored = {r[0] for r in conn.execute("SELECT token_hash FROM tokens")}
    assert all(link.rsplit("/", 1)[1] not in stored for link in links.values())


def test_rotating_a_link_stops_the_old_one(client: FlaskClient, tokens: dict[str, str]) -> None:
    login(client)
    html = client.post("/status/E1/ny-lank", data={"csrf": csrf(client)}).get_data(as_text=True)
    new = re.search(r'value="http://localhost(/n/[^"]+)"', html)
    assert new is not None and "visas bara den här gången" in html
    assert client.get(f"/n/{tokens['E1']}").status_code == 404
    assert client.get(new.group(1)).status_code == 200
    assert client.post("/status/NOPE/ny-lank", data={"csrf": csrf(client)}).status_code == 404


def test_build_from_the_web_and_download_the_rollups(
    client: FlaskClient, tokens: dict[str, str], filled, app: Flask
) -> None:
    upload(client, tokens["E1"], filled("E1", GOOD))
    login(client)
    assert client.post("/bygg", data={"csrf": csrf(client)}).status_code == 303
    ctx = app.extensions["hpdocs"]
    ctx.builder.wait(300)
    build = ctx.portal.db.last_build(finished=True)
    assert build is not None and build.ok, build
    words = text(client.get("/status").get_data(as_text=True))
    assert "Period 2022-Q3: 1 av 6 har rapporterat för Kvartal 3." in words
    links = re.findall(r'href="(/utdata/[^"]+)"', client.get("/status").get_data(as_text=True))
    rollup = next(link for link in links if "Prim%C3%A4rv%C3%A5rd" in link or "Primärvård" in link)
    response = client.get(rollup)
    assert response.status_code == 200 and response.get_data()[:2] == b"PK"
    manager = text(client.get(f"/n/{tokens['E1']}").get_data(as_text=True))
    assert "Primärvård" in manager and "Äldreomsorg" not in manager


# Storage and database -----------------------------------------------------------------------------
def test_start_up_repairs_what_a_crash_left(
    project_dir: Path, app: Flask, client: FlaskClient, tokens: dict[str, str], filled
) -> None:
    path = filled("E1", GOOD)
    upload(client, tokens["E1"], path)
    folder = project_dir / "inlamningar" / "E1"
    (folder / ".upload-abc.xlsx").write_bytes(b"half")  # crash while receiving
    (folder / "20220101T000000_000000-deadbeef.xlsx").write_bytes(b"whole")  # crash before the record
    (project_dir / "inkorg" / "Akuten (E1, webb).xlsx").unlink()  # crash before the inbox copy
    for left in folder.iterdir():  # the crash was a while ago (start-up spares recent files)
        os.utime(left, (left.stat().st_atime, left.stat().st_mtime - 3600))
    app.extensions["hpdocs"].close()  # the crashed server is gone
    create_app(project_dir, settings=load_settings(project_dir, extra={"TESTING": True}))
    assert sorted(p.name for p in folder.iterdir()) == [
        app.extensions["hpdocs"].portal.db.submissions("E1")[0].stored_path.split("/")[1]
    ]
    assert (
        project_dir / "inlamningar" / ".foraldralosa" / "E1-20220101T000000_000000-deadbeef.xlsx"
    ).read_bytes() == b"whole"
    assert inbox_files(project_dir) == {"Akuten (E1, webb).xlsx": sha(path.read_bytes())}


def test_a_failed_database_write_leaves_no_file(
    monkeypatch: pytest.MonkeyPatch,
    client: FlaskClient,
    tokens: dict[str, str],
    filled,
    portal: Portal,
    project_dir: Path,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(portal.db, "add_submission", broken)
    response = client.post(
        f"/n/{tokens['E1']}/inlamning",
        data={"csrf": csrf(client), "fil": (io.BytesIO(filled("E1", GOOD).read_bytes()), "a.xlsx")},
    )
    assert response.status_code == 503 and "Servern kan inte spara just nu" in response.get_data(as_text=True)
    assert list((project_dir / "inlamningar" / "E1").iterdir()) == []
    assert inbox_files(project_dir) == {}


def test_inbox_files_placed_by_hand_are_left_alone(
    client: FlaskClient, tokens: dict[str, str], filled, project_dir: Path
) -> None:
    by_hand = project_dir / "inkorg" / "Enhet Akuten.xlsx"
    by_hand.write_bytes(filled("E1", BAD).read_bytes())
    upload(client, tokens["E1"], filled("E1", GOOD))
    upload(client, tokens["E1"], filled("E1", GOOD, name="igen.xlsx", updated="2022-10-02"))
    assert by_hand.is_file() and len(inbox_files(project_dir)) == 2
    login(client)
    assert "Filer i inkorgen som inte kom via webbsidan: Enhet Akuten.xlsx" in text(
        client.get("/status").get_data(as_text=True)
    )


def test_schema_is_versioned_and_a_newer_database_is_refused(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.sqlite")
    Database(tmp_path / "w.sqlite")  # opening again applies nothing twice
    with sqlite3.connect(db.path) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,), (2,), (3,)]
        conn.execute("INSERT INTO schema_version VALUES (99, 'framtid')")
    with pytest.raises(ConfigError, match="version 99"):
        Database(tmp_path / "w.sqlite")


def test_web_settings_come_from_the_project_config(tmp_path: Path, org: Organisation) -> None:
    root = make_project(
        tmp_path / "p",
        org,
        '\n[webb]\nmax_mb = 5\nsista_dag = 2022-10-15\nbas_url = "https://hp.exempel.se/"\nbetrodd_proxy = "127.0.0.1"\n',
    )
    settings = load_settings(root)
    assert settings.max_upload_bytes == 5 << 20 and settings.deadline == date(2022, 10, 15)
    assert settings.base_url == "https://hp.exempel.se" and settings.trusted_proxy == "127.0.0.1"
    assert settings.database == root / "inlamningar" / "webb.sqlite"
    bad = make_project(tmp_path / "q", org, '\n[webb]\nmax_mb = "många"\n')
    with pytest.raises(ConfigError, match="max_mb"):
        load_settings(bad)


def test_csv_cells_cannot_become_formulas(project_dir: Path, org: Organisation) -> None:
    from hpdocs.org import Node

    nodes = [*org.nodes.values()]
    nodes[2] = Node("E1", "+Akuten", "enhet", "VO1", "@chef", "-46")
    write_organisation(project_dir / "organisation.xlsx", nodes)
    set_coordinator_password(project_dir, PASSWORD)
    client = create_app(
        project_dir, settings=load_settings(project_dir, extra={"TESTING": True})
    ).test_client()
    login(client)
    body = client.post("/lankar", data={"csrf": csrf(client), "vilka": "alla"}).get_data(as_text=True)
    row = next(r for r in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";") if r[0] == "E1")
    assert row[1:4] == ["'+Akuten", "'@chef", "'-46"]


def test_a_project_can_rebuild_after_each_valid_upload(project_dir: Path, filled) -> None:
    app = create_app(
        project_dir, settings=load_settings(project_dir, build_after_upload=True, extra={"TESTING": True})
    )
    ctx = app.extensions["hpdocs"]
    client = app.test_client()
    token = ctx.portal.issue_link("E1")
    upload(client, token, filled("E1", GOOD, identity=WRONG_YEAR))
    ctx.builder.wait(300)
    assert ctx.portal.db.last_build() is None  # a rejected workbook changes nothing
    upload(client, token, filled("E1", GOOD))
    ctx.builder.wait(300)
    build = ctx.portal.db.last_build(finished=True)
    assert build is not None and build.ok and "1 av 6 har rapporterat" in build.message


@pytest.mark.parametrize("trusted", [False, True])
def test_forwarded_headers_are_trusted_only_from_the_configured_proxy(
    project_dir: Path, trusted: bool
) -> None:
    pytest.importorskip("waitress", reason="webbtilläggen (hpdocs[web]) är inte installerade")
    set_coordinator_password(project_dir, PASSWORD)
    settings = load_settings(project_dir, trusted_proxy="127.0.0.1" if trusted else "")
    app = create_app(project_dir, settings=settings)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hp.exempel.se", "X-Forwarded-Port": "443"}
    cookie = ""

    def call(method: str, path: str, body: str = "") -> str:
        nonlocal cookie
        headers = {**forwarded, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        cookie = (response.getheader("Set-Cookie") or cookie).split(";", 1)[0]
        return response.read().decode("utf-8-sig")

    def token(html: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', html)
        assert found is not None
        return found.group(1)

    with running_server(app, threads=2) as (host, port):
        conn = http.client.HTTPConnection(host, port, timeout=60)
        call("POST", "/login", f"csrf={token(call('GET', '/login'))}&losenord={PASSWORD}")
        links = call("POST", "/lankar", f"csrf={token(call('GET', '/lankar'))}&vilka=saknar")
        conn.close()
    base = "https://hp.exempel.se/n/" if trusted else f"http://{host}:{port}/n/"
    assert links.count(base) == 6, links
