"""Reading in worker processes gives exactly what reading one by one gives."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hpdocs.consolidate import consolidate
from hpdocs.inbox import collect, find_workbooks
from hpdocs.org import Node, Organisation
from hpdocs.plan import MeasureKind, Plan
from hpdocs.workbook import contract as c
from hpdocs.workbook import parallel
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.parallel import pack, read_many, unpack
from hpdocs.workbook.read import read_workbook
from hpdocs.workbook.rollup_write import write_rollup

PERIODS = ("Q1", "Q2", "Q3")


def realistic_values(plan: Plan, node: Node, rng: random.Random) -> dict[str, dict[str, object]]:
    """What a manager fills in over three quarters: statuses, comments and measures."""
    values: dict[str, dict[str, object]] = {}
    for area in plan.areas:
        row = area.row(node.level)
        for period in PERIODS:
            values[c.row_id(area.id + c.STATUS_SUFFIX, period)] = {"status": rng.choice(plan.area_statuses)}
            for activity in row.activities if row else ():
                entry: dict[str, object] = {"status": rng.choice(plan.statuses)}
                if rng.random() < 0.4:
                    entry["kommentar"] = f"Genomgång på APT i {period} – {rng.randint(2, 9)} deltog & frågor."
                values[c.row_id(activity.id, period)] = entry
            for m in row.measures if row else ():
                if m.kind is MeasureKind.SHARE:
                    den = rng.randint(5, 40)
                    values[c.row_id(m.id, period)] = {"varde": rng.randint(0, den), "namnare": den}
                elif m.kind is MeasureKind.YESNO:
                    values[c.row_id(m.id, period)] = {"varde": rng.choice(["Ja", "Nej"])}
                elif m.kind is MeasureKind.TEXT:
                    values[c.row_id(m.id, period)] = {"kommentar": "Mätt i journalgranskning."}
                else:
                    values[c.row_id(m.id, period)] = {"varde": rng.randint(0, 80)}
    return values


def build_inbox(blank: dict[str, Path], plan: Plan, org: Organisation, folder: Path) -> list[Path]:
    """13 files: filled workbooks, one with errors, an own activity, a roll-up, a non-workbook."""

    def filled(node_id: str, values: dict, *, own: dict | None = None, name: str) -> Path:
        target = folder / name
        shutil.copyfile(blank[node_id], target)
        ident = {"hpdocs.ifylldav": "Testare", "hpdocs.uppdaterad": "2022-10-01"}
        return fill_workbook(target, values, own=own, identity=ident)

    rng = random.Random(7)
    nodes = list(org.nodes.values())
    for i in range(9):
        node = nodes[i % len(nodes)]
        own = None
        if i == 2:
            own = {"risk": [{"period": "Kvartal 3", "text": "Säkerhetsronder", "status": "Klar"}]}
        filled(node.id, realistic_values(plan, node, rng), own=own, name=f"{i:02d} {node.name}.xlsx")
    mistakes = filled(
        "E1",
        {"kompetens.enhet.m1@Q3": {"varde": "60 %"}, "ledning.enhet.a1@Q3": {"status": "Kanske"}},
        name="10 fel.xlsx",
    )
    wb = load_workbook(mistakes)
    next(ws for ws in wb.worksheets if ws["A1"].value == c.AREA_MARKER + "harochnu").title = "Vårt blad"
    wb.save(mistakes)
    (folder / "11 inte en arbetsbok.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    reads = [read_workbook(p, plan) for p in find_workbooks([folder])]
    entries = [e for r in reads for e in r.entries]
    rollup = consolidate(plan, org, "VO1", "Q3", 2022, entries, submitted={"E1", "E2"})
    write_rollup(rollup, folder / "12 sammanställning VO1.xlsx")
    return find_workbooks([folder])


@pytest.fixture(scope="module")
def inbox(blank_workbooks, plan: Plan, org: Organisation, tmp_path_factory) -> list[Path]:
    """Made once for this module: filling workbooks with openpyxl takes a while."""
    return build_inbox(blank_workbooks, plan, org, tmp_path_factory.mktemp("inkorg"))


def test_parallel_equals_serial(plan: Plan, inbox: list[Path]) -> None:
    assert len(inbox) >= parallel.MIN_PARALLEL
    serial = [read_workbook(p, plan) for p in inbox]
    both = read_many(inbox, plan, workers=2)
    assert [r.name for r in both] == [p.name for p in inbox]
    assert both == serial
    # The inbox really holds what the test claims to cover.
    codes = {p.code for r in serial for p in r.report}
    assert {"andel-som-procent", "status-okand", "blad-omdopt", "fil-inte-arbetsbok"} <= codes
    assert any(r.kind == c.KIND_ROLLUP and r.entries for r in serial)
    assert any(e.kind == "egen" for r in serial for e in r.entries)
    assert sum(len(r.entries) for r in serial) > 1000


def test_spawned_workers_give_the_same(plan: Plan, inbox: list[Path], monkeypatch) -> None:
    """Windows and macOS start workers with "spawn": nothing may rely on inherited memory."""
    monkeypatch.setattr(parallel, "start_method", lambda: "spawn")
    assert read_many(inbox, plan, workers=2) == [read_workbook(p, plan) for p in inbox]


def test_collect_with_parallel_reader_equals_default(
    plan: Plan, org: Organisation, inbox: list[Path]
) -> None:
    folder = inbox[0].parent
    default = collect([folder], plan, org, year=2022)
    fast = collect([folder], plan, org, year=2022, reader=lambda paths: read_many(paths, plan, workers=2))
    assert fast.reads == default.reads
    assert fast.entries == default.entries
    assert fast.problems == default.problems
    assert sorted(fast.chosen) == sorted(default.chosen) and sorted(fast.rejected) == sorted(default.rejected)


def test_small_inputs_go_to_a_worker_and_only_workers_1_reads_here(
    plan: Plan, inbox: list[Path], monkeypatch
) -> None:
    """A reader can abort its process on a crafted file: even three files are read by a worker
    process, so that only `workers=1` (tests, debugging) reads in this one."""
    calls: list[Path] = []
    real = parallel._read.read_workbook

    def counting(path: Path, *args, **kwargs):
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(parallel._read, "read_workbook", counting)
    assert read_many(inbox[:3], plan) == [real(p, plan) for p in inbox[:3]]
    assert read_many(inbox, plan, workers=1) == [real(p, plan) for p in inbox]
    assert calls == inbox  # only the workers=1 run read in this process


def test_pack_round_trip_keeps_everything_and_reattaches_the_name(plan: Plan, inbox: list[Path]) -> None:
    for path in inbox:
        read = read_workbook(path, plan)
        assert unpack(pack(read), path) == read
        renamed = unpack(pack(read), path.with_name("annat namn.xlsx"))
        own = [e for e in renamed.entries if read.kind != c.KIND_ROLLUP]
        assert all(e.file == "annat namn.xlsx" for e in own)
        assert all(p.file == "annat namn.xlsx" for p in renamed.report)
        if read.kind == c.KIND_ROLLUP:  # a roll-up's entries keep their original sources
            assert [e.file for e in renamed.entries] == [e.file for e in read.entries]


@pytest.mark.parametrize(
    "damage",
    [
        None,
        [],
        [99, "", {}, {}, [], [], None],
        [1, "", {}, {}, [["E1"]], [], None],
        [1, "", {}, {}, [], [["kod", "text", "ingen-sådan", None, "", ""]], None],
        [1, "", {"a": 1}, {}, [], [], None],
        [1, "", {}, {}, [["E1", "a", "i", "k", "Q1", "", "7", None, "", "", None, "", "", ""]], [], None],
    ],
)
def test_unpack_refuses_what_pack_did_not_make(damage, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        unpack(damage, tmp_path / "x.xlsx")
