"""The workbook contract: what the writer promises and the reader relies on.

Reading never depends on sheet names, sheet order, row positions or display
texts. It depends only on the hidden ids below (documented in
docs/arbetsbok.md, which other tools may rely on too):

* Sheet "Identitet" (found by the marker IDENTITY_MARKER in column A): one key
  per row in column A (`hpdocs.nod`, `hpdocs.plan`, ...), the value in column C.
* Every area sheet has `#omrade:<area id>` in column A of some row, a row with
  `#kolumner` in column A whose cells name each column by a fixed key, and
  below it data rows whose column A holds `<item id>@<period id>` (activities,
  measures, the area status) or `<area id>.egen` (own activities).
* Roll-ups carry every input value in the sheet "Data" (DATA_COLUMNS).
"""

from __future__ import annotations

from hpdocs.problems import IDENTITY_SHEET as IDENTITY_SHEET  # one name for the sheet

TEMPLATE_VERSION = "1"
FORMAT_MARKER = "hpdocs-arbetsbok"

IDENTITY_MARKER = "#identitet"
INSTRUCTION_SHEET = "Instruktion"
LISTS_SHEET = "Listor"
DATA_SHEET = "Data"
OVERVIEW_SHEET = "Översikt"

KIND_WORKBOOK = "arbetsbok"
KIND_ROLLUP = "sammanställning"

# Identity keys (column A) with their Swedish labels (column B).
IDENTITY_KEYS: tuple[tuple[str, str], ...] = (
    ("hpdocs.format", "Format"),
    ("hpdocs.typ", "Typ av arbetsbok"),
    ("hpdocs.mallversion", "Mallversion"),
    ("hpdocs.version", "Skapad med hpdocs"),
    ("hpdocs.plan", "Plan"),
    ("hpdocs.planversion", "Planversion"),
    ("hpdocs.plantitel", "Planens titel"),
    ("hpdocs.ar", "År"),
    ("hpdocs.nod", "Id"),
    ("hpdocs.nodnamn", "Namn"),
    ("hpdocs.niva", "Nivå"),
    ("hpdocs.overordnad", "Överordnad"),
    ("hpdocs.chef", "Chef"),
    ("hpdocs.skapad", "Skapad"),
    ("hpdocs.ifylldav", "Ifylld av"),
    ("hpdocs.uppdaterad", "Senast uppdaterad (datum)"),
)
EDITABLE_IDENTITY_KEYS = ("hpdocs.ifylldav", "hpdocs.uppdaterad")
FILLED_BY_KEY, UPDATED_KEY = EDITABLE_IDENTITY_KEYS
SAVED_KEY = "hpdocs.sparad"  # not on the sheet: the file's own saved time (docProps), set by the reader

AREA_MARKER = "#omrade:"
COLUMNS_MARKER = "#kolumner"
HEADER_MARKER = "#rubrik"  # the visible header row
SECTION_MARKER = "#avsnitt"  # section headings
INFO_MARKER = "#info"  # hints and the read-only plan table
OWN_SUFFIX = ".egen"
STATUS_SUFFIX = ".status"

# Column keys of an area sheet, their header texts and widths. Order is the
# writer's; the reader maps by key, so users may insert columns.
AREA_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("id", "Id", 3),
    ("period", "Period", 12),
    ("typ", "Typ", 14),
    ("nr", "Nr", 5),
    ("text", "Aktivitet / mätning", 62),
    ("status", "Status", 19),
    ("varde", "Värde (antal, täljare, ja/nej)", 16),
    ("namnare", "Nämnare", 11),
    ("mal", "Mål", 8),
    ("kommentar", "Resultat / kommentar", 52),
)
COLUMN_KEYS = tuple(key for key, _, _ in AREA_COLUMNS)

TYPE_ACTIVITY = "Aktivitet"
TYPE_MEASURE = "Mätning"
TYPE_STATUS = "Områdesstatus"
TYPE_OWN = "Egen aktivitet"

YES, NO = "Ja", "Nej"

# Defined names for the dropdown lists on the hidden sheet LISTS_SHEET.
LIST_STATUS = "hp_status"
LIST_AREA_STATUS = "hp_omradesstatus"
LIST_YESNO = "hp_janej"
LIST_PERIOD = "hp_period"

# The roll-up's tidy data sheet: one row per input value, traceable to its source.
DATA_COLUMNS: tuple[str, ...] = (
    "nod",
    "nodnamn",
    "niva",
    "omrade",
    "post",
    "typ",
    "nr",
    "text",
    "period",
    "status",
    "varde",
    "namnare",
    "kommentar",
    "fil",
    "blad",
    "cell",
    "inlamnad",
)


def row_id(item_id: str, period_id: str) -> str:
    return f"{item_id}@{period_id}"


def split_row_id(value: str) -> tuple[str, str]:
    item, _, period = value.partition("@")
    return item.strip(), period.strip()


# Words a shortened sheet name must not end on ("Engagerad ledning och").
_DANGLING = frozenset(
    [
        "och",
        "eller",
        "samt",
        "i",
        "på",
        "av",
        "för",
        "om",
        "med",
        "till",
        "från",
        "vid",
        "mot",
        "som",
        "en",
        "ett",
        "den",
        "det",
        "de",
    ]
)


def short_sheet_title(title: str) -> str:
    """A title shortened to Excel's 31 characters at a word boundary, never ending on a
    conjunction or preposition ("Stärka analys, lärande och" -> "Stärka analys, lärande")."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip().strip("'")
    if len(cleaned) <= 31:
        return cleaned
    words: list[str] = []
    for word in cleaned.split():
        if len(" ".join([*words, word])) > 31:
            break
        words.append(word)
    while len(words) > 1 and words[-1].lower().strip("(") in _DANGLING:
        words.pop()
    shortened = " ".join(words).rstrip(",;–- (")
    return shortened if len(shortened) >= 12 else cleaned[:31].rstrip()


def named_after(sheet_name: str, title: str, short_name: str = "") -> bool:
    """Whether a sheet is named as hpdocs names the area's sheet: from its short name, or its
    title as this and earlier versions shortened it (older workbooks stay unrenamed)."""
    given = [name for name in (short_name, short_sheet_title(title), title[:25].rstrip()) if name]
    return any(sheet_name.startswith(name[:25].rstrip()) for name in given)


def safe_sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name (max 31 chars, no []:*?/\\) that is not yet taken."""
    cleaned = short_sheet_title(title)
    candidate, n = cleaned, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate = cleaned[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate
