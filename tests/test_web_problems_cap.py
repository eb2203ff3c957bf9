"""Issue 15.4: a workbook of junk rows cannot flood memory, the database or the pages."""
# ruff: noqa: F811 - pytest fixtures imported from test_web are parameters here

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from flask import Flask
from flask.testing import FlaskClient
from test_web import GOOD, app, client, login, portal, project_dir, text, tokens, upload  # noqa: F401

from hpdocs.plan import Plan
from hpdocs.web.service import MAX_PROBLEMS, Portal
from hpdocs.workbook import read as reader
from hpdocs.workbook.read import read_workbook


def junk_rows(path: Path, target: Path, rows: int) -> Path:
    """The unit's own workbook with `rows` rows of text under the items of its first area sheet."""
    wb = openpyxl.load_workbook(path)
    sheet = next(ws for ws in wb.worksheets if ws.title not in ("Identitet", "Instruktion"))
    start = sheet.max_row + 1
    for r in range(start, start + rows):
        sheet.cell(r, 1, f"skräp.{r}")  # an id the plan lacks, with values: one problem per row
        for col in range(2, 14):
            sheet.cell(r, col, "x")
    wb.save(target)
    return target


def test_rows_beyond_the_cap_are_not_read_and_say_so(
    monkeypatch: pytest.MonkeyPatch, filled, plan: Plan, tmp_path: Path
) -> None:
    monkeypatch.setattr(reader, "MAX_SHEET_ROWS", 300)
    path = junk_rows(filled("E1", GOOD), tmp_path / "lang.xlsx", 500)
    read = read_workbook(path, plan)
    [problem] = [p for p in read.report.problems if p.code == "blad-for-manga-rader"]
    assert problem.file_level and not read.report.usable
    assert "bara de första 300 läses" in problem.message and "Ta bort raderna" in problem.message
    assert len(read.report.problems) < 300 + 10  # junk past the cap makes no problems
    assert read_workbook(filled("E1", GOOD), plan).report.usable  # a normal workbook is far below


def test_problems_kept_and_shown_are_capped_and_lists_never_load_them(
    app: Flask,
    client: FlaskClient,
    portal: Portal,
    tokens: dict[str, str],
    filled,
    tmp_path: Path,
) -> None:
    path = junk_rows(filled("E1", GOOD), tmp_path / "skrap.xlsx", 3 * MAX_PROBLEMS)
    status, html = upload(client, tokens["E1"], path)
    [sub] = portal.db.submissions("E1")
    assert status == 200 and sub.errors + sub.warnings >= 3 * MAX_PROBLEMS
    assert len(sub.problems) == MAX_PROBLEMS
    words = text(html)
    assert f"Här visas de första {MAX_PROBLEMS}" in words and f"{sub.errors} fel" in words
    with sqlite3.connect(portal.settings.database) as conn:
        stored = conn.execute("SELECT length(problems_json) FROM submissions").fetchone()[0]
    assert stored < 200_000
    # Lists (a node's history, the status) carry no problems at all.
    assert all(s.problems == [] for s in portal.db.submissions("E1", light=True))
    assert portal.db.latest_per_node()["E1"].problems == []
    login(client)
    started = time.monotonic()
    assert client.get("/status").status_code == 200 and client.get("/status/E1").status_code == 200
    assert time.monotonic() - started < 2
