"""A project folder: config file, organisation, inbox and output folders.

`hpdocs init DIR` creates one, so later commands need no long argument lists:

    hpdocs.toml        plan, organisation, year, folder names
    plan.yaml          the plan (a copy of a built-in plan, to edit freely)
    organisation.xlsx  the organisation to fill in
    inkorg/            filled workbooks as they arrive
    utdata/            everything hpdocs generates
    mallar/            the Word/PowerPoint templates, to restyle
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hpdocs.atomic import atomic_write_text
from hpdocs.errors import ConfigError
from hpdocs.org import Organisation, load_organisation, write_organisation
from hpdocs.plan import LEVEL_KEYS, Plan
from hpdocs.planfile import BUILTIN_PLANS, BUILTIN_PREFIX, builtin_plan_text, load_plan
from hpdocs.resources import templates_dir

CONFIG_NAME = "hpdocs.toml"
BOARD_KEYS = ("datum", "diarienummer", "till", "konsekvenser")  # the [styrelsebeslut] table


@dataclass
class Project:
    root: Path
    name: str
    year: int
    plan_source: str
    organisation_file: Path
    inbox: Path
    output: Path
    templates: Path | None
    signer: str = ""
    regional_plan: str = ""
    level_names: dict[str, str] = field(default_factory=dict)
    level_forms: dict[str, dict[str, str]] = field(default_factory=dict)  # [nivaer.vo] tables
    board: dict[str, str] = field(default_factory=dict)  # [styrelsebeslut]: datum, diarienummer, …
    _plan: Plan | None = field(default=None, repr=False)
    _org: Organisation | None = field(default=None, repr=False)

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            source = self.plan_source
            if not source.startswith(BUILTIN_PREFIX) and source not in BUILTIN_PLANS:
                source = str(self.root / source)
            plan = load_plan(source)
            if self.level_names:
                plan.level_names.update(self.level_names)
            for key, forms in self.level_forms.items():
                plan.level_forms[key] = forms
            self._plan = plan
        return self._plan

    @property
    def organisation(self) -> Organisation:
        if self._org is None:
            self._org = load_organisation(self.organisation_file, level_names=self.plan.level_names)
        return self._org

    @property
    def workbooks_dir(self) -> Path:
        return self.output / "arbetsbocker"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".hpdocs-cache"


def _config_text(name: str, year: int, plan: str, regional: str = "") -> str:
    return f'''# hpdocs projektinställningar. Sökvägar är relativa till den här mappen.
namn = "{name}"
"år" = {year}
plan = "{plan}"
organisation = "organisation.xlsx"
inkorg = "inkorg"
utdata = "utdata"
mallar = "mallar"
# Namn under beslutet i styrelsedokumentet:
undertecknare = "Chefläkare"
# En regional plan som styrelsedokumentet hänvisar till, t.ex. "inbyggd:region-2022-2024":
regional_plan = "{regional}"

# Styrelsebeslutets sidhuvud (tomt = lämnas tomt att fylla i för hand):
[styrelsebeslut]
datum = ""
diarienummer = ""
till = "Styrelsen"
# Egen text under Konsekvenser (t.ex. ekonomiska konsekvenser), utöver planens:
konsekvenser = ""

# Egna namn på nivåerna (annars planens):
# [nivaer]
# bolag = "Region"
# vo = "Förvaltning"
# enhet = "Enhet"
# Böjningar som hpdocs inte känner till anges som en tabell:
# [nivaer.vo]
# namn = "Sektor"
# "bestämd" = "sektorn"
# plural = "sektorer"
# "bestämd_plural" = "sektorerna"
# genus = "en"
'''


def find_project(start: Path) -> Path:
    """The project folder: `start` or the nearest parent holding hpdocs.toml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ConfigError(
        f"Hittar ingen projektmapp ({CONFIG_NAME}) i {start} eller dess överordnade mappar. Skapa en med: hpdocs init MAPP"
    )


def load_project(folder: Path) -> Project:
    root = find_project(folder)
    config_path = root / CONFIG_NAME
    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config_path}: inställningsfilen går inte att läsa: {exc}") from exc
    year = config.get("år", config.get("ar"))
    if not isinstance(year, int):
        raise ConfigError(f'{config_path}: "år" saknas eller är inte ett heltal (t.ex. "år" = 2022).')
    templates = config.get("mallar", "mallar")
    levels = config.get("nivaer", {})
    board = config.get("styrelsebeslut", {})
    if not isinstance(board, dict) or any(not isinstance(v, str) for v in board.values()):
        raise ConfigError(
            f'{config_path}: [styrelsebeslut] ska innehålla texter, t.ex. diarienummer = "HP 2022/01".'
        )
    unknown = sorted(set(board) - set(BOARD_KEYS))
    if unknown:
        raise ConfigError(
            f"{config_path}: okänd inställning under [styrelsebeslut]: {', '.join(unknown)}. "
            f"Tillåtna: {', '.join(BOARD_KEYS)}."
        )
    return Project(
        root=root,
        name=str(config.get("namn", root.name)),
        year=year,
        plan_source=str(config.get("plan", "inbyggd:hp-2022")),
        organisation_file=root / str(config.get("organisation", "organisation.xlsx")),
        inbox=root / str(config.get("inkorg", "inkorg")),
        output=root / str(config.get("utdata", "utdata")),
        templates=(root / templates) if templates else None,
        signer=str(config.get("undertecknare", "")),
        regional_plan=str(config.get("regional_plan", "")),
        level_names={
            k: str(v.get("namn", k) if isinstance(v, dict) else v)
            for k, v in levels.items()
            if k in LEVEL_KEYS
        },
        board={k: v.strip() for k, v in board.items()},
        level_forms={
            k: {f: str(x) for f, x in v.items()}
            for k, v in levels.items()
            if k in LEVEL_KEYS and isinstance(v, dict)
        },
    )


def init_project(
    folder: Path, *, name: str, plan: str = "hp-2022", year: int | None = None, copy_templates: bool = True
) -> Project:
    """Create a project folder; never overwrites an existing config."""
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / CONFIG_NAME
    if config_path.exists():
        raise ConfigError(f"{config_path} finns redan. Välj en tom mapp eller ändra den befintliga filen.")
    builtin = plan.removeprefix(BUILTIN_PREFIX)
    if builtin in BUILTIN_PLANS:
        loaded = load_plan(builtin)
        atomic_write_text(folder / "plan.yaml", builtin_plan_text(builtin))
        plan_ref = "plan.yaml"
    else:
        loaded = load_plan(Path(plan))
        shutil.copyfile(plan, folder / "plan.yaml")
        plan_ref = "plan.yaml"
    chosen_year = year or (loaded.years[0] if date.today().year not in loaded.years else date.today().year)
    for sub in ("inkorg", "utdata"):
        (folder / sub).mkdir(exist_ok=True)
    if copy_templates:
        target = folder / "mallar"
        for kind in ("word", "pptx", "excel"):
            source = templates_dir() / kind
            (target / kind).mkdir(parents=True, exist_ok=True)
            for file in source.glob("*.*"):
                if file.suffix in {".docx", ".pptx", ".xlsx"} and not (target / kind / file.name).exists():
                    shutil.copyfile(file, target / kind / file.name)
    if not (folder / "organisation.xlsx").exists():
        write_organisation(folder / "organisation.xlsx", level_names=loaded.level_names)
    atomic_write_text(config_path, _config_text(name, chosen_year, plan_ref))
    return load_project(folder)
