"""The reader's fast paths give what the general rules give (hpdocs.values, the split reader)."""

from __future__ import annotations

import pytest

from hpdocs import cache
from hpdocs.values import clean_text, is_blank, parse_choice


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Antal\nAnge antal i kolumnen Värde.", "Antal\nAnge antal i kolumnen Värde."),  # fast path
        ("a \nb", "a\nb"),
        ("a\n b", "a\nb"),
        ("a\n\nb", "a\n\nb"),
        ("\na\n", "a"),
        ("a\r\nb", "a\nb"),
        ("a\n\u200bb", "a\nb"),
        ("a  b\nc", "a b\nc"),
    ],
)
def test_multi_line_text_is_cleaned_as_before(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_blank_cells() -> None:
    assert is_blank("") and is_blank(None) and is_blank(" \u200b")
    assert not is_blank(0.0) and not is_blank("x") and not is_blank(False)


def test_exact_choice_and_ambiguous_spellings() -> None:
    assert parse_choice("Klar", ("Pågår", "Klar")).value == "Klar"
    # two options that clean to the same text are ambiguous, not an exact hit
    assert parse_choice("Klar", ("Klar", "Klar ")).code == "varde-okant-val"


def test_every_reader_module_is_in_the_cache_fingerprint() -> None:
    for name in ("read", "read_types", "sheet_read", "read_zip", "rollup_read"):
        assert f"hpdocs.workbook.{name}" in cache._READER_MODULES


def test_public_names_stay_importable_from_read() -> None:
    from hpdocs.workbook import read

    for name in read.__all__:
        assert hasattr(read, name)
