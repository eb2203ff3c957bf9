"""The board paper's context (styrelsebeslut): the plan for approval, optionally with status.

Plain data, as for the PSB chapter (hpdocs.render.context, whose helpers this shares); every
key is documented in docs/mallar.md and named in `BOARD_KEYS`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from hpdocs.consolidate import Rollup
from hpdocs.plan import LEVEL_KEYS, Area, AreaKind, FollowUp, LevelRow, Plan, Rhythm
from hpdocs.render.context import (
    Text,
    _area_base,
    _count,
    _groups,
    _lines,
    _numbered,
    _ordered_areas,
    _plain,
    _status_source,
    text,
)

# fmt: off
_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
# fmt: on
SIGNER_TITLE = "Chefläkare"
# Rhythm -> label, in calendar order for the follow-up table.
_RHYTHM_LABELS = {
    Rhythm.MONTHLY: "Månadsvis",
    Rhythm.QUARTERLY: "Kvartalsvis",
    Rhythm.TERTIAL: "Tertialvis",
    Rhythm.JULY_DECEMBER: "Juli och december",
    Rhythm.YEARLY: "Årligen",
    Rhythm.ONCE: "Vid ett tillfälle",
    Rhythm.ONGOING: "Löpande",
}
_RHYTHM_ORDER = tuple(_RHYTHM_LABELS)


def _when(f: FollowUp) -> str:
    label = _RHYTHM_LABELS.get(f.rhythm, str(f.rhythm))
    months = [_MONTHS[m - 1] for m in f.months if 1 <= m <= 12]
    if months and f.rhythm in (Rhythm.YEARLY, Rhythm.ONCE):
        joined = " och ".join(months)
        return f"Årligen i {joined}" if f.rhythm is Rhythm.YEARLY else f"{joined.capitalize()}"
    return label


def _board_row(row: LevelRow) -> dict[str, Any]:
    measures = []
    for m in row.measures:
        measures.append(_numbered(m.number, m.text) + (f"\n{m.note}" if m.note else ""))
    return {
        "level": _plain(row.label),
        "level_key": row.level,
        "activities": _lines(_numbered(a.number, a.text) for a in row.activities) or "–",
        "measures": _lines(measures) or "–",
        "followups": _lines(_numbered(f.number, f.text) for f in row.followups) or "–",
    }


def _followups(areas: list[Area], plan: Plan) -> list[dict[str, Any]]:
    rows = []
    for area in areas:
        for row in area.rows:
            for f in row.followups:
                rows.append((f, area, row))
    order = {r: i for i, r in enumerate(_RHYTHM_ORDER)}
    rows.sort(key=lambda t: (order.get(t[0].rhythm, 99), min(t[0].months, default=0)))
    result, previous = [], ""
    for f, area, row in rows:
        when = _when(f)
        result.append(
            {
                "when": when if when != previous else "",
                "rhythm": _RHYTHM_LABELS.get(f.rhythm, str(f.rhythm)),
                "area": _plain(area.title),
                "level": plan.level_name(row.level),
                "text": text(_numbered(f.number, f.text)),
                "by": _plain(f.by),
            }
        )
        previous = when
    return result


def _regional(plan: Plan | None) -> dict[str, Any]:
    if plan is None:
        empty: dict[str, Any] = {"title": "", "heading": "", "subtitle": "", "years": ""}
        return {**empty, "goals": [], "areas": [], "background": []}
    years = f"{min(plan.years)}–{max(plan.years)}" if len(plan.years) > 1 else str(plan.years[0])
    title = _plain(plan.title)
    return {
        "title": title,
        # "… 2022-2024" already names its years; otherwise add them
        "heading": title if re.search(r"\b(19|20)\d\d\b", title) else f"{title} {years}",
        "subtitle": _plain(plan.subtitle),
        "years": years,
        "goals": [text(g) for g in plan.goals],
        "areas": [_plain(a.title) for a in plan.areas],
        "background": [{"title": _plain(s.title), "text": text(s.text)} for s in plan.background],
    }


def _areas_phrase(pre: int, focus: int) -> str:
    parts = []
    if pre:
        parts.append(_count(pre, "grundläggande förutsättning", "grundläggande förutsättningar"))
    if focus:
        parts.append(_count(focus, "fokusområde", "fokusområden", neuter=True))
    return " och ".join(parts) or "inga områden"


def _summary(plan: Plan, year: int, areas: list[Area], regional: Plan | None) -> Text:
    pre = sum(1 for a in areas if a.kind is AreaKind.PREREQUISITE)
    focus = sum(1 for a in areas if a.kind is AreaKind.FOCUS)
    activities = sum(len(r.activities) for a in areas for r in a.rows)
    levels = ", ".join(plan.level_name(lvl).lower() for lvl in LEVEL_KEYS)
    base = f" och bygger på {plan.subtitle.lower()}" if plan.subtitle else ""
    parts = [
        f"{plan.title} för {year} beskriver hur verksamheten arbetar med patient- och "
        f"brukarsäkerhet under året{base}.",
        f"Planen omfattar {_areas_phrase(pre, focus)} med sammanlagt "
        f"{_count(activities, 'aktivitet', 'aktiviteter')} på tre nivåer ({levels}). För varje "
        "aktivitet anges hur den mäts och när och av vem den följs upp.",
    ]
    if regional is not None:
        parts.append(f"Planen tar även hänsyn till {regional.title.lower()}.")
    parts.append("Efter styrelsens godkännande gås planen igenom i alla verksamhetsområden och enheter.")
    return " ".join(parts)


def board_context(
    plan: Plan,
    *,
    organisation_name: str,
    year: int,
    rollups: Rollup | None = None,
    signer: str = "",
    regional_plan: Plan | None = None,
    generated: date | None = None,
) -> dict[str, Any]:
    """Context for the board approval document (company level, from the plan alone).

    With `rollups` (a company-level roll-up) each area also gets its status.
    """
    ordered = _ordered_areas(plan)
    results = {r.area.id: r for r in rollups.areas} if rollups else {}
    scope_label = plan.level_name(rollups.scope.level).lower() if rollups else ""
    areas: list[dict[str, Any]] = []
    for area in ordered:
        result = results.get(area.id)
        areas.append(
            {
                **_area_base(area),
                "background_title": _plain(area.background_title),
                "background": text(area.background),
                "rows": [_board_row(r) for r in area.rows],
                "status": _plain(result.status) if result else "",
                "status_source": _status_source(result, scope_label) if result else "",
            }
        )
    signer = _plain(signer)
    title = f"{_plain(plan.title)} {year}"
    return {
        "organisation": _plain(organisation_name),
        "year": year,
        "title": title,
        "plan_title": _plain(plan.title),
        "plan_subtitle": _plain(plan.subtitle),
        "arende": f"Godkännande av {title}",
        "decision": f"Styrelsen godkänner {_plain(plan.title)} för {year}.",
        "summary": _summary(plan, year, ordered, regional_plan),
        "background": [{"title": _plain(s.title), "text": text(s.text)} for s in plan.background],
        "goals": [text(g) for g in plan.goals],
        "has_regional": regional_plan is not None,
        "regional": _regional(regional_plan),
        "groups": _groups(areas),
        "areas": areas,
        "instructions": [text(i) for i in plan.instructions],
        "followups": _followups(ordered, plan),
        "with_status": rollups is not None,
        "status_scope": _plain(rollups.scope.name) if rollups else "",
        "status_period": _plain(rollups.period_label) if rollups else "",
        "status_rows": [
            {"kind_label": a["kind_label"], "title": a["title"], "status": a["status"]} for a in areas
        ]
        if rollups
        else [],
        "signer": signer,
        "signer_name": "" if signer.casefold() == SIGNER_TITLE.casefold() else signer,
        "signer_title": SIGNER_TITLE,
        "generated": (generated or date.today()).isoformat(),
    }
