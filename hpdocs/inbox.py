"""Collect an inbox of filled workbooks: read each, check it against the plan and
the organisation, and choose one submission per node.

One bad workbook never stops the others and never disappears: every file
gets its own report, and every node is submitted, rejected or missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hpdocs.org import Organisation
from hpdocs.plan import Plan
from hpdocs.problems import Problem, Severity
from hpdocs.workbook import contract as c
from hpdocs.workbook.read import Entry, WorkbookRead, plan_index, read_workbook

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls"}


@dataclass
class Inbox:
    reads: list[WorkbookRead]  # every file, with its report
    chosen: dict[str, WorkbookRead]  # node id -> the submission used
    rejected: dict[str, list[WorkbookRead]] = field(default_factory=dict)  # node -> refused files
    notes: list[Problem] = field(default_factory=list)  # run-level remarks (duplicates...)

    @property
    def entries(self) -> list[Entry]:
        """Every entry of the chosen submissions; a node's data comes from one source only."""
        result: list[Entry] = []
        for node_id, read in sorted(self.chosen.items()):
            result.extend(e for e in read.entries if e.node == node_id)
        return result

    @property
    def submitted(self) -> set[str]:
        return set(self.chosen)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.reads for p in r.report] + self.notes


def find_workbooks(paths: Iterable[Path]) -> list[Path]:
    """Workbook files among the given files and folders (not recursing into output folders)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.iterdir())
                if p.is_file()
                and p.suffix.lower() in WORKBOOK_SUFFIXES
                and not p.name.startswith(("~$", ".~lock", "."))
            )
        else:
            found.append(path)
    return found


def check_identity(read: WorkbookRead, plan: Plan, org: Organisation | None, year: int | None) -> None:
    """Structural checks that need the plan and the organisation."""
    ident, report = read.identity, read.report
    if not ident:
        return

    def add(code: str, message: str, severity: Severity = Severity.ERROR) -> None:
        report.add(Problem(code, message, severity, read.name, c.IDENTITY_SHEET))

    if ident.get("hpdocs.plan") != plan.id:
        add(
            "fel-plan",
            f'Arbetsboken är gjord för planen "{ident.get("hpdocs.plan")}", men projektet använder "{plan.id}". Be samordnaren om rätt arbetsbok.',
        )
    elif ident.get("hpdocs.planversion") != plan.version:
        add(
            "annan-planversion",
            f"Arbetsboken är gjord för planversion {ident.get('hpdocs.planversion')}, projektet har {plan.version}. Det som kan kopplas via id läses; det övriga rapporteras.",
            Severity.WARNING,
        )
    if ident.get("hpdocs.mallversion") != c.TEMPLATE_VERSION:
        add(
            "annan-mallversion",
            f"Arbetsboken har mallversion {ident.get('hpdocs.mallversion')}, aktuell är {c.TEMPLATE_VERSION}. Den läses via id så långt det går.",
            Severity.WARNING,
        )
    if year is not None and ident.get("hpdocs.ar") not in ("", str(year)):
        add(
            "fel-ar",
            f"Arbetsboken gäller år {ident.get('hpdocs.ar')}, projektet {year}. Använd årets arbetsbok.",
        )
    if org is not None:
        node_id = read.node_id
        if node_id not in org.nodes:
            add(
                "okand-nod",
                f'Id "{node_id}" ({ident.get("hpdocs.nodnamn", "")}) finns inte i organisationen. Kontrollera organisationsfilen eller använd rätt arbetsbok.',
            )
        else:
            for node in {e.node for e in read.entries} - set(org.nodes):
                add(
                    "okand-nod",
                    f'Sammanställningen innehåller id "{node}" som inte finns i organisationen; de värdena används inte.',
                    Severity.WARNING,
                )


def collect(
    paths: Iterable[Path],
    plan: Plan,
    org: Organisation | None = None,
    *,
    year: int | None = None,
    reader: Callable[[list[Path]], list[WorkbookRead]] | None = None,
) -> Inbox:
    """Read every workbook, check it and choose one submission per node."""
    files = find_workbooks(paths)
    if reader is not None:
        reads = reader(files)
    else:
        index = plan_index(plan)
        reads = [read_workbook(f, plan, index=index) for f in files]
    for read in reads:
        check_identity(read, plan, org, year)
    return choose(reads)


def _sort_key(read: WorkbookRead) -> tuple[str, str]:
    # Newest by the workbook's own stamp; ties broken by file name, so the choice is stable.
    return (read.stamp, read.name)


def choose(reads: list[WorkbookRead]) -> Inbox:
    """One submission per node: the newest usable workbook; roll-ups fill in nodes
    that sent nothing directly."""
    inbox = Inbox(reads=reads, chosen={})
    direct: dict[str, list[WorkbookRead]] = {}
    for read in reads:
        if read.node_id and read.kind != c.KIND_ROLLUP:
            direct.setdefault(read.node_id, []).append(read)
    for node_id, candidates in direct.items():
        usable = sorted((r for r in candidates if r.report.ok), key=_sort_key)
        refused = [r for r in candidates if not r.report.ok]
        if usable:
            inbox.chosen[node_id] = usable[-1]
        if refused and not usable:
            inbox.rejected[node_id] = refused
        if len(candidates) > 1:
            used = usable[-1].name if usable else "ingen (alla har fel)"
            names = ", ".join(r.name for r in sorted(candidates, key=_sort_key))
            inbox.notes.append(
                Problem(
                    "dubblett",
                    f"{len(candidates)} arbetsböcker för samma enhet ({node_id}): {names}. Används: {used} (nyast enligt bladet Identitet).",
                    Severity.WARNING,
                    used if usable else "",
                )
            )
    for read in sorted((r for r in reads if r.kind == c.KIND_ROLLUP and r.report.ok), key=_sort_key):
        for node_id in sorted({e.node for e in read.entries}):
            if node_id not in inbox.chosen or inbox.chosen[node_id].kind == c.KIND_ROLLUP:
                inbox.chosen[node_id] = read
                inbox.rejected.pop(node_id, None)
    return inbox
