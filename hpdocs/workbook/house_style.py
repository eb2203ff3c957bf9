"""The workbook's house style, read from an Excel template (templates/excel/arbetsbok.xlsx, or a
project's mallar/excel/arbetsbok.xlsx).

The template is an ordinary workbook a coordinator restyles in Excel. On its sheet "Stil",
column A names a role and the cell beside it carries that role's look (font, colour, fill):

    Brödtext, Rubrik, Avsnitt, Kolumnrubrik, Förväntat värde, Låst, Egen nivå, Tips

A picture anywhere on "Stil" is the logo at the top of each workbook's Instruktion sheet, and
the texts in column A of an optional sheet "Instruktion" are shown to every manager as the
organisation's own instruction. Nothing else of the template reaches the generated workbooks:
the look changes, never what a workbook contains or how it is read.

A generated workbook is first built in the default look (hpdocs.workbook.style); `apply`
then swaps the workbook's few font and fill records for the house ones, so every cell of a role
changes at once and writing costs the same as before.
"""

from __future__ import annotations

import io
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from hpdocs.errors import TemplateError
from hpdocs.problems import Problem, Severity
from hpdocs.safety import inspect_workbook
from hpdocs.values import clean_text
from hpdocs.workbook import style as s

STYLE_SHEET = "Stil"
INSTRUCTION_SHEET = "Instruktion"
TEMPLATE_NAME = "arbetsbok.xlsx"
MAX_LOGO_BYTES = 2 << 20
MAX_INSTRUCTION_LINES = 30

# role -> (the default font it replaces, the default fill it replaces)
ROLES: dict[str, tuple[Font | None, PatternFill | None]] = {
    "Brödtext": (None, None),  # the workbook's base font
    "Rubrik": (s.TITLE_FONT, None),
    "Avsnitt": (s.SECTION_FONT, s.SECTION_FILL),
    "Kolumnrubrik": (s.HEADER_FONT, s.HEADER_FILL),
    "Förväntat värde": (None, s.EXPECTED_FILL),
    "Låst": (None, s.LOCKED_FILL),
    "Egen nivå": (None, s.OWN_LEVEL_FILL),
    "Tips": (s.HINT_FONT, None),
}


@dataclass(frozen=True)
class HouseStyle:
    fonts: dict[str, Font] = field(default_factory=dict)  # role -> font
    fills: dict[str, PatternFill] = field(default_factory=dict)  # role -> fill
    logo: bytes = b""  # PNG/JPEG bytes, or nothing
    instruction: tuple[str, ...] = ()
    source: str = ""

    @property
    def is_default(self) -> bool:
        return not (self.fonts or self.fills or self.logo or self.instruction)


DEFAULT = HouseStyle()


def template_file(templates: Path | None) -> Path:
    """The project's Excel template (mallar/excel/arbetsbok.xlsx) or the built-in one."""
    from hpdocs.resources import template_path

    return template_path("excel", TEMPLATE_NAME, templates)


def house_style_for(templates: Path | None) -> tuple[HouseStyle, list[Problem]]:
    """The look for a project's workbooks; an unusable template is an error (TemplateError),
    never silently replaced by the default look. Returns the warnings to show."""
    path = template_file(templates)
    house, problems = load_house_style(path)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise TemplateError(f"{errors[0]} Rätta mallen {path} eller ta bort den, så används den inbyggda.")
    return house, problems


def describe(house: HouseStyle) -> list[str]:
    """What a template sets, for `hpdocs templates`: the roles, the logo, the instruction."""
    lines = [f"{role}: {_font_text(house.fonts.get(role))}" for role in ROLES if role in house.fonts]
    if house.logo:
        lines.append(f"logotyp ({len(house.logo) // 1024} kB)")
    if house.instruction:
        lines.append(f"egen anvisning: {len(house.instruction)} rader")
    return lines


def _font_text(font: Font | None) -> str:
    if font is None:
        return "standard"
    size = f" {font.sz:g} pt" if font.sz else ""
    return f"{font.name or 'standard'}{size}{' fet' if font.b else ''}{' kursiv' if font.i else ''}"


def load_house_style(path: Path | None) -> tuple[HouseStyle, list[Problem]]:
    """The house style of a template file, and what is wrong with it (never raises for content).
    An unusable template gives the default look and an error that says why."""
    if path is None or not path.is_file():
        return DEFAULT, []
    problems = [p for p in inspect_workbook(path) if p.severity is Severity.ERROR]
    if problems:
        return DEFAULT, [
            _problem(path, "mall-olasbar", f"Excelmallen kan inte användas: {problems[0].message}")
        ]
    try:
        wb = load_workbook(path, read_only=False, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl on a file it cannot parse
        return DEFAULT, [
            _problem(
                path,
                "mall-olasbar",
                f"Excelmallen kan inte öppnas ({type(exc).__name__}). Spara om den i Excel.",
            )
        ]
    try:
        return _read_template(wb, path)
    finally:
        wb.close()


def _read_template(wb: Workbook, path: Path) -> tuple[HouseStyle, list[Problem]]:
    problems: list[Problem] = []
    if STYLE_SHEET not in wb.sheetnames:
        return DEFAULT, [
            _problem(
                path,
                "mall-stil-saknas",
                f'Excelmallen har inget blad "{STYLE_SHEET}". Utgå från den inbyggda mallen (hpdocs init).',
            )
        ]
    ws = wb[STYLE_SHEET]
    fonts: dict[str, Font] = {}
    fills: dict[str, PatternFill] = {}
    found: set[str] = set()
    for row in ws.iter_rows(min_col=1, max_col=2, max_row=200):
        role = clean_text(row[0].value)
        if role not in ROLES:
            continue
        found.add(role)
        sample = row[1]
        fonts[role] = copy(sample.font)
        if sample.fill is not None and sample.fill.fill_type == "solid":
            fills[role] = copy(sample.fill)
    for role in ROLES:
        if role not in found:
            problems.append(
                _problem(
                    path,
                    "mall-stil-saknas",
                    f'Rollen "{role}" saknas i kolumn A på bladet {STYLE_SHEET}; standardutseendet används för den.',
                    Severity.WARNING,
                )
            )
    logo = _logo(ws, path, problems)
    lines: tuple[str, ...] = ()
    if INSTRUCTION_SHEET in wb.sheetnames:
        texts = [
            clean_text(r[0])
            for r in wb[INSTRUCTION_SHEET].iter_rows(max_col=1, max_row=200, values_only=True)
        ]
        lines = tuple(t for t in texts if t)[:MAX_INSTRUCTION_LINES]
    return HouseStyle(fonts, fills, logo, lines, str(path)), problems


def _logo(ws: object, path: Path, problems: list[Problem]) -> bytes:
    images = list(getattr(ws, "_images", ()))
    if not images:
        return b""
    try:
        data = images[0]._data()
    except Exception:
        problems.append(
            _problem(
                path,
                "mall-logga",
                "Logotypen på bladet Stil kan inte läsas; den hoppas över.",
                Severity.WARNING,
            )
        )
        return b""
    if len(data) > MAX_LOGO_BYTES:
        problems.append(
            _problem(
                path,
                "mall-logga",
                "Logotypen är större än 2 MB; spara den mindre. Den hoppas över.",
                Severity.WARNING,
            )
        )
        return b""
    return bytes(data)


def _problem(path: Path, code: str, message: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(code, message, severity, path.name, STYLE_SHEET if code != "mall-olasbar" else "")


def apply(wb: Workbook, house: HouseStyle) -> None:
    """Give a workbook built in the default look the house style: every font and fill record of
    a role is replaced where it lies in the workbook's style tables (indices stay, so cells keep
    pointing at them); the other fonts take the house body font's name."""
    if house.is_default:
        return
    fonts: dict[Font, Font] = {}
    fills: dict[PatternFill, PatternFill] = {}
    for role, (font, fill) in ROLES.items():
        if font is not None and role in house.fonts:
            fonts[font] = house.fonts[role]
        if fill is not None and role in house.fills:
            fills[fill] = house.fills[role]
    body = house.fonts.get("Brödtext")
    for i, font in enumerate(wb._fonts):
        new = fonts.get(font)
        if new is None and body is not None and (i == 0 or font.name == s.FONT_NAME):
            new = copy(font)
            new.name = body.name
            if i == 0:  # the base font: size and colour too
                new.sz, new.color = body.sz, copy(body.color)
        if new is not None:
            list.__setitem__(wb._fonts, i, new)
    for i, fill in enumerate(wb._fills):
        if fill in fills:
            list.__setitem__(wb._fills, i, fills[fill])
    _fit_titles(wb)


def _fit_titles(wb: Workbook) -> None:
    """A larger house title font needs a taller row: the title rows sit at the top of each sheet."""
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=4, max_col=3):
            size = max((cell.font.sz or 11 for cell in row if cell.value is not None), default=11)
            if size > 11:
                dim = ws.row_dimensions[row[0].row]
                dim.height = max(dim.height or 15, size * 1.5)


def logo_image(house: HouseStyle, max_height_px: int = 60) -> object | None:
    """The logo as an openpyxl image scaled to the header's height, or None."""
    if not house.logo:
        return None
    from openpyxl.drawing.image import Image

    image = Image(io.BytesIO(house.logo))
    if image.height and image.height > max_height_px:
        image.width = round(image.width * max_height_px / image.height)
        image.height = max_height_px
    return image
