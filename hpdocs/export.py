"""Everything consolidated as one tidy table: one row per value, for Excel, Power BI and pandas.

The rows are the company roll-up's entries — exactly what its Data sheet carries — with the
names an analyst needs beside the ids (level, business area, area, the activity's or measure's
text), the measure's numerator and denominator apart, and where each value came from (file,
sheet, cell). `load(project)` returns it as a pandas DataFrame; `write_csv` writes it so that
Swedish Excel opens it as it is (UTF-8 with BOM, `;`, decimal comma); `write_parquet` for
Power BI and analysts (needs pyarrow: `pip install "hpdocs[parquet]"`).

Columns and their meaning are documented in docs/data.md (keep the two in step: a test checks).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hpdocs.atomic import atomic_path
from hpdocs.errors import HpdocsError, UsageError
from hpdocs.org import Organisation
from hpdocs.plan import MeasureKind, Plan
from hpdocs.project import Project, load_project
from hpdocs.textsafe import FORMULA_PREFIXES
from hpdocs.workbook.read import Entry, plan_index

if TYPE_CHECKING:
    from hpdocs.inbox import Inbox

# (column, pandas dtype). Swedish names, as on the roll-up's Data sheet (same names where the
# Data sheet has the column); nullable dtypes so that an empty cell stays empty, not "nan".
COLUMNS: tuple[tuple[str, str], ...] = (
    ("ar", "Int64"),
    ("period", "string"),
    ("periodnamn", "string"),
    ("nod", "string"),
    ("nodnamn", "string"),
    ("niva", "string"),
    ("nivanamn", "string"),
    ("vo", "string"),
    ("vonamn", "string"),
    ("omrade", "string"),
    ("omradesnamn", "string"),
    ("typ", "string"),
    ("matt_typ", "string"),
    ("post", "string"),
    ("nr", "string"),
    ("benamning", "string"),
    ("text", "string"),
    ("status", "string"),
    ("varde", "Float64"),
    ("taljare", "Float64"),
    ("namnare", "Float64"),
    ("kommentar", "string"),
    ("fil", "string"),
    ("blad", "string"),
    ("cell", "string"),
    ("inlamnad", "string"),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
TEXT_COLUMNS = tuple(name for name, dtype in COLUMNS if dtype == "string")

FORMATS = ("csv", "parquet")


class ExportError(HpdocsError):
    """The export could not be written (no pyarrow for Parquet, a locked file)."""


def tidy_rows(
    plan: Plan,
    org: Organisation,
    entries: Iterable[Entry],
    year: int,
    *,
    names: dict[str, str] | None = None,
    stamps: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One dict per entry, keyed by COLUMN_NAMES."""
    index = plan_index(plan)
    names = names if names is not None else org.names
    stamps = stamps or {}
    periods = {p.id: p.label for p in plan.periods}
    areas = {a.id: a.title for a in plan.areas}
    rows = []
    for e in entries:
        node = org.nodes.get(e.node)
        level = node.level if node else ""
        vo = org.business_area_of(e.node) if node else None
        info = index.get(e.item)
        measure = info.measure if info else None
        share = measure is not None and measure.kind is MeasureKind.SHARE
        rows.append(
            {
                "ar": year,
                "period": e.period,
                "periodnamn": periods.get(e.period, ""),
                "nod": e.node,
                "nodnamn": names.get(e.node, ""),
                "niva": level,
                "nivanamn": plan.level(level).title if level else "",
                "vo": vo.id if vo else "",
                "vonamn": vo.name if vo else "",
                "omrade": e.area,
                "omradesnamn": areas.get(e.area, ""),
                "typ": e.kind,
                "matt_typ": str(measure.kind) if measure else "",
                "post": e.item,
                "nr": e.nr,
                "benamning": (info.text if info else "") or e.text,
                "text": e.text,
                "status": e.status,
                "varde": e.value,
                "taljare": e.value if share else None,
                "namnare": e.denominator,
                "kommentar": e.comment,
                "fil": e.file,
                "blad": e.sheet,
                "cell": e.cell,
                "inlamnad": stamps.get(e.node, ""),
            }
        )
    return rows


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The tidy rows as a DataFrame with the documented column order and dtypes."""
    df = pd.DataFrame(rows, columns=list(COLUMN_NAMES))
    return df.astype(dict(COLUMNS))


def read_project(project: Project, *, progress: Any = None) -> tuple[Inbox, list[dict[str, Any]]]:
    """Read the inbox (through the project's cache) and make the tidy rows; writes no outputs."""
    from hpdocs.cache import cached_reader
    from hpdocs.inbox import collect
    from hpdocs.pipeline import default_period, quiet, rollup_all

    plan, org, year = project.plan, project.organisation, project.year
    reader = cached_reader(project.cache_dir, plan, progress=progress or quiet)
    inbox = collect([project.inbox], plan, org, year=year, reader=reader)
    _, company = rollup_all(plan, org, inbox, default_period(plan, year, inbox.entries), year)
    stamps = {node: read.stamp for node, read in inbox.chosen.items()}
    return inbox, tidy_rows(plan, org, company.entries, year, names=company.names, stamps=stamps)


def load(project: Path | str | Project, *, period: str | None = None) -> pd.DataFrame:
    """Everything consolidated in a project, one row per value (see docs/data.md).

    >>> import hpdocs
    >>> df = hpdocs.load("examples/vardbolaget")  # doctest: +SKIP
    """
    if not isinstance(project, Project):
        project = load_project(Path(project))
    _, rows = read_project(project)
    df = frame(rows)
    if period is not None:
        from hpdocs.pipeline import resolve_period

        df = df[df["period"] == resolve_period(project.plan, period, project.year)].reset_index(drop=True)
    return df


def _excel_text(value: object) -> object:
    """Text Excel would run as a formula when it opens a CSV gets the apostrophe Excel itself
    uses for text typed as '=…; everything else is left as it is."""
    if isinstance(value, str) and value.startswith((*FORMULA_PREFIXES, "\t", "\r")):
        return "'" + value
    return value


def _excel_number(value: object) -> str:
    """A number as Swedish Excel reads it: decimal comma, no ",0" on whole numbers."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = float(value)  # type: ignore[arg-type]
    if number.is_integer():
        return str(int(number))
    return repr(number).replace(".", ",")


def write_csv(df: pd.DataFrame, target: Path) -> Path:
    """CSV for Swedish Excel: UTF-8 with BOM, `;` between columns, decimal comma."""
    out = df.copy()
    for name in TEXT_COLUMNS:
        out[name] = out[name].map(_excel_text, na_action="ignore")
    for name, dtype in COLUMNS:
        if dtype == "Float64":
            out[name] = [_excel_number(v) for v in out[name].astype(object)]
    with atomic_path(target) as tmp:
        out.to_csv(tmp, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return target


def write_parquet(df: pd.DataFrame, target: Path) -> Path:
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise ExportError(
            'Parquet kräver paketet pyarrow. Installera det med: pip install "hpdocs[parquet]" (eller välj --format csv).'
        ) from exc
    with atomic_path(target) as tmp:
        df.to_parquet(tmp, index=False)
    return target


def export_project(
    project: Project, target: Path | None = None, *, fmt: str = "csv", period: str | None = None
) -> tuple[Path, int]:
    """Write the tidy table of a project; returns the file and the number of rows."""
    if fmt not in FORMATS:
        raise UsageError(f'Okänt format "{fmt}". Välj csv eller parquet.')
    df = load(project, period=period)
    if target is None:
        suffix = f"-{project.year}-{period}" if period else f"-{project.year}"
        target = project.output / f"export{suffix}.{fmt}"
    target.parent.mkdir(parents=True, exist_ok=True)
    (write_csv if fmt == "csv" else write_parquet)(df, target)
    return target, len(df)
