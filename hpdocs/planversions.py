"""Every plan version the project has sent workbooks for, kept in `planversioner/`.

`hpdocs workbooks` archives the plan it writes workbooks for as
`planversioner/<version>.yaml`, word for word. When the plan is revised later,
the archive tells what the workbooks already sent out were made from: the
reader explains the revision to each workbook, `hpdocs revision` compares
the plan with it, and `hpdocs refresh` knows what could not be carried over.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hpdocs.atomic import atomic_write_text
from hpdocs.errors import PlanError
from hpdocs.plan import Plan
from hpdocs.planfile import BUILTIN_PLANS, BUILTIN_PREFIX, builtin_plan_text, parse_plan
from hpdocs.project import Project

FOLDER = "planversioner"


def archive_dir(project: Project) -> Path:
    return project.root / FOLDER


def _file_name(version: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]", "_", version) + ".yaml"


def plan_text(project: Project) -> str:
    source = project.plan_source
    builtin = source.removeprefix(BUILTIN_PREFIX)
    if builtin in BUILTIN_PLANS and not (project.root / source).is_file():
        return builtin_plan_text(builtin)
    return (project.root / source).read_text(encoding="utf-8-sig")


def archive_plan(project: Project) -> Path:
    """Keep the project's plan as the version workbooks are sent for; returns the file.

    A version already archived with other content is kept as it was (the workbooks sent
    for it were made from that content) and the new content is saved beside it.
    """
    folder = archive_dir(project)
    folder.mkdir(exist_ok=True)
    text = plan_text(project)
    path = folder / _file_name(project.plan.version)
    if path.is_file() and path.read_text(encoding="utf-8") != text:
        existing = parse_plan(path.read_text(encoding="utf-8"), file=path.name)
        if repr(existing.areas) == repr(project.plan.areas) and existing.periods == project.plan.periods:
            return path  # only comments or formatting differ
        n = 2
        while (folder / f"{path.stem}-{n}.yaml").is_file():
            n += 1
        path = folder / f"{path.stem}-{n}.yaml"
    if not path.is_file():
        atomic_write_text(path, text)
    return path


def archived(project: Project, version: str) -> Plan | None:
    """The plan as it was at `version`, when the project archived it."""
    path = archive_dir(project) / _file_name(version)
    if not path.is_file():
        return None
    try:
        return parse_plan(path.read_text(encoding="utf-8"), file=f"{FOLDER}/{path.name}")
    except PlanError:
        return None


def archived_versions(project: Project) -> list[str]:
    """The archived versions, oldest file first."""
    folder = archive_dir(project)
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.yaml"), key=lambda p: p.stat().st_mtime)
    versions: list[str] = []
    for path in files:
        try:
            versions.append(parse_plan(path.read_text(encoding="utf-8"), file=path.name).version)
        except PlanError:
            continue
    return versions


def loader(project: Project) -> Callable[[str], Plan | None]:
    """`archived` for one project, each version parsed once."""
    cache: dict[str, Plan | None] = {}

    def load(version: str) -> Plan | None:
        if version not in cache:
            cache[version] = archived(project, version)
        return cache[version]

    return load
