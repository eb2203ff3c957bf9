"""Pages behind a personal link `/n/<token>`: one node's workbook, submissions and documents.

The token decides the node; nothing in the URL or the form can name another node. A
submission or document is served only after checking that it is this node's own (or its
business area's), so a token for unit A gets 404 for everything of unit B.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from hpdocs.errors import TemplateError
from hpdocs.org import Node
from hpdocs.planversions import archive_plan
from hpdocs.web.app import context, submitted
from hpdocs.web.db import Submission
from hpdocs.web.documents import Document, find_document, list_documents, reach, visible_to
from hpdocs.web.limits import LimitReached
from hpdocs.web.storage import TooLarge, download_name
from hpdocs.workbook.house_style import DEFAULT, house_style_for
from hpdocs.workbook.write import WorkbookSpec, workbook_names, write_workbook

bp = Blueprint("chef", __name__, url_prefix="/n/<token>")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".xls": "application/vnd.ms-excel",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
}


def _node(token: str) -> Node:
    node = context().portal.node_for_token(token)
    if node is None:
        abort(404, description="lank")
    return node


def _documents(node: Node) -> list[Document]:
    portal = context().portal
    project = portal.project
    build = portal.db.last_build(finished=True)
    docs = list_documents(project, build.outputs if build else None)
    allowed = reach(node, project.organisation)
    return [d for d in docs if visible_to(d, allowed)]


def send_submission_file(submission: Submission, path: Path) -> Response:
    """The stored file as uploaded; 404 when it was never kept or has been pruned."""
    if not submission.has_file or not path.is_file():
        abort(404)
    name = download_name(submission.original_name, submission.stored_path)
    mimetype = MIMETYPES.get(path.suffix.lower(), XLSX)
    return send_file(path, as_attachment=True, download_name=name, mimetype=mimetype)


@bp.get("")
def home(token: str) -> str:
    node = _node(token)
    portal = context().portal
    org = portal.project.organisation
    history = portal.db.submissions(node.id, light=True)
    active = portal.db.newest_valid(node.id)
    return render_template(
        "manager.html",
        token=token,
        node=node,
        level=portal.project.plan.level_name(node.level),
        area=org.business_area_of(node.id),
        history=history,
        active=active,
        documents=_documents(node),
        max_mb=portal.settings.max_upload_bytes >> 20,
    )


@bp.get("/arbetsbok")
def blank(token: str) -> Response:
    """A blank workbook, generated fresh from the plan (never a re-saved user file)."""
    node = _node(token)
    project = context().portal.project
    parent = project.organisation.nodes.get(node.parent)
    name = workbook_names(project.plan, project.organisation)[node.id]  # as `hpdocs workbooks` names it
    try:
        house, _ = house_style_for(project.templates)
    except TemplateError:  # a broken Excel template must not stop managers: the default look
        house = DEFAULT
    with tempfile.TemporaryDirectory(prefix="hpdocs-web-") as folder:
        path = write_workbook(
            WorkbookSpec(project.plan, node, project.year, parent.name if parent else "", house=house),
            Path(folder) / "arbetsbok.xlsx",
        )
        data = path.read_bytes()
    try:
        archive_plan(project)  # workbooks are out for this plan version (hpdocs.planversions)
    except OSError as exc:  # a read-only project folder must not stop the download
        current_app.logger.warning("Planversionen kunde inte sparas: %s", exc)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.post("/inlamning")
def upload(token: str) -> Response | tuple[str, int]:
    node = _node(token)
    file = request.files.get("fil")
    if file is None or not file.filename:
        return render_template(
            "error.html", code=400, reason="ingen-fil", back=url_for("chef.home", token=token)
        ), 400
    try:
        submission = context().portal.upload(node, file.stream, file.filename, by="lank")
    except TooLarge:
        abort(413)
    except LimitReached as exc:
        back = url_for("chef.home", token=token)
        return render_template(
            "error.html", code=exc.status, reason="grans", detail=str(exc), back=back
        ), exc.status
    submitted(submission)
    return redirect(url_for("chef.result", token=token, sid=submission.id), code=303)


@bp.get("/inlamning/<int:sid>")
def result(token: str, sid: int) -> str:
    node = _node(token)
    portal = context().portal
    submission = portal.own_submission(node, sid)
    if submission is None:
        abort(404)
    return render_template(
        "result.html",
        node=node,
        submission=submission,
        active=portal.db.newest_valid(node.id),
        back=url_for("chef.home", token=token),
        out_of_step=node.id in portal.storage.out_of_step,
        download=url_for("chef.submission_file", token=token, sid=sid),
    )


@bp.get("/inlamning/<int:sid>/fil")
def submission_file(token: str, sid: int) -> Response:
    node = _node(token)
    portal = context().portal
    submission = portal.own_submission(node, sid)
    if submission is None:
        abort(404)
    return send_submission_file(submission, portal.storage.path_of(submission))


@bp.get("/dokument/<path:rel>")
def document(token: str, rel: str) -> Response:
    node = _node(token)
    doc = find_document(_documents(node), rel)
    if doc is None:
        abort(404)
    return send_file(doc.path, as_attachment=True, download_name=doc.name)
