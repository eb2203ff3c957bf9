"""One area of the PSB chapter: its status and who stands behind it, the activities with each
node's status by name, units' own activities, the measures against their targets, and a short
list of comments (an identical comment from several nodes is one line naming them all).
"""

from __future__ import annotations

from typing import Any

from hpdocs.consolidate import ActivityResult, AreaResult, Rollup
from hpdocs.levels import capitalise
from hpdocs.plan import LEVEL_KEYS, Area, MeasureKind
from hpdocs.render.context import NOT_REPORTED, _area_base, _names, _plain, text
from hpdocs.render.psb_measures import measure_row
from hpdocs.render.slides_text import plain as tidy_comment
from hpdocs.render.status_matrix import all_nodes, marked, reporting_state, symbol
from hpdocs.workbook.read import KIND_MEASURE, KIND_OWN, KIND_STATUS, Entry


def _activity_row(result: ActivityResult, scope_id: str) -> dict[str, Any]:
    own = next((e for e in result.comments if e.node == scope_id), None)
    return {
        "nr": result.number,
        "text": text(result.text),
        "status": _plain(result.statuses.get(scope_id, "")) or NOT_REPORTED,
        "comment": text(own.comment) if own else "",
    }


def _by_status(
    rollup: Rollup, result: ActivityResult, nodes: list[str], states: dict[str, str]
) -> list[dict[str, Any]]:
    """Who has which status, in the plan's status order; those without one last, with why."""
    plan = rollup.plan
    order = {s: i for i, s in enumerate(plan.statuses)}
    groups: dict[str, list[str]] = {}
    silent: list[str] = []
    for node in nodes:
        status = result.statuses.get(node, "")
        name = _plain(rollup.label(node))
        if status:
            groups.setdefault(status, []).append(name)
        else:
            why = states.get(node, "ingen status angiven")
            silent.append(f"{name} ({why})")
    rows = [
        {"status": _plain(s), "names": names, "names_text": _names(names), "count": len(names)}
        for s, names in sorted(groups.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
    ]
    if silent:
        rows.append(
            {"status": NOT_REPORTED, "names": silent, "names_text": ", ".join(silent), "count": len(silent)}
        )
    return rows


def _below_activity(
    rollup: Rollup, result: ActivityResult, nodes: list[str], states: dict[str, str]
) -> dict[str, Any]:
    by_status = _by_status(rollup, result, nodes, states)
    comments: dict[str, tuple[str, list[str]]] = {}  # normalised text -> (text as written, names)
    order = {n: i for i, n in enumerate(nodes)}
    for e in sorted(result.comments, key=lambda e: order.get(e.node, 1 << 30)):
        _, names = comments.setdefault(" ".join(e.comment.split()), (e.comment.strip(), []))
        names.append(_plain(rollup.label(e.node)))
    counts = [{"status": r["status"], "count": r["count"]} for r in by_status if r["status"] != NOT_REPORTED]
    silent: list[str] = next((r["names"] for r in by_status if r["status"] == NOT_REPORTED), [])
    return {
        "nr": result.number,
        "text": text(result.text),
        "by_status": by_status,
        "by_status_text": text("\n".join(f"{r['status']}: {r['names_text']}" for r in by_status)) or "–",
        "counts": counts,
        "counts_text": text("\n".join(f"{c['status']}: {c['count']}" for c in counts))
        or "Ingen status angiven",
        "reported": sum(c["count"] for c in counts),
        "expected": len(nodes),
        "not_reported": silent,
        "not_reported_text": ", ".join(silent) or "–",
        "comments": [{"names": _names(names), "text": text(body)} for body, names in comments.values()],
        "comments_text": text("\n".join(f"{_names(names)}: {body}" for body, names in comments.values())),
    }


def _about(entry: Entry, area: Area, rollup: Rollup) -> str:
    """What a comment is about, named as the tables name it: 'aktivitet 2 (enhet)'."""
    plan = rollup.plan
    if entry.kind == KIND_STATUS:
        return "områdets status"
    if entry.kind == KIND_OWN:
        return "tillagd aktivitet"
    for row in area.rows:
        level = plan.level(row.level).singular
        for m in row.measures:
            if m.id == entry.item:
                return f"mätning ”{_plain(m.display_label)}”, {level}"
    return ""


def _comments(rollup: Rollup, result: AreaResult) -> list[dict[str, Any]]:
    """The area's comments once each: scope first, then in organisation order."""
    scope = rollup.scope
    order = list(rollup.names)
    free_text = {m.measure.id for m in result.measures if m.measure.kind is MeasureKind.TEXT}
    picked = [
        e
        for e in result.comments
        if e.kind in (KIND_MEASURE, KIND_STATUS)
        # activity comments stand in the activity tables, the scope's status comment beside it
        and not (e.node == scope.id and e.kind == KIND_STATUS)
        and e.item not in free_text  # a free-text answer is the measure's value, shown there
    ]
    picked.sort(key=lambda e: (e.node != scope.id, order.index(e.node) if e.node in order else 1 << 30))
    grouped: dict[tuple[str, str], tuple[Entry, list[str]]] = {}
    for e in picked:
        key = (_about(e, result.area, rollup), " ".join(tidy_comment(e.comment).split()))
        name = _plain(rollup.label(e.node))
        _, names = grouped.setdefault(key, (e, []))
        if name not in names:
            names.append(name)
    return [
        {
            "name": _names(names),
            "about": about,
            "text": text(tidy_comment(first.comment)),
            "is_scope": first.node == scope.id,
        }
        for (about, _), (first, names) in grouped.items()
    ]


def psb_area(rollup: Rollup, result: AreaResult) -> dict[str, Any]:
    plan, scope = rollup.plan, rollup.scope
    area = result.area
    own_row = area.row(scope.level)
    scope_name = plan.level(scope.level)
    states = reporting_state(rollup)
    nodes = all_nodes(rollup)
    below: list[dict[str, Any]] = []
    # The level directly below only: the company chapter shows the business areas' activities;
    # the units' stand in each business area's chapter.
    for lvl in LEVEL_KEYS[LEVEL_KEYS.index(scope.level) + 1 :][:1]:
        row = area.row(lvl)
        if row is None:
            continue
        at_level = [n.id for n in nodes if n.level == lvl]
        level = plan.level(lvl)
        statuses = [
            {"name": _plain(rollup.label(n)), "status": _plain(result.node_statuses.get(n, ""))}
            for n in at_level
        ]
        below.append(
            {
                "level": level.title,
                "heading": f"{capitalise(level.plural_genitive)} aktiviteter",
                "label": _plain(row.label),
                "activities": [
                    _below_activity(rollup, a, at_level, states) for a in result.activities if a.level == lvl
                ],
                "area_statuses": statuses,
                "area_status_text": "; ".join(f"{s['name']}: {s['status']}" for s in statuses if s["status"]),
            }
        )
    measure_rows = []
    for m in result.measures:
        expected = [n.id for n in nodes if n.level == m.level]
        measure_rows.append(measure_row(plan, rollup, m, expected, states))
    shown = LEVEL_KEYS[LEVEL_KEYS.index(scope.level) :][:2]  # the scope's level and the one below
    activity_note = ""
    if not any(a.level in shown for a in result.activities):
        names = [plan.level(shown[0]).genitive, *(plan.level(lvl).plural_genitive for lvl in shown[1:])]
        activity_note = f"Planen anger inga aktiviteter på {' eller '.join(names)} nivå inom området."
    if result.own_status:
        source = f"{scope_name.genitive} egen bedömning"
    else:
        source = f"föreslagen utifrån aktiviteternas status; {scope_name.definite} har inte gjort någon egen bedömning"
    return {
        **_area_base(area),
        "status": _plain(result.status),
        "status_marked": marked(plan, result.status),
        "symbol": symbol(plan, result.status),
        "own_status": _plain(result.own_status),
        "proposed_status": _plain(result.proposed_status),
        "status_source": source,
        "own_comment": text(tidy_comment(result.own_comment)),
        "own_level": _plain(own_row.label) if own_row else scope_name.title,
        "activities": [_activity_row(a, scope.id) for a in result.activities if a.level == scope.level],
        "activity_note": activity_note,
        "measures": measure_rows,
        "targets": [m for m in measure_rows if m["has_target"]],
        "below": below,
        "added": [
            {
                "name": _plain(rollup.label(e.node)),
                "text": text(e.text),
                "status": _plain(e.status) or NOT_REPORTED,
                "comment": text(e.comment),
            }
            for e in result.own_activities
        ],
        "comments": _comments(rollup, result),
    }
