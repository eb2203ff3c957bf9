"""A known revision of the built-in plan (2022.1 -> 2022.2), one change of each kind."""

from __future__ import annotations

from hpdocs.plan import Plan
from hpdocs.planfile import builtin_plan_text, parse_plan

OLD_TEXT = builtin_plan_text("hp-2022")

EDITS: dict[str, tuple[str, str]] = {
    "version": ('version: "2022.1"', 'version: "2022.2"'),
    "area renamed": ("    title: En god säkerhetskultur\n", "    title: En god och öppen säkerhetskultur\n"),
    "activity added": (
        '          - {nr: "3", text: "Medarbetare ska ta del av resultatet HSE och medverka i att upprätta HP på enheten"}\n',
        '          - {nr: "3", text: "Medarbetare ska ta del av resultatet HSE och medverka i att upprätta HP på enheten"}\n'
        '          - {nr: "4", text: "Gå igenom förfallna avvikelser på varje APT"}\n',
    ),
    "text edited": (
        "Uppmuntra medarbetare att rapportera avvikelser. Medarbetare ska gå Introduktion händelsevis,",
        "Uppmuntra medarbetare att rapportera avvikelser och risker. Medarbetare ska gå Introduktion i Händelsevis",
    ),
    "measure kind changed": (
        '{nr: "1", text: "Antal förfallna avvikelser per enhetschef", kind: antal}',
        '{nr: "1", text: "Antal förfallna avvikelser per enhetschef", kind: andel, '
        'numerator: "Förfallna avvikelser", denominator: "Alla avvikelser"}',
    ),
    "measure removed": (
        '          - {nr: "3", text: "Resultatet ska presenteras på APT", kind: janej}\n',
        "",
    ),
    "rhythm changed": (
        'text: "Verksamhetschef följer upp dia HändelseVis/Överblick kvartalsvis", rhythm: kvartalsvis',
        'text: "Verksamhetschef följer upp dia HändelseVis/Överblick kvartalsvis", rhythm: månadsvis',
    ),
}


def revised_text(*kinds: str) -> str:
    text = OLD_TEXT
    for kind in ("version", *kinds):
        old, new = EDITS[kind]
        assert text.count(old) == 1, kind
        text = text.replace(old, new)
    return text


def revised_plan(*kinds: str) -> Plan:
    return parse_plan(revised_text(*kinds), file="plan.yaml")


ALL = tuple(k for k in EDITS if k != "version")
