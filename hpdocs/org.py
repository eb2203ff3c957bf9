"""The organisation: one company, its business areas (VO) and their units.

The coordinator keeps it in an Excel sheet (or CSV) with the columns
Id, Namn, Nivå, Överordnad, Chef, E-post. Loading checks it and reports
every mistake with file, sheet and cell.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from hpdocs.atomic import atomic_path
from hpdocs.errors import OrganisationError
from hpdocs.levels import level_name
from hpdocs.plan import DEFAULT_LEVEL_NAMES, LEVEL_KEYS
from hpdocs.problems import Problem
from hpdocs.textsafe import write_text_cell
from hpdocs.values import clean_text, excel_cell, normalise_header

SHEET = "Organisation"
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("id", "Id", 14),
    ("name", "Namn", 36),
    ("level", "Nivå", 20),
    ("parent", "Överordnad", 14),
    ("manager", "Chef", 28),
    ("email", "E-post", 32),
)
_HEADER_ALIASES: dict[str, str] = {
    "id": "id",
    "namn": "name",
    "niva": "level",
    "overordnad": "parent",
    "overordnad id": "parent",
    "chef": "manager",
    "ansvarig": "manager",
    "e-post": "email",
    "epost": "email",
    "mejl": "email",
}


@dataclass(frozen=True)
class Node:
    id: str
    name: str
    level: str  # one of LEVEL_KEYS
    parent: str = ""
    manager: str = ""
    email: str = ""


@dataclass
class Organisation:
    nodes: dict[str, Node]
    source: str = ""
    _children: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for node in self.nodes.values():
            if node.parent:
                self._children.setdefault(node.parent, []).append(node.id)

    @property
    def company(self) -> Node:
        return next(n for n in self.nodes.values() if n.level == "bolag")

    @property
    def business_areas(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.level == "vo"]

    @property
    def units(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.level == "enhet"]

    @functools.cached_property
    def names(self) -> dict[str, str]:
        """Node id -> name; one shared dict (roll-ups refer to it; nobody changes it)."""
        return {n.id: n.name for n in self.nodes.values()}

    @functools.cached_property
    def labels(self) -> dict[str, str]:
        """Node id -> a name that tells it apart: "Dagverksamhet (Omsorg)" where two nodes share
        a name, with the id as well where even that is not enough; else just the name."""
        by_name: dict[str, list[Node]] = {}
        for node in self.nodes.values():
            by_name.setdefault(node.name.casefold(), []).append(node)
        labels = {}
        for node in self.nodes.values():
            same = by_name[node.name.casefold()]
            if len(same) == 1:
                labels[node.id] = node.name
                continue
            where = self._parent_name(node)
            if not where:
                extra = f"id {node.id}"
            elif sum(1 for n in same if self._parent_name(n) == where) > 1:
                extra = f"{where}, id {node.id}"
            else:
                extra = where
            labels[node.id] = f"{node.name} ({extra})"
        return labels

    def label(self, node_id: str) -> str:
        return self.labels.get(node_id, node_id)

    def _parent_name(self, node: Node) -> str:
        parent = self.nodes.get(node.parent)
        return parent.name if parent else ""

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    def children(self, node_id: str) -> list[Node]:
        return [self.nodes[c] for c in self._children.get(node_id, [])]

    def descendants(self, node_id: str) -> Iterator[Node]:
        for child in self.children(node_id):
            yield child
            yield from self.descendants(child.id)

    def business_area_of(self, node_id: str) -> Node | None:
        node = self.nodes.get(node_id)
        while node is not None and node.level != "vo":
            node = self.nodes.get(node.parent)
        return node

    def scope(self, node_id: str) -> list[Node]:
        """The node and everything below it, top down."""
        return [self.nodes[node_id], *self.descendants(node_id)]


def _level_key(raw: str, level_names: dict[str, str]) -> str | None:
    wanted = normalise_header(raw)
    for key in LEVEL_KEYS:
        names = {key, DEFAULT_LEVEL_NAMES[key], level_names.get(key, "")}
        if key == "vo":
            names |= {"VO", "Verksamhetsomrade"}
        if wanted in {normalise_header(n) for n in names if n}:
            return key
    return None


def _rows_from_file(path: Path) -> tuple[str, list[list[Any]]]:
    if path.suffix.lower() == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
        return "", [list(row) for row in csv.reader(text.splitlines(), dialect)]
    from python_calamine import CalamineWorkbook

    from hpdocs.safety import inspect_workbook

    refused = [p for p in inspect_workbook(path) if p.severity == "fel"]
    if refused:
        raise OrganisationError(str(refused[0]), refused)
    with path.open("rb") as handle:  # format from the content, not the extension
        workbook = CalamineWorkbook.from_filelike(handle)
    try:
        names = workbook.sheet_names
        sheet = SHEET if SHEET in names else names[0]
        return sheet, workbook.get_sheet_by_name(sheet).to_python()
    finally:
        workbook.close()


def parse_rows(
    rows: list[list[object]], *, file: str, sheet: str = "", level_names: dict[str, str] | None = None
) -> tuple[Organisation | None, list[Problem]]:
    """Turn table rows into an Organisation; return every problem found."""
    names = level_names or {}
    problems: list[Problem] = []

    def problem(code: str, message: str, row: int = 0, col: int = 0) -> None:
        problems.append(Problem(code, message, file=file, sheet=sheet, cell=excel_cell(row, col)))

    header_index = next(
        (i for i, r in enumerate(rows) if any(normalise_header(clean_text(c)) == "id" for c in r)), None
    )
    if header_index is None:
        problem(
            "org-rubrik-saknas",
            "Hittar ingen rubrikrad med kolumnen Id. Använd mallen från `hpdocs organisation`.",
        )
        return None, problems
    columns: dict[str, int] = {}
    for col, cell in enumerate(rows[header_index]):
        key = _HEADER_ALIASES.get(normalise_header(clean_text(cell)))
        if key and key not in columns:
            columns[key] = col
    for key, title, _ in COLUMNS[:4]:
        if key not in columns:
            problem(
                "org-kolumn-saknas", f'Kolumnen "{title}" saknas. Lägg till den i rubrikraden.', header_index
            )
    if problems:
        return None, problems

    nodes: dict[str, Node] = {}
    positions: dict[str, int] = {}
    for r in range(header_index + 1, len(rows)):
        row = rows[r]

        def value(key: str, row: list[object] = row) -> str:
            col = columns.get(key)
            return clean_text(row[col]) if col is not None and col < len(row) else ""

        if not any(value(k) for k, _, _ in COLUMNS):
            continue
        node_id, level_raw = value("id"), value("level")
        level = _level_key(level_raw, names)
        if not node_id:
            problem("org-id-saknas", "Raden saknar id. Ge varje enhet ett unikt id.", r, columns["id"])
            continue
        if node_id in nodes:
            problem(
                "org-dubblett-id",
                f'Id "{node_id}" finns redan på rad {positions[node_id] + 1}. Varje id måste vara unikt.',
                r,
                columns["id"],
            )
            continue
        if level is None:
            allowed = ", ".join(names.get(k, DEFAULT_LEVEL_NAMES[k]) for k in LEVEL_KEYS)
            problem(
                "org-okand-niva", f'Okänd nivå "{level_raw}". Skriv en av: {allowed}.', r, columns["level"]
            )
            continue
        if not value("name"):
            problem("org-namn-saknas", f'"{node_id}" saknar namn.', r, columns["name"])
        nodes[node_id] = Node(
            node_id, value("name") or node_id, level, value("parent"), value("manager"), value("email")
        )
        positions[node_id] = r

    companies = [n for n in nodes.values() if n.level == "bolag"]
    if len(companies) != 1:
        problem(
            "org-bolag-antal",
            f"Organisationen ska ha exakt en rad på översta nivån, nu {len(companies)}.",
            header_index,
        )
    expected_parent = {"vo": "bolag", "enhet": "vo"}
    for node in nodes.values():
        r = positions[node.id]
        if node.level == "bolag":
            continue
        parent = nodes.get(node.parent)
        if not node.parent:
            problem(
                "org-overordnad-saknas",
                f'"{node.name}" saknar överordnad. Ange id för dess {names.get(expected_parent[node.level], DEFAULT_LEVEL_NAMES[expected_parent[node.level]]).lower()}.',
                r,
                columns["parent"],
            )
        elif parent is None:
            problem(
                "org-overordnad-okand",
                f'Överordnad "{node.parent}" för "{node.name}" finns inte i listan.',
                r,
                columns["parent"],
            )
        elif parent.level != expected_parent[node.level]:
            want = names.get(expected_parent[node.level], DEFAULT_LEVEL_NAMES[expected_parent[node.level]])
            problem(
                "org-fel-overordnad",
                f'"{node.name}" ska ligga under en rad med nivån {want}, men "{parent.name}" har en annan nivå.',
                r,
                columns["parent"],
            )
    if problems:
        return None, problems
    return Organisation(nodes, source=file), problems


def load_organisation(path: Path, *, level_names: dict[str, str] | None = None) -> Organisation:
    """Load and check the organisation file; raise OrganisationError with every problem."""
    try:
        sheet, rows = _rows_from_file(path)
    except OrganisationError:
        raise
    except (OSError, ValueError, csv.Error) as exc:
        raise OrganisationError(f"Organisationsfilen {path} kunde inte läsas: {exc}") from exc
    org, problems = parse_rows(rows, file=path.name, sheet=sheet, level_names=level_names)
    if org is None:
        lines = "\n".join(f"  {p}" for p in problems)
        raise OrganisationError(
            f"Organisationsfilen {path.name} har {len(problems)} fel:\n{lines}", list(problems)
        )
    return org


def write_organisation(
    path: Path, nodes: Iterable[Node] = (), *, level_names: dict[str, str] | None = None
) -> None:
    """Write an organisation sheet: empty (a form to fill in) or with the given nodes."""
    names = {**DEFAULT_LEVEL_NAMES, **(level_names or {})}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    header_fill = PatternFill("solid", fgColor="1F4E79")
    for col, (_, title, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center")
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    rows = list(nodes)
    for r, node in enumerate(rows, start=2):
        values = (node.id, node.name, names[node.level], node.parent, node.manager, node.email)
        for col, val in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col)
            write_text_cell(cell, val)  # a name starting with "=" stays a name
            cell.number_format = "@"
    for r in range(2, max(len(rows) + 2, 200)):
        ws.cell(row=r, column=1).number_format = "@"  # ids keep leading zeros
    levels = DataValidation(
        type="list", formula1='"' + ",".join(names[k] for k in LEVEL_KEYS) + '"', allow_blank=True
    )
    levels.error = "Välj nivå i listan."
    ws.add_data_validation(levels)
    levels.add("C2:C2000")
    b, v, e = (level_name(names[k]) for k in LEVEL_KEYS)
    help_ws = wb.create_sheet("Hjälp")
    for r, line in enumerate(
        (
            "Så fyller du i organisationen",
            f"En rad för {b.definite} (nivå {b.title}), en rad per {v.singular} och en rad per {e.singular}.",
            "Id: ett kort unikt id (bokstäver och siffror), t.ex. VO1 eller E101. Id:t står i varje arbetsbok och får inte ändras under året.",
            f"Överordnad: id för raden ovanför – {e.article} {e.singular} under {v.reflexive} {v.singular}, {v.article} {v.singular} under {b.definite}.",
            "Chef och E-post används i arbetsböckerna och i listan med personliga länkar.",
        ),
        start=1,
    ):
        help_ws.cell(row=r, column=1, value=line).font = Font(bold=r == 1, size=14 if r == 1 else 11)
    help_ws.column_dimensions["A"].width = 120
    with atomic_path(path) as tmp:
        wb.save(tmp)
