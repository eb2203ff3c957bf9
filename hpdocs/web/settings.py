"""Settings of the web page: the `[webb]` table of hpdocs.toml, overridable from Python.

    [webb]
    databas = "inlamningar/webb.sqlite"   # SQLite database (relative to the project folder)
    inlamningar = "inlamningar"           # every uploaded file, one folder per node
    max_mb = 20                           # largest upload
    kvot_mb = 100                         # stored files per personal link (0: no quota)
    inlamningar_per_timme = 30            # uploads per personal link and hour (0: no limit)
    sista_dag = 2022-10-15                # after this date a missing unit counts as late
    bas_url = "https://hp.exempel.se"     # start of the personal links (default: as requested)
    betrodd_proxy = "127.0.0.1"           # X-Forwarded-* trusted only from this address
    sokvagsprefix = "/hp"                 # when the proxy serves the page under a sub-path
    saker_cookie = false                  # true behind HTTPS: the session cookie needs HTTPS
    bygg_efter_inlamning = false          # rebuild the documents after each valid upload
    nyckelfil = "inlamningar/.webbnyckel" # cookie signing key (0600; or HPDOCS_WEBB_NYCKEL)

The project loader (hpdocs.project) ignores this table, so the CLI never depends on it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from hpdocs.errors import ConfigError
from hpdocs.project import CONFIG_NAME

MiB = 1 << 20


@dataclass(frozen=True)
class WebSettings:
    database: Path
    uploads: Path
    max_upload_bytes: int = 20 * MiB
    quota_bytes: int = 100 * MiB  # per node, uploads through its personal link; 0 = none
    uploads_per_hour: int = 30  # per node, through its personal link; 0 = no limit
    deadline: date | None = None
    base_url: str = ""
    trusted_proxy: str = ""  # address of the reverse proxy; "" = remove X-Forwarded-* headers
    url_prefix: str = ""
    secure_cookie: bool = False
    build_after_upload: bool = False
    secret_key: str = ""  # empty: HPDOCS_WEBB_NYCKEL or the key file (never the database)
    key_file: Path = Path("inlamningar/.webbnyckel")
    session_hours: int = 8
    extra: dict[str, Any] = field(default_factory=dict)  # Flask config overrides (tests)


def _table(root: Path) -> dict[str, Any]:
    path = root / CONFIG_NAME
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: inställningsfilen går inte att läsa: {exc}") from exc
    table = config.get("webb", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [webb] ska vara en tabell.")
    return table


def load_settings(root: Path, **overrides: Any) -> WebSettings:
    """The settings for the project folder `root` (already found by load_project)."""
    table = _table(root)
    where = f"{root / CONFIG_NAME} [webb]"

    def number(key: str, default: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f'{where}: "{key}" ska vara ett heltal ≥ 0, inte {value!r}.')
        return value

    def flag(key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise ConfigError(f'{where}: "{key}" ska vara true eller false, inte {value!r}.')
        return value

    deadline = table.get("sista_dag")
    if deadline is not None and not isinstance(deadline, date):
        raise ConfigError(f'{where}: "sista_dag" ska vara ett datum, t.ex. sista_dag = 2022-10-15.')
    settings = WebSettings(
        database=root / str(table.get("databas", "inlamningar/webb.sqlite")),
        uploads=root / str(table.get("inlamningar", "inlamningar")),
        key_file=root / str(table.get("nyckelfil", "inlamningar/.webbnyckel")),
        max_upload_bytes=max(number("max_mb", 20), 1) * MiB,
        quota_bytes=number("kvot_mb", 100) * MiB,
        uploads_per_hour=number("inlamningar_per_timme", 30),
        deadline=deadline,
        base_url=str(table.get("bas_url", "")).rstrip("/"),
        trusted_proxy=str(table.get("betrodd_proxy", "")),
        url_prefix=str(table.get("sokvagsprefix", "")).rstrip("/"),
        secure_cookie=flag("saker_cookie"),
        build_after_upload=flag("bygg_efter_inlamning"),
    )
    return replace(settings, **overrides) if overrides else settings
