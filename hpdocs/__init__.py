"""hpdocs: the patient-safety action plan from spreadsheets to signed documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    import pandas as pd


def load(project: Any, *, period: str | None = None) -> pd.DataFrame:
    """Everything consolidated in a project (folder or Project), one row per value, as a
    pandas DataFrame; `period` ("2022-Q3", "Q3") keeps one period. Columns: docs/data.md.
    Imported lazily so that `import hpdocs` (and the CLI) does not load pandas."""
    from hpdocs.export import load as _load

    return _load(project, period=period)


__all__ = ["__version__", "load"]
