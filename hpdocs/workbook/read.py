"""Read a filled workbook by the contract's hidden ids, cell by cell.

python-calamine reads the values (no openpyxl object model: ~20x faster);
every value is converted by hpdocs.values and each failed conversion becomes
a Problem with file, sheet and cell. The file is checked by hpdocs.safety
before any reader touches it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree as DefusedET
from defusedxml.common import DefusedXmlException
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

from hpdocs.plan import Measure, MeasureKind, Plan
from hpdocs.problems import Problem, Report, Severity
from hpdocs.safety import _ZIP_ERRORS, inspect_workbook
from hpdocs.values import (
    clean_text,
    excel_cell,
    is_blank,
    parse_choice,
    parse_count,
    parse_date,
    parse_number,
    parse_percent,
    parse_period,
    parse_yesno,
)
from hpdocs.workbook import contract as c
from hpdocs.workbook import revised

KIND_ACTIVITY = "aktivitet"
KIND_MEASURE = "matning"
KIND_STATUS = "status"
KIND_OWN = "egen"
# Rows read per sheet: far above any workbook or roll-up hpdocs writes (a company roll-up has a
# row per node and item), low enough that junk rows cannot flood memory and the problem lists.
MAX_SHEET_ROWS = 50_000


@dataclass(frozen=True, slots=True)  # slots: an organisation holds millions of these
class Entry:
    """One filled row: what a node reported for one item and period."""

    node: str
    area: str
    item: str  # plan item id, "<area>.status", or "<area>.egen:<text>"
    kind: str  # KIND_*
    period: str
    status: str = ""
    value: float | None = None
    denominator: float | None = None
    text: str = ""  # the description of an own activity
    comment: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""  # the row's main input cell
    nr: str = ""


@dataclass
class WorkbookRead:
    path: Path
    name: str
    kind: str = ""
    identity: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    areas_found: dict[str, str] = field(default_factory=dict)  # area id -> sheet name
    # What a plan revision changed, as this read saw it (not cached: hpdocs refresh reads anew).
    revision: revised.RevisionNotes | None = field(default=None, compare=False, repr=False)

    @property
    def node_id(self) -> str:
        return self.identity.get("hpdocs.nod", "")

    @property
    def stamp(self) -> str:
        """The workbook's own date as written (part of output keys; never compared as text)."""
        return self.identity.get("hpdocs.uppdaterad", "") or self.identity.get("hpdocs.skapad", "")

    @property
    def updated(self) -> datetime | None:
        """*Senast uppdaterad* as a real date, when the person wrote one."""
        return parse_date(self.identity.get(c.UPDATED_KEY, ""))

    @property
    def saved(self) -> datetime | None:
        """When the file was last saved, by the program's own record (docProps)."""
        return parse_date(self.identity.get(c.SAVED_KEY, ""))


@dataclass(frozen=True)
class _ItemInfo:
    area: str
    kind: str
    nr: str
    measure: Measure | None = None
    text: str = ""  # how the row reads in the plan, for problem reports


def plan_index(plan: Plan) -> dict[str, _ItemInfo]:
    index: dict[str, _ItemInfo] = {}
    for area in plan.areas:
        index[area.id + c.STATUS_SUFFIX] = _ItemInfo(
            area.id, KIND_STATUS, "", text=f"Områdesstatus: {area.title}"
        )
        for row in area.rows:
            for activity in row.activities:
                index[activity.id] = _ItemInfo(area.id, KIND_ACTIVITY, activity.number, text=activity.text)
            for measure in row.measures:
                index[measure.id] = _ItemInfo(
                    area.id, KIND_MEASURE, measure.number, measure, text=measure.display_label
                )
    return index


_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f[^>]*(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>|<v/>)?\s*</c>'
)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet XML part -> sheet name, from workbook.xml and its relationships."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    book = DefusedET.fromstring(zf.read("xl/workbook.xml"))
    rels = DefusedET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): str(r.get("Target", "")).lstrip("/").removeprefix("xl/") for r in rels}
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"))
        if target:
            parts["xl/" + target] = str(sheet.get("name", ""))
    return parts


_FRACTION = re.compile(r"\s*([0-9]+(?:[.,][0-9]+)?)\s*(?:/|av)\s*([0-9]+(?:[.,][0-9]+)?)\s*", re.IGNORECASE)
_FORMULA_TAGS = (b"<f>", b"<f ", b"<f/>")  # not <formula1> of a dropdown list


def _uncached_formulas(data: bytes) -> dict[str, set[str]]:
    """Cells holding a formula with no stored result, per sheet name (xlsx only).

    calamine returns such cells as empty; a person must be told instead.
    """
    found: dict[str, set[str]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts: dict[str, str] | None = None
            for info in zf.infolist():
                if not info.filename.startswith("xl/worksheets/"):
                    continue  # fast check first: most workbooks have no formulas at all
                xml = zf.read(info)
                if not any(tag in xml for tag in _FORMULA_TAGS):
                    continue
                cells = {m.group(1).decode() for m in _FORMULA_NO_VALUE.finditer(xml)}
                if not cells:
                    continue
                parts = _sheet_parts(zf) if parts is None else parts
                sheet = parts.get(info.filename)
                if sheet is not None:
                    found.setdefault(sheet, set()).update(cells)
    except (*_ZIP_ERRORS, KeyError, DefusedXmlException, ParseError):  # a damaged member: no scan
        return {}
    return found


class _SheetReader:
    def __init__(
        self,
        result: WorkbookRead,
        plan: Plan,
        index: dict[str, _ItemInfo],
        sheet: str,
        rows: list[list[Any]],
        formulas: set[str] = frozenset(),  # type: ignore[assignment]
    ):
        self.result, self.plan, self.index = result, plan, index
        self.sheet, self.rows, self.formulas = sheet, rows, formulas
        self.node = result.node_id
        self.periods = [(p.id, p.label) for p in plan.periods]
        self.labels = dict(self.periods)
        self.row_context = ("", "", "")  # period id, item id, text of the row being read
        self.notes = revised.RevisionNotes("", plan.version)  # what a plan revision changed

    def problem(
        self,
        code: str,
        message: str,
        row: int,
        col: int,
        severity: Severity = Severity.ERROR,
        written: object = None,
    ) -> None:
        period, item, context = self.row_context
        self.result.report.add(
            Problem(
                code,
                message,
                severity,
                self.result.name,
                self.sheet,
                excel_cell(row, col),
                period,
                item,
                context,
                "" if written is None else clean_text(written)[:200],
            )
        )

    def _formula_cells(self, r: int, cols: dict[str, int]) -> None:
        """An input cell whose formula has no saved result: its value cannot be counted."""
        for key in ("status", "varde", "namnare", "kommentar"):
            col = cols.get(key)
            if col is not None and excel_cell(r, col) in self.formulas:
                self.formulas = self.formulas - {excel_cell(r, col)}
                self.problem(
                    "formel-utan-varde",
                    "Cellen innehåller en formel utan sparat resultat, så värdet kan inte läsas och räknas inte. Skriv in värdet i stället, eller öppna och spara filen i Excel.",
                    r,
                    col,
                    written="(formel)",
                )

    def read(self, area_id: str) -> None:
        cols = self._columns()
        if not {"id", "period", "text", "status", "varde", "namnare", "kommentar"} <= cols.keys():
            return  # an input column is gone (reported by _columns): no cell can be placed
        start = next((i for i, r in enumerate(self.rows) if r and clean_text(r[0]) == c.COLUMNS_MARKER), None)
        first = (start + 2) if start is not None else 0
        own_seen: dict[str, str] = {}
        for r in range(first, len(self.rows)):
            row = self.rows[r]

            def cell(key: str, row: list[Any] = row) -> Any:
                col = cols.get(key)
                return row[col] if col is not None and col < len(row) else ""

            ident = clean_text(cell("id"))
            if ident.startswith("#"):
                continue
            item, period = c.split_row_id(ident)
            if item == area_id + c.OWN_SUFFIX or not ident:
                self.row_context = ("", item, clean_text(cell("text"))[:120])
                self._formula_cells(r, cols)
                self._own(area_id, r, cols, cell, own_seen)
                continue
            info = self.index.get(item)
            self.row_context = (period, item, info.text if info else "")
            if self.formulas:
                self._formula_cells(r, cols)
            if info is None and self.notes.revised:
                filled = [
                    f"{self.sheet}!{excel_cell(r, cols[k])}"
                    for k in ("status", "varde", "namnare")
                    if not is_blank(cell(k))
                ]
                if filled or not is_blank(cell("kommentar")):
                    what = revised.what_row(clean_text(cell("typ")))
                    self.notes.gone(item, what, clean_text(cell("text")), filled)
                continue
            if info is None:
                if any(not is_blank(cell(k)) for k in ("status", "varde", "namnare", "kommentar")):
                    self.problem(
                        "post-okand",
                        f'Raden har id "{ident}" som inte finns i planen {self.plan.fingerprint}. Värdena används inte – för över dem till en ny arbetsbok.',
                        r,
                        cols["id"],
                        Severity.WARNING,
                    )
                continue
            if info.area != area_id:
                self.problem(
                    "post-fel-blad",
                    f'Raden "{ident}" hör till ett annat område men står på detta blad. Den läses ändå.',
                    r,
                    cols["id"],
                    Severity.WARNING,
                )
            if info.kind != KIND_STATUS:
                noun = ("mätning", "mätningen") if info.kind == KIND_MEASURE else ("aktivitet", "aktiviteten")
                what = f"{noun[0]} {info.nr}" if info.nr else noun[1]
                what += f' på bladet "{self.sheet}"'
                now = info.measure.text if info.measure is not None else info.text
                self.notes.row(item, what.strip(), clean_text(cell("text")), now)
            self._item(info, item, period, r, cols, cell)

    def _columns(self) -> dict[str, int]:
        for row in self.rows:
            if row and clean_text(row[0]) == c.COLUMNS_MARKER:
                found = {clean_text(v): i for i, v in enumerate(row) if clean_text(v) in c.COLUMN_KEYS}
                found["id"] = 0
                missing = [k for k in c.COLUMN_KEYS if k not in found]
                if missing:
                    self.problem(
                        "kolumn-saknas",
                        f"Kolumnerna {', '.join(missing)} saknas på bladet. Använd en ny arbetsbok från samordnaren.",
                        0,
                        0,
                    )
                return found
        self.problem(
            "kolumner-saknas",
            "Bladets dolda kolumnrad saknas; bladet läses med standardkolumnerna. Kontrollera att inga kolumner tagits bort.",
            0,
            0,
            Severity.WARNING,
        )
        return {k: i for i, k in enumerate(c.COLUMN_KEYS)}

    def _text(self, raw: Any) -> str:
        return clean_text(raw)

    def _status(self, raw: Any, allowed: tuple[str, ...], r: int, col: int) -> str:
        if is_blank(raw):
            return ""
        parsed = parse_choice(raw, allowed, code="status-okand")
        self._report(parsed, r, col, raw)
        return parsed.value or ""

    def _report(self, parsed: Any, r: int, col: int, raw: object = None) -> None:
        if parsed.code:
            severity = Severity.WARNING if parsed.warning else Severity.ERROR
            self.problem(parsed.code, parsed.message, r, col, severity, raw)

    def _item(
        self, info: _ItemInfo, item: str, period_raw: str, r: int, cols: dict[str, int], cell: Any
    ) -> None:
        if period_raw not in {p for p, _ in self.periods}:
            self.problem(
                "period-okand",
                f'Perioden "{period_raw}" i radens id finns inte i planen. Använd en ny arbetsbok.',
                r,
                cols["id"],
            )
            return
        comment = self._text(cell("kommentar"))
        status = value = denominator = None
        if info.kind == KIND_STATUS:
            status = self._status(cell("status"), self.plan.area_statuses, r, cols["status"])
        elif info.kind == KIND_ACTIVITY:
            status = self._status(cell("status"), self.plan.statuses, r, cols["status"])
        elif info.measure is not None:
            value, denominator = self._measure(info.measure, r, cols, cell, comment)
        main = "varde" if info.kind == KIND_MEASURE else "status"
        if not (status or comment or value is not None or denominator is not None):
            return
        self.result.entries.append(
            Entry(
                self.node,
                info.area,
                item,
                info.kind,
                period_raw,
                status or "",
                value,
                denominator,
                "",
                comment,
                self.result.name,
                self.sheet,
                excel_cell(r, cols[main]),
                info.nr,
            )
        )

    def _measure(
        self, measure: Measure, r: int, cols: dict[str, int], cell: Any, comment: str
    ) -> tuple[float | None, float | None]:
        raw, raw_den = cell("varde"), cell("namnare")
        col, col_den = cols["varde"], cols["namnare"]
        kind = measure.kind
        made_as = revised.workbook_kind(clean_text(cell("text")))
        if made_as is not None and made_as is not kind:  # the plan changed the measure's kind
            has_value = not (is_blank(raw) and is_blank(raw_den))
            self.notes.kind_changed(measure, f"{self.sheet}!{excel_cell(r, col)}", has_value)
            return None, None
        if kind is MeasureKind.TEXT:
            if not is_blank(raw):
                self.problem(
                    "varde-i-textmatning",
                    "Mätningen beskrivs i text; värdet i kolumnen Värde används inte. Skriv det i Resultat / kommentar.",
                    r,
                    col,
                    Severity.WARNING,
                )
            return None, None
        if is_blank(raw) and comment and parse_number(comment).value is not None and is_blank(raw_den):
            self.problem(
                "varde-i-kommentar",
                f'Kommentaren "{comment}" ser ut att vara mätvärdet. Skriv det i kolumnen Värde.',
                r,
                cols["kommentar"],
                Severity.WARNING,
            )
        if kind is MeasureKind.COUNT:
            parsed = parse_count(raw)
            self._report(parsed, r, col, raw)
            return (float(parsed.value) if parsed.value is not None else None), None
        if kind is MeasureKind.YESNO:
            yes = parse_yesno(raw)
            self._report(yes, r, col, raw)
            return (None if yes.value is None else float(yes.value)), None
        if kind is MeasureKind.TARGET:
            pct = parse_percent(raw)
            self._report(pct, r, col, raw)
            return pct.value, None
        return self._share(raw, raw_den, r, col, col_den)

    def _share(
        self, raw: Any, raw_den: Any, r: int, col: int, col_den: int
    ) -> tuple[float | None, float | None]:
        if "%" in clean_text(raw) and is_blank(raw_den):
            self.problem(
                "andel-som-procent",
                f'"{clean_text(raw)}" är en procentsats. Ange täljare (antal som uppfyller) i Värde och nämnare (antal totalt) i Nämnare, så kan andelen räknas rätt för hela organisationen.',
                r,
                col,
                written=raw,
            )
            return None, None
        fraction = _FRACTION.fullmatch(clean_text(raw)) if isinstance(raw, str) else None
        if fraction and is_blank(raw_den):
            top, bottom = fraction.group(1), fraction.group(2)
            self.problem(
                "andel-som-kvot",
                f'"{clean_text(raw)}" ser ut att vara {top} av {bottom}. Skriv täljaren {top} i Värde och nämnaren {bottom} i Nämnare.',
                r,
                col,
                written=raw,
            )
            return None, None
        num, den = parse_number(raw), parse_number(raw_den)
        self._report(num, r, col, raw)
        self._report(den, r, col_den, raw_den)
        if num.value is None and den.value is None:
            return None, None
        if (num.value is None) != (den.value is None):
            missing_col = col_den if den.value is None else col
            self.problem(
                "andel-ofullstandig",
                "En andel behöver både täljare och nämnare. Fyll i den som saknas.",
                r,
                missing_col,
                written=raw if den.value is None else raw_den,
            )
            return None, None
        assert num.value is not None and den.value is not None
        if num.value < 0 or den.value < 0 or num.value > den.value or den.value == 0:
            self.problem(
                "andel-orimlig",
                f"Täljaren ({num.value:g}) ska vara mellan 0 och nämnaren ({den.value:g}), och nämnaren större än 0.",
                r,
                col,
                written=f"{clean_text(raw)} / {clean_text(raw_den)}",
            )
            return None, None
        return num.value, den.value

    def _own(self, area_id: str, r: int, cols: dict[str, int], cell: Any, seen: dict[str, str]) -> None:
        text = self._text(cell("text"))
        status_raw, comment = cell("status"), self._text(cell("kommentar"))
        value_raw = cell("varde")
        if not (text or not is_blank(status_raw) or comment or not is_blank(value_raw)):
            return
        if not text:
            self.problem(
                "egen-text-saknas",
                "Raden har status eller kommentar men ingen beskrivning av aktiviteten. Beskriv aktiviteten i kolumnen Aktivitet / mätning.",
                r,
                cols["text"],
            )
            return
        period = parse_period(cell("period"), self.periods)
        if period.value is None:
            message = period.message or "Välj period i listan för den egna aktiviteten."
            self.problem(period.code or "egen-period-saknas", message, r, cols["period"])
            return
        status = self._status(status_raw, self.plan.statuses, r, cols["status"])
        value = parse_number(value_raw)
        self._report(value, r, cols["varde"], value_raw)
        key = " ".join(text.lower().split())[:80]
        self.result.entries.append(
            Entry(
                self.node,
                area_id,
                f"{area_id}{c.OWN_SUFFIX}:{key}",
                KIND_OWN,
                period.value,
                status,
                value.value,
                None,
                text,
                comment,
                self.result.name,
                self.sheet,
                excel_cell(r, cols["text"]),
                self._text(cell("nr")),
            )
        )


def _read_identity(rows: list[list[Any]]) -> dict[str, str]:
    identity: dict[str, str] = {}
    for row in rows:
        if row and isinstance(row[0], str) and row[0].startswith("hpdocs."):
            identity[row[0].strip()] = clean_text(row[2]) if len(row) > 2 else ""
    return identity


def _check_filler(result: WorkbookRead, rows: list[list[Any]]) -> None:
    """Who filled the workbook and when: empty or not-a-date cells get a warning."""
    where = {
        str(row[0]).strip(): excel_cell(i, 2)
        for i, row in enumerate(rows)
        if row and isinstance(row[0], str) and row[0].startswith("hpdocs.")
    }

    def warn(code: str, key: str, message: str) -> None:
        written = result.identity.get(key, "")
        result.report.add(
            Problem(
                code,
                message,
                Severity.WARNING,
                result.name,
                c.IDENTITY_SHEET,
                where.get(key, ""),
                written=written,
            )
        )

    if not result.identity.get(c.FILLED_BY_KEY):
        warn(
            "identitet-ifylldav-saknas",
            c.FILLED_BY_KEY,
            "Ifylld av är tom. Skriv ditt namn på bladet Identitet, så vet samordnaren vem som lämnat uppgifterna.",
        )
    updated = result.identity.get(c.UPDATED_KEY, "")
    if not updated:
        warn(
            "identitet-datum-saknas",
            c.UPDATED_KEY,
            "Senast uppdaterad är tom. Skriv dagens datum (t.ex. 2022-10-09); annars avgör filens sparade tid vilken version som används om arbetsboken skickas in flera gånger.",
        )
    elif parse_date(updated) is None:
        warn(
            "identitet-datum-okant",
            c.UPDATED_KEY,
            f'"{updated[:60]}" under Senast uppdaterad är inget datum. Skriv datumet som 2022-10-09; tills dess avgör filens sparade tid vilken version som används.',
        )


def _area_marker(rows: list[list[Any]]) -> str:
    for row in rows[:50]:
        if row and isinstance(row[0], str) and row[0].startswith(c.AREA_MARKER):
            return row[0][len(c.AREA_MARKER) :].strip()
    return ""


def read_workbook(
    path: Path, plan: Plan, *, name: str | None = None, index: dict[str, _ItemInfo] | None = None
) -> WorkbookRead:
    """Read one workbook; never raises for bad content — problems are in the report.

    Whatever goes wrong inside a reader library — including a panic of calamine's Rust core,
    which arrives as a BaseException — becomes this file's problem, never the run's end.
    """
    result = WorkbookRead(path=path, name=name or path.name)
    result.report.file = result.name
    try:
        _read_into(result, path, plan, index)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:
        result.entries.clear()
        result.report.add(reader_failure(result.name, exc))
    return result


def too_many_rows(name: str, sheet: str, rows: int) -> Problem:
    """A sheet longer than MAX_SHEET_ROWS: only its first rows are read, so the file is refused."""
    found, limit = (f"{n:,}".replace(",", "\u00a0") for n in (rows, MAX_SHEET_ROWS))
    return Problem(
        "blad-for-manga-rader",
        f"Bladet {sheet} har {found} rader; bara de första {limit} läses, så arbetsboken används "
        "inte. Ta bort raderna under handlingsplanens poster (markera dem, högerklicka, Ta bort), "
        "spara och lämna in igen.",
        file=name,
    )


def reader_failure(name: str, exc: BaseException | None) -> Problem:
    """The problem of a file whose reading failed inside a library (or killed its worker)."""
    what = f" ({type(exc).__name__})" if exc is not None else ""
    return Problem(
        "fil-lasare-kraschade",
        f"Filen kunde inte läsas: läsaren gav upp på filens innehåll{what}. Öppna filen i Excel, spara den på nytt som .xlsx och skicka igen.",
        file=name,
    )


def _read_into(result: WorkbookRead, path: Path, plan: Plan, index: dict[str, _ItemInfo] | None) -> None:
    result.report.extend(inspect_workbook(path, display_name=result.name))
    if not result.report.ok:
        return
    try:
        # from_filelike picks the format from the content, not the extension, so an
        # .ods saved as .xlsx reads too; the file is closed again at once.
        data = path.read_bytes()  # once, for calamine and the formula scan (size is checked)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        result.report.add(
            Problem(
                "fil-krypterad",
                "Arbetsboken är lösenordsskyddad. Spara den utan lösenord och skicka igen.",
                file=result.name,
            )
        )
        return
    except (CalamineError, XmlError, ZipError, OSError, ValueError) as exc:
        result.report.add(
            Problem(
                "fil-olasbar",
                f"Filen kunde inte läsas som arbetsbok ({type(exc).__name__}). Spara den på nytt som .xlsx i Excel och skicka igen.",
                file=result.name,
            )
        )
        return
    try:
        sheets: list[tuple[str, list[list[Any]]]] = []
        for sheet_name in workbook.sheet_names:
            try:
                loaded = workbook.get_sheet_by_name(sheet_name)
                sheets.append((sheet_name, loaded.to_python(skip_empty_area=False, nrows=MAX_SHEET_ROWS)))
                if loaded.total_height > MAX_SHEET_ROWS:
                    result.report.add(too_many_rows(result.name, sheet_name, loaded.total_height))
            except (CalamineError, XmlError, ValueError) as exc:
                result.report.add(
                    Problem(
                        "blad-olasbart",
                        f"Bladet kunde inte läsas ({type(exc).__name__}); dess värden räknas inte.",
                        file=result.name,
                        sheet=sheet_name,
                    )
                )
    finally:
        workbook.close()
    zipped = data.startswith(b"PK")
    formulas = _uncached_formulas(data) if zipped else {}
    _read_sheets(result, plan, index or plan_index(plan), sheets, formulas)
    if zipped:
        saved = saved_time(data)
        if saved:
            result.identity[c.SAVED_KEY] = saved
    for sheet, cells in formulas.items():  # formulas outside the input cells: nothing is lost
        for cell in sorted(cells):
            result.report.add(
                Problem(
                    "formel-utan-varde",
                    "Cellen innehåller en formel utan sparat resultat. Skriv in värdet i stället, eller öppna och spara filen i Excel.",
                    Severity.WARNING,
                    result.name,
                    sheet,
                    cell,
                )
            )


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>\s*([0-9T:.\-+Z ]{10,40})\s*</dcterms:modified>")


def saved_time(data: bytes) -> str:
    """When the program that saved the file says it did (docProps/core.xml), as ISO text."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "docProps/core.xml" not in zf.namelist():
                return ""
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 1_000_000:
                return ""
            match = _MODIFIED.search(zf.read(info))
    except (*_ZIP_ERRORS, KeyError):
        return ""
    return match.group(1).decode().strip() if match else ""


def _read_sheets(
    result: WorkbookRead,
    plan: Plan,
    index: dict[str, _ItemInfo],
    sheets: list[tuple[str, list[list[Any]]]],
    formulas: dict[str, set[str]] | None = None,
) -> None:
    identity_rows = next(
        (rows for _, rows in sheets if any(r and r[0] == c.IDENTITY_MARKER for r in rows[:5])), None
    )
    if identity_rows is None:
        result.report.add(
            Problem(
                "identitet-saknas",
                "Bladet Identitet saknas, så det går inte att veta vems arbetsbok detta är. Använd arbetsboken som samordnaren skickade ut.",
                file=result.name,
            )
        )
        return
    result.identity = _read_identity(identity_rows)
    result.kind = result.identity.get("hpdocs.typ", "")
    if result.kind != c.KIND_ROLLUP and result.identity.get("hpdocs.format") == c.FORMAT_MARKER:
        _check_filler(result, identity_rows)
    if result.identity.get("hpdocs.format") != c.FORMAT_MARKER:
        result.report.add(
            Problem(
                "identitet-okand",
                "Arbetsboken är inte gjord med hpdocs (formatmarkering saknas).",
                file=result.name,
                sheet=c.IDENTITY_SHEET,
            )
        )
        return
    if result.kind == c.KIND_ROLLUP:
        from hpdocs.workbook.rollup_read import read_data_sheet

        read_data_sheet(result, sheets)
        return
    titles = {a.id: a.title for a in plan.areas}  # full titles: revised notes compare them
    notes = revised.notes_for(result.identity, plan)
    for sheet_name, rows in sheets:
        area_id = _area_marker(rows)
        if not area_id:
            continue
        own_title = revised.sheet_area_title(rows)
        if area_id not in titles and notes.revised:
            notes.removed_areas.append(own_title or area_id)
            continue
        if area_id not in titles:
            result.report.add(
                Problem(
                    "omrade-okant",
                    f'Bladet hör till området "{area_id}", som inte finns i planen {plan.fingerprint}. Bladet läses inte.',
                    Severity.WARNING,
                    result.name,
                    sheet_name,
                )
            )
            continue
        if area_id in result.areas_found:
            result.report.add(
                Problem(
                    "omrade-dubblett",
                    f'Området finns redan på bladet "{result.areas_found[area_id]}". Bara det första bladet läses.',
                    Severity.WARNING,
                    result.name,
                    sheet_name,
                )
            )
            continue
        result.areas_found[area_id] = sheet_name
        notes.area_sheet(own_title, titles[area_id])
        short = plan.area(area_id).sheet_name
        original = short or c.short_sheet_title(own_title or titles[area_id])  # as the writer names it
        if not c.named_after(sheet_name, own_title or titles[area_id], short):
            result.report.add(
                Problem(
                    "blad-omdopt",
                    f'Bladet har bytt namn till "{sheet_name}" (hette "{original}"). Det läses ändå; byt gärna tillbaka namnet.',
                    Severity.WARNING,
                    result.name,
                    sheet_name,
                )
            )
        reader = _SheetReader(result, plan, index, sheet_name, rows, (formulas or {}).get(sheet_name, set()))
        reader.notes = notes
        reader.read(area_id)
        if formulas and sheet_name in formulas:
            formulas[sheet_name] = set(reader.formulas)  # what is left is outside the input cells
    for area in plan.areas:
        if area.id not in result.areas_found and notes.revised:
            notes.new_areas.append(area.title)
        elif area.id not in result.areas_found:
            result.report.add(
                Problem(
                    "blad-saknas",
                    f'Bladet för "{area.title}" saknas. Inga uppgifter för området lämnas; lägg tillbaka bladet från en ny arbetsbok.',
                    Severity.WARNING,
                    result.name,
                )
            )
    result.revision = notes
    note = notes.problem(plan, result.name)
    if note is not None:
        result.report.add(note)
