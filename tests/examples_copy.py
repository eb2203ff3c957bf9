"""Copies of the committed example projects, whatever earlier commands left beside them.

The README's first command (`hpdocs build examples/vardbolaget`) leaves outputs, a cache and
perhaps a lock inside examples/; tests that copy or compare an example must see only what git
tracks, so that they pass in any order after any command.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# What a run leaves in a project folder and git ignores (see .gitignore): never part of an example.
_LEFT_BY_RUNS = ("utdata", ".hpdocs-cache", "inlamningar")


def committed_files(folder: Path) -> list[Path]:
    """The files git tracks under `folder` (relative to it), so that a test never mistakes what
    an earlier command left in the tree (a cache, outputs, a lock) for part of the repository.
    Without git (an unpacked sdist) the folder minus what runs leave stands in for it."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", "--", "."],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        listed = ""
    files = [Path(p) for p in listed.split("\0") if p]
    if files:
        return sorted(p for p in files if (folder / p).is_file())
    return sorted(
        p.relative_to(folder)
        for p in folder.rglob("*")
        if p.is_file()
        and not any(part in _LEFT_BY_RUNS or part.startswith(".") for part in p.relative_to(folder).parts)
        and p.suffix != ".lock"
    )


def copy_committed(source: Path, target: Path, *, without: tuple[str, ...] = ()) -> Path:
    """Copy the committed files of `source` (an example project) to `target`, leaving out the
    top-level entries named in `without` (e.g. "inkorg")."""
    for rel in committed_files(source):
        if rel.parts[0] in without:
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / rel, target / rel)
    target.mkdir(parents=True, exist_ok=True)
    return target


def copy_example(target: Path, name: str = "vardbolaget", *, without: tuple[str, ...] = ()) -> Path:
    """A fresh copy of a committed example project (examples/NAME) at `target`."""
    return copy_committed(REPO / "examples" / name, target, without=without)
