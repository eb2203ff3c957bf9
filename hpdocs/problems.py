"""Problems in users' data are data, not exceptions.

Every check yields `Problem`s so that a person sees every mistake in one run.
A problem says what is wrong and what to do, in Swedish, and where: file,
sheet and cell. Codes are stable and documented in docs/problems.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "fel"  # the workbook (or the value) cannot be used
    WARNING = "varning"  # used, but someone should look


# Problems on this sheet (or on no sheet at all) concern the whole file: who it belongs to,
# whether it can be read. Errors anywhere else concern one cell (or one sheet) only.
IDENTITY_SHEET = "Identitet"


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    severity: Severity = Severity.ERROR
    file: str = ""
    sheet: str = ""
    cell: str = ""
    # Where a problem sits on a row of the plan: the row's period, item and text, and what was
    # written in the cell, so that the person (and the documents) know which value is meant.
    period: str = ""
    item: str = ""
    context: str = ""
    written: str = ""

    @property
    def file_level(self) -> bool:
        """True when the problem concerns the whole file, not one of its cells or sheets."""
        return not self.sheet or self.sheet == IDENTITY_SHEET

    @property
    def where(self) -> str:
        """`Enhet Akuten.xlsx › Säker vård här och nu › H14`, leaving out what is unknown."""
        return " › ".join(part for part in (self.file, self.sheet, self.cell) if part)

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


@dataclass
class Report:
    """All problems found in one file (or one run)."""

    file: str = ""
    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """No errors at all: nothing was left out."""
        return not self.errors

    @property
    def refusals(self) -> list[Problem]:
        """Errors that make the whole file unusable (unreadable, unsafe, whose it is unknown)."""
        return [p for p in self.errors if p.file_level]

    @property
    def usable(self) -> bool:
        """The file counts: errors, if any, exclude single cells or sheets, not the file."""
        return not self.refusals

    @property
    def excluding(self) -> list[Problem]:
        """Errors that leave one value (or one sheet) out while the rest of the file counts."""
        return [p for p in self.errors if not p.file_level]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)
