"""What every command shares: errors in Swedish, the project argument, the period option,
--json, progress on stderr and the printing of problems and results."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import partial, wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from hpdocs import cli_i18n
from hpdocs.cli_errors import explain
from hpdocs.cli_progress import Reporter
from hpdocs.problems import Problem, Severity

cli_i18n.install()  # before any command is declared: Click computes some texts then

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

# Progress on stderr: a bar on a terminal, lines in logs and with --json (cli_progress).
progress = Reporter()


def _echo_json(data: dict[str, Any]) -> None:
    """A --json result (English keys, Swedish messages, schema_version; docs/data.md)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Skriv resultatet som JSON (för program, se docs/data.md)."
)


def handle_errors(func: F) -> F:
    """Turn any exception into a Swedish message and its exit code (traceback only with --debug).
    Click's own exceptions (usage errors, Ctrl-C) pass to Click, which says them in Swedish."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.exceptions.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise
        except Exception as exc:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            message, code = explain(exc)
            click.echo(f"Fel: {message}", err=True)
            sys.exit(code)

    return wrapper  # type: ignore[return-value]


def project_argument(func: F) -> F:
    return click.argument(
        "projekt", required=False, default=".", type=click.Path(path_type=Path, file_okay=False)
    )(func)


def period_option(func: F) -> F:
    return click.option(
        "--period",
        "period",
        default=None,
        help=(
            "Uppföljningsperiod, t.ex. 2022-Q3 eller Q3, eller 2022 för hela året (PSB-kapitlet i februari). "
            "Standard: senaste perioden med inlämnade värden."
        ),
    )(func)


command = partial(click.command, cls=cli_i18n.SwedishCommand)  # Swedish help and errors


def _checked(n: int) -> str:
    return "1 arbetsbok kontrollerad" if n == 1 else f"{n} arbetsböcker kontrollerade"


def _problem_rows(problems: list[Problem]) -> list[str]:
    rows = []
    for p in problems:
        mark = "FEL    " if p.severity == Severity.ERROR else "varning"
        rows.append(f"  {mark} {p.where}: {p.message} [{p.code}]")
    return rows


def _refused(inbox: Any) -> list[Any]:
    """Every file with errors: refused as a whole, or used with values left out. Also those
    whose unit cannot be told (a zip bomb, an empty file): they are in no unit's list of
    rejected submissions but must never go unseen."""
    return [read for read in inbox.reads if not read.report.ok]


def _print_consolidation(result: Any) -> None:
    from hpdocs.reporting import REPORTED, headline, state_lines

    company = result.company
    click.echo(f"Period {result.year}-{result.period}: {headline(company)}")
    for state in state_lines(company):
        if state.label != REPORTED:
            click.echo(f"{state.label}: " + ", ".join(state.names))
    for read in _refused(result.inbox):
        click.echo(f"{result.inbox.state(read).capitalize()}: {read.name} ({len(read.report.errors)} fel)")
        for line in _problem_rows(read.report.errors):
            click.echo(line)
    for line in _problem_rows([*result.inbox.notes, *result.inbox.ignored]):
        click.echo(line)
    for path in result.files:
        click.echo(f"{'Oförändrad' if path in result.kept else 'Skrev'} {path}")


def _print_outputs(outputs: list[Any], root: Path) -> None:
    for output in outputs:
        click.echo(f"  {output.path.relative_to(root) if output.path.is_relative_to(root) else output.path}")
