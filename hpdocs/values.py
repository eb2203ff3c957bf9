"""Turn one hand-filled Excel cell into a typed value, or say in Swedish what is wrong.

python-calamine gives whole numbers as float, empty cells as '' and dates as date, datetime,
time or timedelta; people type "12,5", "60 %", "1 234" and "ja ". Each function here looks at
one cell and never raises on user data, so a reader can report every bad cell in one run.
Where the meaning is clear we accept it; where we had to guess (0,6 read as 60 %) the value
comes back with ``warning=True`` and a code, so that someone can look.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

# Stable problem codes (documented in docs/problems.md).
NOT_A_NUMBER = "varde-inte-tal"
DATE_IN_NUMBER_CELL = "varde-datum-i-talcell"
NOT_WHOLE = "varde-inte-heltal"
NEGATIVE = "varde-negativt"
OVER_100 = "varde-over-100"
FRACTION_AS_PERCENT = "varde-andel-tolkad"  # warning
NOT_YES_NO = "varde-inte-janej"
UNKNOWN_CHOICE = "varde-okant-val"
CHOICE_GUESSED = "varde-val-tolkat"  # warning
UNKNOWN_PERIOD = "varde-okand-period"
READ_LENIENTLY = "varde-tolkat"  # warning: read in a way the person may not have meant
THOUSANDS = "varde-tusental"


@dataclass(frozen=True)
class Parsed(Generic[T_co]):
    """One converted cell: a value, a problem, or (for a warning) both."""

    value: T_co | None  # None = empty or not usable
    code: str = ""  # "" when fine; else a stable problem code
    message: str = ""  # Swedish: what is wrong and what to do, quoting the raw value
    warning: bool = False  # value usable, but someone should look


# Invisible characters that arrive by copy-paste and must not make "12" differ from "12".
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
# Zero-width (non-)joiners are text between two non-ASCII characters: emoji sequences such as
# 👩‍⚕️ and Persian or Indic words need them. Anywhere else (in "1‍2", at an edge) they are debris.
_STRAY_JOINER = re.compile("(?<![^\x00-\x7f\\s])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f\\s])")
_LINE_BREAK = re.compile("\r\n|[\r\x85\u2028\u2029]")
_SPACES = re.compile(r"[^\S\n]+")  # any run of whitespace except a line feed
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"})
_NUMBER = re.compile(r"([+-]?) ?([0-9]{1,3}(?: [0-9]{3})+|[0-9]+)?(?:[.,]([0-9]+))?")
_PERCENT_SIGN = re.compile(r"\s*(?:%|procent)$", re.IGNORECASE)
_COUNT_UNIT = re.compile(r"\s*(?:st\.?|styck|stycken)$", re.IGNORECASE)
_FALSY = frozenset({"nej", "n", "no", "falskt", "false", "0"})
_TRUTHY = frozenset({"ja", "j", "x", "yes", "y", "sant", "true", "1"})


def is_blank(raw: object) -> bool:
    """True for what a person sees as an empty cell: None, '' or only spaces/invisibles."""
    if raw is None or (type(raw) is str and not raw):  # most cells: the fast answer first
        return True
    return isinstance(raw, str) and clean_text(raw) == ""


def clean_text(raw: object) -> str:
    """The cell as a person reads it: trimmed, single spaces, line breaks kept."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        # Fast path, most cells: every character the rules below change is non-printable
        # (control, format, separator other than " "), so a printable text only loses spaces.
        # A line feed is kept, so it counts as a space here: a text whose lines neither start
        # nor end with a space, with no empty line and no double space, comes back unchanged.
        flat = raw.replace("\n", " ") if "\n" in raw else raw
        if flat.isprintable() and "  " not in flat and flat[:1] != " " and flat[-1:] != " ":
            return raw
        text = _STRAY_JOINER.sub("", _INVISIBLE.sub("", _LINE_BREAK.sub("\n", raw)))
        lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
        return "\n".join(lines).strip("\n")
    if isinstance(raw, bool):
        return "SANT" if raw else "FALSKT"  # what Swedish Excel shows
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() and abs(raw) < 1e16 else repr(raw)
    if isinstance(raw, int):
        try:
            return str(raw)
        except ValueError:  # more digits than Python will print
            return "(ett mycket stort tal)"
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time() and raw.tzinfo is None:
            return raw.date().isoformat()
        return raw.isoformat(sep=" ", timespec="minutes" if not raw.second else "seconds")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, dt.time):
        return raw.isoformat(timespec="minutes" if not raw.second else "seconds")
    if isinstance(raw, dt.timedelta):
        seconds = int(raw.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return clean_text(str(raw))


def normalise_header(text: object) -> str:
    """Comparable form of a column header: "Nämnare " and "namnare" are the same."""
    return " ".join(_fold(clean_text(text)).split())


def excel_cell(row_index: int, col_index: int) -> str:
    """0-based (row, column) to Excel's "A1" address; columns go on past Z, ZZ and ZZZ."""
    if row_index < 0 or col_index < 0:
        raise ValueError(f"negative cell index: ({row_index}, {col_index})")
    letters, n = "", col_index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row_index + 1}"


def parse_number(raw: object) -> Parsed[float]:
    """Any finite number, Swedish or English decimal mark, spaces as thousands separators.

    "7 st" is read as 7 with a warning that says so (the same rule in every value column)."""
    return _with_unit(raw, _number(raw, _COUNT_UNIT))


def _with_unit(raw: object, parsed: Parsed[float]) -> Parsed[float]:
    """A number read after dropping a unit ("st", "stycken") carries a warning saying so."""
    if parsed.value is None or not isinstance(raw, str) or not _COUNT_UNIT.search(clean_text(raw)):
        return parsed
    message = f"{_quote(raw)} lästes som {_swedish(parsed.value)}. Skriv bara talet så försvinner varningen."
    return Parsed(parsed.value, READ_LENIENTLY, message, warning=True)


_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:[.,][0-9]{3})+")


def parse_count(raw: object) -> Parsed[int]:
    """A whole, non-negative count; "3 st" is read as 3, with a warning saying so."""
    if isinstance(raw, str) and _THOUSANDS.fullmatch(_COUNT_UNIT.sub("", clean_text(raw))):
        digits = re.sub(r"[^0-9+-]", "", clean_text(raw))
        return _fail(
            THOUSANDS,
            f"{_quote(raw)} kan betyda {digits} eller ett decimaltal. Skriv antalet utan "
            f"tusentalsavgränsare, t.ex. {digits}.",
        )
    parsed = _with_unit(raw, _number(raw, _COUNT_UNIT, example="3"))
    if parsed.value is None:
        return _fail(parsed.code, parsed.message)
    value = parsed.value
    if value < 0:
        return _fail(NEGATIVE, f"{_quote(raw)} är negativt. Skriv ett antal som är 0 eller mer.")
    nearest = round(value)
    if abs(value - nearest) > 1e-9 * max(1.0, abs(value)):  # tolerate Excel's 3.0000000000000004
        return _fail(NOT_WHOLE, f"{_quote(raw)} är inte ett heltal. Skriv ett helt antal, t.ex. 3.")
    return Parsed(int(nearest), parsed.code, parsed.message, parsed.warning)


def parse_percent(raw: object) -> Parsed[float]:
    """A percentage 0..100. A non-whole number <= 1 without "%" is read as a fraction."""
    had_sign = isinstance(raw, str) and _PERCENT_SIGN.search(clean_text(raw)) is not None
    parsed = _number(raw, _PERCENT_SIGN, example="60 %")
    if parsed.value is None:
        return parsed
    value = parsed.value
    if value < 0:
        return _fail(NEGATIVE, f"{_quote(raw)} är negativt. Skriv en andel mellan 0 och 100 %.")
    if not had_sign and value < 1 and not value.is_integer():
        percent = float(f"{value * 100:.12g}")  # 0.07 * 100 is 7.000000000000001
        shown = _swedish(percent)
        message = (
            f"{_quote(raw)} lästes som {shown} %. Om du menade {_swedish(value)} %, "
            f'skriv "{_swedish(value)} %". Skriv annars {shown} så försvinner varningen.'
        )
        return Parsed(percent, FRACTION_AS_PERCENT, message, warning=True)
    if value > 100:
        return _fail(OVER_100, f"{_quote(raw)} är mer än 100 %. Skriv en andel mellan 0 och 100 %.")
    return Parsed(value)


def parse_yesno(raw: object) -> Parsed[bool]:
    """Ja or Nej as chosen in the list; J/N, x, Yes/No, SANT/FALSKT, 1/0 are read too, with a
    warning that says how (a person may have meant something else by "x" or "1")."""
    if is_blank(raw):
        return Parsed(None)
    key = ""
    if isinstance(raw, bool):
        key = "1" if raw else "0"
    elif isinstance(raw, int | float):
        key = "1" if raw == 1 else "0" if raw == 0 else ""
    elif isinstance(raw, str):
        key = _fold(clean_text(raw))
        if key in ("ja", "nej"):
            return Parsed(key == "ja")
        key = key.rstrip(".!")
    if key in _TRUTHY or key in _FALSY:
        answer = key in _TRUTHY
        word = "Ja" if answer else "Nej"
        message = f"{_quote(raw)} lästes som {word}. Välj Ja eller Nej i listan så försvinner varningen."
        return Parsed(answer, READ_LENIENTLY, message, warning=True)
    return _fail(NOT_YES_NO, f"{_quote(raw)} är inte Ja eller Nej. Välj Ja eller Nej i listan.")


def parse_choice(raw: object, allowed: Sequence[str], *, code: str = UNKNOWN_CHOICE) -> Parsed[str]:
    """One of ``allowed``, returned exactly as spelled there.

    Tried in order, the first step that finds anything decides: exact text, then ignoring case,
    then ignoring diacritics ("Pagar" = "Pågår"), then a prefix of at least 3 letters ("Förs"
    = "Försenad", with a warning because it is a guess).
    """
    if is_blank(raw):
        return Parsed(None)
    options, text = tuple(allowed), clean_text(raw)
    exact = _exact_choice(options).get(text)  # the first step below, answered from a table
    if exact is not None:
        return Parsed(exact)
    steps = ((str, False), (str.casefold, False), (_fold, False), (_fold, True))
    for key, prefix in steps:
        wanted = key(text)
        if prefix and sum(ch.isalpha() for ch in wanted) < 3:
            break
        found = _choice_index(options, key)
        hits = found.get(wanted, []) if not prefix else _prefixed(found, wanted)
        if len(hits) == 1:
            if not prefix:
                return Parsed(hits[0])
            message = f'{_quote(raw)} lästes som "{hits[0]}". Välj värdet i listan så blir det rätt.'
            return Parsed(hits[0], CHOICE_GUESSED, message, warning=True)
        if hits:
            which = ", ".join(hits)
            return _fail(code, f"{_quote(raw)} kan betyda flera värden ({which}). Välj ett i listan.")
    return _fail(code, f"{_quote(raw)} är inte ett tillåtet värde. Välj ett av: {_listing(options)}.")


def parse_period(raw: object, periods: Sequence[tuple[str, str]]) -> Parsed[str]:
    """A period id from its id, its label, or the usual ways of writing it ("kv 3", "T2")."""
    if is_blank(raw):
        return Parsed(None)
    table = tuple((str(i), str(label)) for i, label in periods)
    text = clean_text(raw)
    exact = [i for i, label in table if text in (i, label)]
    wanted = _period_key(text)
    hits = list(dict.fromkeys(exact or [i for i, k in _period_index(table) if k == wanted]))
    if len(hits) == 1:
        return Parsed(hits[0])
    what = "kan vara flera perioder" if hits else "är ingen period i planen"
    labels = _listing(tuple(label or i for i, label in table))
    return _fail(UNKNOWN_PERIOD, f"{_quote(raw)} {what}. Välj en av: {labels}.")


_MONTHS = {
    **dict.fromkeys(("jan", "januari"), 1),
    **dict.fromkeys(("feb", "februari"), 2),
    **dict.fromkeys(("mar", "mars"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("maj",), 5),
    **dict.fromkeys(("jun", "juni"), 6),
    **dict.fromkeys(("jul", "juli"), 7),
    **dict.fromkeys(("aug", "augusti"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oktober"), 10),
    **dict.fromkeys(("nov", "november"), 11),
    **dict.fromkeys(("dec", "december"), 12),
}
_TIME = r"(?:[ T]+(?:kl\.?\s*)?([0-9]{1,2})[:.]([0-9]{2})(?:[:.]([0-9]{2}))?(?:\.[0-9]+)?)?"
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME)
_DMY_DATE = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4}|[0-9]{2})" + _TIME)
_WORD_DATE = re.compile(r"([0-9]{1,2})\s*([a-zåäö]+)\.?\s+([0-9]{4})" + _TIME)
_COMPACT_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")


def parse_date(raw: object) -> dt.datetime | None:
    """A date (and time) as people write one in a Swedish workbook, or None.

    Excel dates (date/datetime or a serial number), ISO ("2022-10-09 14:30"), day first
    ("9/10/2022", "09.10.2022"), with a month name ("9 okt 2022", "9 oktober 2022") or compact
    ("20221009"). Never guesses from other text: None means "not a date".
    """
    if isinstance(raw, dt.datetime):
        return raw.replace(tzinfo=None)
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _serial_date(float(raw))
    text = clean_text(raw).casefold()
    if not text:
        return None
    if re.fullmatch(r"[0-9]{5}(?:\.[0-9]+)?", text):
        return _serial_date(float(text))
    if text.endswith("z") or re.search(r"[+-][0-9]{2}:[0-9]{2}$", text):  # docProps: UTC stamps
        try:
            return dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            return None
    for pattern, order in (
        (_ISO_DATE, "ymd"),
        (_DMY_DATE, "dmy"),
        (_WORD_DATE, "dMy"),
        (_COMPACT_DATE, "ymd"),
    ):
        match = pattern.fullmatch(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups()[:3], strict=True))
        month = _MONTHS.get(parts["M"]) if "M" in parts else int(parts["m"])
        year = int(parts["y"])
        year += 2000 if year < 100 else 0
        hour, minute, second = (
            (int(g or 0) for g in match.groups()[3:6]) if len(match.groups()) > 3 else (0, 0, 0)
        )
        try:
            return dt.datetime(year, month or 0, int(parts["d"]), hour, minute, second)
        except ValueError:
            return None
    return None


def _serial_date(serial: float) -> dt.datetime | None:
    """Excel's day number (1900 system) for dates between 1970 and 2100."""
    if not 25569 <= serial <= 73051:
        return None
    return dt.datetime(1899, 12, 30) + dt.timedelta(days=serial)


# --- helpers ---------------------------------------------------------------------------------


def _fail(code: str, message: str) -> Parsed[T]:
    return Parsed(None, code, message)


@lru_cache(maxsize=4096)  # a pure function of the text, called for every yes/no and choice cell
def _fold(text: str) -> str:
    """Case- and diacritics-insensitive form: "Pågår" -> "pagar"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _quote(raw: object) -> str:
    """The raw value as the person sees it in Excel, for messages."""
    if isinstance(raw, float) and math.isfinite(raw):
        text = _swedish(raw)
    else:
        text = clean_text(raw).replace("\n", " ")
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


def _swedish(value: float) -> str:
    """12.0 -> "12", 0.6 -> "0,6": numbers the way a Swedish Excel shows them."""
    text = f"{value:.15g}"
    return repr(value) if "e" in text else text.replace(".", ",")


def _number(raw: object, unit: re.Pattern[str] | None = None, example: str = "60") -> Parsed[float]:
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, dt.date | dt.time | dt.timedelta):
        what = "ett datum" if isinstance(raw, dt.date) else "en tid"
        rest = "men cellen ska innehålla ett tal. Skriv talet i stället."
        return _fail(DATE_IN_NUMBER_CELL, f"{_quote(raw)} är {what} {rest}")
    value: float | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            value = float(raw)
        except OverflowError:
            value = None
    elif isinstance(raw, str):
        text = clean_text(raw).translate(_MINUS)
        text = unit.sub("", text) if unit else text
        match = _NUMBER.fullmatch(text)
        if match and (match[2] or match[3]):
            whole = (match[2] or "0").replace(" ", "")
            value = float(f"{match[1]}{whole}.{match[3] or '0'}")
    if value is not None and math.isfinite(value):
        return Parsed(value)
    if isinstance(raw, str) and clean_text(raw).startswith("#"):
        hint = "är ett felvärde från en formel. Rätta formeln eller skriv talet"
        return _fail(NOT_A_NUMBER, f"{_quote(raw)} {hint}, t.ex. {example}.")
    return _fail(NOT_A_NUMBER, f"{_quote(raw)} är inte ett tal. Skriv siffror, t.ex. {example}.")


def _listing(options: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(options[:limit])
    return f"{shown} med flera ({len(options)} st)" if len(options) > limit else shown


@lru_cache(maxsize=256)
def _choice_index(options: tuple[str, ...], key: Callable[[str], str]) -> dict[str, list[str]]:
    """Comparable key -> the distinct allowed values having it, in list order."""
    index: dict[str, list[str]] = {}
    for option in options:
        canonical = clean_text(option)
        hits = index.setdefault(key(canonical), [])
        if option not in hits:
            hits.append(option)
    return index


@lru_cache(maxsize=256)
def _exact_choice(options: tuple[str, ...]) -> dict[str, str]:
    """Text -> the allowed value it names exactly, where exactly one does (parse_choice's first step)."""
    return {key: hits[0] for key, hits in _choice_index(options, str).items() if len(hits) == 1}


def _prefixed(index: dict[str, list[str]], wanted: str) -> list[str]:
    hits = [o for k, options in index.items() if k.startswith(wanted) for o in options]
    return list(dict.fromkeys(hits))


_PERIOD_WORDS = {
    **dict.fromkeys(("q", "k", "kv", "kvart", "kvartal", "kvartalet", "quarter"), "kvartal"),
    **dict.fromkeys(("t", "tert", "tertial", "tertialet"), "tertial"),
    **dict.fromkeys(("h", "ha", "halvar", "halvaret"), "halvar"),
    **dict.fromkeys(("m", "man", "manad", "manaden"), "manad"),
}


def _period_key(text: str) -> str:
    """Canonical form, so that "Kv. 3", "kvartal3", "3:e kvartalet" and "Q3" are all "kvartal3"."""
    key = re.sub(r"[\s.:_-]+", "", _fold(text))
    match = re.fullmatch(r"([a-z]+)0*([0-9]{1,4})", key) or re.fullmatch(
        r"0*([0-9]{1,4})(?:a|e)?([a-z]+)", key
    )
    if match:
        word, number = (match[1], match[2]) if key[0].isalpha() else (match[2], match[1])
        if word in _PERIOD_WORDS:
            return f"{_PERIOD_WORDS[word]}{int(number)}"
    return key


@lru_cache(maxsize=64)
def _period_index(table: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """(id, key) for each way of naming each period, plus its bare number ("3" for Q3).

    A bare number matching several periods (Q3 and T3) is reported as ambiguous by the caller.
    """
    pairs: list[tuple[str, str]] = []
    for ident, label in table:
        for key in {_period_key(ident), _period_key(label)} - {""}:
            pairs.append((ident, key))
            number = re.search(r"[0-9]{1,4}$", key)
            if number and key[: number.start()] in _PERIOD_WORDS.values():
                pairs.append((ident, str(int(number[0]))))
    return tuple(dict.fromkeys(pairs))
