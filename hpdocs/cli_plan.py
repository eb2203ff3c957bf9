"""The commands of the plan's life during the year: refresh and revision."""

from __future__ import annotations

from pathlib import Path

import click

from hpdocs.cli_common import command, handle_errors, project_argument


@command()
@project_argument
@click.option(
    "--ut",
    "outdir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Mapp för de nya arbetsböckerna (standard: utdata/arbetsbocker-fornyade).",
)
@handle_errors
def refresh(projekt: Path, outdir: Path | None) -> None:
    """Skriv nya arbetsböcker för planens nuvarande version, med allt inlämnat överfört.

    Varje enhet, verksamhetsområde och bolaget får en ny arbetsbok där status, värden,
    kommentarer och egna aktiviteter från den inlämnade arbetsboken redan står ifyllda.
    Det som inte kan föras över (t.ex. en mätning som bytt typ) listas per arbetsbok.

    \b
    Exempel:
      hpdocs refresh min-plan
    """
    from hpdocs.atomic import ProjectLock
    from hpdocs.project import load_project
    from hpdocs.refresh import refresh_lines, refresh_workbooks

    project = load_project(projekt)
    with ProjectLock(project.root, timeout=60):
        results = refresh_workbooks(project, outdir)
    for line in refresh_lines(results, project.root):
        click.echo(line)


@command()
@project_argument
@click.option(
    "--fran",
    "old",
    default=None,
    help="Planen att jämföra från: en planfil eller en sparad version (t.ex. 2022.1). "
    "Standard: versionen som inkorgens arbetsböcker är gjorda för.",
)
@click.option("--till", "new", default=None, help="Planfilen att jämföra till (standard: projektets plan).")
@handle_errors
def revision(projekt: Path, old: str | None, new: str | None) -> None:
    """Visa vad en planrevision ändrar och vilka inlämnade värden varje ändring berör.

    \b
    Exempel:
      hpdocs revision min-plan
      hpdocs revision min-plan --fran 2022.1
    """
    from hpdocs.project import load_project
    from hpdocs.revision_report import report_lines, revision_report

    for line in report_lines(revision_report(load_project(projekt), old, new)):
        click.echo(line)
