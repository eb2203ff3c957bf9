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
    parse_number,
    parse_percent,
    parse_period,
    parse_yesno,
)
from hpdocs.workbook import contract as c

KIND_ACTIVITY = "aktivitet"
KIND_MEASURE = "matning"
KIND_STATUS = "status"
KIND_OWN = "egen"


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

    @property
    def node_id(self) -> str:
        return self.identity.get("hpdocs.nod", "")

    @property
    def stamp(self) -> str:
        """The workbook's own date, used to choose between duplicate submissions."""
        return self.identity.get("hpdocs.uppdaterad", "") or self.identity.get("hpdocs.skapad", "")


@dataclass(frozen=True)
class _ItemInfo:
    area: str
    kind: str
    nr: str
    measure: Measure | None = None


def plan_index(plan: Plan) -> dict[str, _ItemInfo]:
    index: dict[str, _ItemInfo] = {}
    for area in plan.areas:
        index[area.id + c.STATUS_SUFFIX] = _ItemInfo(area.id, KIND_STATUS, "")
        for row in area.rows:
            for activity in row.activities:
                index[activity.id] = _ItemInfo(area.id, KIND_ACTIVITY, activity.number)
            for measure in row.measures:
                index[measure.id] = _ItemInfo(area.id, KIND_MEASURE, measure.number, measure)
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
        self, result: WorkbookRead, plan: Plan, index: dict[str, _ItemInfo], sheet: str, rows: list[list[Any]]
    ):
        self.result, self.plan, self.index = result, plan, index
        self.sheet, self.rows = sheet, rows
        self.node = result.node_id
        self.periods = [(p.id, p.label) for p in plan.periods]

    def problem(
        self, code: str, message: str, row: int, col: int, severity: Severity = Severity.ERROR
    ) -> None:
        self.result.report.add(
            Problem(code, message, severity, self.result.name, self.sheet, excel_cell(row, col))
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
                self._own(area_id, r, cols, cell, own_seen)
                continue
            info = self.index.get(item)
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
        self._report(parsed, r, col)
        return parsed.value or ""

    def _report(self, parsed: Any, r: int, col: int) -> None:
        if parsed.code:
            self.problem(
                parsed.code, parsed.message, r, col, Severity.WARNING if parsed.warning else Severity.ERROR
            )

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
            self._report(parsed, r, col)
            return (float(parsed.value) if parsed.value is not None else None), None
        if kind is MeasureKind.YESNO:
            yes = parse_yesno(raw)
            self._report(yes, r, col)
            return (None if yes.value is None else float(yes.value)), None
        if kind is MeasureKind.TARGET:
            pct = parse_percent(raw)
            self._report(pct, r, col)
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
            )
            return None, None
        num, den = parse_number(raw), parse_number(raw_den)
        self._report(num, r, col)
        self._report(den, r, col_den)
        if num.value is None and den.value is None:
            return None, None
        if (num.value is None) != (den.value is None):
            missing_col = col_den if den.value is None else col
            self.problem(
                "andel-ofullstandig",
                "En andel behöver både täljare och nämnare. Fyll i den som saknas.",
                r,
                missing_col,
            )
            return None, None
        assert num.value is not None and den.value is not None
        if num.value < 0 or den.value < 0 or num.value > den.value or den.value == 0:
            self.problem(
                "andel-orimlig",
                f"Täljaren ({num.value:g}) ska vara mellan 0 och nämnaren ({den.value:g}), och nämnaren större än 0.",
                r,
                col,
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
        self._report(value, r, cols["varde"])
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


def _area_marker(rows: list[list[Any]]) -> str:
    for row in rows[:50]:
        if row and isinstance(row[0], str) and row[0].startswith(c.AREA_MARKER):
            return row[0][len(c.AREA_MARKER) :].strip()
    return ""


def read_workbook(
    path: Path, plan: Plan, *, name: str | None = None, index: dict[str, _ItemInfo] | None = None
) -> WorkbookRead:
    """Read one workbook; never raises for bad content — problems are in the report."""
    result = WorkbookRead(path=path, name=name or path.name)
    result.report.file = result.name
    result.report.extend(inspect_workbook(path, display_name=result.name))
    if not result.report.ok:
        return result
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
        return result
    except (CalamineError, XmlError, ZipError, OSError, ValueError) as exc:
        result.report.add(
            Problem(
                "fil-olasbar",
                f"Filen kunde inte läsas som arbetsbok ({type(exc).__name__}). Spara den på nytt som .xlsx i Excel och skicka igen.",
                file=result.name,
            )
        )
        return result
    try:
        sheets: list[tuple[str, list[list[Any]]]] = []
        for sheet_name in workbook.sheet_names:
            try:
                sheets.append(
                    (sheet_name, workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False))
                )
            except (CalamineError, XmlError, ValueError) as exc:
                result.report.add(
                    Problem(
                        "blad-olasbart",
                        f"Bladet kunde inte läsas ({type(exc).__name__}).",
                        file=result.name,
                        sheet=sheet_name,
                    )
                )
    finally:
        workbook.close()
    _read_sheets(result, plan, index or plan_index(plan), sheets)
    if data.startswith(b"PK"):
        _report_formulas(result, data)
    return result


def _read_sheets(
    result: WorkbookRead, plan: Plan, index: dict[str, _ItemInfo], sheets: list[tuple[str, list[list[Any]]]]
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
    titles = {a.id: a.sheet_title for a in plan.areas}
    for sheet_name, rows in sheets:
        area_id = _area_marker(rows)
        if not area_id:
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
        if not sheet_name.startswith(titles[area_id][:25].rstrip()):
            result.report.add(
                Problem(
                    "blad-omdopt",
                    f'Bladet har bytt namn (var "{titles[area_id]}"). Det läses ändå; byt gärna tillbaka namnet.',
                    Severity.WARNING,
                    result.name,
                    sheet_name,
                )
            )
        _SheetReader(result, plan, index, sheet_name, rows).read(area_id)
    for area in plan.areas:
        if area.id not in result.areas_found:
            result.report.add(
                Problem(
                    "blad-saknas",
                    f'Bladet för "{area.title}" saknas. Inga uppgifter för området lämnas; lägg tillbaka bladet från en ny arbetsbok.',
                    Severity.WARNING,
                    result.name,
                )
            )


def _report_formulas(result: WorkbookRead, data: bytes) -> None:
    for sheet, cells in _uncached_formulas(data).items():
        for cell in sorted(cells):
            result.report.add(
                Problem(
                    "formel-utan-varde",
                    "Cellen innehåller en formel utan sparat resultat, så värdet kan inte läsas. Skriv in värdet i stället, eller öppna och spara filen i Excel.",
                    Severity.WARNING,
                    result.name,
                    sheet,
                    cell,
                )
            )
