"""The coordinator's pages: login, status of the whole organisation, builds, documents, links.

Without a login every page here redirects to /login (GET) or answers 403 (POST).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, abort, redirect, render_template, request, send_file, session, url_for
from werkzeug.wrappers import Response

from hpdocs.web import housekeeping, security, sessions
from hpdocs.web.app import context, is_coordinator, submitted
from hpdocs.web.documents import Document, find_document, list_documents
from hpdocs.web.manager import send_submission_file
from hpdocs.web.storage import TooLarge

bp = Blueprint("samordnare", __name__)
F = TypeVar("F", bound=Callable[..., Any])


def login_required(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not is_coordinator():
            if request.method != "GET":
                abort(403)
            return redirect(url_for("samordnare.login", next=request.full_path.rstrip("?")))
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _local(target: str | None) -> str:
    """Only redirect to a path on this site. Browsers drop tabs and newlines from a URL and read
    a backslash as a slash, so "/<TAB>/host" or "/<backslash>host" lead to another site: control
    characters refuse the target, backslashes count as slashes, and the result must be a bare
    path (no scheme, no host, not starting with //)."""
    fallback = url_for("samordnare.status")
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    cleaned = target.strip().replace("\\", "/")
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc or not cleaned.startswith("/") or cleaned.startswith("//"):
        return fallback
    return cleaned


def _base_url() -> str:
    return context().portal.settings.base_url or request.url_root.rstrip("/")


def _documents() -> list[Document]:
    portal = context().portal
    build = portal.db.last_build(finished=True)
    return list_documents(portal.project, build.outputs if build else None)


@bp.get("/")
def index() -> str:
    return render_template("index.html")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    ctx = context()
    stored = ctx.portal.db.password()
    error = ""
    if request.method == "POST":
        client = request.remote_addr or ""
        refused = ctx.throttle.begin(client)  # counted before the slow check: no race
        if refused:
            error = refused
        elif stored and security.verify_password(stored[0], request.form.get("losenord", "")):
            ctx.throttle.succeeded(client)
            session.clear()  # a fresh session: no fixation
            session[sessions.COOKIE_FIELD] = sessions.start(
                ctx.portal.db, ctx.portal.settings.session_hours, client
            )
            session.permanent = True
            ctx.portal.db.log("samordnare", "inloggning", "", client)
            return redirect(_local(request.form.get("next")), code=303)
        else:
            error = "Fel lösenord."
    status = 200 if not error else 401
    return render_template(
        "login.html", error=error, has_password=stored is not None, next=request.values.get("next", "")
    ), status


@bp.post("/logout")
def logout() -> Response:
    sessions.end(context().portal.db, session.get(sessions.COOKIE_FIELD))  # a saved cookie is void
    session.clear()
    return redirect(url_for("samordnare.index"), code=303)


@bp.get("/status")
@login_required
def status() -> str:
    ctx = context()
    portal = ctx.portal
    portal.storage.retry_out_of_step(portal.project.inbox, portal.node_names())
    names = portal.node_names()
    behind = sorted(portal.storage.out_of_step)
    return render_template(
        "status.html",
        out_of_step=[names.get(n, n) for n in behind],
        out_of_step_ids=set(behind),
        groups=portal.status(),
        deadline=portal.settings.deadline,
        building=ctx.builder.running,
        build_message=ctx.builder.message,
        last_build=portal.db.last_build(finished=True),
        documents=_documents(),
        foreign=portal.foreign_inbox_files(),
        missing=portal.storage.missing_files(),
    )


@bp.get("/status/<node_id>")
@login_required
def node(node_id: str) -> str:
    portal = context().portal
    found = portal.project.organisation.nodes.get(node_id)
    if found is None:
        abort(404)
    return render_template(
        "node.html",
        node=found,
        history=portal.db.submissions(node_id, light=True),
        active=portal.db.newest_valid(node_id),
        has_link=node_id in portal.db.active_tokens(),
        max_mb=portal.settings.max_upload_bytes >> 20,
    )


@bp.post("/status/<node_id>/inlamning")
@login_required
def upload_for(node_id: str) -> Response:
    """The coordinator hands in a workbook that came by e-mail."""
    portal = context().portal
    found = portal.project.organisation.nodes.get(node_id)
    file = request.files.get("fil")
    if found is None:
        abort(404)
    if file is None or not file.filename:
        abort(400)
    try:
        submission = portal.upload(found, file.stream, file.filename, by="samordnare")
    except TooLarge:
        abort(413)
    submitted(submission)
    return redirect(url_for("samordnare.submission", sid=submission.id), code=303)


@bp.post("/status/<node_id>/ny-lank")
@login_required
def rotate(node_id: str) -> str:
    portal = context().portal
    found = portal.project.organisation.nodes.get(node_id)
    if found is None:
        abort(404)
    token = portal.issue_link(node_id)
    return render_template("new_link.html", node=found, link=f"{_base_url()}/n/{token}")


@bp.get("/inlamning/<int:sid>")
@login_required
def submission(sid: int) -> str:
    portal = context().portal
    found = portal.db.submission(sid)
    if found is None:
        abort(404)
    node = portal.project.organisation.nodes.get(found.node_id)
    return render_template(
        "result.html",
        node=node,
        submission=found,
        active=portal.db.newest_valid(found.node_id),
        back=url_for("samordnare.node", node_id=found.node_id),
        out_of_step=found.node_id in portal.storage.out_of_step,
        download=url_for("samordnare.submission_file", sid=sid),
    )


@bp.get("/inlamning/<int:sid>/fil")
@login_required
def submission_file(sid: int) -> Response:
    portal = context().portal
    found = portal.db.submission(sid)
    if found is None:
        abort(404)
    return send_submission_file(found, portal.storage.path_of(found))


@bp.post("/inlamning/<int:sid>/aterstall")
@login_required
def restore(sid: int) -> Response:
    try:
        restored = context().portal.restore(sid)
    except KeyError:
        abort(404)
    submitted(restored)
    return redirect(url_for("samordnare.submission", sid=restored.id), code=303)


@bp.post("/bygg")
@login_required
def build() -> Response:
    ctx = context()
    ctx.builder.start()
    ctx.portal.db.log("samordnare", "bygg")
    return redirect(url_for("samordnare.status"), code=303)


@bp.get("/utdata/<path:rel>")
@login_required
def output(rel: str) -> Response:
    doc = find_document(_documents(), rel)
    if doc is None:
        abort(404)
    return send_file(doc.path, as_attachment=True, download_name=doc.name)


@bp.get("/lagring")
@login_required
def storage() -> str:
    portal = context().portal
    rows = housekeeping.usage(portal.storage)
    return render_template(
        "storage.html",
        rows=rows,
        names=portal.node_names(),
        total=sum(r.bytes for r in rows),
        prunable=sum(r.prunable_bytes for r in rows),
        quota=portal.settings.quota_bytes,
        per_hour=portal.settings.uploads_per_hour,
        pruned=(request.args.get("filer", type=int), request.args.get("byte", type=int)),
    )


@bp.post("/lagring/rensa")
@login_required
def prune() -> Response:
    files, size = housekeeping.prune(context().portal.storage)
    return redirect(url_for("samordnare.storage", filer=files, byte=size), code=303)


@bp.get("/lankar")
@login_required
def links() -> str:
    portal = context().portal
    org = portal.project.organisation
    have = portal.db.active_tokens()
    return render_template(
        "links.html",
        total=len(org.nodes),
        with_link=len(set(have) & set(org.nodes)),
        base=_base_url(),
        configured_base=bool(portal.settings.base_url),
    )


@bp.post("/lankar")
@login_required
def links_csv() -> Response:
    """Links for a mail merge. Only hashes are stored, so a link exists in this file only."""
    issued = context().portal.issue_links(all_nodes=request.form.get("vilka") == "alla")
    base = _base_url()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Id", "Namn", "Chef", "E-post", "Länk"])
    for node_, token in issued:
        writer.writerow(
            [
                _cell(node_.id),
                _cell(node_.name),
                _cell(node_.manager),
                _cell(node_.email),
                f"{base}/n/{token}",
            ]
        )
    data = io.BytesIO(("\ufeff" + buffer.getvalue()).encode("utf-8"))  # BOM: Excel reads UTF-8
    name = f"personliga-lankar-{datetime.now():%Y%m%d-%H%M}.csv"
    return send_file(data, mimetype="text/csv", as_attachment=True, download_name=name)


def _cell(value: str) -> str:
    """Text that a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
