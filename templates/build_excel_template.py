"""Build templates/excel/arbetsbok.xlsx, the house-style template of the generated workbooks.

Run `python templates/build_excel_template.py` after changing this script and commit the result.
A coordinator restyles a copy in Excel (a project's mallar/excel/arbetsbok.xlsx): the sample
cell beside each role on the sheet "Stil" sets that role's font, colour and fill; a picture
placed on "Stil" becomes the logo; texts in column A of "Instruktion" become the
organisation's own instruction. See hpdocs/workbook/house_style.py and docs/mallar.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hpdocs.workbook import style as s
from hpdocs.workbook.house_style import INSTRUCTION_SHEET, ROLES, STYLE_SHEET

OUT = Path(__file__).resolve().parent / "excel" / "arbetsbok.xlsx"
SAMPLES = {
    "Brödtext": "Vanlig text i arbetsboken",
    "Rubrik": "Handlingsplan för ökad patientsäkerhet 2022",
    "Avsnitt": "Kvartal 3 – enhetens aktiviteter och mätningar",
    "Kolumnrubrik": "Aktivitet / mätning",
    "Förväntat värde": "(planen väntar ett värde här)",
    "Låst": "(låst text ur planen)",
    "Egen nivå": "(rader för er egen nivå i planens tabell)",
    "Tips": "Fyll i de gula cellerna innan du skickar in.",
}
HELP = (
    "Så gör ni om arbetsböckernas utseende",
    "Ändra typsnitt, storlek, färg och fyllning i cellerna i kolumn B. Texten i kolumn A får inte ändras: den talar om vilken roll cellen har.",
    "En bild (logotyp) som ni klistrar in på det här bladet visas överst på bladet Instruktion i varje arbetsbok.",
    "På bladet Instruktion kan ni skriva en egen anvisning i kolumn A, en rad per stycke; första raden blir rubrik.",
    "Kontrollera mallen med: hpdocs templates --projekt MAPP",
)


def build(path: Path = OUT) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = STYLE_SHEET
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["D"].width = 90
    ws["A1"], ws["B1"] = "Roll", "Utseende (ändra här)"
    ws["A1"].font = ws["B1"].font = Font(name=s.FONT_NAME, bold=True)
    for row, role in enumerate(ROLES, start=2):
        font, fill = ROLES[role]
        ws.cell(row=row, column=1, value=role)
        sample = ws.cell(row=row, column=2, value=SAMPLES[role])
        sample.font = font or Font(name=s.FONT_NAME, size=11)
        if fill is not None:
            sample.fill = fill
        ws.row_dimensions[row].height = 24
    for row, text in enumerate(HELP, start=2):
        cell = ws.cell(row=row, column=4, value=text)
        cell.font = Font(name=s.FONT_NAME, bold=row == 2, italic=row > 2, color="595959")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    own = wb.create_sheet(INSTRUCTION_SHEET)
    own.column_dimensions["A"].width = 100
    own["C1"] = "Skriv en egen anvisning i kolumn A (tom = ingen). Första raden blir rubrik."
    own["C1"].font = Font(name=s.FONT_NAME, italic=True, color="595959")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


if __name__ == "__main__":
    print(build())
