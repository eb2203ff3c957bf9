"""Load a plan from YAML, checking it and saying where each mistake is.

The plan format is documented in docs/planformat.md. Loading works on the
YAML node tree (not on plain dicts) so that every problem can name the line
and column in the file a coordinator edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from hpdocs.errors import PlanError
from hpdocs.levels import FORM_KEYS
from hpdocs.plan import (
    LEVEL_KEYS,
    Activity,
    Area,
    AreaKind,
    FollowUp,
    LevelRow,
    Measure,
    MeasureKind,
    Period,
    Plan,
    Rhythm,
    Section,
)
from hpdocs.planyaml import compose_plan
from hpdocs.problems import Problem

BUILTIN_PLANS: dict[str, str] = {
    "hp-2022": "hp-2022.yaml",
    "region-2022-2024": "region-2022-2024.yaml",
}
BUILTIN_PREFIX = "inbyggd:"
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Node:
    """A YAML node with its position, for messages like `plan.yaml rad 12, kolumn 5`."""

    def __init__(self, node: yaml.Node, ctx: _Context) -> None:
        self.node = node
        self.ctx = ctx

    @property
    def where(self) -> str:
        mark = self.node.start_mark
        return f"rad {mark.line + 1}, kolumn {mark.column + 1}"

    def problem(self, code: str, message: str) -> None:
        self.ctx.problems.append(Problem(code, message, file=self.ctx.file, cell=self.where))

    def get(self, key: str) -> _Node | None:
        if not isinstance(self.node, yaml.MappingNode):
            return None
        for key_node, value_node in self.node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return _Node(value_node, self.ctx)
        return None

    def keys(self) -> list[str]:
        if not isinstance(self.node, yaml.MappingNode):
            return []
        return [k.value for k, _ in self.node.value if isinstance(k, yaml.ScalarNode)]

    def items(self) -> Iterator[tuple[str, _Node]]:
        if isinstance(self.node, yaml.MappingNode):
            for key_node, value_node in self.node.value:
                yield str(key_node.value), _Node(value_node, self.ctx)

    def seq(self) -> list[_Node]:
        if isinstance(self.node, yaml.SequenceNode):
            return [_Node(n, self.ctx) for n in self.node.value]
        self.problem("plan-fel-typ", "Här ska det stå en lista (rader som börjar med '- ').")
        return []

    def text(self) -> str:
        if isinstance(self.node, yaml.ScalarNode):
            return str(self.node.value).strip()
        self.problem("plan-fel-typ", "Här ska det stå en text.")
        return ""

    def integer(self) -> int | None:
        value = self.text()
        try:
            return int(value)
        except ValueError:
            self.problem("plan-fel-typ", f'"{value}" är inte ett heltal.')
            return None

    def number(self) -> float | None:
        value = self.text().replace(",", ".").rstrip("% ").strip()
        try:
            return float(value)
        except ValueError:
            self.problem("plan-fel-typ", f'"{value}" är inte ett tal.')
            return None


class _Context:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []


def _required(parent: _Node, key: str) -> _Node | None:
    node = parent.get(key)
    if node is None:
        parent.problem("plan-falt-saknas", f'Fältet "{key}" saknas. Lägg till det (se docs/planformat.md).')
    return node


def _text(parent: _Node, key: str, default: str = "", *, required: bool = False) -> str:
    node = _required(parent, key) if required else parent.get(key)
    return node.text() if node is not None else default


def _texts(parent: _Node, key: str) -> tuple[str, ...]:
    node = parent.get(key)
    return tuple(item.text() for item in node.seq()) if node is not None else ()


def _enum(node: _Node | None, enum: Any, default: Any, what: str) -> Any:
    if node is None:
        return default
    value = node.text()
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(e.value) for e in enum)
        node.problem("plan-okant-varde", f'Okänd {what} "{value}". Tillåtna värden: {allowed}.')
        return default


def _refs(node: _Node | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if node is None:
        return default
    return tuple(item.text() for item in node.seq())


def _number_range(number: str) -> tuple[str, ...]:
    """'1-3' covers activities 1, 2 and 3; '2' covers 2."""
    match = re.fullmatch(r"(\d+)\s*[-–]\s*(\d+)", number)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        return tuple(str(n) for n in range(first, last + 1))
    return (number,) if number else ()


def _level_row(level: str, node: _Node, area_id: str) -> LevelRow:
    prefix = f"{area_id}.{level}"
    activities: list[Activity] = []
    for pos, item in enumerate(_seq(node, "activities"), start=1):
        number = _text(item, "nr")
        ident = _text(item, "id") or f"a{number or pos}"
        activities.append(Activity(f"{prefix}.{ident}", number, _text(item, "text", required=True)))
    keys = [a.number or str(pos) for pos, a in enumerate(activities, start=1)]
    everything = tuple(keys)

    measures: list[Measure] = []
    for pos, item in enumerate(_seq(node, "measures"), start=1):
        number = _text(item, "nr")
        targets: dict[int, float] = {}
        targets_node = item.get("targets")
        for year, value_node in targets_node.items() if targets_node else ():
            value = value_node.number()
            if year.isdigit() and value is not None:
                targets[int(year)] = value
            elif not year.isdigit():
                value_node.problem("plan-fel-typ", f'Målår "{year}" är inte ett årtal.')
        measures.append(
            Measure(
                id=f"{prefix}.{_text(item, 'id') or f'm{pos}'}",
                number=number,
                text=_text(item, "text", required=True),
                kind=_enum(item.get("kind"), MeasureKind, MeasureKind.TEXT, "mätningstyp"),
                activities=_refs(item.get("activities"), (number,) if number else everything),
                numerator=_text(item, "numerator", "Antal som uppfyller"),
                denominator=_text(item, "denominator", "Antal totalt"),
                targets=targets,
                note=_text(item, "note"),
                label=_text(item, "label"),
            )
        )

    followups: list[FollowUp] = []
    for pos, item in enumerate(_seq(node, "followups"), start=1):
        number = _text(item, "nr")
        months = _months(item)
        followups.append(
            FollowUp(
                id=f"{prefix}.{_text(item, 'id') or f'f{pos}'}",
                number=number,
                text=_text(item, "text", required=True),
                rhythm=_enum(item.get("rhythm"), Rhythm, Rhythm.ONGOING, "rytm"),
                by=_text(item, "by"),
                activities=_refs(item.get("activities"), _number_range(number) or everything),
                months=months,
            )
        )

    owners: list[Measure | FollowUp] = [*measures, *followups]
    for owner in owners:
        for ref in owner.activities:
            if ref not in keys:
                node.problem(
                    "plan-okand-aktivitet",
                    f'"{owner.text[:40]}" hänvisar till aktivitet {ref}, som inte finns på nivån '
                    f"{level} i område {area_id}.",
                )
    # Unnumbered activities are referenced by their position.
    numbered = tuple(Activity(a.id, a.number, a.text, key) for a, key in zip(activities, keys, strict=True))
    label = _text(node, "label", level)
    return LevelRow(level, label, numbered, tuple(measures), tuple(followups))


def _months(parent: _Node) -> tuple[int, ...]:
    """The `months` list of a period or follow-up; each must be 1-12."""
    result: list[int] = []
    for node in _seq(parent, "months"):
        month = node.integer()
        if month is not None and not 1 <= month <= 12:
            node.problem("plan-okant-varde", f"Månad {month} finns inte (1–12).")
        elif month is not None:
            result.append(month)
    return tuple(result)


def _seq(node: _Node, key: str) -> list[_Node]:
    child = node.get(key)
    return child.seq() if child is not None else []


def _area(node: _Node, number: int, ctx: _Context) -> Area | None:
    area_id = _text(node, "id", required=True)
    if area_id and not _ID_RE.match(area_id):
        node.problem("plan-ogiltigt-id", f'Id "{area_id}" får bara innehålla a-z, 0-9, - och _.')
    rows: list[LevelRow] = []
    levels = node.get("levels")
    for level, level_node in levels.items() if levels else ():
        if level not in LEVEL_KEYS:
            level_node.problem("plan-okand-niva", f'Okänd nivå "{level}". Tillåtna: {", ".join(LEVEL_KEYS)}.')
            continue
        rows.append(_level_row(level, level_node, area_id))
    return Area(
        id=area_id,
        kind=_enum(_required(node, "kind"), AreaKind, AreaKind.FOCUS, "områdestyp"),
        number=number,
        title=_text(node, "title", required=True),
        priority=_text(node, "priority", required=True),
        background_title=_text(node, "background_title"),
        background=_text(node, "background"),
        status_priority=_text(node, "status_priority"),
        status_title=_text(node, "status_title"),
        goals=_texts(node, "goals"),
        rows=tuple(sorted(rows, key=lambda r: LEVEL_KEYS.index(r.level))),
        sheet_name=_sheet_name(node),
    )


SHEET_NAME_LIMIT = 31  # characters Excel allows in a sheet name
_SHEET_FORBIDDEN = set("[]:*?/\\")


def _sheet_name(node: _Node) -> str:
    """The optional short sheet name (`sheet`), checked against Excel's rules."""
    name = _text(node, "sheet")
    if len(name) > SHEET_NAME_LIMIT:
        node.problem(
            "plan-bladnamn-for-langt",
            f'Bladnamnet "{name}" har {len(name)} tecken; Excel tillåter högst {SHEET_NAME_LIMIT}. Korta det.',
        )
        return ""
    if _SHEET_FORBIDDEN & set(name):
        node.problem(
            "plan-bladnamn-ogiltigt",
            f'Bladnamnet "{name}" innehåller något av tecknen [ ] : * ? / \\, som Excel inte tillåter.',
        )
        return ""
    return name


def _check_unique(ctx: _Context, root: _Node, plan: Plan) -> None:
    seen: dict[str, str] = {}
    areas = root.get("areas")
    nodes = areas.seq() if areas else []
    for area, node in zip(plan.areas, nodes, strict=False):
        ids = [area.id]
        for row in area.rows:
            ids += (
                [a.id for a in row.activities] + [m.id for m in row.measures] + [f.id for f in row.followups]
            )
        for ident in ids:
            if ident in seen:
                node.problem("plan-dubblett-id", f'Id "{ident}" finns två gånger. Varje id måste vara unikt.')
            seen[ident] = area.id


def parse_plan(text: str, *, file: str = "plan.yaml") -> Plan:
    """Parse plan YAML; raise PlanError listing every problem found."""
    ctx = _Context(file)
    root_node = compose_plan(text, file)
    if root_node is None or not isinstance(root_node, yaml.MappingNode):
        problem = Problem("plan-tom", "Planfilen är tom eller har fel form.", file=file)
        raise PlanError(str(problem), [problem])
    root = _Node(root_node, ctx)

    periods: list[Period] = []
    for item in _seq(root, "periods"):
        periods.append(
            Period(_text(item, "id", required=True), _text(item, "label", required=True), _months(item))
        )
    if not periods:
        root.problem("plan-falt-saknas", 'Planen måste ha minst en period under "periods".')

    years = tuple(y for n in _seq(root, "years") if (y := n.integer()) is not None)
    if not years:
        root.problem("plan-falt-saknas", 'Planen måste ange minst ett år under "years".')
    level_names, level_forms = _levels(root.get("levels"))
    for key in level_names:
        if key not in LEVEL_KEYS:
            root.problem("plan-okand-niva", f'Okänd nivå "{key}". Tillåtna: {", ".join(LEVEL_KEYS)}.')
    areas_node = _required(root, "areas")
    areas = [
        a for pos, n in enumerate(areas_node.seq() if areas_node else [], 1) if (a := _area(n, pos, ctx))
    ]
    # Number areas within their kind (förutsättning 1-4, fokusområde 1-5).
    counters: dict[AreaKind, int] = {}
    numbered: list[Area] = []
    for area in areas:
        counters[area.kind] = counters.get(area.kind, 0) + 1
        numbered.append(_replace_number(area, counters[area.kind]))

    statuses = _texts(root, "statuses")
    plan = Plan(
        id=_text(root, "id", required=True),
        version=_text(root, "version", required=True),
        title=_text(root, "title", required=True),
        subtitle=_text(root, "subtitle"),
        years=years,
        periods=tuple(periods),
        statuses=statuses,
        done_statuses=_texts(root, "done_statuses"),
        late_statuses=_texts(root, "late_statuses"),
        area_statuses=_texts(root, "area_statuses"),
        instructions=_texts(root, "instructions"),
        areas=tuple(numbered),
        level_names={**{k: v for k, v in level_names.items() if k in LEVEL_KEYS}},
        level_forms={k: v for k, v in level_forms.items() if k in LEVEL_KEYS},
        status_tables=dict(_text_map(root.get("status_tables"))),
        background=tuple(Section(_text(n, "title"), _text(n, "text")) for n in _seq(root, "background")),
        goals=_texts(root, "goals"),
        source=file,
    )
    for key in ("done_statuses", "late_statuses"):
        for value in getattr(plan, key):
            if value not in statuses:
                root.problem("plan-okant-varde", f'"{value}" i {key} finns inte bland "statuses".')
    if len(plan.area_statuses) < 2:
        root.problem("plan-falt-saknas", 'Ange minst två värden under "area_statuses".')
    _check_unique(ctx, root, plan)
    if ctx.problems:
        lines = "\n".join(f"  {p}" for p in ctx.problems)
        raise PlanError(f"Planen {file} har {len(ctx.problems)} fel:\n{lines}", list(ctx.problems))
    return plan


def _levels(node: _Node | None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """`vo: Förvaltning`, or `vo: {namn: Förvaltning, bestämd: förvaltningen, plural: ...}`."""
    names: dict[str, str] = {}
    forms: dict[str, dict[str, str]] = {}
    for key, value in node.items() if node else ():
        if isinstance(value.node, yaml.MappingNode):
            given = dict(_text_map(value))
            for unknown in sorted(set(given) - set(FORM_KEYS)):
                value.problem(
                    "plan-okant-falt",
                    f'Okänt fält "{unknown}" för nivån {key}. Tillåtna: {", ".join(FORM_KEYS)}.',
                )
            if not given.get("namn"):
                value.problem("plan-falt-saknas", f'Nivån {key} behöver "namn", t.ex. namn: Förvaltning.')
            names[key] = given.get("namn", key)
            forms[key] = given
        else:
            names[key] = value.text()
    return names, forms


def _text_map(node: _Node | None) -> Iterator[tuple[str, str]]:
    for key, value in node.items() if node else ():
        yield key, value.text()


def _replace_number(area: Area, number: int) -> Area:
    from dataclasses import replace

    return replace(area, number=number)


def load_plan(source: str | Path) -> Plan:
    """Load a built-in plan (`inbyggd:hp-2022` or `hp-2022`) or a plan file."""
    name = str(source)
    builtin = name.removeprefix(BUILTIN_PREFIX)
    if builtin in BUILTIN_PLANS and not Path(name).is_file():
        resource = resources.files("hpdocs.plans").joinpath(BUILTIN_PLANS[builtin])
        return parse_plan(resource.read_text(encoding="utf-8"), file=f"{BUILTIN_PREFIX}{builtin}")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        known = ", ".join(BUILTIN_PREFIX + k for k in BUILTIN_PLANS)
        raise PlanError(
            f"Planfilen {path} finns inte. Ange en sökväg eller en inbyggd plan ({known})."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"Planfilen {path} kunde inte läsas: {exc}. Spara den som UTF-8.") from exc
    return parse_plan(text, file=path.name)


def builtin_plan_text(name: str) -> str:
    """The YAML text of a built-in plan, for `hpdocs init` to copy."""
    return resources.files("hpdocs.plans").joinpath(BUILTIN_PLANS[name]).read_text(encoding="utf-8")
