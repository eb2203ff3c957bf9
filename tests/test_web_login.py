"""Issue 15.6: the login throttle holds under parallel guesses, has a global cap, and the
start-up says what a missing proxy setting means."""
# ruff: noqa: F811 - pytest fixtures imported from test_web are parameters here

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from flask import Flask
from test_web import PASSWORD, app, csrf, project_dir  # noqa: F401

from hpdocs.web import security, start_warnings
from hpdocs.web.settings import load_settings


def test_parallel_wrong_passwords_never_get_more_checks_than_the_limit(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    real = security.verify_password

    def slow(stored: str, password: str) -> bool:
        checked.append(password)
        time.sleep(0.05)  # Argon2 is slow: that is the window the race used
        return real(stored, password)

    monkeypatch.setattr(security, "verify_password", slow)
    statuses: list[int] = []

    def guess(n: int) -> None:
        client = app.test_client()
        statuses.append(
            client.post("/login", data={"csrf": csrf(client), "losenord": f"fel-{n}"}).status_code
        )

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(checked) == 5 and statuses.count(401) == 40
    # The right password is refused too until the window has passed.
    client = app.test_client()
    page = client.post("/login", data={"csrf": csrf(client), "losenord": PASSWORD}).get_data(as_text=True)
    assert "För många felaktiga försök" in page and len(checked) == 5


def test_a_global_cap_holds_when_guesses_come_from_many_addresses() -> None:
    throttle = security.LoginThrottle(attempts=5, window=600, global_attempts=12)
    assert all(throttle.begin(f"10.0.0.{n}") == "" for n in range(12))
    refused = throttle.begin("10.0.1.1")
    assert "från olika håll" in refused and "Vänta 10 minuter" in refused
    throttle.succeeded("10.0.0.3")  # a correct password gives its address's attempts back
    assert throttle.begin("10.0.1.1") == ""


def test_start_up_warns_when_no_trusted_proxy_or_base_url_is_set(
    project_dir: Path,
) -> None:
    plain = " ".join(start_warnings(load_settings(project_dir), "127.0.0.1"))
    assert "betrodd_proxy är inte satt" in plain and "alla på en gång" in plain and "bas_url" in plain
    configured = load_settings(project_dir, trusted_proxy="127.0.0.1", base_url="https://hp.exempel.se")
    assert start_warnings(configured, "127.0.0.1") == []
    assert "HTTPS" in " ".join(start_warnings(configured, "0.0.0.0"))
