"""The command line: each command parses options, calls one library function and
formats the result. Exit codes: 0 klart, 1 problem i indata, 2 fel anrop.

The group and the commands that set a project up live here; the commands that read the inbox
and make outputs are in hpdocs.cli_run, those of the plan's life in hpdocs.cli_plan, and what
they all share (errors, options, printing) in hpdocs.cli_common."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hpdocs import __version__, cli_i18n, cli_plan, cli_run  # their commands are added to the group below
from hpdocs.cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    _problem_rows,
    handle_errors,
    project_argument,
)
from hpdocs.cli_common import progress as _progress
from hpdocs.errors import HpdocsError
from hpdocs.problems import Problem


@click.group(cls=cli_i18n.SwedishGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hpdocs", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Visa hela felutskriften (för utvecklare).")
def cli(debug: bool) -> None:
    """hpdocs – handlingsplanen för ökad patientsäkerhet, från Excel till färdiga dokument.

    \b
    Vanligaste arbetsgången:
      hpdocs init min-plan --namn "Vårdbolaget AB"
      hpdocs workbooks min-plan
      hpdocs validate min-plan/inkorg --projekt min-plan
      hpdocs build min-plan

    Slutkoder: 0 klart, 1 problem i indata (t.ex. arbetsböcker med fel), 2 fel anrop.
    """


@cli.command()
@click.argument("mapp", type=click.Path(path_type=Path, file_okay=False))
@click.option("--namn", default=None, help='Organisationens namn, t.ex. "Vårdbolaget AB".')
@click.option(
    "--plan",
    default="hp-2022",
    show_default=True,
    help="Inbyggd plan (hp-2022, region-2022-2024) eller sökväg till en planfil.",
)
@click.option("--ar", "year", type=int, default=None, help="Verksamhetsår (standard: planens år).")
@click.option(
    "--fran-projekt",
    "previous",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Starta nästa år från detta års projekt: samma organisation, plan och mallar, året efter, "
    "och årets resultat sparade för jämförelse.",
)
@handle_errors
def init(mapp: Path, namn: str | None, plan: str, year: int | None, previous: Path | None) -> None:
    """Skapa en projektmapp med inställningar, plan, organisationsmall och mallar.

    \b
    Exempel:
      hpdocs init min-plan --namn "Vårdbolaget AB" --plan hp-2022
      hpdocs init plan-2023 --fran-projekt plan-2022
    """
    from hpdocs.project import init_project

    if previous is not None:
        from hpdocs.nextyear import next_year_lines, start_next_year

        for line in next_year_lines(start_next_year(previous, mapp, name=namn, year=year)):
            click.echo(line)
        return
    if not namn:
        raise click.UsageError('Ange --namn "Organisationens namn" (eller --fran-projekt MAPP).')
    project = init_project(mapp, name=namn, plan=plan, year=year)
    click.echo(f"Projektmappen {project.root} är skapad ({project.plan.title} {project.year}).")
    click.echo(f"Nästa steg: fyll i {project.organisation_file.name} och kör: hpdocs workbooks {mapp}")


@cli.command()
@click.argument("fil", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--plan", default="hp-2022", show_default=True, help="Planen vars nivånamn används.")
@handle_errors
def organisation(fil: Path, plan: str) -> None:
    """Skriv en tom organisationsfil (Excel) att fylla i.

    \b
    Exempel:
      hpdocs organisation organisation.xlsx
    """
    from hpdocs.org import write_organisation
    from hpdocs.planfile import load_plan

    if fil.exists():
        raise HpdocsError(f"{fil} finns redan och skrivs inte över.")
    write_organisation(fil, level_names=load_plan(plan).level_names)
    click.echo(f"Skrev {fil}. Fyll i en rad per bolag, verksamhetsområde och enhet.")


@cli.command()
@project_argument
@click.option(
    "--ut",
    "outdir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Mapp för arbetsböckerna (standard: utdata/arbetsbocker).",
)
@handle_errors
def workbooks(projekt: Path, outdir: Path | None) -> None:
    """Skapa en ifyllnadsklar arbetsbok per enhet, verksamhetsområde och för bolaget.

    \b
    Exempel:
      hpdocs workbooks min-plan
    """
    from hpdocs.planversions import archive_plan
    from hpdocs.project import load_project
    from hpdocs.workbook.house_style import house_style_for
    from hpdocs.workbook.write import write_all

    project = load_project(projekt)
    target = outdir or project.workbooks_dir
    house, warnings = house_style_for(project.templates)
    for line in _problem_rows(warnings):
        click.echo(line, err=True)
    files = write_all(project.plan, project.organisation, target, project.year, house=house)
    click.echo(f"Skrev {len(files)} arbetsböcker till {target}")
    click.echo(
        f"Planversion {project.plan.version} sparad i {archive_plan(project).relative_to(project.root)}"
    )


@cli.command()
@click.argument("mallar", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--projekt",
    "project_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Kontrollera projektets egna mallar (mappen mallar/).",
)
@handle_errors
def templates(mallar: tuple[Path, ...], project_dir: Path | None) -> None:
    """Kontrollera Word- och PowerPoint-mallar innan något skapas.

    Listar varje malls taggar och rapporterar krulliga citattecken, trasiga
    taggar och variabler som data inte innehåller.

    \b
    Exempel:
      hpdocs templates --projekt min-plan
      hpdocs templates min-plan/mallar/word/psb-verksamhetschef.docx
    """
    from hpdocs.project import load_project
    from hpdocs.render.check import check_template, check_templates, template_tags
    from hpdocs.workbook.house_style import describe, load_house_style, template_file

    excel: dict[Path, list[str]] = {}  # Excel template -> what it sets (its "tags")

    def check_excel(path: Path) -> list[Problem]:
        house, found = load_house_style(path)
        excel[path] = describe(house)
        return found

    if mallar:
        results = {
            path: check_excel(path) if path.suffix.lower() == ".xlsx" else check_template(path)
            for path in mallar
        }
    else:
        folder = load_project(project_dir).templates if project_dir else None
        results = check_templates(folder)
        results[template_file(folder)] = check_excel(template_file(folder))
    problems = 0
    for path, found in results.items():
        tags = excel[path] if path in excel else template_tags(path)
        click.echo(f"{path.name}: {len(tags)} taggar, {len(found)} problem")
        for tag in tags:
            click.echo(f"    {tag}")
        for line in _problem_rows(found):
            click.echo(line)
        problems += len(found)
    sys.exit(EXIT_PROBLEMS if problems else EXIT_OK)


@cli.command()
@project_argument
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Adress att lyssna på. Låt den vara 127.0.0.1 bakom en omvänd proxy.",
)
@click.option("--port", default=8000, show_default=True, type=int, help="Port.")
@click.option(
    "--satt-losenord",
    "set_password",
    is_flag=True,
    help="Sätt samordnarens lösenord (frågar efter det) och avsluta.",
)
@handle_errors
def serve(projekt: Path, host: str, port: int, set_password: bool) -> None:
    """Starta webbsidan där chefer lämnar in arbetsböcker och hämtar dokument.

    Se docs/webb.md för drift bakom organisationens omvända proxy och inloggning.

    \b
    Exempel:
      hpdocs serve min-plan --satt-losenord
      hpdocs serve min-plan --port 8080
    """
    from hpdocs.web import serve as run
    from hpdocs.web import set_coordinator_password

    if set_password:
        password = click.prompt(
            "Nytt lösenord för samordnaren (minst 10 tecken)",
            # Hidden on a terminal; from a pipe there is nothing to hide, and Python's getpass
            # would print an English warning.
            hide_input=sys.stdin.isatty(),
            confirmation_prompt="Upprepa lösenordet",
        )
        set_coordinator_password(projekt, password)
        click.echo("Lösenordet är sparat. Alla som var inloggade som samordnare har loggats ut.")
        return
    run(projekt, host=host, port=port, progress=_progress)


for _module in (cli_run, cli_plan):  # the commands declared in their own modules
    for _command in (v for v in vars(_module).values() if isinstance(v, click.Command)):
        cli.add_command(_command)
