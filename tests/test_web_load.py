"""A bounded load test on loopback: 50 uploads at once to a real waitress server.

Afterwards no submission may be lost or mixed up: 50 records, each with the bytes that were sent
for its node, and each node's inbox file the newest valid of its own uploads.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import re
import threading
import uuid
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("waitress", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from test_web import GOOD, WRONG_YEAR, make_project, running_server

from hpdocs.org import Organisation
from hpdocs.web import create_app
from hpdocs.web.settings import load_settings

UPLOADS = 50
NODES = ["E1", "E2", "E3", "VO1", "VO2"]  # ten uploads each, all at the same moment
TIMEOUT = 120  # seconds per request: bounded, never hangs the suite


def variant(data: bytes, label: str) -> bytes:
    """The same workbook with another zip comment: other bytes, same content."""
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as zf:
        zf.comment = label.encode()
    return buffer.getvalue()


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="fil"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def hand_in(
    address: tuple[str, int], token: str, data: bytes, name: str, start: threading.Barrier
) -> tuple[int, str]:
    """Open the personal page (session cookie + CSRF token), wait for the others, upload."""
    conn = http.client.HTTPConnection(*address, timeout=TIMEOUT)
    try:
        conn.request("GET", f"/n/{token}")
        page = conn.getresponse()
        html = page.read().decode()
        cookie = page.getheader("Set-Cookie", "").split(";", 1)[0]
        match = re.search(r'name="csrf" value="([^"]+)"', html)
        assert page.status == 200 and match and cookie
        body, content_type = multipart({"csrf": match.group(1)}, name, data)
        start.wait(TIMEOUT)
        conn.request(
            "POST",
            f"/n/{token}/inlamning",
            body=body,
            headers={"Content-Type": content_type, "Cookie": cookie},
        )
        answer = conn.getresponse()
        answer.read()
        return answer.status, answer.getheader("Location", "")
    finally:
        conn.close()


def test_fifty_concurrent_uploads_are_neither_lost_nor_mixed_up(
    tmp_path: Path, org: Organisation, filled
) -> None:
    root = make_project(tmp_path / "projekt", org)
    app = create_app(root, settings=load_settings(root))
    portal = app.extensions["hpdocs"].portal
    tokens = {node: portal.issue_link(node) for node in NODES}
    base = {node: filled(node, GOOD if node.startswith("E") else {}).read_bytes() for node in NODES}
    bad_e2 = filled("E2", GOOD, name="fel.xlsx", identity=WRONG_YEAR).read_bytes()
    jobs: list[tuple[str, bytes]] = []
    for i in range(UPLOADS):
        node = NODES[i % len(NODES)]
        source = bad_e2 if node == "E2" and i % 2 else base[node]  # E2 mixes valid and rejected
        jobs.append((node, variant(source, f"uppladdning {i}")))
    assert len({hashlib.sha256(d).hexdigest() for _, d in jobs}) == UPLOADS

    results: list[tuple[str, bytes, int, str] | BaseException] = [ValueError("not run")] * UPLOADS
    start = threading.Barrier(UPLOADS)

    with running_server(app) as address:

        def run(i: int) -> None:
            node, data = jobs[i]
            try:
                results[i] = (node, data, *hand_in(address, tokens[node], data, f"{node}-{i}.xlsx", start))
            except BaseException as exc:
                results[i] = exc
                start.abort()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(UPLOADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT * 2)

    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    subs = {s.id: s for s in portal.db.submissions()}
    assert len(subs) == UPLOADS
    seen: set[int] = set()
    for result in results:
        assert not isinstance(result, BaseException)
        node, data, status, location = result
        assert status == 303, status
        match = re.fullmatch(rf"/n/{re.escape(tokens[node])}/inlamning/(\d+)", location)
        assert match, location
        sub = subs[int(match.group(1))]
        seen.add(sub.id)
        digest = hashlib.sha256(data).hexdigest()
        assert sub.node_id == node and sub.sha256 == digest and sub.size == len(data)
        assert hashlib.sha256(portal.storage.path_of(sub).read_bytes()).hexdigest() == digest
    assert seen == set(subs)
    assert len({s.stored_path for s in subs.values()}) == UPLOADS
    names = portal.node_names()
    inbox = root / "inkorg"
    for node in NODES:
        newest = max((s for s in subs.values() if s.node_id == node and s.ok), key=lambda s: s.id)
        placed = [p for p in inbox.iterdir() if f"({node}, webb)" in p.name]
        assert [p.name for p in placed] == [f"{names[node]} ({node}, webb).xlsx"]
        assert hashlib.sha256(placed[0].read_bytes()).hexdigest() == newest.sha256
    assert sum(1 for s in subs.values() if not s.ok) == 5  # E2's rejected ones, none in the inbox
