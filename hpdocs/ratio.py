"""Ratio measures ("rapporterad risk kontra negativa händelser"): two numbers, never a share.

A share measure whose text compares two things with "kontra" holds a numerator and a
denominator that are not part and whole, so every document shows them as "12 mot 30".
Shared by the PSB chapter, the MUM slides and last year's values.
"""

from __future__ import annotations

from hpdocs.plan import Measure, MeasureKind


def is_ratio(measure: Measure) -> bool:
    return measure.kind is MeasureKind.SHARE and " kontra " in f" {measure.text.lower()} "


def ratio_text(numerator: float | None, denominator: float | None) -> str:
    """'12 mot 30' (Swedish decimal comma)."""
    return f"{_number(numerator or 0)} mot {_number(denominator or 0)}"


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")
