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
    """At most `attempts` failed logins per client, and `global_attempts` from all clients
    together, within `window` seconds.

    An attempt is counted when it starts (`begin`), before the slow password check, so parallel
    guesses cannot all pass the check at once; a correct password (`succeeded`) takes the
    client's attempts back. Kept in memory: a restart forgets it, which is fine for slowing down
    guessing. Behind a proxy without `betrodd_proxy` every client has the proxy's address.
    """

    def __init__(self, attempts: int = 5, window: float = 600.0, global_attempts: int = 100) -> None:
        self.attempts = attempts
        self.window = window
        self.global_attempts = global_attempts
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[tuple[float, str]] = deque()
        self._lock = threading.Lock()

    def _prune(self, at: float) -> None:
        while self._all and at - self._all[0][0] > self.window:
            _, client = self._all.popleft()
            failures = self._failures.get(client)
            if failures:
                failures.popleft()
                if not failures:
                    del self._failures[client]

    def begin(self, client: str) -> str:
        """Count one attempt; returns "" when it may go ahead, else why not (Swedish)."""
        with self._lock:
            at = time.monotonic()
            self._prune(at)
            minutes = round(self.window / 60)
            if len(self._failures.get(client, ())) >= self.attempts:
                return f"För många felaktiga försök. Vänta {minutes} minuter och försök igen."
            if len(self._all) >= self.global_attempts:
                return (
                    "För många felaktiga inloggningsförsök just nu, från olika håll; inloggningen är "
                    f"spärrad en stund. Vänta {minutes} minuter och försök igen."
                )
            self._failures.setdefault(client, deque()).append(at)
            self._all.append((at, client))
            return ""

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
            self._all = deque(entry for entry in self._all if entry[1] != client)
