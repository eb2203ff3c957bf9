"""`hpdocs serve`: a small web page to hand in workbooks and fetch the documents.

    from hpdocs.web import serve, set_coordinator_password
    set_coordinator_password(Path("min-plan"), "ett långt lösenord")
    serve(Path("min-plan"))                 # http://127.0.0.1:8000/

Needs the optional dependencies `pip install "hpdocs[web]"` (Flask, waitress, argon2-cffi);
this module imports them only when called, so the rest of hpdocs works without them.
See docs/webb.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hpdocs.errors import UsageError

if TYPE_CHECKING:
    from flask import Flask

    from hpdocs.web.settings import WebSettings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
BODY_SLACK = 64 << 10  # bytes waitress accepts beyond the app's own limit
_MISSING = 'Webbsidan behöver tilläggen för webben. Installera dem med: pip install "hpdocs[web]"'


def _quiet(_: str) -> None:
    return None


def create_app(project_dir: Path, *, settings: WebSettings | None = None) -> Flask:
    """The WSGI application (Flask), for waitress or any other WSGI server."""
    try:
        from hpdocs.web.app import create_app as make
    except ImportError as exc:
        raise UsageError(f"{_MISSING} ({exc.name} saknas).") from exc
    return make(Path(project_dir), settings=settings)


def set_coordinator_password(project_dir: Path, password: str) -> None:
    """Set (or change) the coordinator's password; every open coordinator session ends."""
    try:
        from hpdocs.project import load_project
        from hpdocs.web.db import Database
        from hpdocs.web.security import hash_password
        from hpdocs.web.settings import load_settings
    except ImportError as exc:
        raise UsageError(f"{_MISSING} ({exc.name} saknas).") from exc
    project = load_project(Path(project_dir))
    Database(load_settings(project.root).database).set_password_hash(hash_password(password))


def make_server(app: Flask, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, threads: int = 8) -> Any:
    """A waitress server for `app` with the project's proxy settings (port 0: any free port).

    X-Forwarded-* headers are used only from `betrodd_proxy` and removed from anyone else.
    """
    try:
        from waitress import create_server
    except ImportError as exc:
        raise UsageError(f"{_MISSING} ({exc.name} saknas).") from exc
    settings = app.extensions["hpdocs"].portal.settings
    proxy: dict[str, Any] = {"clear_untrusted_proxy_headers": True}
    if settings.trusted_proxy:
        proxy["trusted_proxy"] = settings.trusted_proxy
        proxy["trusted_proxy_headers"] = {
            "x-forwarded-for",
            "x-forwarded-proto",
            "x-forwarded-host",
            "x-forwarded-port",
        }
    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="hpdocs",
        url_prefix=settings.url_prefix,
        # A little larger than Flask's limit, so that Flask answers with the Swedish page, and
        # waitress buffers no more than that.
        max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + BODY_SLACK,
        **proxy,
    )


def start_warnings(settings: WebSettings, host: str) -> list[str]:
    """What the person starting the server should know about its settings (Swedish)."""
    lines = []
    if not settings.trusted_proxy:
        lines.append(
            "Obs: betrodd_proxy är inte satt. Kör sidan bakom en omvänd proxy har då alla anrop "
            "proxyns adress: spärren efter felaktiga inloggningar gäller alla på en gång, och loggen "
            "visar inte vem som anropade. Sätt betrodd_proxy i hpdocs.toml om en proxy används."
        )
    if not settings.base_url:
        lines.append(
            "Obs: bas_url är inte satt. Personliga länkar börjar då med den adress som webbläsaren "
            "använde (Host-huvudet); sätt bas_url i hpdocs.toml till den adress cheferna ska använda."
        )
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.secure_cookie:
        lines.append(
            f"Obs: servern lyssnar på {host} utan saker_cookie. Öppna den inte mot nätet utan HTTPS "
            "framför; sätt saker_cookie = true bakom HTTPS."
        )
    return lines


def serve(
    project_dir: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    threads: int = 8,
    progress: Callable[[str], None] = _quiet,
) -> None:
    """Serve the project with waitress until interrupted (Ctrl+C)."""
    app = create_app(project_dir)
    server = make_server(app, host, port, threads=threads)
    portal = app.extensions["hpdocs"].portal
    progress(
        f"hpdocs: webbsidan för {portal.project.root} körs på http://{host}:{port}/ – avsluta med Ctrl+C."
    )
    for line in start_warnings(portal.settings, host):
        progress(line)
    if portal.db.password() is None:
        progress(
            "Inget lösenord för samordnaren är satt ännu. Sätt det med: hpdocs serve PROJEKT --satt-losenord"
        )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.extensions["hpdocs"].close()
