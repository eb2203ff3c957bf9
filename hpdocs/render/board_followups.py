"""The plan's follow-ups in time order, for the board paper: when the board is informed, and
the full follow-up calendar of the Bilaga.

Recurring follow-ups (monthly, quarterly, …) come first, in order of how often they happen;
follow-ups tied to months follow in calendar order; the yearly patientsäkerhetsberättelse,
due by 1 March of the next year, comes last. Identical follow-ups in several areas are one row
naming the areas.
"""

from __future__ import annotations

from typing import Any

from hpdocs.plan import LEVEL_KEYS, Area, FollowUp, LevelRow, Plan, Rhythm
from hpdocs.render.context import _numbered, _ordered_areas, _plain, text

# fmt: off
MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
# fmt: on
_RHYTHM_LABELS = {
    Rhythm.MONTHLY: "Varje månad",
    Rhythm.QUARTERLY: "Varje kvartal",
    Rhythm.TERTIAL: "Varje tertial",
    Rhythm.JULY_DECEMBER: "I juli och december",
    Rhythm.ONGOING: "Löpande",
}
_RECURRING = tuple(_RHYTHM_LABELS)


def _when(f: FollowUp) -> tuple[tuple[int, int], str]:
    """A sort key and the Swedish 'when' of a follow-up."""
    if f.rhythm in _RECURRING:
        return (0, _RECURRING.index(f.rhythm)), _RHYTHM_LABELS[f.rhythm]
    months = sorted(m for m in f.months if 1 <= m <= 12) or [12]
    named = " och ".join(MONTHS[m - 1] for m in months)
    prefix = "Varje år i " if f.rhythm is Rhythm.YEARLY else "I "
    return (1, months[0]), prefix + named


def _activities(numbers: tuple[str, ...]) -> str:
    """'aktivitet 1', 'aktiviteterna 1 och 2'; '' when the plan does not say."""
    numbers = tuple(n for n in numbers if n)
    if not numbers:
        return ""
    return f"aktivitet {numbers[0]}" if len(numbers) == 1 else f"aktiviteterna {_joined(list(numbers))}"


def _joined(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " och " + names[-1] if len(names) > 1 else "".join(names)


def _grouped(items: list[tuple[FollowUp, Area, LevelRow]], plan: Plan) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for f, area, row in items:
        key, when = _when(f)
        ident = (key, f.text.strip(), f.by.strip(), row.level)
        group = groups.setdefault(
            ident,
            {"key": key, "when": when, "f": f, "level": row.level, "areas": []},
        )
        if _plain(area.title) not in group["areas"]:
            group["areas"].append(_plain(area.title))
            group.setdefault("activities", []).append(f.activities)
    ordered = sorted(groups.values(), key=lambda g: (g["key"], LEVEL_KEYS.index(g["level"])))
    rows, previous = [], ""
    total_areas = len(plan.areas)
    for g in ordered:
        areas = g["areas"]
        f = g["f"]
        covered = g["activities"][0] if len(areas) == 1 else ()
        rows.append(
            {
                "when": g["when"] if g["when"] != previous else "",
                "when_full": g["when"],
                "rhythm": _plain(f.rhythm),
                "area": "Alla områden" if total_areas > 1 and len(areas) == total_areas else _joined(areas),
                "activities": _activities(covered),
                "level": plan.level(g["level"]).title,
                "text": text(_numbered(f.number, f.text)),
                "by": _plain(f.by) or "–",
            }
        )
        previous = g["when"]
    return rows


def _items(plan: Plan, levels: tuple[str, ...]) -> list[tuple[FollowUp, Area, LevelRow]]:
    return [
        (f, area, row)
        for area in _ordered_areas(plan)
        for row in area.rows
        if row.level in levels
        for f in row.followups
    ]


def followup_rows(plan: Plan) -> list[dict[str, Any]]:
    """Every follow-up of the plan at every level, in time order (for the Bilaga)."""
    return _grouped(_items(plan, LEVEL_KEYS), plan)


def informed_rows(plan: Plan, year: int) -> list[dict[str, Any]]:
    """The top level's follow-ups in time order, then the yearly patientsäkerhetsberättelse."""
    rows = _grouped(_items(plan, LEVEL_KEYS[:1]), plan)
    rows.append(
        {
            "when": f"Senast 1 mars {year + 1}",
            "when_full": f"Senast 1 mars {year + 1}",
            "rhythm": "",
            "area": "Alla områden",
            "activities": "",
            "level": plan.level(LEVEL_KEYS[0]).title,
            "text": f"Patientsäkerhetsberättelsen för {year}, med kapitlet Verksamhetschef per "
            f"{plan.level(LEVEL_KEYS[1]).singular}",
            "by": "Vårdgivaren",
        }
    )
    return rows


def period_phrase(plan: Plan) -> str:
    """'för varje kvartal (Kvartal 1–Kvartal 4)'; 'för varje uppföljningsperiod (…)' otherwise."""
    labels = [p.label for p in plan.periods]
    firsts = {label.split()[0].lower() for label in labels if label.split()}
    span = f"{labels[0]}–{labels[-1]}" if len(labels) > 2 else " och ".join(labels)
    if len(firsts) == 1 and len(labels) > 1:
        return f"för varje {firsts.pop()} ({span})"
    return f"för varje uppföljningsperiod ({span})"
