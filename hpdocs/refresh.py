"""`hpdocs refresh`: new workbooks for the current plan, with what was handed in carried over.

After a revision each node gets a workbook made for the plan as it is now, holding every
status, value, comment and own activity from the workbook it handed in (the one the inbox
uses), so that the manager continues in the new file. What cannot be carried over — a value
of a measure that is now of another kind, an item the plan no longer has, a value that could
not be read — is listed per node with the reason. The old workbooks still read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from hpdocs.atomic import atomic_path
from hpdocs.inbox import collect
from hpdocs.org import Node
from hpdocs.plan import MeasureKind, Plan
from hpdocs.planversions import archive_plan, loader
from hpdocs.project import Project
from hpdocs.workbook import contract as c
from hpdocs.workbook.house_style import house_style_for
from hpdocs.workbook.read import KIND_MEASURE, KIND_OWN, Entry, WorkbookRead, plan_index, read_workbook
from hpdocs.workbook.revised import NOW_KIND, short
from hpdocs.workbook.write import (
    OWN_ROWS_PER_AREA,
    WorkbookSpec,
    build_workbook,
    nodes_for_workbooks,
    workbook_names,
)

Progress = Callable[[str], None]


@dataclass
class Refreshed:
    """One node's new workbook and what of its handed-in workbook did not come along."""

    node: Node
    path: Path
    source: str = ""  # the handed-in workbook the values came from, "" when none
    carried: int = 0  # rows carried over
    not_carried: list[str] = field(default_factory=list)  # Swedish: what and why


def _cell_values(entry: Entry, plan: Plan, index: dict[str, object]) -> dict[str, object]:
    """The input cells of one entry, as the reader will read them back."""
    values: dict[str, object] = {}
    if entry.status:
        values["status"] = entry.status
    if entry.comment:
        values["kommentar"] = entry.comment
    if entry.kind == KIND_MEASURE and entry.value is not None:
        measure = index[entry.item].measure  # type: ignore[attr-defined]
        kind = measure.kind if measure is not None else MeasureKind.COUNT
        if kind is MeasureKind.YESNO:
            values["varde"] = c.YES if entry.value else c.NO
        elif kind is MeasureKind.TARGET and entry.value < 1 and not entry.value.is_integer():
            values["varde"] = f"{entry.value:g} %".replace(".", ",")  # not read as a fraction
        else:
            values["varde"] = int(entry.value) if entry.value.is_integer() else entry.value
        if entry.denominator is not None:
            values["namnare"] = (
                int(entry.denominator) if entry.denominator.is_integer() else entry.denominator
            )
    elif entry.kind == KIND_OWN and entry.value is not None:
        values["varde"] = int(entry.value) if entry.value.is_integer() else entry.value
    return values


def _fill(path: Path, plan: Plan, entries: list[Entry]) -> list[Entry]:
    """Write the entries into their rows of the new workbook; returns those with no row."""
    index = plan_index(plan)
    labels = {p.id: p.label for p in plan.periods}
    by_row = {c.row_id(e.item, e.period): e for e in entries if e.kind != KIND_OWN}
    own: dict[str, list[Entry]] = {}
    for e in entries:
        if e.kind == KIND_OWN:
            own.setdefault(e.area, []).append(e)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        header = next((r for r in ws.iter_rows(max_row=10) if r[0].value == c.COLUMNS_MARKER), None)
        if header is None:
            continue
        cols = {str(cell.value): cell.column for cell in header}
        for row in ws.iter_rows(min_row=header[0].row + 1, max_col=1):
            ident = str(row[0].value or "")
            number = row[0].row
            entry = by_row.pop(ident, None)
            if entry is not None:
                for key, value in _cell_values(entry, plan, index).items():  # type: ignore[arg-type]
                    ws.cell(row=number, column=cols[key]).value = value
            elif ident.endswith(c.OWN_SUFFIX) and own.get(ident.removesuffix(c.OWN_SUFFIX)):
                e = own[ident.removesuffix(c.OWN_SUFFIX)].pop(0)
                given = {"period": labels.get(e.period, e.period), "nr": e.nr, "text": e.text}
                given.update(_cell_values(e, plan, index))  # type: ignore[arg-type]
                for key, value in given.items():
                    if value not in ("", None):
                        ws.cell(row=number, column=cols[key]).value = value
    with atomic_path(path) as tmp:
        wb.save(tmp)
    wb.close()
    return [*by_row.values(), *(e for rows in own.values() for e in rows)]


def _with_revision(read: WorkbookRead, plan: Plan) -> WorkbookRead:
    """The read with its revision notes. Reads come back from worker processes without them (the
    packed form holds what the cache keeps); a file that a worker has read safely is read once
    more here for its notes."""
    if read.revision is None and read.report.usable and read.kind != c.KIND_ROLLUP:
        read.revision = read_workbook(read.path, plan, name=read.name).revision
    return read


def _not_carried(read: WorkbookRead) -> list[str]:
    """What the handed-in workbook holds that the new one cannot, and why."""
    found: list[str] = []
    notes = read.revision
    if notes is not None:
        for measure, cells in notes.kinds.values():
            if cells:
                now, todo = NOW_KIND[measure.kind]
                where = ", ".join(dict.fromkeys(x.replace("!", " › ") for x in cells))
                found.append(
                    f'{where}: mätningen "{short(measure.display_label)}" {now}; värdet förs inte över – {todo}.'
                )
        for what, text, cells in notes.removed.values():
            where = ", ".join(dict.fromkeys(x.replace("!", " › ") for x in cells)) or "kommentar"
            found.append(
                f'{where}: {what} "{short(text)}" finns inte längre i planen; det ifyllda förs inte över.'
            )
        for title in notes.removed_areas:
            found.append(
                f'Området "{short(title)}" finns inte längre i planen; bladets värden förs inte över.'
            )
    for p in read.report.excluding:
        written = f' "{p.written}"' if p.written else ""
        found.append(
            f"{p.sheet} › {p.cell}:{written} förs inte över, eftersom det inte kunde läsas: {p.message}"
        )
    return found


def refresh_workbooks(
    project: Project, outdir: Path | None = None, *, progress: Progress = lambda _: None
) -> list[Refreshed]:
    """A new workbook per node for the current plan, with the inbox's values carried over."""
    plan, org = project.plan, project.organisation
    target = outdir or project.output / "arbetsbocker-fornyade"
    target.mkdir(parents=True, exist_ok=True)
    inbox = collect([project.inbox], plan, org, year=project.year, previous=loader(project))
    results: list[Refreshed] = []
    house, _ = house_style_for(project.templates)
    names = workbook_names(plan, org)  # as `hpdocs workbooks` names them
    for node in nodes_for_workbooks(org):
        read = inbox.chosen.get(node.id)
        entries = [e for e in read.entries if e.node == node.id] if read else []
        own_rows = {e.area: 0 for e in entries}
        for e in entries:
            own_rows[e.area] += e.kind == KIND_OWN
        parent = org.nodes.get(node.parent)
        spec = WorkbookSpec(
            plan,
            node,
            project.year,
            parent.name if parent else "",
            house=house,
            own_rows=max([OWN_ROWS_PER_AREA, *(n + 4 for n in own_rows.values())]),
        )
        path = target / names[node.id]
        wb = build_workbook(spec)
        filled_by = read.identity.get(c.FILLED_BY_KEY, "") if read is not None else ""
        for row in wb[c.IDENTITY_SHEET].iter_rows(max_col=3) if filled_by else ():
            if row[0].value == c.FILLED_BY_KEY:
                row[2].value = filled_by  # who filled it in goes on; the date is theirs to set
        with atomic_path(path) as tmp:
            wb.save(tmp)
        wb.close()
        result = Refreshed(node, path, read.name if read else "")
        if read is None:
            rejected = inbox.rejected.get(node.id, [])
            if rejected:
                result.not_carried.append(
                    f"{rejected[0].name} avvisades ({rejected[0].report.refusals[0].message}) och inget av den fördes över."
                )
        else:
            left = _fill(path, plan, entries)
            result.carried = len(entries) - len(left)
            result.not_carried = _not_carried(_with_revision(read, plan))
            for e in left:
                result.not_carried.append(
                    f"{e.sheet} › {e.cell}: raden finns inte i den nya arbetsboken; förs inte över."
                )
        progress(f"Skrev {path.name}")
        results.append(result)
    archive_plan(project)
    return results


def refresh_lines(results: list[Refreshed], root: Path) -> list[str]:
    lines: list[str] = []
    for r in results:
        shown = r.path.relative_to(root) if r.path.is_relative_to(root) else r.path
        if not r.source:
            lines.append(f"{shown}: ingen inlämnad arbetsbok, en tom arbetsbok skrevs.")
        else:
            lines.append(f"{shown}: {r.carried} rader förda över från {r.source}.")
        lines += [f"  förs inte över: {text}" for text in r.not_carried]
    carried = sum(1 for r in results if r.source)
    missing = sum(len(r.not_carried) for r in results)
    lines.append(
        f"\n{len(results)} nya arbetsböcker, {carried} med inlämnade uppgifter överförda; {missing} saker kunde inte "
        "föras över (se ovan). Skicka ut de nya arbetsböckerna; de gamla läses fortfarande."
    )
    return lines
