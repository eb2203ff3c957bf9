"""Level names in every Swedish form, from the plan, hpdocs.toml or the lexicon."""

from __future__ import annotations

import pytest

from hpdocs.levels import level_name
from hpdocs.planfile import load_plan, parse_plan
from hpdocs.project import init_project, load_project
from tests.test_planfile import MINIMAL


@pytest.mark.parametrize(
    ("title", "definite", "plural", "genitive", "reflexive"),
    [
        ("Verksamhetsområde", "verksamhetsområdet", "verksamhetsområden", "verksamhetsområdets", "sitt"),
        ("Förvaltning", "förvaltningen", "förvaltningar", "förvaltningens", "sin"),
        ("Region", "regionen", "regioner", "regionens", "sin"),
        ("Bolag", "bolaget", "bolag", "bolagets", "sitt"),
        ("Vårdenhet", "vårdenheten", "vårdenheter", "vårdenhetens", "sin"),
        ("Sektor", "sektorn", "sektorer", "sektorns", "sin"),
    ],
)
def test_known_nouns_and_compounds_are_declined(title, definite, plural, genitive, reflexive) -> None:
    name = level_name(title)
    assert (name.title, name.definite, name.plural, name.genitive, name.reflexive) == (
        title,
        definite,
        plural,
        genitive,
        reflexive,
    )


def test_builtin_region_plan_names_its_levels() -> None:
    plan = load_plan("region-2022-2024")
    assert plan.level("vo").plural_definite == "förvaltningarna"
    assert plan.level("bolag").definite == "regionen"
    assert plan.level("enhet").plural_genitive == "enheternas"


def test_plan_can_give_forms_the_lexicon_lacks() -> None:
    text = MINIMAL.replace(
        "title: Testplan\n",
        "title: Testplan\nlevels:\n  vo: {namn: Kluster, bestämd: klustret, plural: kluster, bestämd_plural: klustren, genus: ett}\n",
    )
    plan = parse_plan(text, file="plan.yaml")
    vo = plan.level("vo")
    assert (plan.level_name("vo"), vo.definite, vo.plural_definite, vo.genitive, vo.reflexive) == (
        "Kluster",
        "klustret",
        "klustren",
        "klustrets",
        "sitt",
    )


def test_unknown_form_key_is_reported() -> None:
    text = MINIMAL.replace(
        "title: Testplan\n", "title: Testplan\nlevels:\n  vo: {namn: Kluster, bestamd: x}\n"
    )
    with pytest.raises(Exception) as info:
        parse_plan(text, file="plan.yaml")
    assert "bestamd" in str(info.value)


def test_project_config_table_overrides_forms(tmp_path) -> None:
    project = init_project(tmp_path / "p", name="Testbolaget", plan="hp-2022", year=2022)
    config = project.root / "hpdocs.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[nivaer.vo]\nnamn = "Kluster"\n"bestämd" = "klustret"\nplural = "kluster"\n'
        + '"bestämd_plural" = "klustren"\ngenus = "ett"\n',
        encoding="utf-8",
    )
    plan = load_project(project.root).plan
    assert plan.level_name("vo") == "Kluster"
    assert plan.level("vo").plural_definite == "klustren"
