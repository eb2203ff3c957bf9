"""Read a filled workbook by the contract's hidden ids, cell by cell.

python-calamine reads the values (no openpyxl object model: ~20x faster);
every value is converted by hpdocs.values and each failed conversion becomes
a Problem with file, sheet and cell. The file is checked by hpdocs.safety
before any reader touches it.

The work is split: what a read holds (read_types), one area sheet (sheet_read), what the zip
members tell besides the values (read_zip); this module reads the workbook as a whole. Every
public name stays importable from here.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

from hpdocs.plan import Plan
from hpdocs.problems import Problem, Severity
from hpdocs.safety import inspect_workbook
from hpdocs.values import clean_text, excel_cell, parse_date
from hpdocs.workbook import contract as c
from hpdocs.workbook import revised
from hpdocs.workbook.read_types import (
    KIND_ACTIVITY,
    KIND_MEASURE,
    KIND_OWN,
    KIND_STATUS,
    MAX_SHEET_ROWS,
    Entry,
    WorkbookRead,
    _ItemInfo,
    plan_index,
)
from hpdocs.workbook.read_zip import saved_time, scan_zip, uncached_formulas
from hpdocs.workbook.sheet_read import _SheetReader

__all__ = [
    "KIND_ACTIVITY",
    "KIND_MEASURE",
    "KIND_OWN",
    "KIND_STATUS",
    "MAX_SHEET_ROWS",
    "Entry",
    "WorkbookRead",
    "plan_index",
    "read_workbook",
    "reader_failure",
    "saved_time",
    "too_many_rows",
    "uncached_formulas",
]


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
    formulas, saved = scan_zip(data) if zipped else ({}, "")
    _read_sheets(result, plan, index or plan_index(plan), sheets, formulas)
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
