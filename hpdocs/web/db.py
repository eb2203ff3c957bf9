"""The web page's SQLite database: submissions, personal links, the coordinator, an audit trail.

Standard library sqlite3 only. The schema is versioned by the table `schema_version` and the
numbered scripts in `MIGRATIONS`; each script runs in one `BEGIN IMMEDIATE` transaction, so
two processes starting at once never apply a migration twice and a failed one leaves nothing.
Add a migration by appending `(n, sql)`; never edit an applied one.

Every call opens its own short-lived connection (web server threads share nothing); WAL mode
lets readers go on while one upload writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hpdocs.errors import ConfigError

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            node_id TEXT NOT NULL,
            uploaded_at TEXT NOT NULL,
            original_name TEXT NOT NULL,
            stored_path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            ok INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL,
            problems_json TEXT NOT NULL,
            uploaded_by TEXT NOT NULL,
            restored_from INTEGER REFERENCES submissions(id)
        );
        CREATE INDEX submissions_node ON submissions(node_id, id);
        CREATE TABLE tokens (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            node_id TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE UNIQUE INDEX tokens_one_active ON tokens(node_id) WHERE revoked_at IS NULL;
        CREATE TABLE coordinator (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            password_hash TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            node_id TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE inbox_files (
            node_id TEXT PRIMARY KEY,
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            inbox_name TEXT NOT NULL,
            placed_at TEXT NOT NULL
        );
        CREATE TABLE builds (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            ok INTEGER,
            message TEXT NOT NULL DEFAULT '',
            outputs_json TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
        """,
    ),
    (
        2,
        # removed_at: when the stored file was removed (pruned by the coordinator, or never
        # kept because it was no workbook; then stored_path is '').
        """
        ALTER TABLE submissions ADD COLUMN removed_at TEXT;
        CREATE INDEX submissions_node_time ON submissions(node_id, uploaded_at)
        """,
    ),
    (
        3,
        # Server-side coordinator sessions (hpdocs.web.sessions): only the id's SHA-256. The
        # cookie signing key no longer lives in the database.
        """
        CREATE TABLE sessions (
            id_hash TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            client TEXT NOT NULL DEFAULT ''
        );
        DELETE FROM meta WHERE key = 'session_secret'
        """,
    ),
]
LATEST = MIGRATIONS[-1][0]
MAX_ID = (1 << 63) - 1
LIGHT_COLUMNS = (
    "id, node_id, uploaded_at, original_name, stored_path, sha256, size, ok, errors, warnings,"
    " uploaded_by, restored_from, removed_at"
)


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Submission:
    id: int
    node_id: str
    uploaded_at: str
    original_name: str
    stored_path: str  # relative to the uploads folder, POSIX separators
    sha256: str
    size: int
    ok: bool
    errors: int
    warnings: int
    problems: list[dict[str, str]] = field(hash=False)
    uploaded_by: str  # "lank" (personal link) or "samordnare"
    restored_from: int | None = None
    removed_at: str | None = None  # the stored file was removed then (or never kept)

    @property
    def has_file(self) -> bool:
        """Whether the file as uploaded is still stored (and can be downloaded or restored)."""
        return bool(self.stored_path) and self.removed_at is None

    @property
    def when(self) -> str:
        return self.uploaded_at.replace("T", " ")[:16]


@dataclass(frozen=True)
class NewSubmission:
    node_id: str
    original_name: str
    stored_path: str
    sha256: str
    size: int
    ok: bool
    errors: int
    warnings: int
    problems: list[dict[str, str]]
    uploaded_by: str
    restored_from: int | None = None


@dataclass(frozen=True)
class Build:
    id: int
    started_at: str
    finished_at: str | None
    ok: bool | None
    message: str
    outputs: list[dict[str, str]]


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(
        id=row["id"],
        node_id=row["node_id"],
        uploaded_at=row["uploaded_at"],
        original_name=row["original_name"],
        stored_path=row["stored_path"],
        sha256=row["sha256"],
        size=row["size"],
        ok=bool(row["ok"]),
        errors=row["errors"],
        warnings=row["warnings"],
        problems=json.loads(row["problems_json"]) if "problems_json" in row.keys() else [],  # noqa: SIM118
        uploaded_by=row["uploaded_by"],
        restored_from=row["restored_from"],
        removed_at=row["removed_at"],
    )


class Database:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                migrate(conn)
        except (OSError, sqlite3.OperationalError) as exc:
            raise ConfigError(
                f"Webbsidans databas {self.path} kan inte öppnas eller skrivas ({exc}). Servern "
                "behöver skrivrätt till projektmappen (och mappen inlamningar/); kontrollera "
                "behörigheterna eller kör servern som en användare som får skriva där."
            ) from exc

    def _connect(self) -> closing[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        return closing(conn)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything in the block is stored, or nothing."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        with self._connect() as conn:
            return conn.execute(sql, args).fetchall()

    def _one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        with self._connect() as conn:
            row: sqlite3.Row | None = conn.execute(sql, args).fetchone()
            return row

    # Submissions -------------------------------------------------------------------------
    def add_submission(self, new: NewSubmission, *, actor: str) -> Submission:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO submissions (node_id, uploaded_at, original_name, stored_path, sha256,"
                " size, ok, errors, warnings, problems_json, uploaded_by, restored_from)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.node_id, now(), new.original_name, new.stored_path, new.sha256, new.size,
                    int(new.ok), new.errors, new.warnings,
                    json.dumps(new.problems, ensure_ascii=False), new.uploaded_by, new.restored_from,
                ),
            )  # fmt: skip
            sid = int(cur.lastrowid or 0)
            action = "återställning" if new.restored_from else "inlämning"
            verdict = ("godkänd med fel" if new.errors else "godkänd") if new.ok else "avvisad"
            _log(conn, actor, action, new.node_id, f"#{sid} {new.original_name} ({verdict})")
            row = conn.execute("SELECT * FROM submissions WHERE id = ?", (sid,)).fetchone()
        return _submission(row)

    def submission(self, sid: int) -> Submission | None:
        if not 0 < sid <= MAX_ID:  # SQLite integers are 64-bit: a larger id is simply not there
            return None
        row = self._one("SELECT * FROM submissions WHERE id = ?", sid)
        return _submission(row) if row else None

    def submissions(self, node_id: str | None = None, *, light: bool = False) -> list[Submission]:
        """Newest first; `light`: without the problems (their JSON can be large), for lists."""
        columns = LIGHT_COLUMNS if light else "*"
        if node_id is None:
            rows = self._all(f"SELECT {columns} FROM submissions ORDER BY id DESC")  # noqa: S608
        else:
            rows = self._all(
                f"SELECT {columns} FROM submissions WHERE node_id = ? ORDER BY id DESC",  # noqa: S608
                node_id,
            )
        return [_submission(r) for r in rows]

    def newest_valid(self, node_id: str) -> Submission | None:
        row = self._one(
            f"SELECT {LIGHT_COLUMNS} FROM submissions WHERE node_id = ? AND ok = 1 ORDER BY id DESC LIMIT 1",  # noqa: S608
            node_id,
        )
        return _submission(row) if row else None

    def latest_per_node(self, *, valid_only: bool = False) -> dict[str, Submission]:
        where = "WHERE ok = 1" if valid_only else ""
        rows = self._all(
            f"SELECT {LIGHT_COLUMNS} FROM submissions"  # noqa: S608
            f" WHERE id IN (SELECT MAX(id) FROM submissions {where} GROUP BY node_id)"
        )
        return {r["node_id"]: _submission(r) for r in rows}

    def stored_paths(self, *, present_only: bool = False) -> set[str]:
        """Stored file paths the records name (`present_only`: not removed, not '')."""
        where = "WHERE stored_path != '' AND removed_at IS NULL" if present_only else ""
        return {r[0] for r in self._all(f"SELECT DISTINCT stored_path FROM submissions {where}")}  # noqa: S608

    def stored_bytes(self, node_id: str) -> int:
        """Bytes the node's stored files take (a restore shares its file: counted once)."""
        row = self._one(
            "SELECT COALESCE(SUM(size), 0) FROM (SELECT stored_path, MAX(size) AS size FROM submissions"
            " WHERE node_id = ? AND stored_path != '' AND removed_at IS NULL GROUP BY stored_path)",
            node_id,
        )
        return int(row[0]) if row else 0

    def uploads_since(self, node_id: str, since: str) -> int:
        """Uploads through the node's personal link since `since` (ISO time)."""
        row = self._one(
            "SELECT COUNT(*) FROM submissions WHERE node_id = ? AND uploaded_at >= ?"
            " AND uploaded_by = 'lank' AND restored_from IS NULL",
            node_id,
            since,
        )
        return int(row[0]) if row else 0

    def mark_removed(self, ids: list[int], *, actor: str) -> None:
        with self.transaction() as conn:
            stamp = now()
            for sid in ids:
                conn.execute(
                    "UPDATE submissions SET removed_at = ? WHERE id = ? AND removed_at IS NULL", (stamp, sid)
                )
            _log(conn, actor, "rensning", "", f"{len(ids)} inlämningars filer borttagna")

    def nodes_with_submissions(self) -> set[str]:
        return {r[0] for r in self._all("SELECT DISTINCT node_id FROM submissions")}

    # Files the web page placed in the inbox -----------------------------------------------
    def inbox_file(self, node_id: str) -> tuple[int, str] | None:
        row = self._one("SELECT submission_id, inbox_name FROM inbox_files WHERE node_id = ?", node_id)
        return (row[0], row[1]) if row else None

    def inbox_names(self) -> set[str]:
        return {r[0] for r in self._all("SELECT inbox_name FROM inbox_files")}

    def set_inbox_file(self, node_id: str, submission_id: int | None, inbox_name: str = "") -> None:
        with self.transaction() as conn:
            if submission_id is None:
                conn.execute("DELETE FROM inbox_files WHERE node_id = ?", (node_id,))
            else:
                conn.execute(
                    "INSERT INTO inbox_files (node_id, submission_id, inbox_name, placed_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT(node_id) DO UPDATE SET"
                    " submission_id = excluded.submission_id, inbox_name = excluded.inbox_name,"
                    " placed_at = excluded.placed_at",
                    (node_id, submission_id, inbox_name, now()),
                )

    # Personal links -------------------------------------------------------------------------
    def replace_token(self, node_id: str, token_hash: str, *, actor: str) -> None:
        """The new token is the node's only valid one; earlier ones stop working at once."""
        with self.transaction() as conn:
            stamp = now()
            conn.execute(
                "UPDATE tokens SET revoked_at = ? WHERE node_id = ? AND revoked_at IS NULL",
                (stamp, node_id),
            )
            conn.execute(
                "INSERT INTO tokens (node_id, token_hash, created_at) VALUES (?, ?, ?)",
                (node_id, token_hash, stamp),
            )
            _log(conn, actor, "ny länk", node_id)

    def node_for_token_hash(self, token_hash: str) -> tuple[str, str] | None:
        """(node id, stored hash) of the valid token with this hash."""
        row = self._one(
            "SELECT node_id, token_hash FROM tokens WHERE token_hash = ? AND revoked_at IS NULL",
            token_hash,
        )
        return (row[0], row[1]) if row else None

    def active_tokens(self) -> dict[str, str]:
        """node id -> when its link was made."""
        rows = self._all("SELECT node_id, created_at FROM tokens WHERE revoked_at IS NULL")
        return {r[0]: r[1] for r in rows}

    # Coordinator ----------------------------------------------------------------------------
    def set_password_hash(self, password_hash: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO coordinator (id, password_hash, changed_at) VALUES (1, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET password_hash = excluded.password_hash,"
                " changed_at = excluded.changed_at",
                (password_hash, now()),
            )
            conn.execute("DELETE FROM sessions")  # a new password ends every login
            _log(conn, "samordnare", "nytt lösenord")

    def password(self) -> tuple[str, str] | None:
        """(hash, changed at) or None when no password is set."""
        row = self._one("SELECT password_hash, changed_at FROM coordinator WHERE id = 1")
        return (row[0], row[1]) if row else None

    # Coordinator sessions (hpdocs.web.sessions) -------------------------------------------------
    def add_session(self, id_hash: str, expires_at: str, client: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now(),))
            conn.execute(
                "INSERT INTO sessions (id_hash, created_at, expires_at, client) VALUES (?, ?, ?, ?)",
                (id_hash, now(), expires_at, client),
            )

    def session_valid(self, id_hash: str, at: str) -> bool:
        row = self._one("SELECT 1 FROM sessions WHERE id_hash = ? AND expires_at > ?", id_hash, at)
        return row is not None

    def end_session(self, id_hash: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))

    # Audit, builds, meta ---------------------------------------------------------------------
    def log(self, actor: str, action: str, node_id: str = "", detail: str = "") -> None:
        with self.transaction() as conn:
            _log(conn, actor, action, node_id, detail)

    def audit(self, limit: int = 200) -> list[sqlite3.Row]:
        return self._all("SELECT * FROM audit ORDER BY id DESC LIMIT ?", limit)

    def start_build(self) -> int:
        with self.transaction() as conn:
            cur = conn.execute("INSERT INTO builds (started_at) VALUES (?)", (now(),))
            return int(cur.lastrowid or 0)

    def finish_build(self, build_id: int, ok: bool, message: str, outputs: list[dict[str, str]]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE builds SET finished_at = ?, ok = ?, message = ?, outputs_json = ? WHERE id = ?",
                (now(), int(ok), message, json.dumps(outputs, ensure_ascii=False), build_id),
            )

    def last_build(self, *, finished: bool = False) -> Build | None:
        where = "WHERE finished_at IS NOT NULL" if finished else ""
        row = self._one(f"SELECT * FROM builds {where} ORDER BY id DESC LIMIT 1")  # noqa: S608
        if row is None:
            return None
        ok = None if row["ok"] is None else bool(row["ok"])
        outputs = json.loads(row["outputs_json"])
        return Build(row["id"], row["started_at"], row["finished_at"], ok, row["message"], outputs)

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", key)
        return row[0] if row else default

    def meta_setdefault(self, key: str, value: str) -> str:
        """Store `value` unless the key exists; return the stored value (race-free)."""
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            return str(conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0])

    def backup(self, target: Path) -> Path:
        """A consistent copy while the server runs (SQLite's online backup)."""
        with self._connect() as source, closing(sqlite3.connect(target)) as dest:
            source.backup(dest)
        return target


def _log(conn: sqlite3.Connection, actor: str, action: str, node_id: str = "", detail: str = "") -> None:
    conn.execute(
        "INSERT INTO audit (at, actor, action, node_id, detail) VALUES (?, ?, ?, ?, ?)",
        (now(), actor, action, node_id, detail),
    )


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing migrations; return the schema version."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = int(conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])
            if current > LATEST:
                raise ConfigError(
                    f"Databasen har version {current}, men den här versionen av hpdocs känner bara "
                    f"till version {LATEST}. Uppdatera hpdocs."
                )
            pending = [(v, sql) for v, sql in MIGRATIONS if v > current]
            if not pending:
                conn.execute("COMMIT")
                return current
            version, sql = pending[0]
            for statement in sql.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (version, now()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
