"""Issue 15.7 and 15.8: the redirect after login, and the smaller edges of the web page."""

from __future__ import annotations

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from flask.testing import FlaskClient
from test_web import PASSWORD, app, client, csrf, portal, project_dir, tokens  # noqa: F401


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
def test_login_never_redirects_off_site(client: FlaskClient, target: str) -> None:  # noqa: F811
    response = client.post("/login", data={"csrf": csrf(client), "losenord": PASSWORD, "next": target})
    assert response.status_code == 303, target
    assert response.headers["Location"] == "/status", (target, response.headers["Location"])


def test_login_still_returns_to_a_page_of_this_site(client: FlaskClient) -> None:  # noqa: F811
    response = client.post(
        "/login", data={"csrf": csrf(client), "losenord": PASSWORD, "next": "/status/E1?x=1"}
    )
    assert response.headers["Location"] == "/status/E1?x=1"
