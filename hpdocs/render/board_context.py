"""The board paper's context (styrelsebeslut): a Swedish tjänsteskrivelse asking for approval.

Plain data, as for the PSB chapter (hpdocs.render.context, whose helpers this shares); every
key is documented in docs/mallar.md and named in `BOARD_KEYS`. A paper that asks the board to
approve the plan shows no in-year status: it holds the header block, Ärende, Förslag till
beslut, Sammanfattning, Bakgrund, Konsekvenser, how the board is kept informed, the signature,
and the plan itself as Bilaga 1. Every sentence is built from the plan at hand, so it stays true
of a region's plan as of a company's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from hpdocs.levels import capitalise
from hpdocs.plan import LEVEL_KEYS, Area, AreaKind, Plan
from hpdocs.render.board_followups import followup_rows, informed_rows, period_phrase
from hpdocs.render.context import (
    Text,
    _area_base,
    _count,
    _groups,
    _lines,
    _numbered,
    _ordered_areas,
    _plain,
    text,
)

SIGNER_TITLE = "Chefläkare"
DEFAULT_TILL = "Styrelsen"
_YEAR = re.compile(r"\b(19|20)\d\d\b")
LAW = "patientsäkerhetslagen (2010:659)"
NATIONAL_PLAN = "nationella handlingsplan för ökad patientsäkerhet i hälso- och sjukvården 2020–2024"


@dataclass(frozen=True)
class BoardSettings:
    """The [styrelsebeslut] table of hpdocs.toml; empty values are left blank to fill in."""

    datum: str = ""
    diarienummer: str = ""
    till: str = DEFAULT_TILL
    konsekvenser: str = ""


def _signer_parts(signer: str) -> tuple[str, str]:
    """'Karin Lund, chefläkare' -> ('Karin Lund', 'Chefläkare'); 'Chefläkare' -> ('', 'Chefläkare')."""
    signer = _plain(signer)
    if "," in signer:
        name, title = (p.strip() for p in signer.split(",", 1))
        return name, capitalise(title) or SIGNER_TITLE
    if signer.casefold() == SIGNER_TITLE.casefold():
        return "", SIGNER_TITLE
    return signer, SIGNER_TITLE


def plan_heading(plan: Plan, year: int) -> str:
    """The plan's title with its year, never twice: '… 2022-2024' stays as it is."""
    title = _plain(plan.title)
    return title if _YEAR.search(title) else f"{title} {year}"


def regional_heading(plan: Plan) -> str:
    """'Regional handlingsplan … 2022-2024' as written; a title without years gets them."""
    title = _plain(plan.title)
    return title if _YEAR.search(title) else f"{title} {plan_year_text(plan)}"


def _decapitalise(value: str) -> str:
    """'Styrelsen' -> 'styrelsen' mid-sentence; a proper name ('Region Hallands …') is kept."""
    _, _, rest = value.partition(" ")
    if rest and rest[:1].isupper():
        return value
    return value[:1].lower() + value[1:]


def _areas_phrase(plan: Plan) -> str:
    pre = len(plan.areas_of(AreaKind.PREREQUISITE))
    focus = len(plan.areas_of(AreaKind.FOCUS))
    parts = []
    if pre:
        parts.append(_count(pre, "grundläggande förutsättning", "grundläggande förutsättningar"))
    if focus:
        parts.append(_count(focus, "fokusområde", "fokusområden", neuter=True))
    return " och ".join(parts) or "inga områden"


def _for_whom(plan: Plan, level: str) -> str:
    """'för bolaget', 'för varje verksamhetsområde'."""
    name = plan.level(level)
    return f"för {name.definite}" if level == LEVEL_KEYS[0] else f"för varje {name.singular}"


def _activities_sentence(plan: Plan) -> str:
    per_level = {
        lvl: sum(len(r.activities) for a in plan.areas for r in a.rows if r.level == lvl)
        for lvl in LEVEL_KEYS
    }
    used = {lvl: n for lvl, n in per_level.items() if n}
    if not used:
        return "Planen anger inga aktiviteter."
    counted = _count(sum(used.values()), "aktivitet", "aktiviteter")
    if len(used) == 1:
        ((lvl, n),) = used.items()
        every = "den" if n == 1 else ("båda" if n == 2 else "alla")
        return f"Planen anger {counted}, {every} {_for_whom(plan, lvl)}."
    parts = [f"{n} {_for_whom(plan, lvl)}" for lvl, n in used.items()]
    return f"Planen anger sammanlagt {counted}: {', '.join(parts[:-1])} och {parts[-1]}."


def _summary(plan: Plan, heading: str, regional: Plan | None) -> list[Text]:
    measures = sum(len(r.measures) for a in plan.areas for r in a.rows)
    followups = sum(len(r.followups) for a in plan.areas for r in a.rows)
    paragraphs: list[Text] = [
        f"{heading} omfattar {_areas_phrase(plan)}. {_activities_sentence(plan)} Till dem hör "
        f"{_count(measures, 'mätning', 'mätningar')} och {_count(followups, 'uppföljning', 'uppföljningar')}, "
        "alla ordagrant ur planen i bilaga 1.",
    ]
    if regional is not None:
        paragraphs.append(f"Bakgrunden redogör även för {regional_heading(regional)}.")
    return paragraphs


def _background(plan: Plan, year: int, regional: Plan | None, board: str) -> list[dict[str, Text]]:
    sections: list[dict[str, Text]] = [
        {
            "title": "Lagstöd",
            "text": (
                f"Enligt {LAW} 3 kap. ska vårdgivaren planera, leda och kontrollera verksamheten så att "
                "kravet på god vård upprätthålls, och bedriva ett systematiskt patientsäkerhetsarbete. "
                "Vårdgivaren ska varje år, senast den 1 mars, upprätta en patientsäkerhetsberättelse om hur "
                "patientsäkerhetsarbetet har bedrivits under föregående kalenderår, vilka åtgärder som har "
                f"vidtagits och vilka resultat som har uppnåtts. Patientsäkerhetsberättelsen för {year} ska "
                f"alltså vara klar senast den 1 mars {year + 1}."
            ),
        },
        {
            "title": "Nationell handlingsplan",
            "text": (
                f"Socialstyrelsens {NATIONAL_PLAN} beskriver fyra grundläggande "
                "förutsättningar för säker vård och fem prioriterade fokusområden. Handlingsplanen som "
                f"{board} ombeds godkänna använder samma indelning och omfattar {_areas_phrase(plan)}."
            ),
        },
    ]
    if regional is not None:
        areas = [_plain(a.title) for a in regional.areas]
        listed = (", ".join(areas[:-1]) + " och " + areas[-1]) if len(areas) > 1 else "".join(areas)
        body = f"{regional_heading(regional)}."
        if areas:
            body = f"{regional_heading(regional)} prioriterar {_count(len(areas), 'område', 'områden', neuter=True)}: {listed}."
        sections.append({"title": "Regional handlingsplan", "text": body})
    return sections


def _consequences(plan: Plan, settings: BoardSettings) -> list[Text]:
    acting = [
        lvl for lvl in LEVEL_KEYS if any(r.activities for a in plan.areas for r in a.rows if r.level == lvl)
    ]
    who = []
    for lvl in acting:
        name = plan.level(lvl)
        who.append(name.definite if lvl == LEVEL_KEYS[0] else name.plural_definite)
    paragraphs: list[Text] = []
    if who:
        joined = (", ".join(who[:-1]) + " och " + who[-1]) if len(who) > 1 else who[0]
        each = " för respektive nivå" if len(who) > 1 else ""
        paragraphs.append(
            f"Ett godkännande innebär att {joined} under {plan_year_text(plan)} genomför de "
            f"aktiviteter som planen anger{each}."
        )
    below = [plan.level(lvl) for lvl in LEVEL_KEYS[1:]]
    paragraphs.append(
        f"Varje {below[0].singular} och {below[1].singular} rapporterar status och mätvärden i sin "
        f"arbetsbok {period_phrase(plan)}. Rapporterna sammanställs per {below[0].singular} och för "
        f"{plan.level(LEVEL_KEYS[0]).definite} och ligger till grund för patientsäkerhetsberättelsen."
    )
    if settings.konsekvenser:
        paragraphs.append(text(settings.konsekvenser))
    return paragraphs


def plan_year_text(plan: Plan) -> str:
    return f"{min(plan.years)}–{max(plan.years)}" if len(plan.years) > 1 else str(plan.years[0])


def _board_row(row: Any) -> dict[str, Any]:
    measures = [_numbered(m.number, m.text) + (f"\n{m.note}" if m.note else "") for m in row.measures]
    return {
        "level": _plain(row.label),
        "level_key": row.level,
        "activities": _lines(_numbered(a.number, a.text) for a in row.activities) or "–",
        "measures": _lines(measures) or "–",
        "followups": _lines(_numbered(f.number, f.text) for f in row.followups) or "–",
    }


def _regional(plan: Plan | None) -> dict[str, Any]:
    if plan is None:
        empty: dict[str, Any] = {"title": "", "heading": "", "subtitle": "", "years": ""}
        return {**empty, "goals": [], "areas": [], "background": []}
    return {
        "title": _plain(plan.title),
        "heading": regional_heading(plan),
        "subtitle": _plain(plan.subtitle),
        "years": plan_year_text(plan),
        "goals": [text(g) for g in plan.goals],
        "areas": [_plain(a.title) for a in plan.areas],
        "background": [{"title": _plain(s.title), "text": text(s.text)} for s in plan.background],
    }


def _bilaga_area(area: Area) -> dict[str, Any]:
    return {
        **_area_base(area),
        "background_title": _plain(area.background_title),
        "background": text(area.background),
        "rows": [_board_row(r) for r in area.rows],
        # kept for templates written for earlier versions: a board paper shows no status
        "status": "",
        "status_source": "",
    }


def board_context(
    plan: Plan,
    *,
    organisation_name: str,
    year: int,
    signer: str = "",
    regional_plan: Plan | None = None,
    settings: BoardSettings | None = None,
    generated: date | None = None,
) -> dict[str, Any]:
    """Context for the board paper (company level, from the plan alone)."""
    settings = settings or BoardSettings()
    areas = [_bilaga_area(a) for a in _ordered_areas(plan)]
    signer_name, signer_title = _signer_parts(signer)
    signer_full = _plain(signer) or signer_title
    heading = plan_heading(plan, year)
    till = _plain(settings.till) or DEFAULT_TILL
    organisation = _plain(organisation_name)
    header = [
        {"label": "Organisation", "value": organisation},
        {"label": "Datum", "value": _plain(settings.datum)},
        {"label": "Diarienummer", "value": _plain(settings.diarienummer)},
        {"label": "Till", "value": till},
        {"label": "Från", "value": signer_full},
        {"label": "Handläggare", "value": signer_full},
    ]
    return {
        "organisation": organisation,
        "year": year,
        "title": heading,
        "plan_title": _plain(plan.title),
        "plan_subtitle": _plain(plan.subtitle),
        "plan_years": plan_year_text(plan),
        "header": header,
        "date": _plain(settings.datum),
        "diarienummer": _plain(settings.diarienummer),
        "till": till,
        "arende": f"Godkännande av {heading}",
        "decision": f"{till} godkänner {heading}.",
        "summary": _summary(plan, heading, regional_plan),
        "legal_background": _background(plan, year, regional_plan, _decapitalise(till)),
        "consequences": _consequences(plan, settings),
        "informed_intro": (
            f"{capitalise(_decapitalise(till))} hålls informerad om planens genomförande enligt planens "
            f"egna uppföljningar på {plan.level(LEVEL_KEYS[0]).genitive} nivå och genom "
            f"patientsäkerhetsberättelsen, i tidsordning:"
        ),
        "informed": informed_rows(plan, year),
        "background": [{"title": _plain(s.title), "text": text(s.text)} for s in plan.background],
        "goals": [text(g) for g in plan.goals],
        "has_regional": regional_plan is not None,
        "regional": _regional(regional_plan),
        "groups": _groups(areas),
        "areas": areas,
        "instructions": [text(i) for i in plan.instructions],
        "followups": followup_rows(plan),
        "with_status": False,
        "status_scope": "",
        "status_period": "",
        "status_rows": [],
        "signer": _plain(signer),
        "signer_name": signer_name,
        "signer_title": signer_title,
        "generated": (generated or date.today()).isoformat(),
    }
