"""Where the shipped templates are: inside the wheel, or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """The built-in templates folder (templates/ in a checkout, hpdocs/_templates in a wheel)."""
    for candidate in (_PACKAGE / "_templates", _PACKAGE.parent / "templates"):
        if (candidate / "word").is_dir():
            return candidate
    raise FileNotFoundError("hpdocs hittar inte sina mallar (templates/). Installera om paketet.")


def template_path(kind: str, name: str, override_dir: Path | None = None) -> Path:
    """A template by kind ("word", "pptx", "excel") and file name; a project's own
    copy (from `hpdocs init`) wins over the built-in one."""
    if override_dir is not None and (override_dir / kind / name).is_file():
        return override_dir / kind / name
    return templates_dir() / kind / name
