"""The Identitet sheet: whose workbook this is, and the two cells the person fills in.

The person sees first what they fill in (*Ifylld av*, *Senast uppdaterad*), then what the
workbook is about; the technical stamps the reader needs (format, plan id, node id...) sit in
hidden rows below. The reader finds every value by its key in hidden column A, never by row.
"""

from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from hpdocs import __version__
from hpdocs.org import Node
from hpdocs.plan import Plan
from hpdocs.workbook import contract as c
from hpdocs.workbook import style as s

# What a reader of the sheet wants to see; the other keys are stamps for the program.
SHOWN_KEYS = (
    "hpdocs.nodnamn",
    "hpdocs.niva",
    "hpdocs.overordnad",
    "hpdocs.chef",
    "hpdocs.plantitel",
    "hpdocs.planversion",
    "hpdocs.ar",
    "hpdocs.skapad",
)


def identity_values(
    plan: Plan, node: Node, year: int, kind: str, parent_name: str, created: str
) -> dict[str, str]:
    return {
        "hpdocs.format": c.FORMAT_MARKER,
        "hpdocs.typ": kind,
        "hpdocs.mallversion": c.TEMPLATE_VERSION,
        "hpdocs.version": __version__,
        "hpdocs.plan": plan.id,
        "hpdocs.planversion": plan.version,
        "hpdocs.plantitel": plan.title,
        "hpdocs.ar": str(year),
        "hpdocs.nod": node.id,
        "hpdocs.nodnamn": node.name,
        "hpdocs.niva": plan.level_name(node.level),
        "hpdocs.overordnad": parent_name,
        "hpdocs.chef": node.manager,
        "hpdocs.skapad": created or datetime.now().strftime("%Y-%m-%d %H:%M"),
        "hpdocs.ifylldav": "",
        "hpdocs.uppdaterad": "",
    }


def identity_sheet(wb: Workbook, values: dict[str, str], kind: str) -> None:
    ws = wb.create_sheet(c.IDENTITY_SHEET)
    labels = dict(c.IDENTITY_KEYS)
    rollup = kind == c.KIND_ROLLUP
    s.put(ws, 1, 1, c.IDENTITY_MARKER)
    s.put(ws, 1, 2, "Sammanställningens identitet" if rollup else "Arbetsbokens identitet", font=s.TITLE_FONT)
    hint = (
        "Sammanställningen är gjord av hpdocs ur de inlämnade arbetsböckerna och fylls inte i."
        if rollup
        else "Fyll i de gula cellerna innan du skickar in. Övriga uppgifter är låsta; de används i sammanställningen."
    )
    s.put(ws, 2, 2, hint, font=s.HINT_FONT)
    row = 4

    def line(key: str, *, hidden: bool = False) -> None:
        nonlocal row
        s.put(ws, row, 1, key)
        s.put(ws, row, 2, labels[key], font=s.BOLD, border=s.BORDER)
        s.put(ws, row, 3, values[key], border=s.BORDER, fill=s.LOCKED_FILL)
        ws.row_dimensions[row].hidden = hidden
        row += 1

    editable = () if rollup else c.EDITABLE_IDENTITY_KEYS
    for key in editable:
        cell = ws.cell(row=row, column=3)
        line(key)
        cell.protection = s.UNLOCKED
        cell.fill = s.EXPECTED_FILL
        if key == c.UPDATED_KEY:
            cell.number_format = "yyyy-mm-dd"
            ws.add_data_validation(_date_validation(cell.coordinate))
    if editable:
        row += 1
    s.put(ws, row, 2, "Om sammanställningen" if rollup else "Om arbetsboken", font=s.SECTION_FONT)
    row += 1
    for key in SHOWN_KEYS:
        line(key)
    for key, _ in c.IDENTITY_KEYS:  # the program's stamps, hidden
        if key not in SHOWN_KEYS and key not in editable:
            line(key, hidden=True)
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["B"].width = 28
    ws.column_dimensions["C"].width = 60
    ws.protection.sheet = True
    s.print_setup(ws, landscape=False)


def _date_validation(ref: str) -> DataValidation:
    """*Senast uppdaterad* asks for a real date (it decides which of two hand-ins is used); a
    warning, not a stop, so a date written as text can still be saved and is read leniently."""
    rule = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="DATE(2000,1,1)",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="warning",
        errorTitle="Inte ett datum",
        error="Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2022-10-09.",
        promptTitle="Senast uppdaterad",
        prompt="Dagens datum när du är klar, t.ex. 2022-10-09.",
    )
    rule.add(ref)
    return rule
