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
from hpdocs.consolidate import Excluded, Rollup, consolidate
from hpdocs.errors import UsageError
from hpdocs.inbox import Inbox, collect
from hpdocs.org import Node, Organisation
from hpdocs.outputs import Job, Keys, Manifest, ReportJob, RollupJob, write_jobs
from hpdocs.plan import Plan
from hpdocs.planversions import loader
from hpdocs.previous import with_previous
from hpdocs.project import Project
from hpdocs.workbook import contract as c
from hpdocs.workbook.parallel import read_many
from hpdocs.workbook.read import Entry

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
    raise UsageError(f'Okänd period "{raw}". Välj en av: {allowed}, eller {year} för hela året.')


def is_whole_year(raw: str | None, year: int) -> bool:
    """`--period 2022` (or `helår`, `2022-helår`): the whole year, for the yearly PSB in February."""
    text = (raw or "").strip().lower()
    return text in (str(year), "helår", "helar", f"{year}-helår", f"{year}-helar", f"helår {year}")


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
    kept: set[Path] = field(default_factory=set)  # outputs left as an earlier run wrote them
    whole_year: bool = False  # `--period 2022`: documents cover the year up to `period`

    @property
    def rollups(self) -> list[Rollup]:
        return [*self.business_areas.values(), self.company]


def validate_paths(
    paths: list[Path],
    plan: Plan,
    org: Organisation | None,
    year: int | None,
    previous: Callable[[str], Plan | None] | None = None,
) -> Inbox:
    return collect(paths, plan, org, year=year, previous=previous)


def rollup_all(
    plan: Plan, org: Organisation, inbox: Inbox, period: str, year: int
) -> tuple[dict[str, Rollup], Rollup]:
    """A roll-up per business area and one for the company, from one inbox.

    Each business area is given only its own nodes' entries (grouped once), so the work grows
    with the organisation, not with business areas × all entries.
    """
    entries = inbox.entries
    submitted, rejected = inbox.submitted, set(inbox.rejected)
    excluded = excluded_values(inbox)
    by_node: dict[str, list[Entry]] = {}
    for e in entries:
        by_node.setdefault(e.node, []).append(e)

    def one(node: Node, given: list[Entry]) -> Rollup:
        return consolidate(
            plan, org, node.id, period, year, given, submitted=submitted, rejected=rejected, excluded=excluded
        )

    areas = {
        vo.id: one(vo, [e for n in org.scope(vo.id) for e in by_node.get(n.id, ())])
        for vo in org.business_areas
    }
    return areas, one(org.company, entries)


def excluded_values(inbox: Inbox) -> list[Excluded]:
    """Every value of the submissions used that an error on its cell keeps out of the figures."""
    return [
        Excluded(read.node_id, p.file, p.sheet, p.cell, p.period, p.item, p.context, p.written, p.message)
        for read in sorted(inbox.chosen.values(), key=lambda r: r.name)
        if read.kind != c.KIND_ROLLUP
        for p in read.report.excluding
    ]


def consolidate_project(
    project: Project,
    period: str | None = None,
    *,
    progress: Progress = quiet,
    inbox: Inbox | None = None,
    use_cache: bool = True,
) -> ConsolidateResult:
    """Read the inbox on all cores, roll up per business area and company, write the
    roll-ups and problem reports. Unchanged workbooks come from the project's cache and
    unchanged outputs are kept, unless `use_cache` is False (then everything is done anew)."""
    plan, org, year = project.plan, project.organisation, project.year
    if inbox is None:
        progress(f"Läser arbetsböcker i {project.inbox}")
        if use_cache:
            reader = cached_reader(project.cache_dir, plan, progress=progress)
        else:
            reader = partial(read_many, plan=plan, progress=progress)
        inbox = collect([project.inbox], plan, org, year=year, reader=reader, previous=loader(project))
    whole_year = is_whole_year(period, year)
    if period and not whole_year:
        chosen = resolve_period(plan, period, year)
    else:  # the whole year stands at its last period reported in
        chosen = default_period(plan, year, inbox.entries)
    areas, company = with_previous(project, *rollup_all(plan, org, inbox, chosen, year))
    result = ConsolidateResult(inbox, chosen, year, areas, company, whole_year=whole_year)
    write_outputs(project, result, progress=progress, incremental=use_cache)
    return result


def rollup_names(plan: Plan, rollups: list[Rollup], year: int, period: str) -> list[str]:
    """File names of the roll-ups; a name two business areas share gets their ids."""
    names = [
        safe_name(f"Sammanställning {plan.level_name(r.scope.level)} {r.scope.name} {year}-{period}.xlsx")
        for r in rollups
    ]
    taken = [n.lower() for n in names]
    return [
        safe_name(f"{n.removesuffix('.xlsx')} ({r.scope.id}).xlsx") if taken.count(n.lower()) > 1 else n
        for n, r in zip(names, rollups, strict=True)
    ]


def write_outputs(
    project: Project, result: ConsolidateResult, *, progress: Progress = quiet, incremental: bool = True
) -> None:
    """Write the roll-ups and one problem report per workbook with problems: with
    `incremental`, only those whose content changed since the last run (see hpdocs.outputs)."""
    plan, inbox = project.plan, result.inbox
    outdir = project.output / "sammanstallningar"
    outdir.mkdir(parents=True, exist_ok=True)
    keys = Keys(project.organisation, inbox, result.period, result.year) if incremental else None
    stamps = {node: read.stamp for node, read in inbox.chosen.items()}
    jobs: list[Job] = []
    for rollup, name in zip(
        result.rollups, rollup_names(plan, result.rollups, result.year, result.period), strict=True
    ):
        path = outdir / name
        # The company's Data rows repeat every node's: kept between runs (hpdocs.workbook.fragments).
        if keys is not None and rollup is result.company:
            job = RollupJob(rollup, path, stamps, keys.rollup(rollup, path), project.cache_dir, keys.nodes)
        else:
            job = RollupJob(rollup, path, stamps, keys.rollup(rollup, path) if keys else "")
        jobs.append(job)
        result.files.append(path)
    problem_dir = project.output / "problem"
    taken: set[str] = set()
    periods = tuple((p.id, p.label) for p in plan.periods)
    for read in inbox.reads:
        if len(read.report):
            problem_dir.mkdir(parents=True, exist_ok=True)
            name = safe_name(f"Problem – {Path(read.name).stem}.xlsx")
            if name.lower() in taken:  # "A.xlsx" and "A.ods" both had problems
                name = safe_name(f"Problem – {read.name}.xlsx")
            taken.add(name.lower())
            path = problem_dir / name
            jobs.append(ReportJob(read, path, keys.report(read, path, periods) if keys else "", periods))
            result.problem_reports.append(path)
    manifest = Manifest(project.cache_dir, project.output) if incremental else None
    written = set(write_jobs(jobs, project.organisation, manifest, progress=progress))
    result.kept = {job.path for job in jobs} - written
