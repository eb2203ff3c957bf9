"""The tidy export: one row per consolidated value, as CSV for Swedish Excel, Parquet and pandas."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from examples_copy import REPO, copy_example
from python_calamine import CalamineWorkbook

import hpdocs
from hpdocs.cli import cli
from hpdocs.export import COLUMN_NAMES, ExportError, frame, tidy_rows, write_csv, write_parquet
from hpdocs.pipeline import consolidate_project
from hpdocs.project import load_project
from hpdocs.workbook import contract as c
from hpdocs.workbook.read import Entry

DOCS = (REPO / "docs" / "data.md").read_text(encoding="utf-8")
# The columns the export shares with the roll-up's Data sheet.
SHARED = ("nod", "nodnamn", "omrade", "post", "typ", "nr", "text", "period", "status", "varde", "namnare")
SHARED += ("kommentar", "fil", "blad", "cell", "inlamnad")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("export") / "vardbolaget")


@pytest.fixture(scope="module")
def df(example: Path) -> pd.DataFrame:
    return hpdocs.load(example)


def _data_sheet(path: Path) -> pd.DataFrame:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        rows = wb.get_sheet_by_name(c.DATA_SHEET).to_python()
    finally:
        wb.close()
    data = pd.DataFrame(rows[1:], columns=rows[0])
    return data


def _comparable(df: pd.DataFrame) -> list[tuple[object, ...]]:
    def cell(v: object) -> object:
        if v is None or v is pd.NA or v == "" or (isinstance(v, float) and v != v):
            return None
        return float(v) if isinstance(v, int | float) else str(v)

    return sorted(
        (tuple(cell(v) for v in row) for row in df[list(SHARED)].astype(object).itertuples(index=False)),
        key=repr,
    )


def test_the_export_is_the_company_rollups_data(example: Path, df: pd.DataFrame) -> None:
    result = consolidate_project(load_project(example), "Q3")
    company = next(p for p in result.files if Path(p).name.startswith("Sammanställning Bolag"))
    data = _data_sheet(company)
    assert len(df) == len(data) > 1000
    assert _comparable(df) == _comparable(data)
    assert list(df.columns) == list(COLUMN_NAMES)


def test_each_row_names_its_level_business_area_and_plan_text(df: pd.DataFrame) -> None:
    akuten = df[(df["nodnamn"] == "Vårdcentralen Björkdalen") & (df["typ"] == "aktivitet")].iloc[0]
    assert (akuten["niva"], akuten["nivanamn"], akuten["ar"]) == ("enhet", "Enhet", 2022)
    assert akuten["vonamn"] and akuten["benamning"] and akuten["omradesnamn"]
    shares = df[df["matt_typ"] == "andel"]
    assert len(shares) and (shares["taljare"] == shares["varde"]).all() and shares["namnare"].notna().all()
    assert df.loc[df["matt_typ"] != "andel", "taljare"].isna().all()
    company = df[df["niva"] == "bolag"]
    assert company["vo"].eq("").all()
    assert set(df["typ"]) == {"aktivitet", "matning", "status", "egen"}


def test_csv_is_what_swedish_excel_opens_and_reads_back_equal(df: pd.DataFrame, tmp_path: Path) -> None:
    path = write_csv(df, tmp_path / "export.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfar;period;periodnamn;nod;")
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(COLUMN_NAMES) and len(back) == len(df)
    expected = df.astype(object).where(df.notna(), "")
    for name in ("varde", "taljare", "namnare"):
        as_text = expected[name].map(
            lambda v: "" if v == "" else str(int(v)) if float(v).is_integer() else str(v)
        )
        assert back[name].str.replace(",", ".").tolist() == as_text.tolist(), name
    for name in ("nodnamn", "benamning", "kommentar", "fil", "cell"):
        assert back[name].tolist() == expected[name].astype(str).tolist(), name


def test_csv_numbers_take_a_decimal_comma_and_formulas_stay_text(plan, org, tmp_path: Path) -> None:
    entries = [
        Entry(
            "E1",
            "ledning",
            "x.m1",
            "matning",
            "Q3",
            value=2.5,
            denominator=4.0,
            comment='=HYPERLINK("http://x")',
        ),
        Entry("E1", "ledning", "x.m2", "matning", "Q3", value=12.0, comment="-5 var fel", text="@kö"),
    ]
    path = write_csv(frame(tidy_rows(plan, org, entries, 2022)), tmp_path / "x.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    first = dict(zip(lines[0].split(";"), lines[1].split(";"), strict=True))
    second = dict(zip(lines[0].split(";"), lines[2].split(";"), strict=True))
    assert (first["varde"], first["namnare"]) == ("2,5", "4")
    assert first["kommentar"] == '"\'=HYPERLINK(""http://x"")"'
    assert (second["varde"], second["kommentar"], second["text"]) == ("12", "'-5 var fel", "'@kö")


def test_parquet_reads_back_equal(df: pd.DataFrame, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason='pyarrow saknas (pip install "hpdocs[parquet]")')
    path = write_parquet(df, tmp_path / "export.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(path), df, check_dtype=False)


def test_parquet_without_pyarrow_says_how_to_get_it(df: pd.DataFrame, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ExportError, match=r'pip install "hpdocs\[parquet\]"'):
        write_parquet(df, tmp_path / "x.parquet")
    assert not (tmp_path / "x.parquet").exists()


def test_cli_export_writes_the_file_and_leaves_the_inbox_alone(example: Path) -> None:
    before = {p.name: p.read_bytes() for p in (example / "inkorg").iterdir()}
    result = CliRunner().invoke(cli, ["export", str(example)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    path = example / "utdata" / "export-2022.csv"
    assert result.stdout.strip() == f"Skrev {len(hpdocs.load(example))} rader till {path}"
    result = CliRunner().invoke(
        cli, ["export", str(example), "--period", "2022-Q3", "--ut", str(example / "q3.csv")]
    )
    assert result.exit_code == 0
    q3 = pd.read_csv(example / "q3.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert set(q3["period"]) == {"Q3"}
    assert {p.name: p.read_bytes() for p in (example / "inkorg").iterdir()} == before


def test_every_column_is_documented() -> None:
    section = DOCS[DOCS.index("### Kolumnerna") :]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    names = {name for cell in first_cells for name in re.findall(r"`([a-z_]+)`", cell)}
    assert set(COLUMN_NAMES) <= names, set(COLUMN_NAMES) - names


def test_the_python_example_in_the_docs_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = re.search(r"```python\n(.*?)```", DOCS, flags=re.S)
    assert code is not None
    copy_example(tmp_path / "examples" / "vardbolaget")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), "docs/data.md", "exec"), {})
    printed = out.getvalue()
    assert "andel" in printed and "Primärvård" in printed


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) saknas")
def test_libreoffice_calc_opens_the_csv_with_the_right_columns_and_numbers(
    df: pd.DataFrame, tmp_path: Path
) -> None:
    path = write_csv(df, tmp_path / "export.csv")
    # As a Swedish Calc opens it: separator ";", UTF-8, Swedish locale (decimal comma).
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--infilter=CSV:59,34,76,1,,1053",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "ut"),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    wb = CalamineWorkbook.from_path(str(tmp_path / "ut" / "export.xlsx"))
    try:
        rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
    finally:
        wb.close()
    assert tuple(rows[0]) == COLUMN_NAMES and len(rows) == len(df) + 1
    col = {name: i for i, name in enumerate(rows[0])}
    shares = [r for r in rows[1:] if r[col["matt_typ"]] == "andel"]
    assert shares and all(
        isinstance(r[col["varde"]], float) and isinstance(r[col["namnare"]], float) for r in shares
    )
    assert [r[col["nodnamn"]] for r in rows[1:]] == df["nodnamn"].tolist()  # å, ä, ö intact
