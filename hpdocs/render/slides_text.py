"""The words and colours of the MUM slides: statuses, who has reported, values by name.

Pure functions from a Rollup to strings, shared by the business-area slides
(slides_area), the company slides (slides_company) and the deck itself (slides).
Names are shown as `Rollup.label` (told apart where two nodes share a name) and
level names come from `plan.level(key)`, never from concatenated endings.
"""

from __future__ import annotations

import re

from hpdocs.consolidate import NOT_ASSESSED, ActivityResult, AreaResult, MeasureResult, Rollup
from hpdocs.levels import capitalise
from hpdocs.plan import LEVEL_KEYS, MeasureKind, Plan
from hpdocs.previous import previous_line
from hpdocs.ratio import is_ratio, ratio_text
from hpdocs.reporting import state_lines
from hpdocs.workbook.read import Entry

STATUS_FILLS = {"good": "A9D08E", "partly": "FFD966", "bad": "F08080", "none": "D9D9D9"}
PROPOSED = "(förslag)"
NOT_FILLED = "Ej ifylld"
NO_TARGET = "–"
BOILERPLATE = re.compile(r"^\s*samlad bedömning\s*[:–-]\s*", re.IGNORECASE)


def status_fill(plan: Plan, status: str) -> str:
    """Fill of an area status: the first of the plan's scale green, the last red."""
    scale = plan.area_statuses
    if status not in scale:
        return STATUS_FILLS["none"]
    position = scale.index(status)
    if position == 0:
        return STATUS_FILLS["good"]
    return STATUS_FILLS["bad"] if position == len(scale) - 1 else STATUS_FILLS["partly"]


def status_text(result: AreaResult) -> str:
    """The status in words, marked when it is proposed from the activities."""
    if result.own_status or result.proposed_status == NOT_ASSESSED:
        return result.own_status or NOT_ASSESSED
    return f"{result.proposed_status} {PROPOSED}"


def on_plan(plan: Plan, result: AreaResult) -> bool:
    return bool(plan.area_statuses) and result.status == plan.area_statuses[0]


def pct(value: float) -> str:
    """'63 %', '57,5 %' (Swedish decimal comma)."""
    if abs(value - round(value)) < 0.05:
        return f"{value:.0f} %"
    return f"{value:.1f} %".replace(".", ",")


def number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def own_label(rollup: Rollup) -> str:
    """'Bolagets egen bedömning', 'Regionens egen bedömning' – the scope's own column."""
    return f"{capitalise(rollup.plan.level(rollup.scope.level).genitive)} egen bedömning"


def below_level(rollup: Rollup) -> str:
    """The level key just below the scope ('enhet' under a business area)."""
    index = LEVEL_KEYS.index(rollup.scope.level)
    return LEVEL_KEYS[min(index + 1, len(LEVEL_KEYS) - 1)]


def reporting_text(rollup: Rollup) -> str:
    """Who has reported for the period, by name, in the words of hpdocs.reporting."""
    lines = state_lines(rollup)
    if not lines:
        return "Ingen rapportering förväntas för perioden."
    return "\n".join(f"{line.label}: {', '.join(line.names)}." for line in lines)


def activity_status(rollup: Rollup, activity: ActivityResult) -> str:
    """Per-node status by name, grouped in the plan's status order:
    'Klar: Akuten, BVC\\nFörsenad: Rehab'. The scope's own row gives the status alone."""
    if not activity.statuses:
        return f"Ingen {rollup.plan.level(activity.level).singular} har lämnat in"
    if list(activity.statuses) == [rollup.scope.id]:
        return activity.statuses[rollup.scope.id] or NOT_FILLED
    groups: dict[str, list[str]] = {}
    empty = {n.id for n in rollup.completeness.empty}  # named once, with who has reported
    for node, status in activity.statuses.items():
        if status or node not in empty:
            groups.setdefault(status or NOT_FILLED, []).append(rollup.label(node))
    if not groups:
        return NOT_FILLED
    order = [*rollup.plan.statuses, *sorted(set(groups) - {*rollup.plan.statuses, NOT_FILLED}), NOT_FILLED]
    return "\n".join(f"{s}: {', '.join(groups[s])}" for s in order if s in groups)


def _meets(m: MeasureResult, value: float) -> bool:
    """Targets are minimums ('at least 60 %'); a count's target 0 means 'none'."""
    assert m.target is not None
    if m.measure.kind is MeasureKind.COUNT and m.target == 0:
        return value <= 0
    return value >= m.target


def _entry_value(m: MeasureResult, e: Entry) -> tuple[str, float | None]:
    """An entry's value as shown, and as compared with the target."""
    kind = m.measure.kind
    value = e.value or 0.0
    if is_ratio(m.measure):
        return ratio_text(value, e.denominator), None
    if kind is MeasureKind.SHARE:
        if not e.denominator:
            return f"{number(value)} av 0", None
        share = 100 * value / e.denominator
        return pct(share), share
    if kind is MeasureKind.TARGET:
        return pct(value), value
    if kind is MeasureKind.YESNO:
        return ("Ja" if value >= 0.5 else "Nej"), 100.0 if value >= 0.5 else 0.0
    return number(value), value


def share_of(m: MeasureResult, e: Entry) -> float | None:
    """A node's value as a percentage (target and share measures), None when it has none."""
    if m.measure.kind is MeasureKind.TARGET:
        return e.value
    if m.measure.kind is MeasureKind.SHARE and e.denominator and not is_ratio(m.measure):
        return 100 * (e.value or 0.0) / e.denominator
    return None


def measure_value(rollup: Rollup, m: MeasureResult) -> str:
    """The value per node by name, a total where one makes sense, under-target marked, and
    last year's value beside it where both years have one."""
    last = previous_line(rollup, m)
    now = _value_now(rollup, m)
    return f"{now}\n{last}" if last else now


def _value_now(rollup: Rollup, m: MeasureResult) -> str:
    if not m.reporting:
        return "Inga värden för perioden"
    if m.measure.kind is MeasureKind.TEXT:
        who = ", ".join(rollup.label(e.node) for e in m.reporting)
        return f"Fritext från {who} (se kommentarer)"
    if m.measure.kind is MeasureKind.YESNO:
        yes = [rollup.label(e.node) for e in m.reporting if (e.value or 0) >= 0.5]
        no = [rollup.label(e.node) for e in m.reporting if (e.value or 0) < 0.5]
        parts = [f"Ja: {', '.join(yes)}" if yes else "", f"Nej: {', '.join(no)}" if no else ""]
        return "\n".join(p for p in parts if p)
    values = []
    for e in m.reporting:
        shown, compared = _entry_value(m, e)
        under = m.target is not None and compared is not None and not _meets(m, compared)
        values.append(f"{rollup.label(e.node)}: {shown}{' (under mål)' if under else ''}")
    lines = ["; ".join(values)]
    if len(m.reporting) > 1:
        if m.measure.kind is MeasureKind.COUNT and m.total is not None:
            lines.append(f"Totalt: {number(m.total)}")
        elif is_ratio(m.measure):
            lines.append(f"Totalt: {ratio_text(m.total, m.denominator)}")
        elif m.measure.kind is MeasureKind.SHARE and m.share is not None:
            lines.append(f"Totalt: {pct(m.share)} ({number(m.total or 0)} av {number(m.denominator or 0)})")
    return "\n".join(lines)


def measure_target(m: MeasureResult) -> tuple[str, bool | None]:
    """'60 %\\n3 av 4 når målet' and whether all reporting nodes meet it (None: no target)."""
    if m.target is None:
        return NO_TARGET, None
    kind = m.measure.kind
    goal = number(m.target) if kind is MeasureKind.COUNT else pct(m.target)
    compared = [c for e in m.reporting if (c := _entry_value(m, e)[1]) is not None]
    if not compared:
        return goal, None
    meeting = sum(1 for c in compared if _meets(m, c))
    return f"{goal}\n{meeting} av {len(compared)} når målet", meeting == len(compared)


def plain(text: str) -> str:
    """A comment with its spaces tidied and without a leading "Samlad bedömning:"."""
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return capitalise(BOILERPLATE.sub("", "\n".join(line for line in lines if line)))


def comment_lines(rollup: Rollup, result: AreaResult, *, statuses: bool = True) -> list[str]:
    """The area's comments as 'Name: text', the nodes' own area assessments first (left
    out without `statuses`), boilerplate prefixes dropped, the same text from a node once."""
    given = [e for e in result.comments if statuses or not e.item.endswith(".status")]
    ranked = sorted(given, key=lambda e: 0 if e.item.endswith(".status") else 1)
    seen: set[tuple[str, str]] = set()
    lines = []
    for e in ranked:
        if e.node == rollup.scope.id and e.item.endswith(".status"):
            continue  # the scope's own assessment is shown beside the status
        text = plain(e.comment)
        key = (e.node, text.lower())
        if text and key not in seen:
            seen.add(key)
            lines.append(f"{rollup.label(e.node)}: {text}")
    return lines


def late_activities(rollup: Rollup, result: AreaResult) -> list[str]:
    """'Försenad: 2. Arbetssätt … (Akuten, BVC)' for activities behind plan, by name."""
    plan, lines = rollup.plan, []
    for activity in result.activities:
        for status in plan.late_statuses:
            nodes = [rollup.label(n) for n, s in activity.statuses.items() if s == status]
            if nodes:
                what = f"{activity.number}. {activity.text}" if activity.number else activity.text
                lines.append(f"{status}: {what} ({', '.join(nodes)})")
    return lines


def nodes_not_on_plan(rollup: Rollup, result: AreaResult) -> str:
    """'Enheternas bedömning: Akuten: Ej enligt plan, BVC: Delvis enligt plan' ('' if none)."""
    plan = rollup.plan
    behind = [
        f"{rollup.label(node)}: {status}"
        for node, status in result.node_statuses.items()
        if node != rollup.scope.id and plan.area_statuses and status != plan.area_statuses[0]
    ]
    if not behind:
        return ""
    below = plan.level(below_level(rollup))
    return f"{capitalise(below.plural_genitive)} bedömning: {', '.join(behind)}"
