"""The Flask application: one project folder served to managers and the coordinator.

    app = create_app(Path("min-plan"))      # then serve it with waitress (hpdocs.web.serve)

Managers use a personal link `/n/<token>` (hpdocs.web.manager); the coordinator logs in with a
password (hpdocs.web.coordinator). Every POST carries a CSRF token from the signed session;
every response carries the security headers of hpdocs.web.security and is never cached.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, abort, current_app, has_request_context, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from hpdocs import __version__
from hpdocs.errors import HpdocsError
from hpdocs.project import load_project
from hpdocs.web import security, sessions
from hpdocs.web.db import Submission
from hpdocs.web.documents import Builder
from hpdocs.web.service import Portal
from hpdocs.web.settings import WebSettings, load_settings

FORM_OVERHEAD = 1 << 20  # multipart framing and form fields beyond the file itself


@dataclass
class WebContext:
    portal: Portal
    builder: Builder
    throttle: security.LoginThrottle

    def close(self) -> None:
        """Release the project's server lock (hpdocs.web.serverlock)."""
        self.portal.close()


def context() -> WebContext:
    ctx: WebContext = current_app.extensions["hpdocs"]
    return ctx


def submitted(submission: Submission) -> None:
    """After an upload or restore: rebuild at once if the project asks for it."""
    ctx = context()
    if submission.ok and ctx.portal.settings.build_after_upload:
        ctx.builder.start()


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = security.new_csrf_token()
        session["csrf"] = token
    return token


def is_coordinator() -> bool:
    """A login is a server-side session (hpdocs.web.sessions): logout or a new password ends it."""
    return sessions.valid(context().portal.db, session.get(sessions.COOKIE_FIELD))


TOKEN_IN_PATH = re.compile(r"/n/[^/?#\s]+")


def mask_tokens(text: str) -> str:
    """A personal link's token is its owner's key: never write it to a log."""
    return TOKEN_IN_PATH.sub("/n/<token>", text)


class PortalFlask(Flask):
    """Flask that logs an error's request path without the personal link's token."""

    def log_exception(self, exc_info: Any) -> None:
        self.logger.error(
            "Exception on %s [%s]", mask_tokens(request.path), request.method, exc_info=exc_info
        )


class ProxyAwareSessions(SecureCookieSessionInterface):
    """The Secure cookie flag also when HTTPS is known from a trusted proxy's X-Forwarded-Proto
    (waitress then sets the request's scheme to https)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app)) or (has_request_context() and request.is_secure)


def create_app(project_dir: Path, *, settings: WebSettings | None = None) -> Flask:
    project = load_project(Path(project_dir))
    settings = settings or load_settings(project.root)
    portal = Portal(project.root, settings)
    portal.start()
    app = PortalFlask(__name__, static_folder="static", template_folder="templates")
    app.session_interface = ProxyAwareSessions()
    secret = sessions.signing_key(settings.key_file, settings.secret_key)
    app.config.update(
        SECRET_KEY=secret,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes + FORM_OVERHEAD,
        SESSION_COOKIE_NAME="hpdocs_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookie,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        SEND_FILE_MAX_AGE_DEFAULT=0,
    )
    app.config.update(settings.extra)
    app.extensions["hpdocs"] = WebContext(
        portal, Builder(portal.db, lambda: portal.project), security.LoginThrottle()
    )
    app.jinja_env.globals.update(csrf_token=csrf_token, is_coordinator=is_coordinator, version=__version__)

    from hpdocs.web.coordinator import bp as coordinator_bp
    from hpdocs.web.manager import bp as manager_bp

    app.register_blueprint(manager_bp)
    app.register_blueprint(coordinator_bp)
    _register_hooks(app)
    return app


def _register_hooks(app: Flask) -> None:
    @app.before_request
    def check_csrf() -> None:
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            sent = request.form.get("csrf", "")
            expected = session.get("csrf")
            if not isinstance(expected, str) or not sent or not security.same(sent, expected):
                abort(400, description="csrf")

    @app.context_processor
    def project_name() -> dict[str, Any]:
        try:
            name = context().portal.project.name
        except HpdocsError:
            name = ""
        return {"project_name": name}

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.update(security.SECURITY_HEADERS)
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        return render_template("error.html", code=code, reason=_reason(exc)), code

    @app.errorhandler(OSError)
    @app.errorhandler(sqlite3.Error)
    def storage_error(exc: Exception) -> tuple[str, int]:
        """A read-only or full disk: a Swedish page (and the details in the log), not a 500."""
        app.logger.error("Lagringsfel på %s: %s", mask_tokens(request.path), exc)
        detail = str(exc) if is_coordinator() else ""
        return render_template("error.html", code=503, reason="lagring", detail=detail), 503

    @app.errorhandler(HpdocsError)
    def hpdocs_error(exc: HpdocsError) -> tuple[str, int]:
        detail = str(exc) if is_coordinator() else ""
        return render_template("error.html", code=500, reason="projekt", detail=detail), 500


def _reason(exc: HTTPException) -> str:
    """Which Swedish explanation error.html shows."""
    if exc.description in ("csrf", "lank"):
        return exc.description
    length, limit = request.content_length, current_app.config["MAX_CONTENT_LENGTH"] or 0
    if exc.code == 413 and length is not None and length <= limit:
        return "for-manga-delar"  # Werkzeug's limit on form parts, not on size
    return str(exc.code)
