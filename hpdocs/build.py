"""The whole chain for a project folder: validate, consolidate, documents, index.

`hpdocs build` and `hpdocs documents` call these; so does the web page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hpdocs.consolidate import Rollup
from hpdocs.index_page import Output, write_index
from hpdocs.pipeline import ConsolidateResult, Progress, consolidate_project, quiet, safe_name
from hpdocs.planfile import load_plan
from hpdocs.project import Project

DOCUMENT_KINDS = ("psb", "mum", "styrelse")
KIND_TITLES = {
    "psb": "PSB-kapitel Verksamhetschef",
    "mum": "Statusbilder november-MUM",
    "styrelse": "Styrelsebeslut",
}


@dataclass
class BuildResult:
    consolidation: ConsolidateResult
    outputs: list[Output] = field(default_factory=list)
    index: Path | None = None

    @property
    def documents(self) -> list[Output]:
        return [o for o in self.outputs if o.group in ("Dokument", "PDF")]


def _templates(project: Project) -> Path | None:
    return project.templates if project.templates and project.templates.is_dir() else None


def _pptx_template(project: Project) -> Path | None:
    folder = _templates(project)
    candidate = folder / "pptx" / "mum-status.pptx" if folder else None
    return candidate if candidate and candidate.is_file() else None


def generate_documents(
    project: Project,
    result: ConsolidateResult,
    *,
    kinds: Iterable[str] = DOCUMENT_KINDS,
    business_area: str | None = None,
    pdf: bool = False,
    progress: Progress = quiet,
) -> list[Output]:
    """Render the chosen documents for every business area (or one) and the company."""
    from hpdocs.render.slides import render_company_overview, render_slides
    from hpdocs.render.word import render_psb

    wanted = set(kinds)
    year, period = project.year, result.period
    outdir = project.output / "dokument"
    outdir.mkdir(parents=True, exist_ok=True)
    templates = _templates(project)
    outputs: list[Output] = []
    scopes: list[Rollup] = [r for vo, r in result.business_areas.items() if business_area in (None, vo)]
    if business_area is None:
        scopes.append(result.company)
    stamp = f"{year}-helår" if result.whole_year else f"{year}-{period}"

    def add(path: Path, title: str, node_id: str, kind: str) -> None:
        outputs.append(Output(path, title, "Dokument", node_id, kind))
        progress(f"Skrev {path.name}")

    for rollup in scopes:
        name = rollup.scope.name
        if "psb" in wanted:
            path = outdir / safe_name(f"PSB Verksamhetschef – {name} {stamp}.docx")
            add(
                render_psb(
                    rollup, path, templates, organisation_name=project.name, whole_year=result.whole_year
                ),
                f"{KIND_TITLES['psb']} – {name}",
                rollup.scope.id,
                "psb",
            )
        if "mum" in wanted:
            path = outdir / safe_name(f"Status HP november-MUM – {name} {stamp}.pptx")
            if rollup is result.company:
                render_company_overview(
                    list(result.business_areas.values()),
                    rollup,
                    path,
                    template=_pptx_template(project),
                    organisation_name=project.name,
                )
            else:
                render_slides(rollup, path, template=_pptx_template(project), organisation_name=project.name)
            add(path, f"{KIND_TITLES['mum']} – {name}", rollup.scope.id, "mum")
    if "styrelse" in wanted and business_area is None:
        add(
            render_board_paper(project),
            KIND_TITLES["styrelse"],
            result.company.scope.id,
            "styrelse",
        )
    if pdf:
        from hpdocs.render.pdf import to_pdf

        pdf_dir = project.output / "pdf"
        pdf_dir.mkdir(parents=True, exist_ok=True)
        for output in list(outputs):
            progress(f"Gör PDF av {output.path.name}")
            pdf_path = to_pdf(output.path, pdf_dir)
            outputs.append(Output(pdf_path, output.title + " (PDF)", "PDF", output.node_id, output.kind))
    return outputs


def render_board_paper(project: Project) -> Path:
    """The board paper, from the plan alone (a paper asking for approval shows no status)."""
    from hpdocs.render.board_context import BoardSettings, plan_heading
    from hpdocs.render.word import render_board

    plan, year = project.plan, project.year
    outdir = project.output / "dokument"
    outdir.mkdir(parents=True, exist_ok=True)
    regional = load_plan(project.regional_plan) if project.regional_plan else None
    path = outdir / safe_name(f"Styrelsebeslut – {plan_heading(plan, year)}.docx")
    return render_board(
        plan,
        path,
        organisation_name=project.name,
        year=year,
        signer=project.signer,
        regional_plan=regional,
        settings=BoardSettings(**project.board),
        templates_dir=_templates(project),
    )


def build_project(
    project: Project, period: str | None = None, *, pdf: bool = False, progress: Progress = quiet
) -> BuildResult:
    """Validate the inbox, consolidate, generate every document and write the index."""
    result = consolidate_project(project, period, progress=progress)
    build = BuildResult(result)
    build.outputs.extend(generate_documents(project, result, pdf=pdf, progress=progress))
    # result.files follows result.rollups, result.problem_reports the reads with problems
    # (pipeline.write_outputs): each output records the node it belongs to.
    build.outputs.extend(
        Output(p, p.stem, "Sammanställningar", r.scope.id, "sammanstallning")
        for r, p in zip(result.rollups, result.files, strict=True)
    )
    reported = [read for read in result.inbox.reads if len(read.report)]
    build.outputs.extend(
        Output(p, p.stem, "Problemrapporter", read.node_id or "", "problemrapport")
        for read, p in zip(reported, result.problem_reports, strict=True)
    )
    build.index = write_index(
        project.output, f"{project.name} – {project.plan.title} {project.year}", result, build.outputs
    )
    return build
