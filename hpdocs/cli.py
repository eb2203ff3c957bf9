"""The command line: each command parses options, calls one library function and
formats the result. Exit codes: 0 klart, 1 problem i indata, 2 fel anrop."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from hpdocs import __version__, cli_i18n
from hpdocs.cli_errors import explain
from hpdocs.cli_progress import Reporter
from hpdocs.errors import HpdocsError
from hpdocs.problems import Problem, Severity

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

cli_i18n.install()  # before any command is declared: Click computes some texts then


# Progress on stderr: a bar on a terminal, lines in logs and with --json (cli_progress).
_progress = Reporter()


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


def _checked(n: int) -> str:
    return "1 arbetsbok kontrollerad" if n == 1 else f"{n} arbetsböcker kontrollerade"


def _problem_rows(problems: list[Problem]) -> list[str]:
    rows = []
    for p in problems:
        mark = "FEL    " if p.severity == Severity.ERROR else "varning"
        rows.append(f"  {mark} {p.where}: {p.message} [{p.code}]")
    return rows


@cli.command()
@click.argument("filer", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--projekt",
    "project_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Projektmapp (plan, organisation, år). Standard: projektet som filerna ligger i, annars aktuell mapp om den är ett projekt.",
)
@click.option(
    "--plan",
    "plan_source",
    default=None,
    help="Plan att kontrollera mot när ingen projektmapp finns (t.ex. hp-2022 eller en planfil). Standard: planen arbetsboken är gjord för.",
)
@json_option
@click.option(
    "--rapport",
    "report_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Skriv en Excel-rapport per arbetsbok med problem till denna mapp.",
)
@handle_errors
def validate(
    filer: tuple[Path, ...],
    project_dir: Path | None,
    plan_source: str | None,
    as_json: bool,
    report_dir: Path | None,
) -> None:
    """Kontrollera inlämnade arbetsböcker och visa alla problem på en gång.

    Varje problem anges med fil, blad och cell och vad som ska göras.
    En enskild arbetsbok utanför ett projekt kontrolleras mot planen och året
    som står i arbetsboken (bladet Identitet). Slutkod 0 om allt är rätt,
    1 om något problem hittades, 2 vid fel anrop.

    \b
    Exempel:
      hpdocs validate "Enhet Akuten.xlsx"
      hpdocs validate min-plan/inkorg --projekt min-plan
      hpdocs validate "Enhet Akuten.xlsx" --plan hp-2022 --json
    """
    from hpdocs.inbox import STATE_REFUSED
    from hpdocs.pipeline import safe_name, validate_paths
    from hpdocs.planversions import loader
    from hpdocs.validation_target import resolve
    from hpdocs.workbook.problems_write import write_problem_report

    target = resolve(list(filer), project_dir=project_dir, plan_source=plan_source)
    _progress(f"Kontrollerar mot {target.basis}.")
    inbox = validate_paths(
        target.paths,
        target.plan,
        target.organisation,
        target.year,
        previous=loader(target.project) if target.project else None,
    )
    if report_dir is not None:
        report_dir.mkdir(parents=True, exist_ok=True)
        for read in inbox.reads:
            if len(read.report):
                name = safe_name(f"Problem – {Path(read.name).stem}.xlsx")
                write_problem_report(read, report_dir / name, {p.id: p.label for p in target.plan.periods})
    problems = inbox.problems
    if as_json:
        from hpdocs.json_output import validation_json

        _echo_json(validation_json(inbox))
    else:
        for read in inbox.reads:
            verdict = inbox.state(read)
            verdict = verdict.upper() if verdict == STATE_REFUSED else verdict
            click.echo(
                f"{read.name}: {verdict} ({len(read.report.errors)} fel, {len(read.report.warnings)} varningar)"
            )
            for line in _problem_rows(read.report.problems):
                click.echo(line)
        for line in _problem_rows([*inbox.notes, *inbox.ignored]):
            click.echo(line)
        refused = sum(1 for r in inbox.reads if not r.report.usable)
        faulty = sum(1 for r in inbox.reads if r.report.usable and r.report.excluding)
        click.echo(
            f"\n{_checked(len(inbox.reads))}: {refused} {'avvisad' if refused == 1 else 'avvisade'}, "
            f"{faulty} {'godkänd' if faulty == 1 else 'godkända'} med fel, {len(problems)} problem."
        )
    sys.exit(EXIT_PROBLEMS if problems else EXIT_OK)


@cli.command("consolidate")
@project_argument
@period_option
@json_option
@handle_errors
def consolidate_cmd(projekt: Path, period: str | None, as_json: bool) -> None:
    """Sammanställ inkorgen: en sammanställning per verksamhetsområde och en för bolaget.

    Saknade enheter stoppar inte körningen; de listas och sammanställningen
    markeras som ofullständig. Slutkod 1 om någon arbetsbok avvisades.

    \b
    Exempel:
      hpdocs consolidate min-plan --period 2022-Q3
    """
    from hpdocs.atomic import ProjectLock
    from hpdocs.pipeline import consolidate_project
    from hpdocs.project import load_project

    project = load_project(projekt)
    with ProjectLock(project.root, timeout=60):
        result = consolidate_project(project, period, progress=_progress)
    if as_json:
        from hpdocs.json_output import consolidation_json

        _echo_json(consolidation_json(result))
    else:
        _print_consolidation(result)
    sys.exit(EXIT_PROBLEMS if _refused(result.inbox) else EXIT_OK)


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


@cli.command()
@project_argument
@period_option
@click.option(
    "--typ",
    "kinds",
    multiple=True,
    type=click.Choice(["psb", "mum", "styrelse"]),
    help="Vilka dokument (flera går bra). Standard: alla tre.",
)
@click.option(
    "--vo", "business_area", default=None, help="Bara detta verksamhetsområde (id ur organisationsfilen)."
)
@click.option("--pdf", is_flag=True, help="Gör även PDF med LibreOffice (måste vara installerat).")
@handle_errors
def documents(
    projekt: Path, period: str | None, kinds: tuple[str, ...], business_area: str | None, pdf: bool
) -> None:
    """Skapa PSB-kapitlet, november-MUM-bilderna och styrelsebeslutet.

    \b
    Exempel:
      hpdocs documents min-plan --period 2022-Q3 --typ mum --vo VO1
      hpdocs documents min-plan --pdf
    """
    from hpdocs.atomic import ProjectLock
    from hpdocs.build import DOCUMENT_KINDS, generate_documents, render_board_paper
    from hpdocs.errors import UsageError
    from hpdocs.inbox import find_workbooks
    from hpdocs.pipeline import consolidate_project
    from hpdocs.project import load_project

    project = load_project(projekt)
    if set(kinds) == {"styrelse"} and not any(find_workbooks([project.inbox])):
        path = render_board_paper(project)
        click.echo(f"Skapade styrelsebeslutet ur planen (inga inlämnade arbetsböcker ännu):\n  {path}")
        return
    if business_area is not None and business_area not in {n.id for n in project.organisation.business_areas}:
        known = ", ".join(f"{n.id} ({n.name})" for n in project.organisation.business_areas)
        raise UsageError(f'Okänt verksamhetsområde "{business_area}". Välj bland: {known}.')
    with ProjectLock(project.root, timeout=60):
        result = consolidate_project(project, period, progress=_progress)
        outputs = generate_documents(
            project,
            result,
            kinds=kinds or DOCUMENT_KINDS,
            business_area=business_area,
            pdf=pdf,
            progress=_progress,
        )
    span = (
        f"hela {result.year} (till och med {result.period})"
        if result.whole_year
        else f"{result.year}-{result.period}"
    )
    click.echo(f"Skapade {len(outputs)} dokument för {span}:")
    _print_outputs(outputs, project.root)


@cli.command()
@project_argument
@period_option
@click.option("--pdf", is_flag=True, help="Gör även PDF av dokumenten med LibreOffice.")
@json_option
@handle_errors
def build(projekt: Path, period: str | None, pdf: bool, as_json: bool) -> None:
    """Kör hela kedjan: kontrollera inkorgen, sammanställ, skapa alla dokument och en innehållsförteckning.

    Resultatet hamnar i projektets utdata-mapp; öppna index.html där.
    Slutkod 1 om någon arbetsbok avvisades (dokumenten skapas ändå).

    \b
    Exempel:
      hpdocs build examples/vardbolaget
      hpdocs build min-plan --period 2022-Q3 --pdf
    """
    from hpdocs.atomic import ProjectLock
    from hpdocs.build import build_project
    from hpdocs.project import load_project

    project = load_project(projekt)
    with ProjectLock(project.root, timeout=60):
        result = build_project(project, period, pdf=pdf, progress=_progress)
    if as_json:
        from hpdocs.json_output import consolidation_json

        documents = [{"path": str(o.path), "title": o.title, "group": o.group} for o in result.documents]
        index = str(result.index) if result.index is not None else None
        _echo_json(
            consolidation_json(result.consolidation, command="build", documents=documents, index=index)
        )
        sys.exit(EXIT_PROBLEMS if _refused(result.consolidation.inbox) else EXIT_OK)
    _print_consolidation(result.consolidation)
    click.echo(f"Dokument ({len(result.documents)}):")
    _print_outputs(result.documents, project.root)
    if result.index is not None:
        click.echo(f"Öppna {result.index} för en översikt med länkar till allt som skapades.")
    sys.exit(EXIT_PROBLEMS if _refused(result.consolidation.inbox) else EXIT_OK)


@cli.command()
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


@cli.command()
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


@cli.command()
@project_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="csv öppnas direkt i svensk Excel; parquet för Power BI och analysverktyg (kräver pyarrow).",
)
@click.option(
    "--ut",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Filen att skriva (standard: utdata/export-ÅR.csv eller .parquet).",
)
@period_option
@handle_errors
def export(projekt: Path, fmt: str, target: Path | None, period: str | None) -> None:
    """Exportera alla sammanställda värden som en tabell: en rad per värde.

    Varje rad har enhet, nivå, VO, område, aktivitet eller mått, period, status,
    värde, täljare, nämnare, kommentar och var värdet kom ifrån (fil, blad, cell).
    Utan --period exporteras alla perioder. Kolumnerna: docs/data.md.

    \b
    Exempel:
      hpdocs export min-plan
      hpdocs export min-plan --format parquet --ut vardata.parquet
      hpdocs export min-plan --period 2022-Q3
    """
    from hpdocs.atomic import ProjectLock
    from hpdocs.export import export_project
    from hpdocs.project import load_project

    project = load_project(projekt)
    with ProjectLock(project.root, timeout=60):
        path, rows = export_project(project, target, fmt=fmt, period=period)
    click.echo(f"Skrev {rows} rader till {path}")


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
