"""The built-in plans are word-for-word transcriptions of the two seed documents.

Only yaml + stdlib: the YAML files are checked as data, independent of hpdocs.planfile.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "hpdocs" / "plans"
SEEDS = [ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds")]
LEVELS = ("bolag", "vo", "enhet")
RHYTHMS = {"månadsvis", "kvartalsvis", "tertialvis", "juli-december", "årligen", "engång", "löpande"}
MEASURE_KINDS = {"antal", "andel", "janej", "mal", "text"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _seed(prefix: str) -> str:
    for folder in SEEDS:
        found = sorted(folder.glob(f"{prefix}_*.txt")) if folder.is_dir() else []
        if found:
            raw = found[0].read_text(encoding="utf-8")
            raw = re.sub(r"\(<(https?://[^>]+)>\)", r"(\1)", raw)  # (<url>) -> (url), before tags go
            raw = re.sub(r"<[^>]+>", " ", raw)  # HTML markup such as <ol ...>, <p>
            raw = raw.replace("**", "")  # markdown bold
            return _norm(raw)
    pytest.skip(f"seed {prefix} not available")
    raise AssertionError  # pragma: no cover


def _load(name: str) -> dict:
    return yaml.safe_load((PLANS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hp() -> dict:
    return _load("hp-2022.yaml")


@pytest.fixture(scope="module")
def region() -> dict:
    return _load("region-2022-2024.yaml")


@pytest.fixture(scope="module")
def seed000() -> str:
    return _seed("000")


@pytest.fixture(scope="module")
def seed003() -> str:
    return _seed("003")


def _items(plan: dict):
    """(area id, level, kind, item) for every activity, measure and follow-up."""
    for area in plan["areas"]:
        for level, row in area["levels"].items():
            for kind in ("activities", "measures", "followups"):
                for item in row.get(kind) or []:
                    yield area["id"], level, kind, item


def test_nine_areas_in_seed_order(hp: dict, seed000: str) -> None:
    areas = hp["areas"]
    assert [a["id"] for a in areas] == [
        "ledning",
        "sakerhetskultur",
        "kompetens",
        "medskapare",
        "vardskador",
        "system",
        "harochnu",
        "analys",
        "risk",
    ]
    assert [a["kind"] for a in areas] == ["förutsättning"] * 4 + ["fokusområde"] * 5
    for area in areas:
        assert list(area["levels"]) == list(LEVELS), area["id"]
    # Titles appear in the seed in the same order as in the plan.
    positions = [seed000.find(_norm(a["title"])) for a in areas]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)


def test_titles_labels_and_priorities_are_word_for_word(hp: dict, seed000: str) -> None:
    for area in hp["areas"]:
        for key in ("title", "priority", "status_title", "status_priority", "background_title"):
            if key in area:
                assert _norm(area[key]) in seed000, (area["id"], key)
        for level in LEVELS:
            assert _norm(area["levels"][level]["label"]) in seed000, (area["id"], level)


def test_every_activity_measure_and_followup_text_occurs_in_seed(hp: dict, seed000: str) -> None:
    missing = [
        (area, level, kind, item["text"])
        for area, level, kind, item in _items(hp)
        if _norm(item["text"]) not in seed000
    ]
    assert missing == []


def test_every_note_and_instruction_occurs_in_seed(hp: dict, seed000: str) -> None:
    for _, _, kind, item in _items(hp):
        if kind == "measures" and item.get("note"):
            assert _norm(item["note"]) in seed000
    for line in hp["instructions"]:
        assert _norm(line) in seed000, line
    for section in hp["background"]:
        assert _norm(section["title"]) in seed000
        assert _norm(section["text"]) in seed000
    assert not any("Klicka" in s["text"] for s in hp["background"])


def test_company_level_counts(hp: dict) -> None:
    areas = {a["id"]: a for a in hp["areas"]}
    ledning = areas["ledning"]["levels"]["bolag"]
    assert (len(ledning["activities"]), len(ledning["measures"]), len(ledning["followups"])) == (3, 3, 2)
    medskapare = areas["medskapare"]["levels"]
    assert [m["nr"] for m in medskapare["bolag"]["measures"]] == ["1", "3"]
    assert [f["nr"] for f in medskapare["bolag"]["followups"]] == ["1", "3"]
    for level in ("vo", "enhet"):
        (followup,) = medskapare[level]["followups"]
        assert followup["nr"] == "1-3" and followup["activities"] == ["1", "2", "3"]
    analys = areas["analys"]["levels"]["bolag"]
    assert analys["measures"] == []
    assert [(f["nr"], f["activities"]) for f in analys["followups"]] == [("", ["1"]), ("2", ["2"])]


def test_hse_target(hp: dict) -> None:
    targets = [item for _, _, kind, item in _items(hp) if kind == "measures" and item["kind"] == "mal"]
    assert len(targets) == 1
    assert targets[0]["targets"] == {2022: 60, 2023: 70}
    assert targets[0]["note"].startswith("Målnivå för HSE resultat\n2022: 60 %")


@pytest.mark.parametrize("name", ["hp-2022.yaml", "region-2022-2024.yaml"])
def test_kinds_rhythms_and_references_are_valid(name: str) -> None:
    plan = _load(name)
    for area in plan["areas"]:
        assert area["kind"] in {"förutsättning", "fokusområde"}
        for level, row in area["levels"].items():
            assert level in LEVELS
            activities = row.get("activities") or []
            keys = [a["nr"] or str(pos) for pos, a in enumerate(activities, start=1)]
            assert len(keys) == len(set(keys)), (area["id"], level)
            for kind in ("measures", "followups"):
                for item in row.get(kind) or []:
                    if kind == "measures":
                        assert item["kind"] in MEASURE_KINDS
                        if item["kind"] == "andel":
                            assert item.get("numerator") and item.get("denominator")
                    else:
                        assert item["rhythm"] in RHYTHMS
                        assert all(1 <= m <= 12 for m in item.get("months", []))
                    nr = item["nr"]
                    span = re.fullmatch(r"(\d+)-(\d+)", nr)
                    default = (
                        [str(n) for n in range(int(span[1]), int(span[2]) + 1)]
                        if span
                        else [nr]
                        if nr
                        else keys
                    )
                    refs = item.get("activities", default)
                    for ref in refs:
                        assert ref in keys, (area["id"], level, item["text"], ref)


def test_region_plan(region: dict, seed003: str) -> None:
    assert region["id"] == "region-2022-2024"
    assert region["years"] == [2022, 2023, 2024]
    assert region["levels"] == {"bolag": "Region", "vo": "Förvaltning", "enhet": "Enhet"}
    assert [p["id"] for p in region["periods"]] == ["T1", "T2", "T3"]
    assert [a["title"] for a in region["areas"]] == [
        "Engagerad ledning",
        "Adekvat kunskap och kompetens",
        "Stärka analys, lärande och utveckling",
    ]
    goals = region["goals"]
    assert len(goals) == 5
    for goal in goals:
        assert _norm(goal) in seed003, goal
    per_area = [g for a in region["areas"] for g in a["goals"]]
    assert sorted(per_area) == sorted(goals)  # each goal belongs to exactly one area
    for area in region["areas"]:
        assert _norm(area["title"]) in seed003
        bolag = area["levels"]["bolag"]
        assert [a["text"] for a in bolag["activities"]] == area["goals"]
        for level in ("vo", "enhet"):
            row = area["levels"][level]
            assert row["activities"] == row["measures"] == row["followups"] == []
    for section in region["background"]:
        assert _norm(section["title"]) in seed003
        paragraphs = [p for p in section["text"].split("\n\n") if not p.startswith("- ")]
        for paragraph in paragraphs:
            assert _norm(paragraph) in seed003
        bullets = [line[2:] for line in section["text"].splitlines() if line.startswith("- ")]
        for bullet in bullets:
            assert _norm(bullet) in seed003
