"""Passwords, personal link tokens, CSRF tokens, security headers and login throttling.

- The coordinator's password is hashed with Argon2id (argon2-cffi); only the hash is stored.
- A personal link carries `secrets.token_urlsafe(32)` (256 bits). The database keeps only its
  SHA-256, so a copy of the database gives nobody a working link; that is also why a link can
  be shown only when it is made (export or rotation), never later.
- The session cookie is Flask's signed cookie (itsdangerous) with a CSRF token that every form
  posts back; a coordinator login in it is only a server-side session id (hpdocs.web.sessions).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hpdocs.errors import UsageError

MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Personal links carry their token in the path: never send it to another site.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


class LoginThrottle:
    """At most `attempts` failed logins per client within `window` seconds.

    Kept in memory: a restart forgets it, which is fine for slowing down guessing.
    """

    def __init__(self, attempts: int = 5, window: float = 600.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, at: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and at - failures[0] > self.window:
            failures.popleft()
        return failures

    def blocked(self, client: str) -> bool:
        with self._lock:
            return len(self._recent(client, time.monotonic())) >= self.attempts

    def failed(self, client: str) -> None:
        with self._lock:
            at = time.monotonic()
            self._recent(client, at).append(at)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
