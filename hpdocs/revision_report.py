"""`hpdocs revision`: what a plan revision changes, and whose handed-in values it touches.

Compares two plans (by default the project's plan with the archived version the
workbooks in the inbox were made for) with hpdocs.revision, reads the inbox against
the earlier version so that even values of removed items are found, and lists each
change with the values it concerns, file by file and cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hpdocs.errors import UsageError
from hpdocs.inbox import collect
from hpdocs.plan import Plan
from hpdocs.planfile import load_plan
from hpdocs.planversions import FOLDER, archived, archived_versions
from hpdocs.project import Project
from hpdocs.revision import REMOVED, Change, compare
from hpdocs.workbook.read import Entry

GROUPS: tuple[tuple[str, str], ...] = (
    ("plan", "Planen"),
    ("område", "Områden"),
    ("aktivitet", "Aktiviteter"),
    ("mätning", "Mätningar"),
    ("uppföljning", "Uppföljningar"),
)


@dataclass
class RevisionReport:
    old: Plan
    new: Plan
    old_source: str
    new_source: str
    changes: list[Change]
    affected: dict[int, list[Entry]] = field(default_factory=dict)  # change index -> entries
    workbooks: int = 0  # workbooks read for the values

    @property
    def lost(self) -> list[Entry]:
        """Handed-in values that no longer count."""
        seen: dict[tuple[str, str, str, str], Entry] = {}
        for i, change in enumerate(self.changes):
            if not change.keeps_values:
                for e in self.affected.get(i, []):
                    seen.setdefault((e.file, e.sheet, e.cell, e.period), e)
        return list(seen.values())


def _old_plan(project: Project, given: str | None, versions_sent: list[str]) -> tuple[Plan, str]:
    if given:
        if Path(given).is_file() or given.endswith((".yaml", ".yml")):
            return load_plan(Path(given)), given
        plan = archived(project, given)
        if plan is None:
            known = ", ".join(archived_versions(project)) or "inga"
            raise UsageError(f"Planversion {given} finns inte i {FOLDER}/ (sparade versioner: {known}).")
        return plan, f"{FOLDER}/{given}.yaml"
    current = project.plan.version
    candidates = [v for v in versions_sent if v != current] or [
        v for v in reversed(archived_versions(project)) if v != current
    ]
    for version in candidates:
        plan = archived(project, version)
        if plan is not None:
            return plan, f"{FOLDER}/{version}.yaml"
    raise UsageError(
        f"Det finns ingen tidigare planversion att jämföra med: {FOLDER}/ har ingen annan version än {current}. "
        "Ange en planfil att jämföra med: hpdocs revision --fran gammal-plan.yaml"
    )


def revision_report(
    project: Project, old_source: str | None = None, new_source: str | None = None
) -> RevisionReport:
    """Compare the plans and find the handed-in values each change concerns."""
    new = load_plan(Path(new_source)) if new_source else project.plan
    versions = [] if old_source else versions_sent(project)
    old, old_name = _old_plan(project, old_source, versions)
    report = RevisionReport(old, new, old_name, new_source or project.plan_source, compare(old, new))
    if project.inbox.is_dir():
        inbox = collect([project.inbox], old, None, year=project.year)
        report.workbooks = len(inbox.chosen)
        entries = inbox.entries
        for i, change in enumerate(report.changes):
            found = [e for e in entries if _concerns(change, e)]
            if found:
                report.affected[i] = found
    return report


def versions_sent(project: Project) -> list[str]:
    """The plan versions the inbox's workbooks were made for, most used first."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

    from hpdocs.inbox import find_workbooks
    from hpdocs.problems import Report
    from hpdocs.safety import inspect_workbook
    from hpdocs.workbook import contract as c

    counts: dict[str, int] = {}
    for path in find_workbooks([project.inbox]) if project.inbox.is_dir() else []:
        if not Report(problems=list(inspect_workbook(path))).ok:
            continue  # not safe to open: `hpdocs validate` says why
        rows: list[list[Any]] = []
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            try:
                if c.IDENTITY_SHEET in workbook.sheet_names:
                    rows = workbook.get_sheet_by_name(c.IDENTITY_SHEET).to_python()
            finally:
                workbook.close()
        except (CalamineError, PasswordError, XmlError, ZipError, OSError, ValueError):
            rows = []  # unreadable: it tells no version (`hpdocs validate` reports it)
        version = next(
            (str(r[2]).strip() for r in rows if r and r[0] == "hpdocs.planversion" and len(r) > 2), ""
        )
        if version:
            counts[version] = counts.get(version, 0) + 1
    return sorted(counts, key=lambda v: -counts[v])


def _concerns(change: Change, entry: Entry) -> bool:
    if entry.item in change.affects:
        return True
    if change.statuses and entry.status in change.statuses:
        return True
    return change.change == REMOVED and change.what == "område" and entry.area == change.area


def _cells(entries: list[Entry]) -> list[str]:
    by_place: dict[tuple[str, str], list[str]] = {}
    for e in entries:
        by_place.setdefault((e.file, e.sheet), []).append(e.cell)
    return [
        f"{file} › {sheet} › {', '.join(dict.fromkeys(cells))}" for (file, sheet), cells in by_place.items()
    ]


def _count(n: int) -> str:
    return "1 inlämnat värde" if n == 1 else f"{n} inlämnade värden"


def report_lines(report: RevisionReport) -> list[str]:
    """The report as the command prints it."""
    old, new = report.old, report.new
    lines = [
        f"Planrevision: {new.title}, version {old.version} → {new.version}",
        f"Jämför {report.old_source} med {report.new_source}.",
    ]
    if not report.changes:
        return [
            *lines,
            "",
            "Planerna har samma innehåll: inga områden, aktiviteter, mätningar eller uppföljningar har ändrats.",
        ]
    for what, title in GROUPS:
        group = [(i, c) for i, c in enumerate(report.changes) if c.what == what]
        if not group:
            continue
        lines += ["", f"{title}:"]
        for i, change in group:
            lines.append(f"  – {change.text}")
            found = report.affected.get(i, [])
            if found:
                effect = "räknas inte längre" if not change.keeps_values else "läses som förut"
                lines.append(f"      berör {_count(len(found))} ({effect}):")
                lines += [f"        {place}" for place in _cells(found)]
    lost = report.lost
    books = "1 inlämnad arbetsbok" if report.workbooks == 1 else f"{report.workbooks} inlämnade arbetsböcker"
    count = "1 ändring" if len(report.changes) == 1 else f"{len(report.changes)} ändringar"
    lines += ["", f"{count}. {books} har lästs för att hitta berörda värden."]
    if lost:
        lines.append(
            f"{_count(len(lost)).capitalize()} räknas inte längre. Kör hpdocs refresh för nya arbetsböcker med allt "
            "annat ifyllt överfört, och be enheterna fylla i det som ändrats."
        )
    else:
        lines.append("Alla inlämnade värden räknas även efter revisionen.")
    return lines
