"""The coordinator's jobs as library calls: validate, consolidate, documents, build.

The CLI (and the web page) call these and only format their results.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from hpdocs.cache import cached_reader
from hpdocs.consolidate import Rollup, consolidate
from hpdocs.errors import UsageError
from hpdocs.inbox import Inbox, collect
from hpdocs.org import Node, Organisation
from hpdocs.plan import Plan
from hpdocs.project import Project
from hpdocs.workbook.parallel import read_many
from hpdocs.workbook.problems_write import write_problem_report
from hpdocs.workbook.read import Entry
from hpdocs.workbook.rollup_write import write_rollup

Progress = Callable[[str], None]


def quiet(_: str) -> None:
    return None


def resolve_period(plan: Plan, raw: str, year: int) -> str:
    """Accept `2022-Q3`, `Q3`, `q3`, `Kvartal 3` (and the plan's own labels)."""
    text = raw.strip()
    match = re.fullmatch(r"(\d{4})\s*[-/ ]\s*(.+)", text)
    if match:
        if int(match.group(1)) != year:
            raise UsageError(f"Perioden {raw} gäller år {match.group(1)}, men projektet gäller {year}.")
        text = match.group(2).strip()
    for period in plan.periods:
        if text.lower() in (period.id.lower(), period.label.lower(), period.label.lower().replace(" ", "")):
            return period.id
    allowed = ", ".join(f"{year}-{p.id} ({p.label})" for p in plan.periods)
    raise UsageError(f'Okänd period "{raw}". Välj en av: {allowed}.')


def default_period(plan: Plan, year: int, entries: list[Entry], today: date | None = None) -> str:
    """The latest period anyone reported in; else the period of today's date."""
    order = [p.id for p in plan.periods]
    reported = {e.period for e in entries if e.period in order}
    if reported:
        return max(reported, key=order.index)
    today = today or date.today()
    if today.year == year:
        for period in plan.periods:
            if today.month in period.months:
                return period.id
    return order[0] if today.year < year else order[-1]


def safe_name(text: str) -> str:
    return "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in text).strip()


@dataclass
class ConsolidateResult:
    inbox: Inbox
    period: str
    year: int
    business_areas: dict[str, Rollup]  # VO id -> roll-up
    company: Rollup
    files: list[Path] = field(default_factory=list)
    problem_reports: list[Path] = field(default_factory=list)

    @property
    def rollups(self) -> list[Rollup]:
        return [*self.business_areas.values(), self.company]


def validate_paths(paths: list[Path], plan: Plan, org: Organisation | None, year: int | None) -> Inbox:
    return collect(paths, plan, org, year=year)


def rollup_all(
    plan: Plan, org: Organisation, inbox: Inbox, period: str, year: int
) -> tuple[dict[str, Rollup], Rollup]:
    """A roll-up per business area and one for the company, from one inbox."""
    entries = inbox.entries
    submitted, rejected = inbox.submitted, set(inbox.rejected)

    def one(node: Node) -> Rollup:
        return consolidate(plan, org, node.id, period, year, entries, submitted=submitted, rejected=rejected)

    return {vo.id: one(vo) for vo in org.business_areas}, one(org.company)


def consolidate_project(
    project: Project,
    period: str | None = None,
    *,
    progress: Progress = quiet,
    inbox: Inbox | None = None,
    use_cache: bool = True,
) -> ConsolidateResult:
    """Read the inbox on all cores (unchanged workbooks from the project's cache unless
    `use_cache` is False), roll up per business area and company, write the roll-ups."""
    plan, org, year = project.plan, project.organisation, project.year
    if inbox is None:
        progress(f"Läser arbetsböcker i {project.inbox}")
        if use_cache:
            reader = cached_reader(project.cache_dir, plan, progress=progress)
        else:
            reader = partial(read_many, plan=plan, progress=progress)
        inbox = collect([project.inbox], plan, org, year=year, reader=reader)
    chosen = resolve_period(plan, period, year) if period else default_period(plan, year, inbox.entries)
    areas, company = rollup_all(plan, org, inbox, chosen, year)
    result = ConsolidateResult(inbox, chosen, year, areas, company)
    outdir = project.output / "sammanstallningar"
    outdir.mkdir(parents=True, exist_ok=True)
    stamps = {node: read.stamp for node, read in inbox.chosen.items()}
    for rollup in result.rollups:
        name = safe_name(
            f"Sammanställning {plan.level_name(rollup.scope.level)} {rollup.scope.name} {year}-{chosen}.xlsx"
        )
        progress(f"Skriver {name}")
        result.files.append(write_rollup(rollup, outdir / name, stamps=stamps))
    problem_dir = project.output / "problem"
    for read in inbox.reads:
        if len(read.report):
            problem_dir.mkdir(parents=True, exist_ok=True)
            result.problem_reports.append(
                write_problem_report(read, problem_dir / safe_name(f"Problem – {Path(read.name).stem}.xlsx"))
            )
    return result
