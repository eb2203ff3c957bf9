"""Read a workbook made for an earlier version of the plan, and say once what changed.

The reader maps every row by its stable id, so whatever still exists in the plan is read.
What the revision changed is collected here while the sheets are read — from what the
workbook itself shows (the area names on its sheets, the texts and measure hints on its
rows) — and explained in one note per workbook, without blaming the person who filled it
in: *Arbetsboken är gjord för planversion 2022.1, planen är nu 2022.2: området X har fått
nytt namn; mätningen Y är nu en andel – värdet i G29 räknas inte, ...*.

Changes a workbook cannot show (a follow-up's rhythm) are added from the archived plan of
the workbook's version, when the project has it (hpdocs.planversions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from hpdocs.plan import LEVEL_KEYS, AreaKind, Measure, MeasureKind, Plan
from hpdocs.problems import Problem, Severity
from hpdocs.values import clean_text
from hpdocs.workbook import contract as c

if TYPE_CHECKING:
    from hpdocs.workbook.read import WorkbookRead

CODE = "plan-reviderad"

# The hint line the writer puts under each measure's text (hpdocs.workbook.write), which
# tells which kind the measure had when the workbook was made.
KIND_HINTS: dict[str, MeasureKind] = {
    "Ange antal i kolumnen Värde.": MeasureKind.COUNT,
    "Ange täljare i Värde och nämnare i Nämnare – inte procent.": MeasureKind.SHARE,
    "Välj Ja eller Nej i kolumnen Värde.": MeasureKind.YESNO,
    "Ange resultatet i procent i kolumnen Värde.": MeasureKind.TARGET,
    "Beskriv resultatet i kolumnen Resultat / kommentar.": MeasureKind.TEXT,
}

NOW_KIND: dict[MeasureKind, tuple[str, str]] = {  # what it is now, what to do
    MeasureKind.COUNT: ("är nu ett antal", "fyll i antalet i den nya arbetsboken"),
    MeasureKind.SHARE: ("är nu en andel", "fyll i täljare och nämnare i den nya arbetsboken"),
    MeasureKind.YESNO: ("besvaras nu med Ja eller Nej", "välj Ja eller Nej i den nya arbetsboken"),
    MeasureKind.TARGET: (
        "anges nu i procent mot ett mål",
        "fyll i resultatet i procent i den nya arbetsboken",
    ),
    MeasureKind.TEXT: ("beskrivs nu i text", "skriv resultatet som kommentar i den nya arbetsboken"),
}

_KIND_PREFIXES = ("Grundläggande förutsättning: ", "Fokusområde: ")


def short(text: str, limit: int = 60) -> str:
    first = text.split("\n", 1)[0].strip()
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _first_line(text: str) -> str:
    """A text's first line as the workbook shows it: spaces and invisible characters aside."""
    return " ".join(clean_text(text).split("\n", 1)[0].split())


def sheet_area_title(rows: list[list[object]]) -> str:
    """The area's name as the workbook wrote it on the sheet (cell B1), "" when absent."""
    if not rows or len(rows[0]) < 2 or not isinstance(rows[0][1], str):
        return ""
    title = rows[0][1].strip()
    for prefix in _KIND_PREFIXES:
        if title.startswith(prefix):
            return title[len(prefix) :].strip()
    return ""


def workbook_kind(text: str) -> MeasureKind | None:
    """The measure's kind when the workbook was made, from the hint on its row."""
    last = text.rsplit("\n", 1)[-1].strip()
    return KIND_HINTS.get(last)


def _cells(cells: list[str]) -> str:
    """`värdet i G15 på bladet X`: cells are written `sheet!cell`, listed per sheet."""
    by_sheet: dict[str, list[str]] = {}
    for ref in dict.fromkeys(cells):
        sheet, _, cell = ref.rpartition("!")
        by_sheet.setdefault(sheet, []).append(cell)
    parts = []
    for sheet, found in by_sheet.items():
        listed = ", ".join(found[:6]) + (" med flera" if len(found) > 6 else "")
        parts.append(f'{listed} på bladet "{sheet}"' if sheet else listed)
    noun = "värdet" if len(dict.fromkeys(cells)) == 1 else "värdena"
    return f"{noun} i {' och '.join(parts)}"


@dataclass
class RevisionNotes:
    """What one workbook shows of a plan revision, gathered while its sheets are read."""

    made_for: str  # the plan version the workbook was made for
    current: str  # the plan's version now
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old, new) area names
    kinds: dict[str, tuple[Measure, list[str]]] = field(default_factory=dict)  # item -> cells
    removed: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)  # what, text, cells
    edited: dict[str, tuple[str, str]] = field(default_factory=dict)  # item -> (what, text now)
    new_areas: list[str] = field(default_factory=list)
    removed_areas: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # plan items that have rows in the workbook
    levels: set[str] = field(default_factory=set)  # levels whose items the workbook holds
    extra: list[str] = field(default_factory=list)  # changes known from the archived plan

    @property
    def revised(self) -> bool:
        """The workbook says it was made for another version than the plan's."""
        return bool(self.made_for) and self.made_for != self.current

    def area_sheet(self, old_title: str, new_title: str) -> None:
        if (
            old_title
            and _first_line(old_title) != _first_line(new_title)
            and (old_title, new_title) not in self.renamed
        ):
            self.renamed.append((old_title, new_title))

    def row(self, item: str, what: str, text_in_workbook: str, text_now: str) -> None:
        """A row of a plan item that still exists: its text may have been edited."""
        self.seen.add(item)
        parts = item.split(".")
        if len(parts) >= 3:
            self.levels.add(parts[1])
        if not self.revised or item in self.edited or not text_in_workbook:
            return
        if _first_line(text_in_workbook) != _first_line(text_now):
            self.edited[item] = (what, text_now)

    def kind_changed(self, measure: Measure, cell: str, has_value: bool) -> None:
        _, cells = self.kinds.setdefault(measure.id, (measure, []))
        if has_value:
            cells.append(cell)

    def gone(self, item: str, what: str, text: str, cells: list[str]) -> None:
        _, _, known = self.removed.setdefault(item, (what, text, []))
        known.extend(cells)

    @property
    def changes(self) -> list[str]:
        found = [f'området "{old}" heter nu "{new}"' for old, new in self.renamed]
        found += [
            f'området "{short(title)}" är nytt – fyll i det i den nya arbetsboken' for title in self.new_areas
        ]
        found += [
            f'området "{short(title)}" finns inte längre i planen – bladet räknas inte'
            for title in self.removed_areas
        ]
        for measure, cells in self.kinds.values():
            now, todo = NOW_KIND[measure.kind]
            text = f'mätningen "{short(measure.display_label)}" {now}'
            found.append(f"{text} – {_cells(cells)} räknas inte, {todo}" if cells else text)
        for what, text, cells in self.removed.values():
            gone = f'{what} "{short(text)}" finns inte längre i planen'
            found.append(f"{gone} – {_cells(cells)} räknas inte" if cells else gone)
        for what, text in self.edited.values():
            found.append(f'{what} har ny lydelse: "{short(text)}" (det som är ifyllt gäller fortfarande)')
        return found + self.extra

    def added(self, plan: Plan) -> list[str]:
        """Plan items at the workbook's own level that its sheets do not have."""
        if not self.revised or not self.levels:
            return []
        found: list[str] = []
        for area in plan.areas:
            if area.title in self.new_areas:
                continue
            for level in sorted(self.levels):
                row = area.row(level)
                for activity in row.activities if row else ():
                    if activity.id not in self.seen:
                        found.append(
                            f'aktiviteten "{short(activity.text)}" är ny – fyll i den i den nya arbetsboken'
                        )
                for measure in row.measures if row else ():
                    if measure.id not in self.seen:
                        found.append(
                            f'mätningen "{short(measure.display_label)}" är ny – fyll i den i den nya arbetsboken'
                        )
        return found

    def problem(self, plan: Plan, file: str) -> Problem | None:
        """The one note for the workbook; None when nothing changed that it shows."""
        changes = [*self.changes, *self.added(plan)]
        if not changes and not self.revised:
            return None
        if self.revised:
            head = f"Arbetsboken är gjord för planversion {self.made_for}, planen är nu {self.current}"
        else:
            head = f"Planen (version {self.current}) har ändrats sedan arbetsboken gjordes"
        body = _ALL_READ if not changes else ": " + "; ".join(changes) + _REST_READ
        return Problem(
            CODE, head + body + (ADVICE if changes else ""), Severity.WARNING, file, c.IDENTITY_SHEET
        )


def notes_for(identity: dict[str, str], plan: Plan) -> RevisionNotes:
    made_for = identity.get("hpdocs.planversion", "") if identity.get("hpdocs.plan") == plan.id else ""
    return RevisionNotes(made_for, plan.version)


def what_row(typ: str) -> str:
    """How a removed row is named in a note, from its type column."""
    if typ == c.TYPE_MEASURE:
        return "mätningen"
    if typ == c.TYPE_STATUS:
        return "områdesstatusen"
    return "aktiviteten"


def area_kind_word(kind: AreaKind) -> str:
    return "förutsättningen" if kind is AreaKind.PREREQUISITE else "fokusområdet"


ADVICE = " Samordnaren kan skicka en ny arbetsbok med det ifyllda överfört (hpdocs refresh)."
_ALL_READ = ": inget som arbetsboken innehåller har ändrats, allt läses."
_REST_READ = ". Allt annat läses som vanligt."


def with_changes(problem: Problem, extra: list[str]) -> Problem:
    """The note with changes added that only the archived plan version knows."""
    if not extra:
        return problem
    message = problem.message
    if _ALL_READ in message:
        head = message.split(_ALL_READ, 1)[0]
        message = f"{head}: {'; '.join(extra)}{_REST_READ}{ADVICE}"
    elif _REST_READ in message:
        head, tail = message.split(_REST_READ, 1)
        message = f"{head}; {'; '.join(extra)}{_REST_READ}{tail}"
    return replace(problem, message=message)


def revision_note(read: WorkbookRead, plan: Plan, previous: Callable[[str], Plan | None] | None) -> bool:
    """Complete the workbook's revision note from the archived plan; False when it has none."""
    from hpdocs.revision import rhythm_notes

    report = read.report
    at = next((i for i, p in enumerate(report.problems) if p.code == CODE), None)
    if at is None:
        return False
    made_for = read.identity.get("hpdocs.planversion", "")
    old = previous(made_for) if previous is not None and made_for else None
    if old is not None:
        levels = {e.item.split(".")[1] for e in read.entries if e.item.count(".") >= 2}
        levels |= {
            level for level in LEVEL_KEYS if read.identity.get("hpdocs.niva") == plan.level_name(level)
        }
        report.problems[at] = with_changes(report.problems[at], rhythm_notes(old, plan, levels))
    return True
