"""Workbooks damaged the way people damage them are still read, or reported precisely.

Each case starts from a generated workbook filled by id (conftest `filled`), is damaged with
openpyxl, LibreOffice or by rewriting the zip, and asserts the exact values read or the exact
problems (code, sheet, cell).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hpdocs.consolidate import consolidate
from hpdocs.inbox import collect
from hpdocs.org import Node, load_organisation, write_organisation
from hpdocs.plan import Plan
from hpdocs.problems import Severity
from hpdocs.textsafe import EXCEL_MAX_CELL_CHARS
from hpdocs.workbook import contract as c
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.read import WorkbookRead, read_workbook
from hpdocs.workbook.write import WorkbookSpec, write_workbook

WARNING = Severity.WARNING
ERROR = Severity.ERROR
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) är inte installerat")


def found(read: WorkbookRead) -> dict[tuple[str, str], tuple[object, ...]]:
    """(item, period) -> (status, value, denominator, comment) of every entry read."""
    return {(e.item, e.period): (e.status, e.value, e.denominator, e.comment) for e in read.entries}


def problems(read: WorkbookRead) -> list[tuple[str, str, str]]:
    return [(p.code, p.sheet, p.cell) for p in read.report]


def locate(path: Path, row_id: str, key: str) -> tuple[str, str]:
    """Sheet and cell of column `key` in the row with id `row_id`."""
    wb = load_workbook(path)
    try:
        for ws in wb.worksheets:
            header = next((r for r in ws.iter_rows(max_row=15) if r[0].value == c.COLUMNS_MARKER), None)
            if header is None:
                continue
            cols = {cell.value: cell.column_letter for cell in header}
            for (cell,) in ws.iter_rows(min_col=1, max_col=1):
                if cell.value == row_id:
                    return ws.title, f"{cols[key]}{cell.row}"
    finally:
        wb.close()
    raise KeyError(row_id)


def area_sheet(wb, area_id: str):  # type: ignore[no-untyped-def]
    return next(ws for ws in wb.worksheets if ws["A1"].value == c.AREA_MARKER + area_id)


def soffice_convert(path: Path, fmt: str, outdir: Path) -> Path:
    """Open and save `path` with LibreOffice (its own profile, so parallel runs do not clash)."""
    profile = outdir / "profil"
    cmd = [
        SOFFICE or "soffice",
        "--headless",
        "--norestore",
        f"-env:UserInstallation={profile.as_uri()}",
    ]
    subprocess.run(
        [*cmd, "--convert-to", fmt, "--outdir", str(outdir), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = outdir / f"{path.stem}.{fmt}"
    assert result.is_file(), f"LibreOffice skrev ingen {fmt}"
    return result


VALUES = {
    "ledning.enhet.a1@Q3": {"status": "Klar", "kommentar": "Klart på APT"},
    "ledning.enhet.a2@Q3": {"status": "Påbörjad"},
    "ledning.enhet.m1@Q3": {"varde": 7},
    "kompetens.enhet.m1@Q3": {"varde": 12, "namnare": 20},
    "risk.enhet.a1@Q3": {"status": "Försenad"},
}
EXPECTED = {
    ("ledning.enhet.a1", "Q3"): ("Klar", None, None, "Klart på APT"),
    ("ledning.enhet.a2", "Q3"): ("Påbörjad", None, None, ""),
    ("ledning.enhet.m1", "Q3"): ("", 7.0, None, ""),
    ("kompetens.enhet.m1", "Q3"): ("", 12.0, 20.0, ""),
    ("risk.enhet.a1", "Q3"): ("Försenad", None, None, ""),
}


def test_renamed_reordered_deleted_and_extra_sheets(plan: Plan, filled: Callable[..., Path]) -> None:
    path = filled("E1", VALUES)
    wb = load_workbook(path)
    ledning = area_sheet(wb, "ledning")
    ledning.title = "Vår ledning"
    wb.move_sheet(ledning, offset=4)
    wb.move_sheet(area_sheet(wb, "kompetens"), offset=-2)
    del wb[area_sheet(wb, "analys").title]
    extra = wb.create_sheet("Mina anteckningar", 0)
    extra.append(["Att göra", "ledning.enhet.a1@Q3", "Klar"])  # an id outside an area sheet
    wb.save(path)
    read = read_workbook(path, plan)
    assert found(read) == EXPECTED
    assert [(p.code, p.sheet, p.severity) for p in read.report] == [
        ("blad-omdopt", "Vår ledning", WARNING),
        ("blad-saknas", "", WARNING),
    ]


def test_inserted_and_deleted_rows(plan: Plan, filled: Callable[..., Path]) -> None:
    path = filled("E1", {**VALUES, "ledning.enhet.a2@Q1": {"status": "Klar"}})
    sheet, cell = locate(path, "ledning.enhet.a2@Q1", "status")
    period_col = locate(path, "ledning.enhet.a1@Q3", "period")[1].rstrip("0123456789")
    wb = load_workbook(path)
    ws = wb[sheet]
    ws.delete_rows(int(cell[1:]))  # a row somebody did not need
    first = next(r[0].row for r in ws.iter_rows() if str(r[0].value).endswith("@Q1"))
    ws.insert_rows(first, 3)  # and space for notes of their own
    ws.cell(first + 1, 5).value = "Egen anteckning mitt i tabellen"
    wb.save(path)
    read = read_workbook(path, plan)
    assert found(read) == EXPECTED  # the deleted row is gone, nothing else moved or was lost
    # A row without id but with text is an own activity: it needs a period, and says so.
    assert problems(read) == [("egen-period-saknas", sheet, f"{period_col}{first + 1}")]


def test_merged_input_cells_keep_the_top_left_value(plan: Plan, filled: Callable[..., Path]) -> None:
    values = {
        "ledning.enhet.a1@Q3": {"status": "Klar", "kommentar": "Gäller båda raderna"},
        "ledning.enhet.a2@Q3": {"status": "Påbörjad", "kommentar": "Försvinner vid sammanslagning"},
    }
    path = filled("E1", values)
    sheet, top = locate(path, "ledning.enhet.a1@Q3", "kommentar")
    _, below = locate(path, "ledning.enhet.a2@Q3", "kommentar")
    wb = load_workbook(path)
    wb[sheet].merge_cells(f"{top}:{below}")
    wb.save(path)
    read = read_workbook(path, plan)
    assert found(read) == {
        ("ledning.enhet.a1", "Q3"): ("Klar", None, None, "Gäller båda raderna"),
        ("ledning.enhet.a2", "Q3"): ("Påbörjad", None, None, ""),
    }
    assert problems(read) == []


def test_text_in_number_cells_is_reported_cell_by_cell(plan: Plan, filled: Callable[..., Path]) -> None:
    path = filled(
        "E1",
        {
            "ledning.enhet.m1@Q3": {"varde": "sju"},
            "kompetens.enhet.m1@Q3": {"varde": "tolv", "namnare": "20"},
            "risk.enhet.m1@Q3": {"varde": "kanske"},
            "ledning.enhet.m1@Q2": {"varde": "7 st"},
        },
    )
    read = read_workbook(path, plan)
    assert problems(read) == [
        ("varde-tolkat", *locate(path, "ledning.enhet.m1@Q2", "varde")),  # "7 st" read as 7, said so
        ("varde-inte-tal", *locate(path, "ledning.enhet.m1@Q3", "varde")),
        ("varde-inte-tal", *locate(path, "kompetens.enhet.m1@Q3", "varde")),
        ("andel-ofullstandig", *locate(path, "kompetens.enhet.m1@Q3", "varde")),
        ("varde-inte-janej", *locate(path, "risk.enhet.m1@Q3", "varde")),
    ]
    assert found(read) == {("ledning.enhet.m1", "Q2"): ("", 7.0, None, "")}


def test_formula_without_a_cached_value_is_reported(plan: Plan, filled: Callable[..., Path]) -> None:
    path = filled("E1", {"ledning.enhet.m1@Q3": {"varde": "=3+4"}})
    read = read_workbook(path, plan)
    sheet, cell = locate(path, "ledning.enhet.m1@Q3", "varde")
    assert [(p.code, p.sheet, p.cell, p.severity, p.period, p.item) for p in read.report] == [
        ("formel-utan-varde", sheet, cell, ERROR, "Q3", "ledning.enhet.m1")
    ]
    # An error on that cell only: the value is left out and listed, the workbook still counts.
    assert found(read) == {}
    assert read.report.usable and not read.report.ok
    assert [p.code for p in read.report.excluding] == ["formel-utan-varde"]


@pytest.mark.libreoffice
@needs_soffice
def test_formula_with_a_value_cached_by_libreoffice_is_read(
    plan: Plan, filled: Callable[..., Path], tmp_path: Path
) -> None:
    path = filled("E1", {**VALUES, "ledning.enhet.m1@Q3": {"varde": "=3+4"}}, name="formel.xlsx")
    saved = soffice_convert(path, "xlsx", tmp_path / "lo")
    read = read_workbook(saved, plan)
    assert found(read) == EXPECTED  # 7, computed and stored by LibreOffice
    assert problems(read) == []


@pytest.mark.libreoffice
@needs_soffice
def test_real_old_xls_is_read_with_a_warning(plan: Plan, filled: Callable[..., Path], tmp_path: Path) -> None:
    path = filled("E1", VALUES, name="gammal.xlsx")
    old = soffice_convert(path, "xls", tmp_path / "lo")
    read = read_workbook(old, plan)
    assert [(p.code, p.severity) for p in read.report] == [("fil-gammal-xls", WARNING)]
    assert found(read) == EXPECTED


def test_wrongly_stored_sheet_dimensions(plan: Plan, filled: Callable[..., Path], tmp_path: Path) -> None:
    """Some writers store <dimension ref="A1"/> for a full sheet; readers that trust it see
    one cell. Every value must still be read."""
    path = filled("E1", VALUES)
    damaged = tmp_path / "dimension.xlsx"
    rewritten = 0
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', data)
                rewritten += n
            dst.writestr(info, data)
    assert rewritten > 5
    read = read_workbook(damaged, plan)
    assert found(read) == EXPECTED
    assert problems(read) == []


def test_leading_zeros_in_ids_survive_the_whole_way(plan: Plan, tmp_path: Path) -> None:
    nodes = [
        Node("001", "Nollbolaget AB", "bolag", "", "Chef"),
        Node("010", "Primärvård", "vo", "001", "VC"),
        Node("007", "Enhet Sju", "enhet", "010", "EC"),
        Node("7", "Enhet Sju utan nollor", "enhet", "010", "EC"),
    ]
    write_organisation(tmp_path / "organisation.xlsx", nodes, level_names=plan.level_names)
    org = load_organisation(tmp_path / "organisation.xlsx", level_names=plan.level_names)
    assert sorted(org.nodes) == ["001", "007", "010", "7"]
    path = write_workbook(WorkbookSpec(plan, org.node("007"), 2022, "Primärvård"), tmp_path / "sju.xlsx")
    fill_workbook(
        path,
        {"ledning.enhet.m1@Q3": {"varde": 3}},
        identity={"hpdocs.ifylldav": "EC", "hpdocs.uppdaterad": "2022-10-01"},
    )
    inbox = collect([path], plan, org, year=2022)
    [read] = inbox.reads
    assert read.node_id == "007" and problems(read) == []
    assert set(inbox.chosen) == {"007"}
    rollup = consolidate(plan, org, "001", "Q3", 2022, inbox.entries, submitted=inbox.submitted)
    assert [n.id for n in rollup.completeness.submitted] == ["007"]
    assert [n.id for n in rollup.completeness.missing] == ["001", "010", "7"]
    [m1] = [m for m in rollup.area("ledning").measures if m.measure.id == "ledning.enhet.m1"]
    assert m1.total == 3 and [e.node for e in m1.reporting] == ["007"]


EMOJI = "Klart 👍🏽 – 👩\u200d⚕️ och 👨\u200d👩\u200d👧 på plats 🇸🇪"
ARABIC = "تم الانتهاء من التدريب"
HEBREW = "ההדרכה הושלמה (100%)"
PERSIAN = "می\u200cخواهم"  # the zero-width non-joiner is part of the word


def test_every_kind_of_unicode_and_the_longest_cell(plan: Plan, filled: Callable[..., Path]) -> None:
    longest = ("Åtgärd " * 5000)[: EXCEL_MAX_CELL_CHARS - 1] + "€"  # 32,767 characters, exactly Excel's limit
    path = filled(
        "E1",
        {
            "ledning.enhet.a1@Q3": {"status": "Klar", "kommentar": EMOJI},
            "ledning.enhet.a2@Q3": {"status": "Klar", "kommentar": f"{ARABIC}\n{HEBREW}"},
            "risk.enhet.a1@Q3": {"status": "Klar", "kommentar": PERSIAN},
            "risk.enhet.a2@Q3": {"status": "Klar", "kommentar": longest},
            # Zero-width characters pasted along with a number or around a word are dropped.
            "ledning.enhet.m1@Q3": {"varde": "1\u200b2\u200d", "kommentar": "\u200bdolt\ufeff"},
        },
    )
    read = read_workbook(path, plan)
    assert problems(read) == []
    got = found(read)
    assert got[("ledning.enhet.a1", "Q3")][3] == EMOJI
    assert got[("ledning.enhet.a2", "Q3")][3] == f"{ARABIC}\n{HEBREW}"
    assert got[("risk.enhet.a1", "Q3")][3] == PERSIAN
    assert got[("risk.enhet.a2", "Q3")][3] == longest and len(longest) == 32_767
    assert got[("ledning.enhet.m1", "Q3")] == ("", 12.0, None, "dolt")
