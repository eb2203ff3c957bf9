"""Issue 15.2: one server per project, and start-up never removes another's uploads in flight."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("flask", reason="webbtilläggen (hpdocs[web]) är inte installerade")
pytest.importorskip("argon2", reason="webbtilläggen (hpdocs[web]) är inte installerade")

from test_web import GOOD, PASSWORD, make_project

from hpdocs.errors import UsageError
from hpdocs.org import Organisation
from hpdocs.web import create_app, set_coordinator_password
from hpdocs.web.settings import load_settings

HOLD = """
import sys, time
from pathlib import Path
from hpdocs.web import create_app
create_app(Path(sys.argv[1]))
print("klar", flush=True)
time.sleep(120)
"""


@pytest.fixture
def project(tmp_path: Path, org: Organisation) -> Path:
    root = make_project(tmp_path / "projekt", org)
    set_coordinator_password(root, PASSWORD)
    return root


def start(root: Path):  # type: ignore[no-untyped-def]
    return create_app(root, settings=load_settings(root, extra={"TESTING": True}))


def test_a_second_server_in_the_same_process_is_refused_in_swedish(project: Path) -> None:
    first = start(project)
    with pytest.raises(UsageError, match="En annan hpdocs-server kör redan") as caught:
        start(project)
    assert f"process {os.getpid()}" in str(caught.value) and "en server per projektmapp" in str(caught.value)
    first.extensions["hpdocs"].close()
    start(project).extensions["hpdocs"].close()  # released: the next one starts


def test_a_second_server_process_is_refused_and_a_killed_one_releases_the_lock(project: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(project)], stdout=subprocess.PIPE, text=True, cwd=project
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "klar"
        with pytest.raises(UsageError, match=f"process {holder.pid}"):
            start(project)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
    start(project).extensions["hpdocs"].close()  # kill -9 left nothing that blocks


def test_start_up_spares_recent_temporary_and_unrecorded_files(project: Path, filled) -> None:
    """What another process is writing right now stays; what a crash left long ago goes."""
    app = start(project)
    portal = app.extensions["hpdocs"].portal
    node = portal.project.organisation.nodes["E1"]
    data = filled("E1", GOOD).read_bytes()
    in_flight = portal.storage.receive("E1", io.BytesIO(data), "a.xlsx", limit=1 << 24)
    folder = in_flight.path.parent
    renamed = folder / "20990101T000000_000000-cafebabe.xlsx"  # renamed, record not yet written
    renamed.write_bytes(data)
    old_tmp, old_file = folder / ".upload-gammal.xlsx", folder / "20200101T000000_000000-deadbeef.xlsx"
    for path in (old_tmp, old_file):
        path.write_bytes(b"x")
        os.utime(path, (time.time() - 7200, time.time() - 7200))
    app.extensions["hpdocs"].close()
    again = start(project)
    assert in_flight.path.is_file() and renamed.is_file()
    assert not old_tmp.exists() and not old_file.exists()
    assert (portal.storage.uploads / ".foraldralosa" / f"E1-{old_file.name}").is_file()
    # The upload in flight completes as if nothing happened.
    again_portal = again.extensions["hpdocs"].portal
    read = again_portal.check(in_flight.path, node, "a.xlsx")
    submission = again_portal.storage.commit(
        in_flight, ok=read.report.usable, problems=[], uploaded_by="lank", actor="test",
        inbox=again_portal.project.inbox, node_name=node.name,
    )  # fmt: skip
    assert submission.ok and again_portal.storage.path_of(submission).read_bytes() == data
    again.extensions["hpdocs"].close()
