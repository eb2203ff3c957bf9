"""The commands that read the inbox and make the outputs: validate, consolidate, documents,
build and export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hpdocs.cli_common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    _checked,
    _echo_json,
    _print_consolidation,
    _print_outputs,
    _problem_rows,
    _refused,
    command,
    handle_errors,
    json_option,
    period_option,
    project_argument,
)
from hpdocs.cli_common import progress as _progress


@command()
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


@command("consolidate")
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


@command()
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


@command()
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


@command()
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
