"""Outputs of a run: only changed roll-ups and problem reports are written again, on all
cores, and what is kept is exactly what a clean run writes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from hpdocs import outputs as outputs_module
from hpdocs.consolidate import consolidate
from hpdocs.inbox import collect
from hpdocs.org import Node, Organisation, write_organisation
from hpdocs.pipeline import consolidate_project
from hpdocs.project import Project, init_project, load_project
from hpdocs.workbook import data_rows, rollup_write
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.read import read_workbook

VALUES = {
    "E1": {"ledning.enhet.a1@Q3": {"status": "Klar", "kommentar": "Klart"}},
    "E2": {"kompetens.enhet.m1@Q3": {"varde": "60 %"}, "ledning.enhet.a2@Q3": {"status": "Kanske"}},
    "E3": {"ledning.enhet.a1@Q3": {"status": "Påbörjad"}},
    "VO1": {"ledning.status@Q3": {"status": "Delvis enligt plan", "kommentar": "Bra start"}},
}
_MOMENT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?")


FILLER = {"hpdocs.ifylldav": "Testare", "hpdocs.uppdaterad": "2022-10-01"}


def make_project(root: Path, org: Organisation, blank_workbooks: dict[str, Path]) -> Project:
    project = init_project(root, name="Testbolaget AB", year=2022, copy_templates=False)
    write_organisation(
        project.organisation_file, list(org.nodes.values()), level_names=project.plan.level_names
    )
    for node_id, values in VALUES.items():
        target = project.inbox / blank_workbooks[node_id].name
        shutil.copyfile(blank_workbooks[node_id], target)
        fill_workbook(target, values, identity=FILLER)
    return load_project(root)


def content(path: Path) -> list[tuple[str, list[list[object]]]]:
    """Every sheet's values, with the moment of writing masked (it is the only thing a run
    adds that does not come from the inputs)."""
    wb = CalamineWorkbook.from_path(str(path))
    try:
        return [
            (
                name,
                [
                    [_MOMENT.sub("<tid>", v) if isinstance(v, str) else v for v in row]
                    for row in wb.get_sheet_by_name(name).to_python()
                ],
            )
            for name in wb.sheet_names
        ]
    finally:
        wb.close()


def stamps(project: Project) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(project.output.rglob("*.xlsx"))}


@pytest.fixture
def project(tmp_path: Path, org: Organisation, blank_workbooks: dict[str, Path]) -> Project:
    return make_project(tmp_path / "projekt", org, blank_workbooks)


def test_an_unchanged_rerun_writes_nothing(project: Project) -> None:
    first = consolidate_project(project, "Q3")
    before = stamps(project)
    assert len(before) == len(first.files) + len(first.problem_reports) == 4
    messages: list[str] = []
    second = consolidate_project(project, "Q3", progress=messages.append)
    assert stamps(project) == before
    assert second.files == first.files
    assert second.kept == {*second.files, *second.problem_reports} and not first.kept
    assert any("Skriver 0 filer (4 oförändrade behålls)" in m for m in messages)


def test_one_changed_workbook_rewrites_its_business_area_and_the_company(project: Project) -> None:
    consolidate_project(project, "Q3")
    before = stamps(project)
    e3 = next(p for p in project.inbox.iterdir() if "Lindgården" in p.name)
    fill_workbook(e3, {"ledning.enhet.a1@Q3": {"status": "Klar"}})
    result = consolidate_project(project, "Q3")
    after = stamps(project)
    changed = {name for name in after if after[name] != before.get(name)}
    vo2 = next(p.name for p in result.files if "Äldreomsorg" in p.name)
    company = next(p.name for p in result.files if "Bolag" in p.name)
    assert changed == {vo2, company}


def test_kept_and_rewritten_outputs_equal_a_clean_run(
    project: Project, tmp_path: Path, org: Organisation, blank_workbooks: dict[str, Path]
) -> None:
    consolidate_project(project, "Q3")
    e1 = next(p for p in project.inbox.iterdir() if "Akuten" in p.name)
    fill_workbook(e1, {"ledning.enhet.a2@Q3": {"status": "Enligt plan", "kommentar": "Ny"}})
    incremental = consolidate_project(project, "Q3")
    clean_project = make_project(tmp_path / "ren", org, blank_workbooks)
    shutil.rmtree(clean_project.inbox)
    shutil.copytree(project.inbox, clean_project.inbox)
    clean = consolidate_project(clean_project, "Q3", use_cache=False)
    for mine, theirs in zip(
        incremental.files + incremental.problem_reports, clean.files + clean.problem_reports, strict=True
    ):
        assert mine.name == theirs.name
        assert content(mine) == content(theirs), mine.name


def test_a_late_workbook_gives_the_company_rollup_of_a_clean_run_cell_by_cell(
    project: Project, tmp_path: Path, org: Organisation, blank_workbooks: dict[str, Path]
) -> None:
    """The coordinator's case: a unit hands in after the first run. Only its business area's
    roll-up and the company's are written again, and the company's equals, sheet by sheet and
    cell by cell, what a run from scratch on the same inbox writes."""
    late = next(p for p in project.inbox.iterdir() if "Lindgården" in p.name)
    waiting = tmp_path / "senare" / late.name
    waiting.parent.mkdir()
    late.rename(waiting)
    first = consolidate_project(project, "Q3")
    before = stamps(project)
    waiting.rename(late)
    incremental = consolidate_project(project, "Q3")
    after = stamps(project)
    company = next(p for p in incremental.files if "Bolag" in p.name)
    vo2 = next(p for p in incremental.files if "Äldreomsorg" in p.name)
    assert {name for name in after if after[name] != before.get(name)} == {company.name, vo2.name}
    assert len(incremental.company.entries) > len(first.company.entries)
    clean_project = make_project(tmp_path / "ren", org, blank_workbooks)
    shutil.rmtree(clean_project.inbox)
    shutil.copytree(project.inbox, clean_project.inbox)
    clean = consolidate_project(clean_project, "Q3", use_cache=False)
    theirs = next(p for p in clean.files if p.name == company.name)
    mine_sheets, their_sheets = content(company), content(theirs)
    assert [name for name, _ in mine_sheets] == [name for name, _ in their_sheets]
    for (name, mine), (_, expected) in zip(mine_sheets, their_sheets, strict=True):
        assert len(mine) == len(expected), name
        for row, (a, b) in enumerate(zip(mine, expected, strict=True), start=1):
            assert a == b, f"{company.name}, blad {name}, rad {row}"
    assert any("Lindgården" in str(v) for _, rows in mine_sheets for row in rows for v in row)


@pytest.mark.parametrize("tamper", ["delete", "edit"])
def test_an_output_deleted_or_edited_by_hand_is_written_again(project: Project, tamper: str) -> None:
    first = consolidate_project(project, "Q3")
    target = first.files[0]
    expected = content(target)
    if tamper == "delete":
        target.unlink()
    else:
        target.write_bytes(b"inte en arbetsbok")
    consolidate_project(project, "Q3")
    assert content(target) == expected


def test_a_changed_organisation_or_writer_rewrites_the_rollups(project: Project, monkeypatch) -> None:
    consolidate_project(project, "Q3")
    before = stamps(project)
    renamed = [
        Node(**{**vars(n), "name": n.name + " Nya"}) if n.id == "E2" else n
        for n in project.organisation.nodes.values()
    ]
    write_organisation(project.organisation_file, renamed, level_names=project.plan.level_names)
    consolidate_project(load_project(project.root), "Q3")
    after = stamps(project)
    rewritten = {n for n in after if after[n] != before[n]}
    assert rewritten == {n for n in after if n.startswith("Sammanställning")}  # not the problem report
    monkeypatch.setattr(outputs_module, "__version__", "99.0")
    consolidate_project(load_project(project.root), "Q3")
    assert all(stamp != after[name] for name, stamp in stamps(project).items())


def test_written_in_parallel_equals_written_serially(project: Project, tmp_path: Path, monkeypatch) -> None:
    pools: list[object] = []
    real_pool = outputs_module._pool

    def counted_pool(count: int):
        pools.append(real_pool(count))
        return pools[-1]

    monkeypatch.setattr(outputs_module, "MIN_PARALLEL", 1)
    monkeypatch.setattr(outputs_module, "default_workers", lambda: 2)
    monkeypatch.setattr(outputs_module, "_pool", counted_pool)
    parallel = consolidate_project(project, "Q3")
    assert len(pools) == 1 and pools[0] is not None  # the workers really wrote
    serial_dir = tmp_path / "serial"
    shutil.copytree(project.output, serial_dir)
    calls: list[int | None] = []
    real = outputs_module.write_jobs

    def one_process(*args, **kwargs):
        calls.append(1)
        return real(*args, **{**kwargs, "workers": 1})

    monkeypatch.setattr("hpdocs.pipeline.write_jobs", one_process)
    shutil.rmtree(project.output)
    serial = consolidate_project(project, "Q3")
    assert calls == [1]
    for a, b in zip(parallel.files, serial.files, strict=True):
        assert content(serial_dir / a.relative_to(project.output)) == content(b)


def test_business_areas_with_the_same_name_get_their_own_files(
    tmp_path: Path, org: Organisation, blank_workbooks: dict[str, Path]
) -> None:
    project = make_project(tmp_path / "projekt", org, blank_workbooks)
    twins = [Node(**{**vars(n), "name": "Vård"}) if n.level == "vo" else n for n in org.nodes.values()]
    write_organisation(project.organisation_file, twins, level_names=project.plan.level_names)
    result = consolidate_project(load_project(project.root), "Q3")
    names = sorted(p.name for p in result.files)
    assert len(set(names)) == 3
    assert [n for n in names if "Vård" in n] == [
        "Sammanställning Verksamhetsområde Vård 2022-Q3 (VO1).xlsx",
        "Sammanställning Verksamhetsområde Vård 2022-Q3 (VO2).xlsx",
    ]


def test_data_rows_beyond_one_sheet_continue_on_the_next(
    project: Project, tmp_path: Path, monkeypatch
) -> None:
    """Excel holds 1,048,576 rows a sheet; a national roll-up has more entries than that."""
    plan, org = project.plan, project.organisation
    inbox = collect([project.inbox], plan, org, year=2022)
    entries = inbox.entries
    rollup = consolidate(plan, org, "B1", "Q3", 2022, entries, submitted=inbox.submitted)
    per_sheet = 2
    monkeypatch.setattr(data_rows, "DATA_ROWS_PER_SHEET", per_sheet)
    path = rollup_write.write_rollup(rollup, tmp_path / "Bolag.xlsx")
    sheets = dict(content(path))
    data_sheets = [name for name in sheets if name == "Data" or name.startswith("Data ")]
    assert data_sheets == ["Data"] + [f"Data {i}" for i in range(2, len(data_sheets) + 1)]
    assert len(data_sheets) == -(-len(entries) // per_sheet) > 1
    assert all(len(sheets[name]) - 1 <= per_sheet for name in data_sheets)
    back = read_workbook(path, plan)
    assert back.report.ok
    assert sorted(map(repr, back.entries)) == sorted(map(repr, rollup.entries))
