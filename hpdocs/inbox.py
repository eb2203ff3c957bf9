"""Collect an inbox of filled workbooks: read each, check it against the plan and
the organisation, and choose one submission per node.

One bad workbook never stops the others and never disappears: every file
gets its own report, and every node is submitted, rejected or missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from pathlib import Path

from hpdocs.org import Organisation
from hpdocs.plan import Plan
from hpdocs.problems import Problem, Severity
from hpdocs.workbook import contract as c
from hpdocs.workbook.read import Entry, WorkbookRead
from hpdocs.workbook.revised import revision_note

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls", ".xlsb"}
# Files a computer leaves by itself: not handed in by anyone, so not worth a word.
_SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini"}
_ADVICE = {
    **dict.fromkeys(
        (".zip", ".7z", ".rar", ".gz"), "Packa upp zip-filen och lägg arbetsboken (.xlsx) i inkorgen."
    ),
    **dict.fromkeys(
        (".csv", ".txt", ".tsv"),
        "En textfil läses inte. Lägg in arbetsboken (.xlsx) som samordnaren skickade ut.",
    ),
    **dict.fromkeys(
        (".doc", ".docx", ".pdf", ".ppt", ".pptx", ".odt", ".rtf"),
        "Ett dokument läses inte, bara arbetsböcker. Be avsändaren skicka arbetsboken (.xlsx).",
    ),
    **dict.fromkeys(
        (".xltx", ".xltm", ".xlt", ".ots"),
        "En Excel-mall läses inte. Öppna den, spara som arbetsbok (.xlsx) och lägg den i inkorgen.",
    ),
}


@dataclass
class Inbox:
    reads: list[WorkbookRead]  # every file, with its report
    chosen: dict[str, WorkbookRead]  # node id -> the submission used
    rejected: dict[str, list[WorkbookRead]] = field(default_factory=dict)  # node -> refused files
    notes: list[Problem] = field(default_factory=list)  # run-level remarks (duplicates...)
    ignored: list[Problem] = field(default_factory=list)  # files in the inbox that are not read
    replaced: dict[str, str] = field(default_factory=dict)  # file -> the newer file used instead

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
        return [p for r in self.reads for p in r.report] + self.notes + self.ignored

    def state(self, read: WorkbookRead) -> str:
        """What became of one file, in the words every command and page uses."""
        if read.name in self.replaced:
            return f"ersatt av {self.replaced[read.name]}"
        if not read.report.usable:
            return STATE_REFUSED
        if read.report.excluding:
            return STATE_WITH_ERRORS
        return STATE_READ


STATE_READ = "godkänd"
STATE_WITH_ERRORS = "godkänd med fel"
STATE_REFUSED = "avvisad"


def find_workbooks(paths: Iterable[Path], ignored: list[Problem] | None = None) -> list[Path]:
    """Workbook files among the given files and folders, sub-folders included (a coordinator
    may sort the inbox per business area). Other files are listed in `ignored`, with what to do."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for p in sorted(path.rglob("*")):
            rel = p.relative_to(path)
            if any(part.startswith(".") for part in rel.parts[:-1]) or not p.is_file():
                continue  # hidden folders (a cache, a sync tool's) are not the inbox
            if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~$", ".~lock", ".")):
                found.append(p)
            elif ignored is not None and p.name.lower() not in _SYSTEM_FILES:
                ignored.append(_ignored(p, rel))
    return found


def _ignored(path: Path, rel: Path) -> Problem:
    name = path.name
    if name.startswith(("~$", ".~lock")):
        advice = "Det är en låsfil från Excel eller LibreOffice: arbetsboken är öppen någonstans. Stäng den; låsfilen kan sedan tas bort."
    else:
        advice = _ADVICE.get(
            path.suffix.lower(),
            "Filtypen läses inte. Lägg bara arbetsböcker (.xlsx, .xlsm, .xls, .xlsb, .ods) i inkorgen.",
        )
    return Problem("fil-ignorerad", f"Filen läses inte. {advice}", Severity.WARNING, rel.as_posix())


def check_identity(
    read: WorkbookRead,
    plan: Plan,
    org: Organisation | None,
    year: int | None,
    previous: Callable[[str], Plan | None] | None = None,
) -> None:
    """Structural checks that need the plan, the organisation and (`previous`) the archived
    plan versions, which add to the workbook's revision note what its sheets cannot show."""
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
    elif ident.get("hpdocs.planversion") != plan.version and revision_note(read, plan, previous):
        pass  # the revision is explained in one note (hpdocs.workbook.revised)
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
    previous: Callable[[str], Plan | None] | None = None,
) -> Inbox:
    """Read every workbook, check it and choose one submission per node."""
    paths = list(paths)
    ignored: list[Problem] = []
    files = find_workbooks(paths, ignored)
    if reader is not None:
        reads = reader(files)
    else:  # in worker processes: a reader that aborts costs its file, not the run
        from hpdocs.workbook.parallel import read_many

        reads = read_many(files, plan)
    _name_by_folder(reads, [p for p in paths if p.is_dir()])
    for read in reads:
        check_identity(read, plan, org, year, previous)
    inbox = choose(reads, org.labels if org is not None else None)
    inbox.ignored = ignored
    return inbox


def _name_by_folder(reads: list[WorkbookRead], folders: list[Path]) -> None:
    """A workbook in a sub-folder is named with its folder ("Omsorg/Enhet A.xlsx"), so that two
    files of the same name in two folders stay apart in every message."""
    for read in reads:
        rel = next((read.path.relative_to(f) for f in folders if read.path.is_relative_to(f)), None)
        if rel is None or len(rel.parts) < 2:
            continue
        old, new = read.name, rel.as_posix()
        read.name = read.report.file = new
        read.report.problems = [replace(p, file=new) if p.file == old else p for p in read.report.problems]
        read.entries = [replace(e, file=new) if e.file == old else e for e in read.entries]


def _when(read: WorkbookRead) -> tuple[datetime, str]:
    """The date that decides between duplicate submissions, and where it comes from."""
    if read.updated is not None:
        return read.updated, "Senast uppdaterad på bladet Identitet"
    if read.saved is not None:
        return read.saved, "filens sparade tid (Senast uppdaterad saknar datum)"
    return datetime.min, "inget datum alls; filnamnet avgör"


def _sort_key(read: WorkbookRead) -> tuple[datetime, str]:
    # Newest by a real date; ties broken by file name, so the choice is stable.
    return (_when(read)[0], read.name)


def _shown(read: WorkbookRead) -> str:
    when, source = _when(read)
    if when == datetime.min:
        return f"{read.name} ({source})"
    stamp = when.strftime("%Y-%m-%d %H:%M") if when.time() != time() else when.date().isoformat()
    return f"{read.name} ({stamp} enligt {source})"


def choose(reads: list[WorkbookRead], labels: dict[str, str] | None = None) -> Inbox:
    """One submission per node: the newest usable workbook by a real date; roll-ups fill in
    nodes that sent nothing directly."""
    inbox = Inbox(reads=reads, chosen={})
    direct: dict[str, list[WorkbookRead]] = {}
    for read in reads:
        if read.node_id and read.kind != c.KIND_ROLLUP:
            direct.setdefault(read.node_id, []).append(read)
    for node_id, candidates in direct.items():
        ordered = sorted(candidates, key=_sort_key)
        usable = [r for r in ordered if r.report.usable]
        refused = [r for r in ordered if not r.report.usable]
        if usable:
            inbox.chosen[node_id] = usable[-1]
            for older in usable[:-1]:
                inbox.replaced[older.name] = usable[-1].name
        elif refused:
            inbox.rejected[node_id] = refused
        if len(candidates) > 1:
            inbox.notes.append(_duplicate_note(node_id, ordered, usable, labels))
    for read in sorted((r for r in reads if r.kind == c.KIND_ROLLUP and r.report.usable), key=_sort_key):
        for node_id in sorted({e.node for e in read.entries}):
            if node_id not in inbox.chosen or inbox.chosen[node_id].kind == c.KIND_ROLLUP:
                inbox.chosen[node_id] = read
                inbox.rejected.pop(node_id, None)
    return inbox


def _duplicate_note(
    node_id: str, ordered: list[WorkbookRead], usable: list[WorkbookRead], labels: dict[str, str] | None
) -> Problem:
    who = (labels or {}).get(node_id) or ordered[-1].identity.get("hpdocs.nodnamn", "") or node_id
    versions = "; ".join(_shown(r) for r in ordered)
    if not usable:
        message = f"{len(ordered)} arbetsböcker för {who} (id {node_id}), alla avvisade: {versions}. Ingen av dem används."
        return Problem("dubblett", message, Severity.WARNING)
    used = usable[-1]
    message = f"{len(ordered)} arbetsböcker för {who} (id {node_id}): {versions}. Används: {used.name}, den nyaste som går att använda."
    newer_refused = [r for r in ordered if _sort_key(r) > _sort_key(used)]
    if newer_refused:
        names = ", ".join(r.name for r in newer_refused)
        message += f" Den nyaste versionen ({names}) avvisades, så en äldre version ({used.name}) används i stället. Rätta och skicka in den nya igen."
    return Problem("dubblett", message, Severity.WARNING, used.name)
