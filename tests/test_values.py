"""Cell conversion: the table of what people type, plus properties that must hold for anything."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from hpdocs.values import (
    Parsed,
    clean_text,
    excel_cell,
    is_blank,
    normalise_header,
    parse_choice,
    parse_count,
    parse_number,
    parse_percent,
    parse_period,
    parse_yesno,
)

NBSP, THIN, NARROW = "\u00a0", "\u2009", "\u202f"
STATUSES = ["Klar", "Pågår enligt plan", "Försenad", "Förskjuten", "Ej påbörjad"]
QUARTERS = [("Q1", "Kvartal 1"), ("Q2", "Kvartal 2"), ("Q3", "Kvartal 3"), ("Q4", "Kvartal 4")]
TERTIALS = [("T1", "Tertial 1"), ("T2", "Tertial 2"), ("T3", "Tertial 3")]


def outcome(parsed: Parsed[object]) -> tuple[object, str, bool]:
    return parsed.value, parsed.code, parsed.warning


def quoted(raw: object) -> str:
    """How messages quote a raw value: as the cell shows it, decimal comma for floats."""
    text = clean_text(raw)
    return f'"{text.replace(".", ",") if isinstance(raw, float) else text}"'


# --- blank and text ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", " ", "   ", NBSP, "\t\n", "\u200b", "\ufeff \r\n"])
def test_blank(raw: object) -> None:
    assert is_blank(raw)


@pytest.mark.parametrize("raw", [0, 0.0, "0", False, "x", "-", float("nan"), dt.date(2024, 1, 1)])
def test_not_blank(raw: object) -> None:
    assert not is_blank(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("  a  b  ", "a b"),
        (f"a{NBSP}{NBSP}b{THIN}c", "a b c"),
        ("rad 1  \r\n  rad 2\rrad 3", "rad 1\nrad 2\nrad 3"),
        ("\n\növerst\n\nunderst\n", "överst\n\nunderst"),
        ("\u200bdolt\ufeff", "dolt"),
        ("tab\there", "tab here"),
        (12.0, "12"),
        (-0.0, "0"),
        (12.5, "12.5"),
        (7, "7"),
        (True, "SANT"),
        (False, "FALSKT"),
        (dt.date(2022, 3, 1), "2022-03-01"),
        (dt.datetime(2022, 3, 1), "2022-03-01"),
        (dt.datetime(2022, 3, 1, 14, 5), "2022-03-01 14:05"),
        (dt.datetime(2022, 3, 1, 14, 5, 9), "2022-03-01 14:05:09"),
        (dt.time(14, 30), "14:30"),
        (dt.timedelta(hours=30, minutes=5), "30:05:00"),
    ],
)
def test_clean_text(raw: object, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nämnare ", "namnare"),
        ("namnare", "namnare"),
        ("  Antal\nÅTGÄRDER ", "antal atgarder"),
        (f"Ansvarig{NBSP} chef", "ansvarig chef"),
        (None, ""),
    ],
)
def test_normalise_header(raw: object, expected: str) -> None:
    assert normalise_header(raw) == expected


def test_normalise_header_ignores_case_space_and_diacritics() -> None:
    assert normalise_header("Nämnare ") == normalise_header("namnare")
    assert normalise_header("Åtgärd  Status") == normalise_header("atgard status")


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12.0),
        (" 12 ", 12.0),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1 234", 1234.0),
        (f"1{NBSP}234", 1234.0),
        (f"1{THIN}234", 1234.0),
        (f"1{NARROW}234{NARROW}567,25", 1234567.25),
        ("−3", -3.0),
        ("- 3", -3.0),
        ("+4", 4.0),
        (",5", 0.5),
        (12.0, 12.0),
        (12, 12.0),
        (0.1, 0.1),
    ],
)
def test_parse_number(raw: object, expected: float) -> None:
    assert outcome(parse_number(raw)) == (expected, "", False)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("sextio", "varde-inte-tal"),
        ("12 5", "varde-inte-tal"),
        ("1.234,5", "varde-inte-tal"),
        ("12,", "varde-inte-tal"),
        ("#DIV/0!", "varde-inte-tal"),
        (True, "varde-inte-tal"),
        (False, "varde-inte-tal"),
        (float("nan"), "varde-inte-tal"),
        (float("inf"), "varde-inte-tal"),
        (-float("inf"), "varde-inte-tal"),
        (10**400, "varde-inte-tal"),
        (dt.date(2022, 3, 1), "varde-datum-i-talcell"),
        (dt.datetime(2022, 3, 1, 8, 0), "varde-datum-i-talcell"),
        (dt.time(8, 30), "varde-datum-i-talcell"),
        (dt.timedelta(hours=2), "varde-datum-i-talcell"),
    ],
)
def test_parse_number_problems(raw: object, code: str) -> None:
    parsed = parse_number(raw)
    assert (parsed.value, parsed.code, parsed.warning) == (None, code, False)
    assert parsed.message


@pytest.mark.parametrize("raw", [None, "", "  ", NBSP])
def test_blank_is_no_value_and_no_problem(raw: object) -> None:
    for parse in (parse_number, parse_count, parse_percent, parse_yesno):
        assert outcome(parse(raw)) == (None, "", False)
    assert outcome(parse_choice(raw, STATUSES)) == (None, "", False)
    assert outcome(parse_period(raw, QUARTERS)) == (None, "", False)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("sextio", '"sextio" är inte ett tal. Skriv siffror, t.ex. 60.'),
        (
            dt.date(2022, 3, 1),
            '"2022-03-01" är ett datum men cellen ska innehålla ett tal. Skriv talet i stället.',
        ),
        (
            dt.time(8, 30),
            '"08:30" är en tid men cellen ska innehålla ett tal. Skriv talet i stället.',
        ),
        (True, '"SANT" är inte ett tal. Skriv siffror, t.ex. 60.'),
    ],
)
def test_number_messages(raw: object, message: str) -> None:
    assert parse_number(raw).message == message


def test_formula_error_message_says_formula() -> None:
    assert "formel" in parse_number("#DIV/0!").message


# --- counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("3", 3), (3.0, 3), ("0", 0), ("1 200", 1200)],
)
def test_parse_count(raw: object, expected: int) -> None:
    parsed = parse_count(raw)
    assert outcome(parsed) == (expected, "", False)
    assert type(parsed.value) is int


@pytest.mark.parametrize(
    ("raw", "expected"), [("3 st", 3), ("3st", 3), ("12 st.", 12), ("7 stycken", 7), ("7 styck", 7)]
)
def test_count_with_a_unit_is_read_with_a_warning_saying_how(raw: object, expected: int) -> None:
    parsed = parse_count(raw)
    assert outcome(parsed) == (expected, "varde-tolkat", True)
    assert f"lästes som {expected}" in parsed.message


@pytest.mark.parametrize("raw", ["2 st", "2 stycken"])
def test_the_same_unit_rule_holds_in_every_number_column(raw: str) -> None:
    assert outcome(parse_number(raw)) == (2.0, "varde-tolkat", True)


@pytest.mark.parametrize("raw", ["1.200", "1,200", "12.345.678"])
def test_thousands_separators_in_a_count_are_explained(raw: str) -> None:
    parsed = parse_count(raw)
    assert outcome(parsed) == (None, "varde-tusental", False)
    assert "tusentalsavgränsare" in parsed.message


def test_parse_count_tolerates_float_noise_from_formulas() -> None:
    assert parse_count(0.1 * 30).value == 3


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        (2.5, "varde-inte-heltal", '"2,5" är inte ett heltal. Skriv ett helt antal, t.ex. 3.'),
        ("2,5 st", "varde-inte-heltal", '"2,5 st" är inte ett heltal'),
        (-1, "varde-negativt", '"-1" är negativt'),
        ("−2", "varde-negativt", '"−2" är negativt'),
        ("tre", "varde-inte-tal", '"tre" är inte ett tal. Skriv siffror, t.ex. 3.'),
        ("st", "varde-inte-tal", '"st" är inte ett tal'),
        (dt.date(2024, 1, 3), "varde-datum-i-talcell", '"2024-01-03" är ett datum'),
    ],
)
def test_parse_count_problems(raw: object, code: str, message: str) -> None:
    parsed = parse_count(raw)
    assert (parsed.value, parsed.code) == (None, code)
    assert parsed.message.startswith(message)


# --- percentages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("60 %", 60.0),
        ("60%", 60.0),
        (" 60 ", 60.0),
        (60, 60.0),
        (60.0, 60.0),
        ("60,5 %", 60.5),
        (f"60{NBSP}%", 60.0),
        ("60 procent", 60.0),
        ("0,6 %", 0.6),
        ("100 %", 100.0),
        (1, 1.0),
        (1.0, 1.0),
        ("1", 1.0),
        (0, 0.0),
        ("0 %", 0.0),
    ],
)
def test_parse_percent(raw: object, expected: float) -> None:
    assert outcome(parse_percent(raw)) == (expected, "", False)


@pytest.mark.parametrize(
    ("raw", "expected"), [("0,6", 60.0), (0.6, 60.0), ("0.6", 60.0), (0.07, 7.0), (0.555, 55.5)]
)
def test_parse_percent_reads_fraction_as_percent_with_warning(raw: object, expected: float) -> None:
    parsed = parse_percent(raw)
    assert outcome(parsed) == (expected, "varde-andel-tolkad", True)
    assert f"lästes som {clean_text(expected).replace('.', ',')} %" in parsed.message


def test_fraction_warning_quotes_raw_value() -> None:
    assert parse_percent("0,6").message.startswith('"0,6" lästes som 60 %.')


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("150 %", "varde-over-100"),
        (101, "varde-over-100"),
        ("100,5", "varde-over-100"),
        ("-5 %", "varde-negativt"),
        (-0.5, "varde-negativt"),
        ("sextio %", "varde-inte-tal"),
        ("%", "varde-inte-tal"),
        (True, "varde-inte-tal"),
        (dt.date(2024, 6, 30), "varde-datum-i-talcell"),
    ],
)
def test_parse_percent_problems(raw: object, code: str) -> None:
    parsed = parse_percent(raw)
    assert (parsed.value, parsed.code, parsed.warning) == (None, code, False)
    assert quoted(raw) in parsed.message


# --- yes / no ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["Ja", "ja ", "JA"])
def test_parse_yes(raw: object) -> None:
    assert outcome(parse_yesno(raw)) == (True, "", False)


@pytest.mark.parametrize("raw", ["Nej", "nej", "NEJ "])
def test_parse_no(raw: object) -> None:
    assert outcome(parse_yesno(raw)) == (False, "", False)


@pytest.mark.parametrize(
    ("raw", "answer"),
    [
        *[(r, True) for r in ("J", "x", "X", "Yes", "SANT", "ja.", "Ja.", True, 1, 1.0, "1")],
        *[(r, False) for r in ("N", "No", "FALSKT", False, 0, 0.0, "0")],
    ],
)
def test_other_ways_of_saying_yes_or_no_are_read_with_a_warning(raw: object, answer: bool) -> None:
    parsed = parse_yesno(raw)
    assert outcome(parsed) == (answer, "varde-tolkat", True)
    assert f"lästes som {'Ja' if answer else 'Nej'}" in parsed.message


@pytest.mark.parametrize("raw", ["Kanske", "jo", 2, 0.5, dt.date(2024, 1, 1), "-"])
def test_parse_yesno_problems(raw: object) -> None:
    assert outcome(parse_yesno(raw)) == (None, "varde-inte-janej", False)


def test_yesno_message() -> None:
    expected = '"Kanske" är inte Ja eller Nej. Välj Ja eller Nej i listan.'
    assert parse_yesno("Kanske").message == expected


# --- choices ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Klar", "Klar"),
        ("Klar ", "Klar"),
        ("KLAR", "Klar"),
        ("pågår enligt plan", "Pågår enligt plan"),
        ("Pågår   enligt\u00a0plan", "Pågår enligt plan"),
        ("Pagar enligt plan", "Pågår enligt plan"),
        ("ej paborjad", "Ej påbörjad"),
    ],
)
def test_parse_choice(raw: str, expected: str) -> None:
    assert outcome(parse_choice(raw, STATUSES)) == (expected, "", False)


@pytest.mark.parametrize(("raw", "expected"), [("Förse", "Försenad"), ("Pågår", "Pågår enligt plan")])
def test_parse_choice_prefix_is_a_warning(raw: str, expected: str) -> None:
    parsed = parse_choice(raw, STATUSES)
    assert outcome(parsed) == (expected, "varde-val-tolkat", True)
    assert parsed.message.startswith(f'"{raw}" lästes som "{expected}"')


def test_parse_choice_unique_prefix() -> None:
    assert outcome(parse_choice("Förs", ["Klar", "Försenad"])) == (
        "Försenad",
        "varde-val-tolkat",
        True,
    )


@pytest.mark.parametrize("raw", ["För", "Fö", "Kl", "Kanske", "Klarr", 3.0])
def test_parse_choice_unknown_or_ambiguous(raw: object) -> None:
    parsed = parse_choice(raw, STATUSES)
    assert (parsed.value, parsed.code, parsed.warning) == (None, "varde-okant-val", False)
    assert quoted(raw) in parsed.message


def test_parse_choice_unknown_lists_allowed_values() -> None:
    message = parse_choice("Kanske", STATUSES).message
    assert message == (
        '"Kanske" är inte ett tillåtet värde. '
        "Välj ett av: Klar, Pågår enligt plan, Försenad, Förskjuten, Ej påbörjad."
    )


def test_parse_choice_ambiguous_prefix_names_candidates() -> None:
    assert "Försenad, Förskjuten" in parse_choice("För", STATUSES).message


def test_parse_choice_custom_code_and_numbers() -> None:
    assert parse_choice("Kanske", STATUSES, code="status-okand").code == "status-okand"
    assert parse_choice(2.0, ["1", "2", "3"]).value == "2"


def test_parse_choice_prefers_exact_over_diacritics() -> None:
    assert parse_choice("Ar", ["År", "Ar"]).value == "Ar"
    assert parse_choice("År", ["År", "Ar"]).value == "År"


# --- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "periods", "expected"),
    [
        ("Q3", QUARTERS, "Q3"),
        ("q3", QUARTERS, "Q3"),
        ("Kvartal 3", QUARTERS, "Q3"),
        ("kvartal 3", QUARTERS, "Q3"),
        ("kvartal3", QUARTERS, "Q3"),
        ("kv 3", QUARTERS, "Q3"),
        ("Kv. 3", QUARTERS, "Q3"),
        ("K3", QUARTERS, "Q3"),
        ("3:e kvartalet", QUARTERS, "Q3"),
        (3.0, QUARTERS, "Q3"),
        ("T2", TERTIALS, "T2"),
        ("t2", TERTIALS, "T2"),
        ("Tertial 2", TERTIALS, "T2"),
        ("tertial2", TERTIALS, "T2"),
        ("Tert 2", TERTIALS, "T2"),
        ("Tertial 2", QUARTERS + TERTIALS, "T2"),
        ("Helår", [*QUARTERS, ("AR", "Helår")], "AR"),
        ("helar", [*QUARTERS, ("AR", "Helår")], "AR"),
    ],
)
def test_parse_period(raw: object, periods: list[tuple[str, str]], expected: str) -> None:
    assert outcome(parse_period(raw, periods)) == (expected, "", False)


@pytest.mark.parametrize(
    ("raw", "periods"),
    [
        ("Kvartal 5", QUARTERS),
        ("T2", QUARTERS),
        ("2", QUARTERS + TERTIALS),  # Q2 or T2: ambiguous
        ("sommaren", QUARTERS),
        (dt.date(2024, 8, 1), QUARTERS),
    ],
)
def test_parse_period_problems(raw: object, periods: list[tuple[str, str]]) -> None:
    parsed = parse_period(raw, periods)
    assert (parsed.value, parsed.code) == (None, "varde-okand-period")
    assert quoted(raw) in parsed.message
    assert "Kvartal 1, Kvartal 2" in parsed.message


# --- excel_cell -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "col", "expected"),
    [
        (0, 0, "A1"),
        (11, 5, "F12"),
        (0, 25, "Z1"),
        (9, 26, "AA10"),
        (0, 27, "AB1"),
        (0, 701, "ZZ1"),
        (0, 702, "AAA1"),
        (1_048_575, 16_383, "XFD1048576"),  # Excel's last cell
        (0, 18_278, "AAAA1"),
    ],
)
def test_excel_cell(row: int, col: int, expected: str) -> None:
    assert excel_cell(row, col) == expected


def test_excel_cell_rejects_negative_indexes() -> None:
    with pytest.raises(ValueError):
        excel_cell(-1, 0)
    with pytest.raises(ValueError):
        excel_cell(0, -1)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def test_excel_cell_columns_match_openpyxl_and_are_injective() -> None:
    columns = [excel_cell(0, col - 1)[:-1] for col in range(1, 20_001)]
    assert len(set(columns)) == len(columns)
    # openpyxl stops at ZZZ (18278); past it we check our letters decode back to the number.
    for col, letters in enumerate(columns, start=1):
        if col <= 18_278:
            assert letters == get_column_letter(col)
        assert _column_number(letters) == col
    with pytest.raises(ValueError):
        get_column_letter(18_279)


@given(
    st.tuples(st.integers(0, 2_000_000), st.integers(0, 20_000)),
    st.tuples(st.integers(0, 2_000_000), st.integers(0, 20_000)),
)
def test_excel_cell_is_injective(a: tuple[int, int], b: tuple[int, int]) -> None:
    assert (excel_cell(*a) == excel_cell(*b)) == (a == b)


# --- properties -------------------------------------------------------------------------------

SEPARATORS = st.sampled_from(["", " ", NBSP, THIN, NARROW])
PADDING = st.sampled_from(["", " ", "  ", NBSP, "\t"])
MINUS = st.sampled_from(["-", "−"])


def swedish(x: float | int, sep: str, minus: str, left: str, right: str, suffix: str) -> str:
    """`x` written the way a Swedish user might: comma decimals, spaced thousands."""
    text = str(x) if isinstance(x, int) else format(Decimal(repr(x)), "f")
    sign = minus if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{left}{sign}{sep.join(groups)}{',' + frac if frac else ''}{suffix}{right}"


def close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)


@given(
    st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**300), 10**300)),
    SEPARATORS,
    MINUS,
    PADDING,
    PADDING,
)
def test_swedish_numbers_round_trip(x: float | int, sep: str, minus: str, left: str, right: str) -> None:
    text = swedish(x, sep, minus, left, right, "")
    parsed = parse_number(text)
    assert parsed.code == "", (text, parsed)
    assert close(parsed.value, float(x)), (text, parsed)


@given(
    st.floats(0, 100),
    SEPARATORS,
    PADDING,
    PADDING,
    st.sampled_from([" %", "%", f"{NBSP}%", "  %"]),
)
def test_swedish_percentages_round_trip(x: float, sep: str, left: str, right: str, suffix: str) -> None:
    text = swedish(x, sep, "-", left, right, suffix)
    parsed = parse_percent(text)
    assert (parsed.code, parsed.warning) == ("", False), (text, parsed)
    assert close(parsed.value, x), (text, parsed)


@given(st.floats(0, 100), st.integers(0, 100), PADDING, PADDING)
def test_percentages_without_sign(x: float, n: int, left: str, right: str) -> None:
    """Without "%", a non-whole number below 1 is a fraction: 0,6 -> 60 % (with a warning)."""
    for value in (x, n):
        parsed = parse_percent(swedish(value, " ", "-", left, right, ""))
        fraction = value < 1 and not float(value).is_integer()
        assert parsed.warning == fraction
        assert close(parsed.value, value * 100 if fraction else value), (value, parsed)
        assert parse_percent(value).value == parsed.value


ANYTHING = st.one_of(
    st.text(),
    st.floats(),
    st.integers(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.none(),
)


def check_outcome(raw: object, parsed: Parsed[object]) -> None:
    if is_blank(raw):
        assert outcome(parsed) == (None, "", False)
        assert parsed.message == ""
    else:
        assert parsed.value is not None or parsed.code != ""
        assert bool(parsed.code) == bool(parsed.message)
        assert not parsed.warning or (parsed.value is not None and parsed.code)


@settings(max_examples=300)
@given(ANYTHING)
def test_parsers_never_raise(raw: object) -> None:
    for parse in (parse_number, parse_count, parse_percent, parse_yesno):
        check_outcome(raw, parse(raw))
    check_outcome(raw, parse_choice(raw, STATUSES))
    check_outcome(raw, parse_period(raw, QUARTERS + TERTIALS))
    assert isinstance(clean_text(raw), str)
    assert isinstance(normalise_header(raw), str)


@given(ANYTHING, st.lists(st.text(), max_size=8))
def test_parse_choice_returns_an_allowed_value_or_a_code(raw: object, allowed: list[str]) -> None:
    parsed = parse_choice(raw, allowed)
    check_outcome(raw, parsed)
    assert parsed.value is None or parsed.value in allowed


@given(st.lists(st.text(), min_size=1, max_size=8), st.data())
def test_parse_choice_finds_each_distinct_option(allowed: list[str], data: st.DataObject) -> None:
    option = data.draw(st.sampled_from(allowed))
    cleaned = [clean_text(o) for o in allowed]
    assume(not is_blank(option) and cleaned.count(clean_text(option)) == 1)
    assert outcome(parse_choice(f"  {option} ", allowed)) == (option, "", False)


@given(ANYTHING, st.lists(st.tuples(st.text(), st.text()), max_size=6))
def test_parse_period_returns_a_period_id_or_a_code(raw: object, periods: list[tuple[str, str]]) -> None:
    parsed = parse_period(raw, periods)
    check_outcome(raw, parsed)
    assert parsed.value is None or parsed.value in [i for i, _ in periods]


@given(st.text())
def test_clean_text_is_idempotent(text: str) -> None:
    assert clean_text(clean_text(text)) == clean_text(text)
    assert is_blank(text) == (clean_text(text) == "")


def _clean_text_slow(raw: str) -> str:
    """clean_text's rules applied in full, without its fast path for already clean text."""
    from hpdocs import values as v

    text = v._STRAY_JOINER.sub("", v._INVISIBLE.sub("", v._LINE_BREAK.sub("\n", raw)))
    return "\n".join(v._SPACES.sub(" ", line).strip() for line in text.split("\n")).strip("\n")


@settings(max_examples=500)
@given(
    st.text()
    | st.text(alphabet=st.sampled_from(list(" \t\n\r\u00a0\u200b\u200d\u2028\u00adaÅ1😀-\x1f\x85\ufeff")))
)
def test_clean_text_fast_path_agrees_with_the_full_rules(raw: str) -> None:
    assert clean_text(raw) == _clean_text_slow(raw)
