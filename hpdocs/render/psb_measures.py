"""Measures for the PSB chapter: a readable label, the value of every node by name, the total,
the year's target (also a target of 0) and whether it is met.

A target is compared node by node and for the total: a percentage (target measures, shares,
yes/no as the share answering yes) is met at or above the target; a count is met at or above
its target, except a target of 0, which means none (met at 0). Free-text measures list the
answers. A ratio ("… kontra …") is shown as two numbers, never as a percentage.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hpdocs.consolidate import MeasureResult, Rollup
from hpdocs.plan import Measure, MeasureKind, Plan
from hpdocs.previous import previous_row
from hpdocs.ratio import is_ratio, ratio_text
from hpdocs.render.context import _plain, text
from hpdocs.workbook.read import Entry

MET = "når målet"
NOT_MET = "når inte målet"


def pct(value: float) -> str:
    rounded = round(value)
    return f"{rounded} %" if abs(value - rounded) < 0.05 else f"{value:.1f} %".replace(".", ",")


def number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def target_text(measure: Measure, target: float | None) -> str:
    if target is None:
        return ""
    if measure.kind is MeasureKind.COUNT:
        return number(target)
    return pct(target)


def meets(measure: Measure, value: float | None, target: float | None) -> bool | None:
    """Whether a value (a percentage, or a count) meets the target; None without either."""
    if value is None or target is None:
        return None
    if measure.kind is MeasureKind.COUNT and target == 0:
        return value <= 0
    return value >= target


def _node_value(measure: Measure, entry: Entry) -> tuple[str, float | None]:
    """The node's value as text, and the number compared with a target."""
    kind = measure.kind
    value = entry.value
    if kind is MeasureKind.TEXT:
        return _plain(entry.comment), None
    if value is None:
        return "–", None
    if kind is MeasureKind.COUNT:
        return number(value), value
    if kind is MeasureKind.TARGET:
        return pct(value), value
    if kind is MeasureKind.YESNO:
        return ("Ja" if value >= 0.5 else "Nej"), (100.0 if value >= 0.5 else 0.0)
    den = entry.denominator
    if is_ratio(measure):
        return ratio_text(value, den), None
    if not den:
        return f"{number(value)} av 0", None
    share = 100 * value / den
    return f"{pct(share)} ({number(value)} av {number(den)})", share


def total(result: MeasureResult, target: float | None) -> tuple[str, float | None]:
    """The total as text, and the number compared with a target (None when nodes are compared)."""
    m = result.measure
    if not result.reporting:
        return "Inga värden", None
    kind = m.kind
    if kind is MeasureKind.TEXT:
        n = len(result.reporting)
        return (f"{n} svar" if n != 1 else "1 svar"), None
    if kind is MeasureKind.COUNT:
        return f"{number(result.total or 0)} totalt", result.total
    if kind is MeasureKind.YESNO:
        share = result.share
        return f"Ja: {number(result.total or 0)} av {number(result.denominator or 0)}", share
    if kind is MeasureKind.SHARE:
        if is_ratio(m):
            return ratio_text(result.total, result.denominator), None
        if result.share is None:
            return f"{number(result.total or 0)} av 0", None
        return (
            f"{pct(result.share)} ({number(result.total or 0)} av {number(result.denominator or 0)})",
            result.share,
        )
    met = sum(1 for e in result.reporting if meets(m, e.value, target))
    n = len(result.reporting)
    values = "1 värde" if n == 1 else f"{n} värden"
    if target is None:
        return values, None
    return f"{values} – {met} av {n} {MET}", None


def measure_row(
    plan: Plan,
    rollup: Rollup,
    result: MeasureResult,
    expected: Iterable[str],
    reasons: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One measure: label, level, values per node (by name), total, target and whether met."""
    m = result.measure
    target = m.targets.get(rollup.year)
    by_node = {e.node: e for e in result.reporting}
    values = []
    for e in result.reporting:
        shown, compared = _node_value(m, e)
        ok = meets(m, compared, target)
        values.append(
            {
                "name": _plain(rollup.label(e.node)),
                "value": shown,
                "met": "" if ok is None else (MET if ok else NOT_MET),
            }
        )
    reasons = reasons or {}
    silent = [
        _plain(rollup.label(n)) + (f" ({reasons[n]})" if n in reasons else "")
        for n in expected
        if n not in by_node
    ]
    total_text, total_value = total(result, target)
    total_ok = meets(m, total_value, target)
    if m.kind is MeasureKind.TARGET and target is not None and values:
        total_ok = all(v["met"] == MET for v in values)  # met when every node meets it
    lines = [f"{v['name']}: {v['value']}" + (f" ({v['met']})" if v["met"] == NOT_MET else "") for v in values]
    if silent:
        lines.append("Inget värde: " + ", ".join(silent))
    label = _plain(m.display_label)
    last = previous_row(rollup, result)  # last year's value, where both years have one
    return {
        "level": plan.level(result.level).title,
        "nr": m.number,
        "label": label,
        "text": text(m.text),
        "source_text": text(m.text) if label != _plain(m.text) else "",
        "note": text(m.note),
        "values": values,
        "values_text": text("\n".join(lines)) if lines else "–",
        "silent": silent,
        "total": text(f"{total_text}\n{last['previous_line']}" if last["previous_line"] else total_text),
        **last,
        "target": target_text(m, target),
        "has_target": target is not None,
        "met": "" if total_ok is None else (MET if total_ok else NOT_MET),
        "off_target": [v["name"] for v in values if v["met"] == NOT_MET],
    }
