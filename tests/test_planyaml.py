"""Every YAML mistake a coordinator makes by hand gets a Swedish message on the right line."""

from __future__ import annotations

import pytest

from hpdocs.errors import PlanError
from hpdocs.planfile import load_plan, parse_plan
from tests.test_planfile import MINIMAL

ENGLISH = ("mapping", "allowed", "expected", "found", "scanning", "token", "while")


def mistakes(text: str) -> list[tuple[str, str]]:
    with pytest.raises(PlanError) as info:
        parse_plan(text, file="plan.yaml")
    problems = info.value.problems  # type: ignore[attr-defined]
    for p in problems:
        assert p.code == "plan-yaml-fel" and p.file == "plan.yaml"
        assert not any(word in p.message.lower() for word in ENGLISH), p.message
    return [(p.cell, p.message) for p in problems]


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def only(text: str) -> tuple[int, str]:
    found = mistakes(text)
    assert len(found) == 1, found
    cell, message = found[0]
    return int(cell.split(",")[0].removeprefix("rad ")), message


def test_tab_in_the_indentation() -> None:
    text = MINIMAL.replace("    title: Område A", "\ttitle: Område A")
    line, message = only(text)
    assert line == line_of(text, "title: Område A")
    assert "tabbtecken" in message and "mellanslag" in message


def test_colon_inside_unquoted_text() -> None:
    text = MINIMAL.replace("priority: Prio A", "priority: Mål: alla enheter")
    line, message = only(text)
    assert line == line_of(text, "priority: Mål")
    assert "kolon" in message and 'text: "Mål: 90 % av enheterna"' in message


def test_missing_colon_after_the_key() -> None:
    text = MINIMAL.replace("    title: Område A", "    title Område A")
    line, message = only(text)
    assert line == line_of(text, "title Område A")
    assert "saknar kolon" in message


@pytest.mark.parametrize("quote", ['"', "'"])
def test_unclosed_quote_points_at_where_it_opens(quote: str) -> None:
    text = MINIMAL.replace("title: Testplan", f"title: {quote}Testplan")
    line, message = only(text)
    assert line == line_of(text, "title:")
    assert "stängs aldrig" in message and f"avslutande {quote}" in message


def test_line_indented_too_deep() -> None:
    text = MINIMAL.replace("    title: Område A", "      title: Område A")
    line, message = only(text)
    assert line == line_of(text, "title: Område A")
    assert "Indraget stämmer inte" in message and f"rad {line - 1}" in message


def test_line_indented_too_little() -> None:
    text = MINIMAL.replace("    priority: Prio A", "   priority: Prio A")
    line, message = only(text)
    assert line == line_of(text, "priority: Prio A")
    assert "Indraget stämmer inte" in message


def test_curly_quotes_point_at_their_own_line() -> None:
    """Word's quotes: the message names the line with them, not a later one."""
    text = MINIMAL.replace('{nr: "1", text: "Första"}', "{nr: ”1”, text: ”Första: steget”}")
    line, message = only(text)
    assert line == line_of(text, "Första: steget")
    assert "typografiskt citattecken (”)" in message and "raka citattecken" in message


def test_curly_quotes_around_a_block_value() -> None:
    text = MINIMAL.replace("priority: Prio A", "priority: “Prio: A”")
    line, message = only(text)
    assert line == line_of(text, "priority:")
    assert "typografiskt" in message


def test_curly_quotes_inside_a_text_are_fine() -> None:
    plan = parse_plan(MINIMAL.replace("priority: Prio A", "priority: Arbeta med ”Säker vård”"))
    assert plan.area("a").priority == "Arbeta med ”Säker vård”"


def test_duplicate_key_is_an_error_naming_both_lines() -> None:
    text = MINIMAL.replace("    priority: Prio A\n", "    priority: Prio A\n    title: Område B\n")
    line, message = only(text)
    assert line == line_of(text, "title: Område B")
    assert 'Fältet "title" står två gånger' in message
    assert f"första gången på rad {line_of(text, 'title: Område A')}" in message


def test_duplicate_key_in_a_flow_mapping() -> None:
    text = MINIMAL.replace('{nr: "1", text: "Första"}', '{nr: "1", text: "Första", text: "Igen"}')
    line, message = only(text)
    assert line == line_of(text, "Igen") and '"text"' in message


def test_several_independent_mistakes_are_all_listed() -> None:
    text = MINIMAL.replace("    title: Område A", "\ttitle: Område A").replace(
        "priority: Prio A", "priority: ”Prio A”"
    )
    lines = [int(cell.split(",")[0].removeprefix("rad ")) for cell, _ in mistakes(text)]
    assert lines == [line_of(text, "Område A"), line_of(text, "Prio A")]


def test_text_starting_with_a_special_sign() -> None:
    text = MINIMAL.replace("priority: Prio A", "priority: %Prio A")
    line, message = only(text)
    assert line == line_of(text, "%Prio")
    assert "tecknet %" in message and "citattecken" in message


def test_unclosed_flow_mapping() -> None:
    text = MINIMAL.replace('{nr: "1", text: "Första"}', '{nr: "1", text: "Första"')
    line, message = only(text)
    assert line == line_of(text, '"Första"') and "avslutande }" in message


def test_the_built_in_and_example_plans_have_none_of_these() -> None:
    from pathlib import Path

    for name in ("hp-2022", "region-2022-2024"):
        load_plan(name)
    for path in Path(__file__).parents[1].glob("examples/*/plan.yaml"):
        load_plan(path)


def test_block_text_may_hold_colons_quotes_and_tabs() -> None:
    text = MINIMAL.replace(
        "    priority: Prio A\n",
        "    priority: Prio A\n    background: |-\n      Målet: ”Ingen ska skadas i vården”.\n\n      - ”Punkt” ett\n",
    )
    assert parse_plan(text).area("a").background == "Målet: ”Ingen ska skadas i vården”.\n\n- ”Punkt” ett"


def test_windows_line_endings_keep_the_line_numbers() -> None:
    text = MINIMAL.replace("priority: Prio A", "priority: Mål: alla").replace("\n", "\r\n")
    line, message = only(text)
    assert line == line_of(MINIMAL, "priority:") and "kolon" in message
