"""Plain data for the Word templates: dicts, lists, strings and numbers only.

Templates are edited by coordinators and rendered in a strict sandbox, so a
context holds no objects with behaviour. The one exception is docxtpl's
`Listing`, used for every text that may hold line breaks (user comments, plan
texts with several lines): `{{ x }}` then keeps each line in Word. Empty texts
are plain `""` so that `{% if x %}` works. Every key is documented in
docs/mallar.md; `PSB_KEYS` and `BOARD_KEYS` name the top-level keys for the
template check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, TypeAlias

from docxtpl import Listing

from hpdocs.consolidate import ActivityResult, AreaResult, MeasureResult, Rollup
from hpdocs.plan import LEVEL_KEYS, Area, AreaKind, Plan
from hpdocs.workbook.read import KIND_ACTIVITY, KIND_MEASURE, KIND_OWN, KIND_STATUS, Entry

# The top-level names of each context, for the template check (kept in step by a test).
# fmt: off
PSB_KEYS: frozenset[str] = frozenset({
    "organisation", "title", "scope", "scope_level", "manager", "period", "period_id", "year",
    "plan_title", "plan_subtitle", "generated", "completeness", "areas", "groups", "statuses",
})
BOARD_KEYS: frozenset[str] = frozenset({
    "organisation", "year", "title", "plan_title", "plan_subtitle", "plan_years", "header", "date",
    "diarienummer", "till", "arende", "decision", "summary", "legal_background", "consequences",
    "informed_intro", "informed", "background", "goals", "has_regional", "regional", "groups",
    "areas", "instructions", "followups", "with_status", "status_scope", "status_period",
    "status_rows", "signer", "signer_name", "signer_title", "generated",
})
# fmt: on

KIND_LABELS = {AreaKind.PREREQUISITE: "Grundläggande förutsättning", AreaKind.FOCUS: "Fokusområde"}
GROUP_TITLES = {
    AreaKind.PREREQUISITE: "Grundläggande förutsättningar",
    AreaKind.FOCUS: "Fokusområden",
}
NOT_REPORTED = "Ej rapporterad"
_NUMBER_WORDS = ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio")
# XML 1.0 cannot hold these; \a and \f would become paragraphs/page breaks in docxtpl.
_ILLEGAL = re.compile("[\x00-\x08\x0c\x0e-\x1f\ufffe\uffff]")

Text: TypeAlias = str | Listing


def text(value: object) -> Text:
    """A text for a template: line breaks kept (as `Listing`), XML-illegal characters removed."""
    raw = "" if value is None else str(value)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    clean = _ILLEGAL.sub("", raw).strip()
    return Listing(clean) if "\n" in clean else clean


def _plain(value: object) -> str:
    """A one-line text (names, statuses): line breaks become spaces."""
    raw = "" if value is None else str(value)
    return " ".join(_ILLEGAL.sub("", raw).split())


def _lines(items: Iterable[str]) -> Text:
    return text("\n".join(i for i in items if i))


def _names(names: Iterable[str]) -> str:
    return ", ".join(_plain(n) for n in names)


def _count(n: int, singular: str, plural: str, *, neuter: bool = False) -> str:
    """'en grundläggande förutsättning', 'fyra grundläggande förutsättningar', '12 aktiviteter'."""
    if n == 1:
        return f"{'ett' if neuter else 'en'} {singular}"
    word = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
    return f"{word} {plural}"


def _pct(value: float) -> str:
    return f"{value:g} %".replace(".", ",")


def _numbered(number: str, body: str) -> str:
    return f"{number}. {body}" if number else body


def _ordered_areas(plan: Plan) -> list[Area]:
    """Prerequisites first, then focus areas, each in plan order."""
    return [*plan.areas_of(AreaKind.PREREQUISITE), *plan.areas_of(AreaKind.FOCUS)]


def _area_base(area: Area) -> dict[str, Any]:
    kind_label = KIND_LABELS.get(area.kind, str(area.kind))
    return {
        "id": area.id,
        "kind": str(area.kind),
        "kind_label": kind_label,
        "number": area.number,
        "title": _plain(area.title),
        "heading": f"{kind_label}: {_plain(area.title)}",
        "priority": text(area.priority),
        "goals": [text(g) for g in area.goals],
    }


def _groups(areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups = []
    for kind in (AreaKind.PREREQUISITE, AreaKind.FOCUS):
        members = [a for a in areas if a["kind"] == str(kind)]
        if members:
            groups.append({"kind": str(kind), "title": GROUP_TITLES[kind], "areas": members})
    return groups


def _status_source(result: AreaResult, scope_label: str) -> str:
    if result.own_status:
        return f"egen bedömning av {scope_label}"
    return "föreslagen utifrån aktiviteternas status, ingen egen bedömning"


# --------------------------------------------------------------------------- PSB


def _activity_row(result: ActivityResult, scope_id: str) -> dict[str, Any]:
    own = next((e for e in result.comments if e.node == scope_id), None)
    return {
        "nr": result.number,
        "text": text(result.text),
        "status": _plain(result.statuses.get(scope_id, "")) or NOT_REPORTED,
        "comment": text(own.comment) if own else "",
    }


def _measure_row(plan: Plan, result: MeasureResult) -> dict[str, Any]:
    m = result.measure
    target = result.target
    return {
        "level": plan.level_name(result.level),
        "nr": m.number,
        "text": text(m.text),
        "note": text(m.note),
        "result": _plain(result.display),
        "target": _pct(target) if target is not None else "",
        "reported": len(result.reporting),
    }


def _below_activity(
    plan: Plan, result: ActivityResult, names: dict[str, str], missing: list[str]
) -> dict[str, Any]:
    order = {s: i for i, s in enumerate(plan.statuses)}
    counts = sorted(result.counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    silent = [names.get(n, n) for n, s in result.statuses.items() if not s]
    not_reported = [*silent, *missing]
    return {
        "nr": result.number,
        "text": text(result.text),
        "counts": [{"status": _plain(s), "count": c} for s, c in counts],
        "counts_text": _lines(f"{_plain(s)}: {c}" for s, c in counts) or "Ingen status angiven",
        "reported": sum(1 for s in result.statuses.values() if s),
        "expected": len(result.statuses) + len(missing),
        "not_reported": [_plain(n) for n in not_reported],
        "not_reported_text": _names(not_reported) or "–",
    }


def _short(value: str, words: int = 5) -> str:
    parts = value.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _about(entry: Entry, plan_area: Area, levels: dict[str, str]) -> str:
    if entry.kind == KIND_STATUS:
        return "områdets status"
    if entry.kind == KIND_OWN:
        return "tillagd aktivitet"
    for row in plan_area.rows:
        for a in row.activities:
            if a.id == entry.item:
                label = f"aktivitet {a.number}" if a.number else f"aktivitet ”{_short(a.text)}”"
                return f"{label}, {levels[row.level].lower()}"
        for m in row.measures:
            if m.id == entry.item:
                label = f"mätning {m.number}" if m.number else "mätning"
                return f"{label}, {levels[row.level].lower()}"
    return ""


def _psb_area(rollup: Rollup, result: AreaResult, missing_by_level: dict[str, list[str]]) -> dict[str, Any]:
    plan, scope, names = rollup.plan, rollup.scope, rollup.names
    levels = {lvl: plan.level_name(lvl) for lvl in LEVEL_KEYS}
    area = result.area
    own_row = area.row(scope.level)
    order = list(names)
    c = rollup.completeness
    level_of = {n.id: n.level for n in (*c.submitted, *c.missing, *c.rejected)}
    below: list[dict[str, Any]] = []
    for lvl in LEVEL_KEYS[LEVEL_KEYS.index(scope.level) + 1 :]:
        row = area.row(lvl)
        if row is None:
            continue
        acts = [a for a in result.activities if a.level == lvl]
        statuses = [
            (names.get(n, n), s)
            for n, s in result.node_statuses.items()
            if n != scope.id and level_of.get(n) == lvl
        ]
        area_counts: dict[str, int] = {}
        for _, s in statuses:
            area_counts[s] = area_counts.get(s, 0) + 1
        below.append(
            {
                "level": levels[lvl],
                "label": _plain(row.label),
                "activities": [_below_activity(plan, a, names, missing_by_level.get(lvl, [])) for a in acts],
                "area_statuses": [{"name": _plain(n), "status": _plain(s)} for n, s in statuses],
                "area_status_text": "; ".join(f"{_plain(s)}: {c}" for s, c in area_counts.items()),
            }
        )
    # Own activities and the scope's activity comments already stand in their tables.
    comments = [
        e
        for e in result.comments
        if e.kind in (KIND_ACTIVITY, KIND_MEASURE, KIND_STATUS)
        and not (e.kind == KIND_ACTIVITY and e.node == scope.id)
    ]
    comments.sort(key=lambda e: (e.node != scope.id, order.index(e.node) if e.node in order else 1 << 30))
    scope_label = plan.level_name(scope.level).lower()
    return {
        **_area_base(area),
        "status": _plain(result.status),
        "own_status": _plain(result.own_status),
        "proposed_status": _plain(result.proposed_status),
        "status_source": _status_source(result, scope_label),
        "own_comment": text(result.own_comment),
        "own_level": _plain(own_row.label) if own_row else levels[scope.level],
        "activities": [_activity_row(a, scope.id) for a in result.activities if a.level == scope.level],
        "measures": [_measure_row(plan, m) for m in result.measures],
        "below": below,
        "added": [
            {
                "name": _plain(names.get(e.node, e.node)),
                "text": text(e.text),
                "status": _plain(e.status) or NOT_REPORTED,
                "comment": text(e.comment),
            }
            for e in result.own_activities
        ],
        "comments": [
            {
                "name": _plain(names.get(e.node, e.node)),
                "about": _about(e, area, levels),
                "text": text(e.comment),
                "is_scope": e.node == scope.id,
            }
            for e in comments
        ],
    }


def _completeness(rollup: Rollup) -> dict[str, Any]:
    c = rollup.completeness
    sub, mis, rej = ([_plain(n.name) for n in nodes] for nodes in (c.submitted, c.missing, c.rejected))
    summary = f"{len(sub)} av {c.expected} arbetsböcker är inlämnade och lästa."
    if c.complete:
        summary += " Alla har lämnat in."
    return {
        "expected": c.expected,
        "complete": c.complete,
        "summary": summary,
        "submitted": sub,
        "missing": mis,
        "rejected": rej,
        "submitted_text": _names(sub),
        "missing_text": _names(mis),
        "rejected_text": _names(rej),
    }


def psb_context(
    rollup: Rollup, *, organisation_name: str = "", generated: date | None = None
) -> dict[str, Any]:
    """Context for the PSB chapter "Verksamhetschef" of one scope and period."""
    plan, scope = rollup.plan, rollup.scope
    org = organisation_name or (rollup.names.get(scope.parent, "") if scope.level == "vo" else scope.name)
    missing_by_level: dict[str, list[str]] = {}
    for nodes, why in (
        (rollup.completeness.missing, "ingen arbetsbok"),
        (rollup.completeness.rejected, "avvisad"),
    ):
        for node in nodes:
            missing_by_level.setdefault(node.level, []).append(f"{node.name} ({why})")
    results = {r.area.id: r for r in rollup.areas}
    areas = [
        _psb_area(rollup, results[a.id], missing_by_level) for a in _ordered_areas(plan) if a.id in results
    ]
    return {
        "organisation": _plain(org),
        "title": "Verksamhetschef",
        "scope": _plain(scope.name),
        "scope_level": plan.level_name(scope.level),
        "manager": _plain(scope.manager),
        "period": _plain(rollup.period_label),
        "period_id": rollup.period,
        "year": rollup.year,
        "plan_title": _plain(plan.title),
        "plan_subtitle": _plain(plan.subtitle),
        "generated": (generated or date.today()).isoformat(),
        "completeness": _completeness(rollup),
        "areas": areas,
        "groups": _groups(areas),
        "statuses": list(plan.statuses),
    }
