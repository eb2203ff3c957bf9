"""What `hpdocs validate` checks against: a project, a plan, or what the workbook says itself.

A manager with one workbook and no project must be able to check it before sending it. The
workbook's Identitet sheet names its plan (id and version) and year; with a built-in plan
that is enough to check every cell. Inside a project (found from the file's folder upwards,
as `consolidate` finds it from its folder) the project's plan, organisation and year are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hpdocs.errors import HpdocsError, UsageError
from hpdocs.inbox import find_workbooks
from hpdocs.org import Organisation
from hpdocs.plan import Plan
from hpdocs.planfile import BUILTIN_PLANS, BUILTIN_PREFIX, load_plan
from hpdocs.project import Project, find_project, load_project

# The plan a workbook is read with only to find its Identitet sheet; any plan does.
_PEEK_PLAN = "hp-2022"


@dataclass(frozen=True)
class Target:
    plan: Plan
    organisation: Organisation | None
    year: int | None
    paths: list[Path]
    project: Project | None = None
    # How the plan was chosen, for the person: "projektet …", "planen … (ur arbetsboken …)"
    basis: str = ""


def resolve(
    files: list[Path],
    *,
    project_dir: Path | None = None,
    plan_source: str | None = None,
    cwd: Path | None = None,
) -> Target:
    """The plan, organisation and year to check `files` against, and the paths to check."""
    project = None
    if project_dir is not None:
        project = load_project(project_dir)
    elif plan_source is None:
        project = _project_of(files) or _project_at(cwd or Path.cwd())
    if project is not None:
        # The project folder itself means its inbox (not its organisation file and outputs).
        root = project.root.resolve()
        paths = [project.inbox if p.resolve() == root else p for p in files] or [project.inbox]
        return Target(
            project.plan, project.organisation, project.year, paths, project, f"projektet {project.root}"
        )
    if not files:
        raise UsageError(
            'Ange arbetsböcker eller mappar att kontrollera (eller --projekt MAPP). Exempel: hpdocs validate "Enhet Akuten.xlsx"'
        )
    if plan_source is not None:
        return Target(load_plan(plan_source), None, None, list(files), None, f"planen {plan_source}")
    return _from_workbook(list(files))


def _project_of(files: list[Path]) -> Project | None:
    """The one project the given files or folders lie in, if any."""
    roots: set[Path] = set()
    for path in files:
        start = path if path.is_dir() else path.parent
        try:
            roots.add(find_project(start))
        except HpdocsError:
            continue
    if len(roots) > 1:
        names = ", ".join(str(r) for r in sorted(roots))
        raise UsageError(
            f"Filerna hör till olika projekt ({names}). Kontrollera ett projekt åt gången eller ange --projekt MAPP."
        )
    return load_project(roots.pop()) if roots else None


def _project_at(folder: Path) -> Project | None:
    """The project the current folder lies in, if any (a broken one is reported, not skipped)."""
    try:
        root = find_project(folder)
    except HpdocsError:
        return None
    return load_project(root)


def _from_workbook(files: list[Path]) -> Target:
    """No project: the built-in plan and the year the first hpdocs workbook names."""
    from hpdocs.workbook.parallel import read_one

    peek = load_plan(_PEEK_PLAN)
    for path in find_workbooks(files):
        identity = read_one(path, peek).identity
        plan_id = identity.get("hpdocs.plan", "")
        if not plan_id:
            continue  # not an hpdocs workbook, or unreadable: its own report will say so
        if plan_id not in BUILTIN_PLANS:
            raise UsageError(
                f'Arbetsboken "{path.name}" är gjord för planen "{plan_id}", som inte är inbyggd i hpdocs. '
                "Ange planfilen med --plan PLANFIL eller projektmappen med --projekt MAPP."
            )
        year = identity.get("hpdocs.ar", "")
        plan = peek if plan_id == _PEEK_PLAN else load_plan(plan_id)
        basis = f'planen {BUILTIN_PREFIX}{plan_id} och året {year or "okänt"} ur arbetsboken "{path.name}"'
        return Target(plan, None, int(year) if year.isdigit() else None, files, None, basis)
    # Nothing says which plan: read with the default one so that each file's problems are shown.
    return Target(peek, None, None, files, None, f"planen {BUILTIN_PREFIX}{_PEEK_PLAN}")
