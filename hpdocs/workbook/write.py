"""Generate the standard workbook a unit, business area or the company fills in.

Always generated fresh from the plan (never by re-saving a user's file:
openpyxl drops what it does not know). The layout follows the contract in
hpdocs.workbook.contract; see docs/arbetsbok.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from hpdocs.atomic import atomic_path
from hpdocs.org import Node, Organisation
from hpdocs.plan import LEVEL_KEYS, Area, AreaKind, Measure, MeasureKind, Plan, expected_periods
from hpdocs.workbook import contract as c
from hpdocs.workbook import style as s
from hpdocs.workbook.house_style import DEFAULT, HouseStyle, apply, logo_image
from hpdocs.workbook.identity_write import identity_sheet, identity_values

COL = {key: i for i, key in enumerate(c.COLUMN_KEYS, start=1)}
WIDTHS = {i: w for i, (_, _, w) in enumerate(c.AREA_COLUMNS, start=1)}
OWN_ROWS_PER_AREA = 8

MEASURE_HINTS: dict[MeasureKind, str] = {
    MeasureKind.COUNT: "Ange antal i kolumnen Värde.",
    MeasureKind.SHARE: "Ange täljare i Värde och nämnare i Nämnare – inte procent.",
    MeasureKind.YESNO: "Välj Ja eller Nej i kolumnen Värde.",
    MeasureKind.TARGET: "Ange resultatet i procent i kolumnen Värde.",
    MeasureKind.TEXT: "Beskriv resultatet i kolumnen Resultat / kommentar.",
}


@dataclass(frozen=True)
class WorkbookSpec:
    plan: Plan
    node: Node
    year: int
    parent_name: str = ""
    created: str = ""  # stamp shown on the identity sheet; now when empty
    house: HouseStyle = DEFAULT  # the look, from the Excel template (never the content)
    own_rows: int = OWN_ROWS_PER_AREA  # empty rows for own activities per area (hpdocs refresh needs more)


def workbook_filename(plan: Plan, node: Node, org: Organisation | None = None) -> str:
    """'Enhet Akuten.xlsx'; with the organisation, a node whose name another node shares is
    told apart by its business area or id ('Enhet Dagverksamhet (Omsorg).xlsx')."""
    name = f"{plan.level_name(node.level)} {org.label(node.id) if org else node.name}"
    return "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in name).strip() + ".xlsx"


def measure_rhythm_periods(plan: Plan, area: Area, level: str, measure: Measure) -> tuple[str, ...]:
    """The periods in which the plan's follow-ups expect this measure to have a value."""
    row = area.row(level)
    result: list[str] = []
    for followup in row.followups if row else ():
        if set(followup.activities) & set(measure.activities):
            for pid in expected_periods(followup.rhythm, plan.periods, followup.months):
                if pid not in result:
                    result.append(pid)
    return tuple(result) or tuple(p.id for p in plan.periods)


def _lists_sheet(wb: Workbook, plan: Plan) -> None:
    ws = wb.create_sheet(c.LISTS_SHEET)
    lists = (
        (c.LIST_STATUS, plan.statuses),
        (c.LIST_AREA_STATUS, plan.area_statuses),
        (c.LIST_YESNO, (c.YES, c.NO)),
        (c.LIST_PERIOD, tuple(p.label for p in plan.periods)),
    )
    for col, (name, values) in enumerate(lists, start=1):
        letter = ws.cell(row=1, column=col).column_letter
        for row, value in enumerate(values, start=1):
            ws.cell(row=row, column=col, value=value)
        ref = f"'{c.LISTS_SHEET}'!${letter}$1:${letter}${max(len(values), 1)}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _validations() -> dict[str, DataValidation]:
    """One dropdown per list and sheet; lists are ranges on the hidden sheet, never
    inline (inline lists over 255 characters make Excel repair the file)."""
    lists = {
        "status": (c.LIST_STATUS, "Status för aktiviteten"),
        "area": (c.LIST_AREA_STATUS, "Samlad bedömning av området"),
        "yesno": (c.LIST_YESNO, "Ja eller Nej"),
        "period": (c.LIST_PERIOD, "Period"),
    }
    return {
        key: DataValidation(
            type="list",
            formula1=name,
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorStyle="warning",
            errorTitle="Värde utanför listan",
            error="Välj helst ett värde i listan. Andra värden kan bli fel vid sammanställningen.",
            promptTitle="Välj i listan",
            prompt=prompt,
        )
        for key, (name, prompt) in lists.items()
    }


def _instruction_sheet(wb: Workbook, spec: WorkbookSpec) -> None:
    ws = wb.active
    assert ws is not None
    ws.title = c.INSTRUCTION_SHEET
    plan, node = spec.plan, spec.node
    level = plan.level_name(node.level)
    ws.column_dimensions["A"].width = 3
    ws.column_dimensions["B"].width = 110
    own = spec.house.instruction
    lines: list[tuple[str, Font | None]] = [
        (f"{plan.title} {spec.year}", s.TITLE_FONT),
        (plan.subtitle, s.HINT_FONT),
        (f"Arbetsbok för {level.lower()}: {node.name}", s.SECTION_FONT),
        ("", None),
        *(((own[0], s.SECTION_FONT), *((text, None) for text in own[1:]), ("", None)) if own else ()),
        ("Instruktion", s.SECTION_FONT),
        *((f"• {text}", None) for text in plan.instructions),
        ("", None),
        ("Så fyller du i arbetsboken", s.SECTION_FONT),
        ("• Det finns ett blad per grundläggande förutsättning och fokusområde.", None),
        (
            f"• Fyll i raderna för er egen nivå ({level.lower()}): vita celler går att skriva i, grå celler är låsta.",
            None,
        ),
        (
            "• Välj status i listan för varje aktivitet och period. Skriv resultat och kommentarer i kolumnen Resultat / kommentar.",
            None,
        ),
        (
            "• Mätningar: antal som heltal, andelar som täljare och nämnare (inte procent), Ja/Nej i listan, resultat mot mål i procent.",
            None,
        ),
        ("• Gula celler visar när planens uppföljning väntar sig ett värde.", None),
        (
            "• Ge en samlad bedömning av varje område och period under Områdesstatus – den används på november-MUM.",
            None,
        ),
        (
            "• Egna aktiviteter skriver ni längst ned på varje blad: välj period, beskriv aktiviteten och ange status. Behövs fler rader: högerklicka och välj Infoga rad.",
            None,
        ),
        (
            "• Fyll i nästa period på dess egna rader; tidigare perioder ska stå kvar, så följer hela årets uppföljning med.",
            None,
        ),
        (
            "• Byt inte namn på blad och ta inte bort kolumner eller dolda id:n – de behövs för sammanställningen.",
            None,
        ),
        ("• Skriv ditt namn och dagens datum på bladet Identitet innan du skickar in arbetsboken.", None),
    ]
    first = 1
    logo = logo_image(spec.house)
    if logo is not None:  # the organisation's logo above the title
        ws.add_image(logo, "B1")
        ws.row_dimensions[1].height = 50
        first = 2
    for row, (text, font) in enumerate(lines, start=first):
        s.put(ws, row, 2, text, alignment=s.WRAP)
        if font is not None:
            ws.cell(row=row, column=2).font = font
        s.fit_row(ws, row, {2: text}, {2: 110})
    ws.protection.sheet = True
    s.print_setup(ws, landscape=False)


def _header(ws: Worksheet, row: int) -> int:
    """The hidden column-key row and the visible header; returns the next row."""
    for key, col in COL.items():
        s.put(ws, row, col, key if col > 1 else c.COLUMNS_MARKER)
    ws.row_dimensions[row].hidden = True
    for col, (_, title, _) in enumerate(c.AREA_COLUMNS, start=1):
        s.put(
            ws,
            row + 1,
            col,
            title if col > 1 else c.HEADER_MARKER,
            font=s.HEADER_FONT,
            fill=s.HEADER_FILL,
            alignment=s.WRAP,
            border=s.BORDER,
        )
    ws.row_dimensions[row + 1].height = 45
    return row + 2


def _section(ws: Worksheet, row: int, title: str) -> int:
    s.put(ws, row, 1, c.SECTION_MARKER)
    for col in range(2, len(COL) + 1):
        ws.cell(row=row, column=col).fill = s.SECTION_FILL
    s.put(ws, row, 2, title, font=s.SECTION_FONT)
    ws.row_dimensions[row].height = 20
    return row + 1


def _entry_row(
    ws: Worksheet, row: int, values: dict[str, str], inputs: set[str], expected: bool = False
) -> None:
    for key, col in COL.items():
        cell = ws.cell(row=row, column=col)
        if key in values:
            s.put(ws, row, col, values[key])
        cell.border = s.BORDER
        cell.alignment = s.WRAP_CENTER if key in {"nr", "mal", "namnare"} else s.WRAP
        if key in inputs:
            cell.protection = s.UNLOCKED
            cell.fill = s.EXPECTED_FILL if expected and key in {"varde", "namnare"} else s.INPUT_FILL
        else:
            cell.fill = s.LOCKED_FILL
    s.fit_row(ws, row, {COL[k]: v for k, v in values.items() if k in ("text", "kommentar")}, WIDTHS)


def _measure_text(measure: Measure, year: int) -> str:
    lines = [measure.text]
    if measure.kind is MeasureKind.SHARE:
        lines.append(f"Täljare: {measure.numerator}. Nämnare: {measure.denominator}.")
    lines.append(MEASURE_HINTS[measure.kind])
    return "\n".join(lines)


def _target_text(measure: Measure, year: int) -> str:
    target = measure.targets.get(year)
    return f"{target:g} %" if target is not None else ""


def _area_sheet(
    wb: Workbook, spec: WorkbookSpec, area: Area, title: str, dvs: dict[str, DataValidation]
) -> None:
    ws = wb.create_sheet(title)
    plan, level = spec.plan, spec.node.level
    kind = "Grundläggande förutsättning" if area.kind is AreaKind.PREREQUISITE else "Fokusområde"
    s.put(ws, 1, 1, f"{c.AREA_MARKER}{area.id}")
    s.put(ws, 1, 2, f"{kind}: {area.title}", font=s.TITLE_FONT)
    ws.merge_cells(start_row=1, start_column=2, end_row=1, end_column=len(COL))
    ws.row_dimensions[1].height = 24
    s.put(ws, 2, 2, "Prioritering:", font=s.BOLD, alignment=s.WRAP)
    s.put(ws, 2, 3, area.priority, alignment=s.WRAP)
    ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=len(COL))
    ws.row_dimensions[2].height = s.text_height(area.priority, sum(WIDTHS[i] for i in range(3, len(COL) + 1)))
    row = _header(ws, 4)
    header_row = row - 1

    row = _section(ws, row, "Områdets status – er samlade bedömning per period")
    for period in plan.periods:
        values = {
            "id": c.row_id(area.id + c.STATUS_SUFFIX, period.id),
            "period": period.label,
            "typ": c.TYPE_STATUS,
            "text": "Samlad bedömning av området",
        }
        _entry_row(ws, row, values, {"status", "kommentar"})
        dvs["area"].add(ws.cell(row=row, column=COL["status"]).coordinate)
        row += 1

    own_row = area.row(level)
    for period in plan.periods:
        row = _section(ws, row, f"{period.label} – {plan.level(level).genitive} aktiviteter och mätningar")
        for activity in own_row.activities if own_row else ():
            values = {
                "id": c.row_id(activity.id, period.id),
                "period": period.label,
                "typ": c.TYPE_ACTIVITY,
                "nr": activity.number,
                "text": activity.text,
            }
            _entry_row(ws, row, values, {"status", "kommentar"})
            dvs["status"].add(ws.cell(row=row, column=COL["status"]).coordinate)
            row += 1
        for measure in own_row.measures if own_row else ():
            expected = period.id in measure_rhythm_periods(plan, area, level, measure)
            inputs = {"kommentar"}
            if measure.kind is not MeasureKind.TEXT:
                inputs.add("varde")
            if measure.kind is MeasureKind.SHARE:
                inputs.add("namnare")
            values = {
                "id": c.row_id(measure.id, period.id),
                "period": period.label,
                "typ": c.TYPE_MEASURE,
                "nr": measure.number,
                "text": _measure_text(measure, spec.year),
                "mal": _target_text(measure, spec.year),
            }
            _entry_row(ws, row, values, inputs, expected)
            if measure.kind is MeasureKind.YESNO:
                dvs["yesno"].add(ws.cell(row=row, column=COL["varde"]).coordinate)
            row += 1
        if own_row is None or not (own_row.activities or own_row.measures):
            s.put(ws, row, 1, c.INFO_MARKER)
            s.put(
                ws,
                row,
                COL["text"],
                "Planen har inga aktiviteter på er nivå här – lägg till egna nedan.",
                font=s.HINT_FONT,
            )
            row += 1

    row = _section(
        ws,
        row,
        "Egna aktiviteter – välj period, beskriv aktiviteten och ange status (infoga fler rader vid behov)",
    )
    for _ in range(max(spec.own_rows, 1)):
        _entry_row(
            ws,
            row,
            {"id": area.id + c.OWN_SUFFIX, "typ": c.TYPE_OWN},
            {"period", "nr", "text", "status", "varde", "kommentar"},
        )
        dvs["period"].add(ws.cell(row=row, column=COL["period"]).coordinate)
        dvs["status"].add(ws.cell(row=row, column=COL["status"]).coordinate)
        row += 1

    _context_table(ws, row + 1, plan, area, level)
    ws.column_dimensions["A"].hidden = True
    for col, width in WIDTHS.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False
    s.print_setup(ws, title_rows=f"{header_row}:{header_row}")


def _context_table(ws: Worksheet, row: int, plan: Plan, area: Area, own_level: str) -> None:
    """The plan's whole table for the area, all levels, read-only."""
    row = _section(ws, row, "Handlingsplanen för området – alla nivåer (för kännedom, låst)")
    spans = (("Organisatorisk nivå", 2, 4), ("Aktivitet", 5, 5), ("Mätning", 6, 9), ("Uppföljning", 10, 10))
    s.put(ws, row, 1, c.INFO_MARKER)
    for title, first, last in spans:
        s.put(ws, row, first, title, font=s.HEADER_FONT, fill=s.HEADER_FILL, border=s.BORDER)
        if last > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    row += 1
    for level in LEVEL_KEYS:
        level_row = area.row(level)
        if level_row is None:
            continue

        def numbered(items: tuple[object, ...]) -> str:
            return "\n".join(f"{i.number}. {i.text}" if i.number else i.text for i in items)  # type: ignore[attr-defined]

        measures = "\n".join(
            [numbered(level_row.measures)] + [m.note for m in level_row.measures if m.note]
        ).strip()
        texts = {
            2: level_row.label + (" (er nivå)" if level == own_level else ""),
            5: numbered(level_row.activities),
            6: measures,
            10: numbered(level_row.followups),
        }
        fill = s.OWN_LEVEL_FILL if level == own_level else s.LOCKED_FILL
        s.put(ws, row, 1, c.INFO_MARKER)
        for (_, first, last), col in zip(spans, (2, 5, 6, 10), strict=True):
            s.put(ws, row, first, texts[col], alignment=s.WRAP, border=s.BORDER, fill=fill)
            if last > first:
                ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        widths = {
            2: WIDTHS[2] + WIDTHS[3] + WIDTHS[4],
            5: WIDTHS[5],
            6: sum(WIDTHS[i] for i in range(6, 10)),
            10: WIDTHS[10],
        }
        s.fit_row(ws, row, texts, widths)
        row += 1
    if area.goals:
        s.put(ws, row + 1, 1, c.INFO_MARKER)
        s.put(ws, row + 1, 2, "Målsättningar: " + " • ".join(area.goals), alignment=s.WRAP)
        ws.merge_cells(start_row=row + 1, start_column=2, end_row=row + 1, end_column=len(COL))


def build_workbook(spec: WorkbookSpec) -> Workbook:
    wb = Workbook()
    _instruction_sheet(wb, spec)
    values = identity_values(spec.plan, spec.node, spec.year, c.KIND_WORKBOOK, spec.parent_name, spec.created)
    identity_sheet(wb, values, c.KIND_WORKBOOK)
    _lists_sheet(wb, spec.plan)
    taken = {c.INSTRUCTION_SHEET, c.IDENTITY_SHEET, c.LISTS_SHEET}
    for area in spec.plan.areas:
        per_sheet = _validations()
        title = c.safe_sheet_title(area.sheet_title, taken)
        _area_sheet(wb, spec, area, title, per_sheet)
        ws = wb[title]
        for dv in per_sheet.values():
            if dv.sqref:
                ws.add_data_validation(dv)
    wb.move_sheet(c.LISTS_SHEET, offset=len(wb.sheetnames))
    wb.active = 0
    apply(wb, spec.house)
    return wb


def write_workbook(spec: WorkbookSpec, path: Path) -> Path:
    wb = build_workbook(spec)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    wb.close()
    return path


def nodes_for_workbooks(org: Organisation) -> Iterator[Node]:
    yield org.company
    for area in org.business_areas:
        yield area
        yield from (n for n in org.children(area.id) if n.level == "enhet")


def write_all(
    plan: Plan, org: Organisation, outdir: Path, year: int, *, created: str = "", house: HouseStyle = DEFAULT
) -> list[Path]:
    """One prefilled workbook per unit, per business area and for the company."""
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    names = workbook_names(plan, org)
    for node in nodes_for_workbooks(org):
        parent = org.nodes.get(node.parent)
        spec = WorkbookSpec(plan, node, year, parent.name if parent else "", created, house)
        written.append(write_workbook(spec, outdir / names[node.id]))
    return written


def workbook_names(plan: Plan, org: Organisation) -> dict[str, str]:
    """Node id -> its workbook's file name, unique as Windows and macOS compare names (case
    folded): same-name nodes told apart by VO or id, then by id where only characters a file
    name cannot hold set them apart."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for node in nodes_for_workbooks(org):
        name = workbook_filename(plan, node, org)
        if name.casefold() in taken:
            name = f"{name.removesuffix('.xlsx')} (id {node.id}).xlsx"
        taken.add(name.casefold())
        names[node.id] = name
    return names
