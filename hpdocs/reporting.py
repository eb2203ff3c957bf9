"""Who has reported for a period, in the same Swedish words wherever a person reads it.

The terminal, index.html/json, the web build summary and the roll-up workbooks say it
through these functions (the documents are to follow), so a node is never "inlämnad och
läst" in one place and "inget för perioden" in another.
"""

from __future__ import annotations

from dataclasses import dataclass

from hpdocs.consolidate import Excluded, Rollup
from hpdocs.org import Node

REPORTED = "Har rapporterat"  # the label of the first state line


@dataclass(frozen=True)
class StateLine:
    label: str  # "Inlämnad, inget för perioden"
    names: tuple[str, ...]  # node labels, in organisation order


def headline(rollup: Rollup) -> str:
    """'10 av 14 har rapporterat för Kvartal 3.'"""
    comp = rollup.completeness
    return f"{len(comp.reported)} av {comp.expected} har rapporterat för {rollup.period_label}."


def state_lines(rollup: Rollup) -> list[StateLine]:
    """Every reporting state that has someone in it, with their names."""
    comp = rollup.completeness

    def names(nodes: tuple[Node, ...]) -> tuple[str, ...]:
        return tuple(rollup.label(n.id) for n in nodes)

    lines = [
        StateLine(REPORTED, names(comp.reported)),
        StateLine("Inlämnad, inget för perioden", names(comp.empty)),
        StateLine("Inte inlämnad", names(comp.missing)),
        StateLine("Avvisad (kunde inte användas)", names(comp.rejected)),
        StateLine("Godkänd med fel (värden räknas inte)", names(comp.with_errors)),
    ]
    return [line for line in lines if line.names]


def excluded_line(rollup: Rollup, value: Excluded) -> str:
    """'Enhet Akuten, Adekvat kunskap … H29: "60 %" räknas inte – <why>'."""
    where = " › ".join(part for part in (value.sheet, value.cell) if part)
    written = f'"{value.written}"' if value.written else "värdet"
    what = f" ({value.context})" if value.context else ""
    return f"{rollup.label(value.node)}, {where}{what}: {written} räknas inte – {value.reason}"
