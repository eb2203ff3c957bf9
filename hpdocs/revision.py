"""What a revision of the plan changes: two plans compared by their stable ids.

Areas are matched by `id`; activities, measures and follow-ups by their full id
(`<area>.<level>.<id>`), so a new text or a new name is a change of the same thing,
not one removed and one added. Each change names the plan items whose handed-in
values it affects, so that `hpdocs revision` can say whose values are concerned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hpdocs.plan import LEVEL_KEYS, Area, FollowUp, LevelRow, Measure, MeasureKind, Plan

ADDED, REMOVED, CHANGED = "tillagd", "borttagen", "ändrad"

KIND_WORDS: dict[MeasureKind, str] = {
    MeasureKind.COUNT: "ett antal",
    MeasureKind.SHARE: "en andel med täljare och nämnare",
    MeasureKind.YESNO: "ett ja/nej-svar",
    MeasureKind.TARGET: "procent mot ett mål",
    MeasureKind.TEXT: "en text",
}


@dataclass(frozen=True)
class Change:
    """One difference between two plan versions, in Swedish, with the items it concerns."""

    change: str  # ADDED, REMOVED, CHANGED
    what: str  # "område", "aktivitet", "mätning", "uppföljning", "plan"
    item: str  # the plan id concerned ("" for plan-wide changes)
    text: str  # the Swedish description
    affects: tuple[str, ...] = ()  # plan item ids whose handed-in values the change concerns
    keeps_values: bool = True  # whether handed-in values still count after the change
    area: str = ""  # the area's id, for values affected as a whole area
    statuses: tuple[str, ...] = ()  # statuses no longer allowed: values with them are affected


def _q(text: str, limit: int = 70) -> str:
    first = " ".join(text.split())
    return f'"{first if len(first) <= limit else first[: limit - 1].rstrip() + "…"}"'


def _where(plan: Plan, area: Area, level: str) -> str:
    return f"nivån {plan.level(level).title} i {_q(area.title, 50)}"


def _numbered(number: str, text: str) -> str:
    return f"{number}. {_q(text)}" if number else _q(text)


def compare(old: Plan, new: Plan) -> list[Change]:
    """Every change from `old` to `new`, plan-wide first, then area by area in the new order."""
    changes: list[Change] = [*_plan_wide(old, new)]
    old_areas = {a.id: a for a in old.areas}
    new_ids = {a.id for a in new.areas}
    for area in new.areas:
        before = old_areas.get(area.id)
        if before is None:
            changes.append(
                Change(
                    ADDED, "område", area.id, f"Nytt område: {_q(area.title)} ({area.kind}).", area=area.id
                )
            )
            continue
        changes += _area(new, before, area)
    for area in old.areas:
        if area.id not in new_ids:
            changes.append(
                Change(
                    REMOVED,
                    "område",
                    area.id,
                    f"Området {_q(area.title)} är borttaget; dess inlämnade värden räknas inte.",
                    keeps_values=False,
                    area=area.id,
                )
            )
    return changes


def _plan_wide(old: Plan, new: Plan) -> Iterator[Change]:
    old_periods = {p.id: p for p in old.periods}
    for period in new.periods:
        if period.id not in old_periods:
            yield Change(ADDED, "plan", "", f"Ny period: {period.label} ({period.id}).")
        elif old_periods[period.id].months != period.months:
            yield Change(CHANGED, "plan", "", f"Perioden {period.label} omfattar nu andra månader.")
    for period in old.periods:
        if period.id not in {p.id for p in new.periods}:
            yield Change(REMOVED, "plan", "", f"Perioden {period.label} ({period.id}) är borttagen.")
    gone = tuple(s for s in old.statuses if s not in new.statuses)
    if gone:
        yield Change(
            REMOVED,
            "plan",
            "",
            "Statusen " + ", ".join(_q(s) for s in gone) + " finns inte längre att välja.",
            keeps_values=False,
            statuses=gone,
        )
    added = [s for s in new.statuses if s not in old.statuses]
    if added:
        yield Change(ADDED, "plan", "", "Ny status att välja: " + ", ".join(_q(s) for s in added) + ".")
    if old.years != new.years:
        years = ", ".join(str(y) for y in new.years)
        yield Change(CHANGED, "plan", "", f"Planen gäller nu år {years}.")


def _area(plan: Plan, before: Area, area: Area) -> list[Change]:
    changes: list[Change] = []
    if before.title != area.title:
        changes.append(
            Change(
                CHANGED,
                "område",
                area.id,
                f"Området {_q(before.title)} heter nu {_q(area.title)}.",
                area=area.id,
            )
        )
    if before.priority != area.priority:
        changes.append(
            Change(CHANGED, "område", area.id, f"Området {_q(area.title)}: prioriteringen har ny lydelse.")
        )
    if before.kind != area.kind:
        changes.append(
            Change(
                CHANGED, "område", area.id, f"Området {_q(area.title)} är nu {area.kind} (var {before.kind})."
            )
        )
    for level in LEVEL_KEYS:
        old_row, new_row = before.row(level), area.row(level)
        empty = LevelRow(level, "", (), (), ())
        changes += _row(plan, area, level, old_row or empty, new_row or empty)
    return changes


def _row(plan: Plan, area: Area, level: str, old: LevelRow, new: LevelRow) -> list[Change]:
    where = _where(plan, area, level)
    changes: list[Change] = []
    old_acts = {a.id: a for a in old.activities}
    for activity in new.activities:
        was = old_acts.get(activity.id)
        if was is None:
            changes.append(
                Change(
                    ADDED,
                    "aktivitet",
                    activity.id,
                    f"Ny aktivitet på {where}: {_numbered(activity.number, activity.text)}.",
                )
            )
        elif was.text != activity.text:
            changes.append(
                Change(
                    CHANGED,
                    "aktivitet",
                    activity.id,
                    f"Aktivitet {activity.number or activity.key} på {where} har ny lydelse: {_q(was.text, 300)} → {_q(activity.text, 300)}.",
                    (activity.id,),
                )
            )
    new_activities = {a.id for a in new.activities}
    for activity in old.activities:
        if activity.id not in new_activities:
            changes.append(
                Change(
                    REMOVED,
                    "aktivitet",
                    activity.id,
                    f"Aktiviteten {_numbered(activity.number, activity.text)} på {where} är borttagen.",
                    (activity.id,),
                    keeps_values=False,
                )
            )
    old_measures = {m.id: m for m in old.measures}
    for measure in new.measures:
        old_m = old_measures.get(measure.id)
        if old_m is None:
            changes.append(
                Change(
                    ADDED,
                    "mätning",
                    measure.id,
                    f"Ny mätning på {where}: {_numbered(measure.number, measure.text)}.",
                )
            )
        else:
            changes += _measure(where, old_m, measure)
    new_measures = {m.id for m in new.measures}
    for measure in old.measures:
        if measure.id not in new_measures:
            changes.append(
                Change(
                    REMOVED,
                    "mätning",
                    measure.id,
                    f"Mätningen {_numbered(measure.number, measure.text)} på {where} är borttagen.",
                    (measure.id,),
                    keeps_values=False,
                )
            )
    old_follow = {f.id: f for f in old.followups}
    for followup in new.followups:
        old_f = old_follow.get(followup.id)
        if old_f is None:
            changes.append(
                Change(
                    ADDED,
                    "uppföljning",
                    followup.id,
                    f"Ny uppföljning på {where}: {_q(followup.text)} ({followup.rhythm}).",
                    _covered(new, followup),
                )
            )
        else:
            changes += _followup(where, new, old_f, followup)
    new_followups = {f.id for f in new.followups}
    for followup in old.followups:
        if followup.id not in new_followups:
            changes.append(
                Change(
                    REMOVED,
                    "uppföljning",
                    followup.id,
                    f"Uppföljningen {_q(followup.text)} på {where} är borttagen.",
                )
            )
    return changes


def _measure(where: str, was: Measure, now: Measure) -> list[Change]:
    changes: list[Change] = []
    name = f"Mätningen {_numbered(now.number, now.text)} på {where}"
    if was.kind != now.kind:
        changes.append(
            Change(
                CHANGED,
                "mätning",
                now.id,
                f"{name} är nu {KIND_WORDS[now.kind]} (var {KIND_WORDS[was.kind]}); inlämnade värden räknas inte och "
                "fylls i på nytt i den nya arbetsboken.",
                (now.id,),
                keeps_values=False,
            )
        )
    if was.text != now.text:
        changes.append(
            Change(CHANGED, "mätning", now.id, f"{name} har ny lydelse (var {_q(was.text, 300)}).", (now.id,))
        )
    if was.targets != now.targets:
        years = sorted(set(was.targets) | set(now.targets))

        def shown(targets: dict[int, float], year: int) -> str:
            return f"{targets[year]:g} %" if year in targets else "inget"

        diff = ", ".join(
            f"{y}: {shown(was.targets, y)} → {shown(now.targets, y)}"
            for y in years
            if was.targets.get(y) != now.targets.get(y)
        )
        changes.append(Change(CHANGED, "mätning", now.id, f"{name}: nya mål ({diff}).", (now.id,)))
    if (
        now.kind is MeasureKind.SHARE
        and was.kind is MeasureKind.SHARE
        and (was.numerator != now.numerator or was.denominator != now.denominator)
    ):
        changes.append(
            Change(
                CHANGED, "mätning", now.id, f"{name}: täljare eller nämnare har ny beskrivning.", (now.id,)
            )
        )
    return changes


def _covered(row: LevelRow, followup: FollowUp) -> tuple[str, ...]:
    """The measures whose expected periods a follow-up decides."""
    return tuple(m.id for m in row.measures if set(m.activities) & set(followup.activities))


def _followup(where: str, row: LevelRow, was: FollowUp, now: FollowUp) -> list[Change]:
    changes: list[Change] = []
    name = f"Uppföljningen {_q(now.text)} på {where}"
    if was.rhythm != now.rhythm or was.months != now.months:
        months = f", månad {', '.join(str(m) for m in now.months)}" if now.months else ""
        changes.append(
            Change(
                CHANGED,
                "uppföljning",
                now.id,
                f"{name} görs nu {now.rhythm}{months} (var {was.rhythm}); det ändrar i vilka perioder värden väntas.",
                _covered(row, now),
            )
        )
    if was.text != now.text:
        changes.append(Change(CHANGED, "uppföljning", now.id, f"{name} har ny lydelse (var {_q(was.text)})."))
    if was.by != now.by:
        changes.append(
            Change(CHANGED, "uppföljning", now.id, f"{name} görs nu av {now.by or 'ingen angiven'}.")
        )
    return changes


def rhythm_notes(old: Plan, new: Plan, levels: set[str]) -> list[str]:
    """Follow-up changes for a workbook's note (the workbook itself cannot show them)."""
    found: list[str] = []
    for area in new.areas:
        try:
            before = old.area(area.id)
        except KeyError:
            continue
        for level in levels:
            old_row, new_row = before.row(level), area.row(level)
            old_follow = {f.id: f for f in old_row.followups} if old_row else {}
            for followup in new_row.followups if new_row else ():
                was = old_follow.get(followup.id)
                if was is not None and (was.rhythm != followup.rhythm or was.months != followup.months):
                    found.append(
                        f"uppföljningen {_q(followup.text)} görs nu {followup.rhythm} (var {was.rhythm}), "
                        "så värden väntas i andra perioder än förut"
                    )
    return found
