"""Read one area sheet of a unit workbook: each row by its hidden id, each cell converted.

Most rows of a filled workbook are empty, so the loop does as little as it can for them:
cells are taken by column index from the row (no per-cell function), cell addresses are
computed only for a problem, an entry or a formula check, and an empty measure row is not
given to the value parsers (which read nothing from it).
"""

from __future__ import annotations

import re
from typing import Any

from hpdocs.plan import Measure, MeasureKind, Plan
from hpdocs.problems import Problem, Severity
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
from hpdocs.workbook import revised
from hpdocs.workbook.read_types import (
    KIND_ACTIVITY,
    KIND_MEASURE,
    KIND_OWN,
    KIND_STATUS,
    Entry,
    WorkbookRead,
    _ItemInfo,
)

_FRACTION = re.compile(r"\s*([0-9]+(?:[.,][0-9]+)?)\s*(?:/|av)\s*([0-9]+(?:[.,][0-9]+)?)\s*", re.IGNORECASE)
_INPUTS = ("status", "varde", "namnare", "kommentar")
_NEEDED = frozenset({"id", "period", "text", "status", "varde", "namnare", "kommentar"})


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
        self.period_ids = {p for p, _ in self.periods}
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
        for key in _INPUTS:
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
        if not cols.keys() >= _NEEDED:
            return  # an input column is gone (reported by _columns): no cell can be placed
        rows = self.rows
        start = next((i for i, r in enumerate(rows) if r and clean_text(r[0]) == c.COLUMNS_MARKER), None)
        first = (start + 2) if start is not None else 0
        # Column indexes, and how long a row must be to hold them all: a shorter row is padded
        # with "" (what calamine gives for an empty cell) so every cell is a plain index.
        k_id, k_text, k_status = cols["id"], cols["text"], cols["status"]
        k_value, k_den, k_comment = cols["varde"], cols["namnare"], cols["kommentar"]
        self.k_id, self.k_text, self.k_status, self.k_period = k_id, k_text, k_status, cols["period"]
        self.k_value, self.k_den, self.k_comment = k_value, k_den, k_comment
        self.k_typ, self.k_nr = cols.get("typ"), cols.get("nr")
        width = max(v for k, v in cols.items() if k in _NEEDED or k in ("typ", "nr")) + 1
        own_item = area_id + c.OWN_SUFFIX
        index, notes, sheet = self.index, self.notes, self.sheet
        for r in range(first, len(rows)):
            row = rows[r]
            if len(row) < width:
                row = [*row, *[""] * (width - len(row))]
            ident = clean_text(row[k_id])
            if ident.startswith("#"):
                continue
            item, period = c.split_row_id(ident)
            if item == own_item or not ident:
                text = row[k_text]
                self.row_context = ("", item, clean_text(text)[:120] if text != "" else "")
                if self.formulas:
                    self._formula_cells(r, cols)
                if not (text == row[k_status] == row[k_value] == row[k_comment] == ""):
                    self._own(area_id, r, cols, row)  # an empty own row (most are) reads nothing
                continue
            info = index.get(item)
            self.row_context = (period, item, info.text if info else "")
            if self.formulas:
                self._formula_cells(r, cols)
            if info is None:
                self._unknown(item, ident, r, cols, row)
                continue
            if info.area != area_id:
                self.problem(
                    "post-fel-blad",
                    f'Raden "{ident}" hör till ett annat område men står på detta blad. Den läses ändå.',
                    r,
                    k_id,
                    Severity.WARNING,
                )
            if info.kind != KIND_STATUS:
                if notes.revised:  # only then does the row's text (and how it is named) matter
                    noun = (
                        ("mätning", "mätningen")
                        if info.kind == KIND_MEASURE
                        else ("aktivitet", "aktiviteten")
                    )
                    what = f"{noun[0]} {info.nr}" if info.nr else noun[1]
                    what += f' på bladet "{sheet}"'
                    now = info.measure.text if info.measure is not None else info.text
                    notes.row(item, what.strip(), clean_text(row[k_text]), now)
                else:
                    notes.row(item, "", "", "")
            self._item(info, item, period, r, cols, row)

    def _unknown(self, item: str, ident: str, r: int, cols: dict[str, int], row: list[Any]) -> None:
        """A row whose item the plan does not have: gone in a revision, or a stranger."""
        if self.notes.revised:
            filled = [
                f"{self.sheet}!{excel_cell(r, cols[k])}"
                for k in ("status", "varde", "namnare")
                if not is_blank(row[cols[k]])
            ]
            if filled or not is_blank(row[self.k_comment]):
                what = revised.what_row(clean_text(row[self.k_typ]) if self.k_typ is not None else "")
                self.notes.gone(item, what, clean_text(row[self.k_text]), filled)
            return
        if any(not is_blank(row[cols[k]]) for k in _INPUTS):
            self.problem(
                "post-okand",
                f'Raden har id "{ident}" som inte finns i planen {self.plan.fingerprint}. Värdena används inte – för över dem till en ny arbetsbok.',
                r,
                cols["id"],
                Severity.WARNING,
            )

    def _columns(self) -> dict[str, int]:
        for row in self.rows:
            if row and clean_text(row[0]) == c.COLUMNS_MARKER:
                found = {key: i for i, v in enumerate(row) if (key := clean_text(v)) in c.COLUMN_KEYS}
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
        self, info: _ItemInfo, item: str, period_raw: str, r: int, cols: dict[str, int], row: list[Any]
    ) -> None:
        if period_raw not in self.period_ids:
            self.problem(
                "period-okand",
                f'Perioden "{period_raw}" i radens id finns inte i planen. Använd en ny arbetsbok.',
                r,
                cols["id"],
            )
            return
        comment = clean_text(row[self.k_comment])
        status = value = denominator = None
        if info.kind == KIND_STATUS:
            status = self._status(row[self.k_status], self.plan.area_statuses, r, cols["status"])
        elif info.kind == KIND_ACTIVITY:
            status = self._status(row[self.k_status], self.plan.statuses, r, cols["status"])
        elif info.measure is not None:
            value, denominator = self._measure(info.measure, r, cols, row, comment)
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
        self, measure: Measure, r: int, cols: dict[str, int], row: list[Any], comment: str
    ) -> tuple[float | None, float | None]:
        raw, raw_den = row[self.k_value], row[self.k_den]
        col, col_den = cols["varde"], cols["namnare"]
        kind = measure.kind
        made_as = revised.workbook_kind(clean_text(row[self.k_text]))
        if made_as is not None and made_as is not kind:  # the plan changed the measure's kind
            has_value = not (is_blank(raw) and is_blank(raw_den))
            self.notes.kind_changed(measure, f"{self.sheet}!{excel_cell(r, col)}", has_value)
            return None, None
        if raw == "" and raw_den == "" and not comment:
            return None, None  # an empty row (most rows): every kind below reads nothing from it
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

    def _own(self, area_id: str, r: int, cols: dict[str, int], row: list[Any]) -> None:
        text = clean_text(row[self.k_text])
        status_raw, comment = row[self.k_status], clean_text(row[self.k_comment])
        value_raw = row[self.k_value]
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
        period = parse_period(row[self.k_period], self.periods)
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
                clean_text(row[self.k_nr]) if self.k_nr is not None else "",
            )
        )
