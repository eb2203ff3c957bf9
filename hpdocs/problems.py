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


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    severity: Severity = Severity.ERROR
    file: str = ""
    sheet: str = ""
    cell: str = ""

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
        return not self.errors

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)
