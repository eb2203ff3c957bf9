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
from typing import Any, TypeAlias

from docxtpl import Listing

from hpdocs.plan import Area, AreaKind, Plan

# The top-level names of each context, for the template check (kept in step by a test).
# fmt: off
PSB_KEYS: frozenset[str] = frozenset({
    "organisation", "title", "scope", "scope_level", "manager", "period", "period_id", "year",
    "plan_title", "plan_subtitle", "generated", "completeness", "areas", "groups", "statuses",
    "whole_year", "period_heading", "status_note", "matrix", "reporting", "history", "legend",
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
