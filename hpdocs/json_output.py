"""What `--json` prints: for programs, so keys are English and stable, messages Swedish.

Every document carries `schema_version` (raised when a key is renamed or removed, not when
one is added) and `command`. The keys are documented in docs/data.md; tests read them the
way a program would.
"""

from __future__ import annotations

from typing import Any

from hpdocs.inbox import Inbox
from hpdocs.problems import Problem, Severity
from hpdocs.workbook.contract import KIND_ROLLUP, KIND_WORKBOOK
from hpdocs.workbook.read import WorkbookRead

SCHEMA_VERSION = 1

# A file's fate, as a stable code (the Swedish words are in "state_text").
STATE_ACCEPTED = "accepted"
STATE_ACCEPTED_WITH_ERRORS = "accepted_with_errors"
STATE_REFUSED = "refused"
STATE_REPLACED = "replaced"

# What a file is, as a stable code ("" when it could not be told).
FILE_KINDS = {KIND_WORKBOOK: "workbook", KIND_ROLLUP: "rollup"}


def problem_json(problem: Problem) -> dict[str, str]:
    """A problem: code, Swedish message, severity ("fel" or "varning"), where and what."""
    return problem.to_dict()


def file_state(inbox: Inbox, read: WorkbookRead) -> str:
    if read.name in inbox.replaced:
        return STATE_REPLACED
    if not read.report.usable:
        return STATE_REFUSED
    if read.report.excluding:
        return STATE_ACCEPTED_WITH_ERRORS
    return STATE_ACCEPTED


def file_json(inbox: Inbox, read: WorkbookRead) -> dict[str, Any]:
    return {
        "file": read.name,
        "node": read.node_id,
        "kind": FILE_KINDS.get(read.kind, ""),
        "ok": read.report.ok,
        "usable": read.report.usable,
        "state": file_state(inbox, read),
        "state_text": inbox.state(read),
        "replaced_by": inbox.replaced.get(read.name),
        "error_count": len(read.report.errors),
        "warning_count": len(read.report.warnings),
        "problems": [problem_json(p) for p in read.report],
    }


def inbox_json(inbox: Inbox) -> dict[str, Any]:
    """Every file checked and every run-level remark, with counts."""
    problems = inbox.problems
    return {
        "files": [file_json(inbox, read) for read in inbox.reads],
        "notes": [problem_json(p) for p in inbox.notes],
        "ignored": [problem_json(p) for p in inbox.ignored],
        "error_count": sum(1 for p in problems if p.severity == Severity.ERROR),
        "warning_count": sum(1 for p in problems if p.severity == Severity.WARNING),
    }


def document(command: str, **body: Any) -> dict[str, Any]:
    """The envelope every --json output shares."""
    return {"schema_version": SCHEMA_VERSION, "command": command, **body}


def validation_json(inbox: Inbox) -> dict[str, Any]:
    return document("validate", **inbox_json(inbox))


def _nodes(rollup: Any, nodes: tuple[Any, ...]) -> list[dict[str, str]]:
    return [{"id": n.id, "name": rollup.label(n.id)} for n in nodes]


def completeness_json(rollup: Any) -> dict[str, Any]:
    """Who has reported for the period (see reporting.py for the Swedish words)."""
    comp = rollup.completeness
    return {
        "expected": comp.expected,
        "reported": _nodes(rollup, comp.reported),
        "empty": _nodes(rollup, comp.empty),
        "missing": _nodes(rollup, comp.missing),
        "rejected": _nodes(rollup, comp.rejected),
        "with_errors": _nodes(rollup, comp.with_errors),
        "excluded": [
            {
                "node": x.node,
                "file": x.file,
                "sheet": x.sheet,
                "cell": x.cell,
                "period": x.period,
                "item": x.item,
                "context": x.context,
                "written": x.written,
                "reason": x.reason,
            }
            for x in comp.excluded
        ],
    }


def consolidation_json(result: Any, *, command: str = "consolidate", **extra: Any) -> dict[str, Any]:
    """A consolidation: the period, the company's completeness, the inbox and the files written."""
    from hpdocs.reporting import headline

    return document(
        command,
        year=result.year,
        period=result.period,
        period_id=f"{result.year}-{result.period}",
        headline=headline(result.company),
        completeness=completeness_json(result.company),
        **inbox_json(result.inbox),
        outputs=[{"path": str(p), "written": p not in result.kept} for p in result.files],
        **extra,
    )
