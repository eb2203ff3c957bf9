"""Failures that stop a run. All derive from HpdocsError; only the CLI turns
them into messages and exit codes. Problems in users' data are not exceptions
(see hpdocs.problems)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class HpdocsError(Exception):
    """Base class: the message is Swedish and meant for the user."""

    exit_code = 1


class UsageError(HpdocsError):
    """The command was called wrongly (missing project, unknown period...)."""

    exit_code = 2


class PlanError(HpdocsError):
    """A plan file could not be loaded; carries every problem found."""

    def __init__(self, message: str, problems: Sequence[Any] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class OrganisationError(PlanError):
    """The organisation file could not be loaded; carries every problem found."""


class ConfigError(UsageError):
    """The project configuration is missing or wrong."""


class TemplateError(HpdocsError):
    """A Word or PowerPoint template is broken or could not be rendered."""


class OutputError(HpdocsError):
    """An output could not be written (locked file, full disk, another run)."""
