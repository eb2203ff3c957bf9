"""The read cache: unchanged workbooks are not parsed again, and results never differ."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from hpdocs import cache as cache_module
from hpdocs.cache import SHARD_PREFIX, ReadCache, cached_reader
from hpdocs.inbox import collect, find_workbooks
from hpdocs.org import Organisation, write_organisation
from hpdocs.pipeline import consolidate_project
from hpdocs.plan import Plan
from hpdocs.project import init_project
from hpdocs.workbook import read as read_module
from hpdocs.workbook.fill import fill_workbook

VALUES = {
    "E1": {
        "ledning.enhet.a1@Q3": {"status": "Klar", "kommentar": "Klart & klart"},
        "kompetens.enhet.m1@Q3": {"varde": 12, "namnare": 20},
        "ledning.status@Q3": {"status": "Enligt plan"},
    },
    "E2": {"ledning.enhet.a1@Q2": {"status": "Påbörjad"}, "kompetens.enhet.m1@Q3": {"varde": "60 %"}},
    "E3": {"ledning.enhet.a2@Q3": {"status": "Kanske"}, "ledning.enhet.m1@Q3": {"varde": 4}},
    "VO1": {"ledning.status@Q3": {"status": "Delvis enligt plan", "kommentar": "Bra start"}},
}
OWN = {"risk": [{"period": "Kvartal 3", "text": "Säkerhetsronder", "status": "Klar"}]}


@pytest.fixture(scope="module")
def sources(blank_workbooks: dict[str, Path], tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kallor")
    for node_id, values in VALUES.items():
        target = folder / blank_workbooks[node_id].name
        shutil.copyfile(blank_workbooks[node_id], target)
        fill_workbook(target, values, own=OWN if node_id == "E1" else None)
    (folder / "Anteckningar.xlsx").write_text("inte en arbetsbok", encoding="utf-8")
    return folder


@pytest.fixture
def inbox(sources: Path, tmp_path: Path) -> list[Path]:
    folder = tmp_path / "inkorg"
    shutil.copytree(sources, folder)
    return find_workbooks([folder])


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The names of the files the reader really parsed."""
    calls: list[str] = []
    real = read_module.read_workbook

    def counting(path: Path, *args, **kwargs):
        calls.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(read_module, "read_workbook", counting)
    return calls


def serial(paths: list[Path], plan: Plan):
    return [read_module.read_workbook(p, plan) for p in paths]


def test_second_run_parses_nothing_even_after_a_restart(
    plan: Plan, inbox: list[Path], tmp_path: Path, parses: list[str]
) -> None:
    folder = tmp_path / ".hpdocs-cache"
    first = cached_reader(folder, plan, workers=1)(inbox)
    assert sorted(parses) == sorted(p.name for p in inbox)
    parses.clear()
    second = cached_reader(folder, plan, workers=1)(inbox)  # a new process would do the same
    assert parses == []
    expected = serial(inbox, plan)
    assert first == expected and second == expected


def test_a_changed_file_is_read_again(
    plan: Plan, inbox: list[Path], tmp_path: Path, parses: list[str]
) -> None:
    folder = tmp_path / "cache"
    cached_reader(folder, plan, workers=1)(inbox)
    changed = next(p for p in inbox if "Akuten" in p.name)
    fill_workbook(changed, {"ledning.enhet.a1@Q3": {"status": "Försenad"}})
    parses.clear()
    result = cached_reader(folder, plan, workers=1)(inbox)
    assert parses == [changed.name]
    assert result == serial(inbox, plan)
    got = next(r for r in result if r.path == changed)
    assert [e.status for e in got.entries if e.item == "ledning.enhet.a1" and e.period == "Q3"] == [
        "Försenad"
    ]


def test_a_renamed_file_is_not_read_again_and_gets_its_new_name(
    plan: Plan, inbox: list[Path], tmp_path: Path, parses: list[str]
) -> None:
    folder = tmp_path / "cache"
    cached_reader(folder, plan, workers=1)(inbox)
    source = next(p for p in inbox if "BVC" in p.name)  # has a problem ("60 %")
    renamed = source.rename(source.with_name("BVC Centrum (ny).xlsx"))
    paths = find_workbooks([renamed.parent])
    parses.clear()
    result = cached_reader(folder, plan, workers=1)(paths)
    assert parses == []
    assert result == serial(paths, plan)
    got = next(r for r in result if r.path == renamed)
    assert got.name == renamed.name and got.report.problems
    assert {p.file for p in got.report} == {renamed.name} == {e.file for e in got.entries}


@pytest.mark.parametrize(
    "change",
    [
        {"version": "2099-1"},  # a new plan version
        {"title": "Samma version, ändrad text"},  # an edit that kept the version number
    ],
)
def test_a_changed_plan_invalidates_the_cache(
    plan: Plan, inbox: list[Path], tmp_path: Path, parses: list[str], change: dict[str, str]
) -> None:
    folder = tmp_path / "cache"
    cached_reader(folder, plan, workers=1)(inbox)
    old = list(folder.glob(f"{SHARD_PREFIX}*"))
    parses.clear()
    cached_reader(folder, dataclasses.replace(plan, **change), workers=1)(inbox)
    assert sorted(parses) == sorted(p.name for p in inbox)
    assert old and not any(o.exists() for o in old)  # the stale fingerprint's folder is gone


def test_a_new_hpdocs_version_invalidates_the_cache(
    plan: Plan, inbox: list[Path], tmp_path: Path, parses: list[str], monkeypatch
) -> None:
    folder = tmp_path / "cache"
    cached_reader(folder, plan, workers=1)(inbox)
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    parses.clear()
    cached_reader(folder, plan, workers=1)(inbox)
    assert len(parses) == len(inbox)


def test_damaged_cache_files_are_ignored_and_rewritten(
    plan: Plan, inbox: list[Path], tmp_path: Path, parses: list[str]
) -> None:
    folder = tmp_path / "cache"
    cached_reader(folder, plan, workers=1)(inbox)
    shards = sorted(folder.glob(f"{SHARD_PREFIX}*/*.json"))
    assert shards
    shards[0].write_text("{ inte json", encoding="utf-8")  # a half-written or edited file
    doc = json.loads(shards[-1].read_text(encoding="utf-8"))
    key = next(iter(doc["reads"]))
    doc["reads"][key]["read"][4] = [["E1", 7]]  # valid JSON, wrong content
    shards[-1].write_text(json.dumps(doc), encoding="utf-8")
    if len(shards) > 2:
        shards[1].write_text('{"format": 1, "context": "någon annan", "reads": {}}', encoding="utf-8")
    parses.clear()
    result = cached_reader(folder, plan, workers=1)(inbox)
    assert 2 <= len(parses) < len(inbox)
    assert result == serial(inbox, plan)
    for shard in shards:  # every shard is whole again
        assert json.loads(shard.read_text(encoding="utf-8"))["format"] == 1
    parses.clear()
    cached_reader(folder, plan, workers=1)(inbox)
    assert parses == []


def test_unreadable_cache_folder_only_costs_speed(plan: Plan, inbox: list[Path], tmp_path: Path) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("en fil där cachemappen skulle ligga", encoding="utf-8")
    assert cached_reader(blocker, plan, workers=1)(inbox) == serial(inbox, plan)


def test_collect_with_cache_equals_collect_without(
    plan: Plan, org: Organisation, inbox: list[Path], tmp_path: Path
) -> None:
    folder = inbox[0].parent
    clean = collect([folder], plan, org, year=2022)
    cache_dir = tmp_path / "cache"
    for _ in range(2):  # filling the cache, then using it
        cached = collect([folder], plan, org, year=2022, reader=cached_reader(cache_dir, plan, workers=1))
        assert len(cached.reads) == len(clean.reads)
        for got, want in zip(cached.reads, clean.reads, strict=True):
            assert (got.path, got.name, got.kind, got.identity) == (
                want.path,
                want.name,
                want.kind,
                want.identity,
            )
            for e_got, e_want in zip(got.entries, want.entries, strict=True):
                assert e_got == e_want
            assert len(got.entries) == len(want.entries)
            assert got.report.problems == want.report.problems
        assert cached.problems == clean.problems
        assert sorted(cached.chosen) == sorted(clean.chosen)


def test_hits_and_misses_are_counted(plan: Plan, inbox: list[Path], tmp_path: Path) -> None:
    cache = ReadCache(tmp_path / "cache", plan)
    cache.read(inbox, workers=1)
    assert (cache.hits, cache.misses) == (0, len(inbox))
    cache = ReadCache(tmp_path / "cache", plan)
    cache.read(inbox, workers=1)
    assert (cache.hits, cache.misses) == (len(inbox), 0)


def test_consolidate_project_with_and_without_cache(
    org: Organisation, sources: Path, tmp_path: Path, parses: list[str]
) -> None:
    project = init_project(tmp_path / "projekt", name="Testbolaget AB", year=2022, copy_templates=False)
    nodes = list(org.nodes.values())
    write_organisation(project.organisation_file, nodes, level_names=project.plan.level_names)
    shutil.rmtree(project.inbox)
    shutil.copytree(sources, project.inbox)
    clean = consolidate_project(project, "Q3", use_cache=False)
    assert not project.cache_dir.exists()
    first = consolidate_project(project, "Q3")
    parses.clear()
    second = consolidate_project(project, "Q3")
    assert parses == [] and project.cache_dir.is_dir()
    for result in (first, second):
        assert result.inbox.reads == clean.inbox.reads
        assert result.company.entries == clean.company.entries
        assert result.company.areas == clean.company.areas
        assert result.business_areas.keys() == clean.business_areas.keys()
