"""Start next year's project from this year's: `hpdocs init NY --fran-projekt GAMMAL`.

The new project gets the same settings, organisation, templates and plan (the plan as
revised during the year), the year moved on, and this year's results saved so that the
documents can show last year's value beside this year's (hpdocs.previous). A plan that
already covers the new year (the regional 2022–2024) runs on as it is; a plan that does
not gets the new year added to its `years`, and every measure against a target that has
no target for the new year is named, so the coordinator can add it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from hpdocs.atomic import atomic_write_text
from hpdocs.errors import ConfigError
from hpdocs.plan import MeasureKind, Plan
from hpdocs.planfile import parse_plan
from hpdocs.planversions import plan_text
from hpdocs.previous import save_snapshot
from hpdocs.project import CONFIG_NAME, Project, load_project

_YEAR_LINE = re.compile(r'^(\s*(?:"år"|år|ar|"ar")\s*=\s*)(\d{4})', re.MULTILINE)
_NAME_LINE = re.compile(r"^(\s*namn\s*=\s*).*$", re.MULTILINE)
_YEARS_FLOW = re.compile(r"^years:\s*\[([^\]]*)\]", re.MULTILINE)


@dataclass
class NextYear:
    project: Project
    previous: Project
    results: Path  # the saved results of the previous year
    year_added: bool = False  # the plan did not cover the year: it was added to `years`
    missing_targets: list[str] = field(default_factory=list)  # measures without a target this year


def _with_year(text: str, year: int) -> str:
    """The plan text with `year` added to its `years: [...]` list."""
    match = _YEARS_FLOW.search(text)
    if match is None:
        raise ConfigError(
            f'Planen anger inte sina år som "years: [2022]", så år {year} kunde inte läggas till. '
            f"Lägg till {year} under years i plan.yaml och försök igen."
        )
    years = [y.strip() for y in match.group(1).split(",") if y.strip()]
    return text[: match.start()] + f"years: [{', '.join([*years, str(year)])}]" + text[match.end() :]


def missing_targets(plan: Plan, year: int) -> list[str]:
    """Measures against a target that have targets for other years but none for `year`."""
    found: list[str] = []
    for area in plan.areas:
        for row in area.rows:
            for m in row.measures:
                if m.kind is MeasureKind.TARGET and m.targets and year not in m.targets:
                    found.append(f'{area.title}, {plan.level(row.level).title}: "{m.display_label[:70]}"')
    return found


def start_next_year(
    previous_dir: Path, folder: Path, *, name: str | None = None, year: int | None = None
) -> NextYear:
    """Create next year's project in `folder` from the project in `previous_dir`."""
    old = load_project(previous_dir)
    new_year = year or old.year + 1
    if new_year <= old.year:
        raise ConfigError(f"Det nya året ({new_year}) måste komma efter projektets år ({old.year}).")
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / CONFIG_NAME).exists():
        raise ConfigError(f"{folder / CONFIG_NAME} finns redan. Välj en tom mapp för det nya året.")
    if folder.resolve() == old.root.resolve():
        raise ConfigError("Det nya årets projekt behöver en egen mapp, skild från årets.")

    text = plan_text(old)
    plan = parse_plan(text, file="plan.yaml")
    added = new_year not in plan.years
    if added:
        text = _with_year(text, new_year)
        plan = parse_plan(text, file="plan.yaml")
    atomic_write_text(folder / "plan.yaml", text)

    config = (old.root / CONFIG_NAME).read_text(encoding="utf-8-sig")
    if not _YEAR_LINE.search(config):
        raise ConfigError(f'{old.root / CONFIG_NAME}: raden "år" = ... saknas.')
    config = _YEAR_LINE.sub(lambda m: f"{m.group(1)}{new_year}", config, count=1)
    config = re.sub(r"^(\s*plan\s*=\s*).*$", r'\1"plan.yaml"', config, count=1, flags=re.MULTILINE)
    if name:
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        config = _NAME_LINE.sub(lambda m: f'{m.group(1)}"{escaped}"', config, count=1)

    shutil.copyfile(old.organisation_file, folder / old.organisation_file.relative_to(old.root))
    if old.templates is not None and old.templates.is_dir():
        shutil.copytree(old.templates, folder / old.templates.relative_to(old.root), dirs_exist_ok=True)
    for sub in (old.inbox, old.output):
        (folder / sub.relative_to(old.root)).mkdir(parents=True, exist_ok=True)
    results = save_snapshot(old, folder)
    atomic_write_text(folder / CONFIG_NAME, config)
    project = load_project(folder)
    return NextYear(project, old, results, added, missing_targets(plan, new_year))


def next_year_lines(result: NextYear) -> list[str]:
    project, old = result.project, result.previous
    lines = [
        f"Projektmappen {project.root} är skapad för {project.year} ({project.plan.title}, "
        f"planversion {project.plan.version}), från {old.root.name} ({old.year}).",
        f"Resultaten för {old.year} är sparade i {result.results.relative_to(project.root)}; dokumenten visar dem "
        f"bredvid årets värden.",
    ]
    if result.year_added:
        lines.append(f"Planen gällde inte {project.year}; året är tillagt under years i plan.yaml.")
    if result.missing_targets:
        lines.append(
            f"Mätningar mot mål som saknar mål för {project.year} (lägg till under targets i plan.yaml):"
        )
        lines += [f"  {m}" for m in result.missing_targets]
    lines.append(
        f"Nästa steg: kontrollera {project.organisation_file.name} och kör: hpdocs workbooks {project.root}"
    )
    return lines
