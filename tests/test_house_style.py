"""The workbook's house style comes from an Excel template: a restyled template changes how the
generated workbooks look (fonts, fills, logo, the organisation's instruction) and nothing they
contain or how they are read."""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Font, PatternFill
from PIL import Image as PILImage

from hpdocs.cli import cli
from hpdocs.errors import TemplateError
from hpdocs.org import Node
from hpdocs.plan import Plan
from hpdocs.workbook import contract as c
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.house_style import ROLES, house_style_for, load_house_style, template_file
from hpdocs.workbook.read import read_workbook
from hpdocs.workbook.write import WorkbookSpec, write_workbook

NODE = Node("E1", "Akuten", "enhet", "VO1", "Eva EC")
VALUES = {"ledning.enhet.a1@Q3": {"status": "Klar"}, "kompetens.enhet.m1@Q3": {"varde": 12, "namnare": 20}}


def restyled(folder: Path) -> Path:
    """The built-in template as a coordinator would restyle it in Excel."""
    path = folder / "excel" / "arbetsbok.xlsx"
    path.parent.mkdir(parents=True)
    shutil.copyfile(template_file(None), path)
    wb = load_workbook(path)
    ws = wb["Stil"]
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == "Kolumnrubrik":
            row[1].font = Font(name="Georgia", bold=True, color="FFFFFF")
            row[1].fill = PatternFill("solid", fgColor="FF7A1F3D")
        if row[0].value == "Rubrik":
            row[1].font = Font(name="Georgia", size=20, color="FF7A1F3D")
    logo = io.BytesIO()
    PILImage.new("RGB", (300, 100), (122, 31, 61)).save(logo, "PNG")
    ws.add_image(Image(io.BytesIO(logo.getvalue())), "F2")
    wb["Instruktion"]["A1"] = "Anvisning från Omsorgsbolaget"
    wb["Instruktion"]["A2"] = "Skicka arbetsboken till patientsakerhet@example.se senast 5 oktober."
    wb.save(path)
    wb.close()
    return path


def generate(plan: Plan, path: Path, templates: Path | None) -> Path:
    house, problems = house_style_for(templates)
    assert problems == []
    write_workbook(WorkbookSpec(plan, NODE, 2022, "Primärvård", "2022-01-10 08:00", house), path)
    return path


def header_cell(path: Path) -> tuple[str | None, str | None]:
    wb = load_workbook(path)
    try:
        ws = wb[wb.sheetnames[2]]
        cell = next(r[1] for r in ws.iter_rows(max_col=2) if r[0].value == c.HEADER_MARKER)
        return cell.font.name, cell.fill.fgColor.rgb
    finally:
        wb.close()


def test_the_builtin_template_sets_every_role_and_changes_nothing(plan: Plan, tmp_path: Path) -> None:
    house, problems = load_house_style(template_file(None))
    assert problems == [] and set(house.fonts) == set(ROLES)
    assert header_cell(generate(plan, tmp_path / "a.xlsx", None)) == ("Calibri", "001F4E79")


def test_a_restyled_template_changes_the_look_not_the_content(plan: Plan, tmp_path: Path) -> None:
    plain = generate(plan, tmp_path / "standard.xlsx", None)
    styled = generate(plan, tmp_path / "egen.xlsx", restyled(tmp_path / "mallar").parent.parent)

    assert header_cell(styled) == ("Georgia", "FF7A1F3D")
    wb = load_workbook(styled)
    try:
        sheet = wb[c.INSTRUCTION_SHEET]
        assert len(sheet._images) == 1
        texts = [str(r[0]) for r in sheet.iter_rows(min_col=2, max_col=2, values_only=True) if r[0]]
        assert "Anvisning från Omsorgsbolaget" in texts
        assert any("patientsakerhet@example.se" in t for t in texts)
        title = next(r[1] for r in sheet.iter_rows(max_col=2) if r[1].value and "2022" in str(r[1].value))
        assert title.font.name == "Georgia" and title.font.sz == 20
    finally:
        wb.close()

    # Every workbook still reads exactly as before.
    reads = [
        read_workbook(fill_workbook(p, VALUES, identity={"hpdocs.ifylldav": "Eva"}), plan)
        for p in (plain, styled)
    ]
    assert reads[0].entries
    assert [replace(e, file="") for e in reads[0].entries] == [replace(e, file="") for e in reads[1].entries]
    saved = c.SAVED_KEY  # the file's own saved time differs by the second it was saved
    assert {k: v for k, v in reads[0].identity.items() if k != saved} == {
        k: v for k, v in reads[1].identity.items() if k != saved
    }
    assert [p.code for p in reads[0].report] == [p.code for p in reads[1].report]


@pytest.mark.parametrize("damage", ["not-a-zip", "no-style-sheet"])
def test_a_broken_template_is_refused_in_swedish(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "mallar" / "excel" / "arbetsbok.xlsx"
    path.parent.mkdir(parents=True)
    if damage == "not-a-zip":
        path.write_bytes(b"<html>inte en arbetsbok</html>")
    else:
        from openpyxl import Workbook

        Workbook().save(path)
    with pytest.raises(TemplateError, match="inbyggda"):
        house_style_for(tmp_path / "mallar")
    result = CliRunner().invoke(cli, ["templates", str(path)])
    assert result.exit_code == 1
    assert "arbetsbok.xlsx" in result.output and ("Stil" in result.output or "kan inte" in result.output)


def test_hpdocs_templates_lists_what_the_excel_template_sets(tmp_path: Path) -> None:
    path = restyled(tmp_path / "mallar")
    result = CliRunner().invoke(cli, ["templates", str(path)])
    assert result.exit_code == 0, result.output
    assert "Kolumnrubrik: Georgia" in result.output and "logotyp" in result.output
