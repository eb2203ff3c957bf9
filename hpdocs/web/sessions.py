"""The coordinator's logins as server-side sessions, and the cookie signing key.

A login is a random session id (256 bits) in the signed session cookie; the database keeps only
its SHA-256 with an expiry. So:

- logging out deletes the session on the server: a saved copy of the cookie stops working;
- a new password ends every session (the same transaction that stores the new hash);
- a copy of the database (or of the whole project folder) holds no usable login: neither the
  ids nor anything they are derived from (the password hash plays no part in a session).

The signing key (it protects the cookie's integrity, e.g. the CSRF token) is never kept in
the database: it comes from the environment (`HPDOCS_WEBB_NYCKEL`), the settings, or a key file
created on first start with permissions 0600 (`nyckelfil`, default `inlamningar/.webbnyckel`).
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from hpdocs.errors import UsageError
from hpdocs.web import security
from hpdocs.web.db import Database

ENV_KEY = "HPDOCS_WEBB_NYCKEL"
COOKIE_FIELD = "samordnare_sid"


def signing_key(key_file: Path, configured: str = "") -> str:
    """The key from the environment, the settings, or the key file (made once, mode 0600)."""
    from_env = os.environ.get(ENV_KEY, "")
    if from_env or configured:
        return from_env or configured
    try:
        return key_file.read_text(encoding="ascii").strip() or _create(key_file, replace=True)
    except FileNotFoundError:
        return _create(key_file)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"Webbsidans nyckelfil {key_file} går inte att läsa ({exc}). Ge servern läsrätt till "
            f"den, eller ta bort den så att en ny skapas (alla samordnare loggas då ut)."
        ) from exc


def _create(key_file: Path, *, replace: bool = False) -> str:
    key = secrets.token_hex(32)
    try:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        if replace:
            key_file.unlink(missing_ok=True)
        fd = os.open(key_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another process made it just now
        return key_file.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise UsageError(
            f"Webbsidans nyckelfil {key_file} kan inte skapas ({exc.strerror or exc}). Ge servern "
            f"skrivrätt till mappen, eller sätt miljövariabeln {ENV_KEY}."
        ) from exc
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def start(db: Database, hours: int, client: str) -> str:
    """A new login; returns the session id for the cookie (the database keeps its hash)."""
    sid = secrets.token_urlsafe(32)
    expires = (datetime.now() + timedelta(hours=hours)).isoformat(timespec="seconds")
    db.add_session(security.token_hash(sid), expires, client)
    return sid


def valid(db: Database, sid: object) -> bool:
    if not isinstance(sid, str) or not sid or len(sid) > 200:
        return False
    return db.session_valid(security.token_hash(sid), datetime.now().isoformat(timespec="seconds"))


def end(db: Database, sid: object) -> None:
    if isinstance(sid, str) and sid:
        db.end_session(security.token_hash(sid))
