"""Make N realistic filled workbooks for a synthetic organisation, as a ready project folder.

    python benchmarks/generate.py --workbooks 1000

The organisation has one company, about N/8 business areas and units under them, plus a few
late units that sent nothing. Each workbook is made by hpdocs' own writer (one blank per level,
copied) and filled through the workbook contract's row ids with the example generator's
realistic values: statuses over three quarters, comments, measures, own activities. Some
units make the usual mistakes ("60 %" in a share, a renamed sheet, a status in lower case).

Filling one workbook with openpyxl takes about a second, so beyond DISTINCT filled workbooks
per run the rest are copies of them (same level, chosen in turn) with the copy's own identity
written into the identity sheet: its id, name, manager and parent. Reading, checking and
consolidating a copy costs exactly what the original costs; 10,000 workbooks take minutes to
make instead of hours.

The project is kept in `benchmarks/.cache/<N>/` and made again only when N, hpdocs' version,
the workbook contract or this generator changes. Filling uses every core.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import shutil
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from openpyxl import load_workbook

from hpdocs import __version__
from hpdocs.org import Node, Organisation, write_organisation
from hpdocs.plan import Plan
from hpdocs.planfile import load_plan
from hpdocs.project import init_project
from hpdocs.workbook import contract as c
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.rawrows import xml_escape
from hpdocs.workbook.write import WorkbookSpec, workbook_filename, write_workbook

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples"))
from make_examples import _values  # noqa: E402  (the examples' realistic fill)

GENERATOR_VERSION = "1"  # N <= DISTINCT makes the same workbooks as before copies existed
DISTINCT = 1000  # workbooks filled one by one; the rest are re-stamped copies
PLAN = "hp-2022"
YEAR = 2022
PERIODS = ["Q1", "Q2", "Q3"]
CREATED = "2022-01-17 08:30"
MARKER = "generated.json"
AREAS = ("Primärvård", "Äldreomsorg", "Psykiatri och LSS", "Specialistvård", "Rehabilitering")
KINDS = ("Vårdcentralen", "Äldreboendet", "Hemtjänst", "Mottagningen", "Avdelning", "Gruppbostaden")
PLACES = ("Björkdalen", "Sjöstaden", "Lärkan", "Ekhagen", "Solbacken", "Norr", "Öst", "Hamnen")
FIRST = ("Maria", "Johan", "Sara", "Ali", "Eva", "Nils", "Fatima", "Per", "Lena", "Omar")
LAST = ("Holm", "Ek", "Lind", "Hassan", "Berg", "Åberg", "Said", "Wallin", "Ahmadi", "Ström")


def organisation(n: int) -> tuple[list[Node], list[Node]]:
    """(nodes that send a workbook: exactly n, late units without one)."""
    areas = max(1, round(n / 8))
    units = max(0, n - 1 - areas)
    rng = random.Random(n)

    def person() -> str:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"

    company = Node("B1", "Benchmarkbolaget AB", "bolag", "", person())
    senders = [company]
    vos = [
        Node(f"VO{i:04d}", f"{AREAS[i % len(AREAS)]} {i:04d}", "vo", "B1", person())
        for i in range(1, areas + 1)
    ]
    senders.extend(vos)
    late: list[Node] = []
    for i in range(units + max(1, units // 100)):
        vo = vos[i % areas]
        name = f"{KINDS[i % len(KINDS)]} {PLACES[(i // len(KINDS)) % len(PLACES)]} {i + 1:05d}"
        node = Node(f"E{i + 1:05d}", name, "enhet", vo.id, person())
        (senders if i < units else late).append(node)
    return senders, late


@functools.cache
def _plan() -> Plan:
    return load_plan(PLAN)


def _job(args: tuple[str, str, dict[str, str], str, int, str]) -> str:
    """Copy a level's blank and fill it as this node's manager would (runs in a worker)."""
    blank, target, node_fields, parent_name, seed, mistakes = args
    plan = _plan()
    node = Node(**node_fields)
    rng = random.Random(seed)
    stage = 3 if rng.random() > 0.15 else rng.randint(1, 2)
    values, own = _values(plan, node, PERIODS[:stage], rng, own=node.level == "enhet")
    if mistakes and stage == 3:
        values["kompetens.enhet.m1@Q3"] = {"varde": "60 %", "namnare": None}
        values["ledning.enhet.a1@Q3"] = {"status": "klar "}
    identity = {
        "hpdocs.nod": node.id,
        "hpdocs.nodnamn": node.name,
        "hpdocs.chef": node.manager,
        "hpdocs.overordnad": parent_name,
        "hpdocs.ifylldav": node.manager,
        "hpdocs.uppdaterad": f"2022-{3 * stage + 1:02d}-{1 + rng.randint(0, 8):02d}",
    }
    shutil.copyfile(blank, target)
    fill_workbook(Path(target), values, own=own, identity=identity)
    if mistakes == "rename":
        wb = load_workbook(target)
        sheet = next(ws for ws in wb.worksheets if ws["A1"].value == c.AREA_MARKER + "harochnu")
        sheet.title = "Säker vård (vår enhet)"
        wb.save(target)
        wb.close()
    return target


# The identity cells a copy gets its own value in (column C of the identity sheet).
_RESTAMPED = ("hpdocs.nod", "hpdocs.nodnamn", "hpdocs.overordnad", "hpdocs.chef", "hpdocs.ifylldav")


def _restamp(args: tuple[str, str, dict[str, str]]) -> str:
    """Copy a filled workbook as another node's: its identity cells get the new values."""
    source, target, values = args
    identity = "xl/worksheets/sheet2.xml"  # the identity sheet is the second (writer's order)
    partial = Path(target).with_suffix(".tmp")
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == identity:
                text = data.decode("utf-8")
                if "<t>" + c.IDENTITY_MARKER + "</t>" not in text:
                    raise RuntimeError(f"{source}: {identity} is not the identity sheet")
                for key, value in values.items():
                    pattern = re.compile(
                        r"(<t>" + re.escape(key) + r"</t>.*?<c r=\"C\d+\"[^>]*><is><t[^>]*>)(.*?)(</t>)"
                    )
                    new = xml_escape(value)
                    text, count = pattern.subn(lambda m, new=new: m[1] + new + m[3], text, count=1)
                    if count != 1:
                        raise RuntimeError(f"{source}: identity key {key} not found")
                data = text.encode("utf-8")
            zout.writestr(info, data)
    partial.replace(target)
    return target


def _stamp(n: int) -> dict[str, object]:
    return {
        "workbooks": n,
        "hpdocs": __version__,
        "template": c.TEMPLATE_VERSION,
        "generator": GENERATOR_VERSION,
    }


def generate(
    n: int, *, root: Path = HERE / ".cache", workers: int | None = None, quiet: bool = False
) -> Path:
    """The project folder with n filled workbooks, made now or found from an earlier run."""
    folder = root / str(n)
    marker = folder / MARKER
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == _stamp(n):
        return folder
    start = time.perf_counter()
    if folder.exists():
        shutil.rmtree(folder)
    project = init_project(folder, name="Benchmarkbolaget AB", plan=PLAN, year=YEAR)
    plan = project.plan
    senders, late = organisation(n)
    write_organisation(project.organisation_file, senders + late, level_names=plan.level_names)
    org = Organisation({x.id: x for x in senders + late})
    blanks: dict[str, Path] = {}
    blank_dir = folder / "tomma"
    blank_dir.mkdir()
    for level in ("bolag", "vo", "enhet"):
        node = (
            next(x for x in senders if x.level == level) if any(x.level == level for x in senders) else None
        )
        if node is not None:
            spec = WorkbookSpec(plan, node, YEAR, "", CREATED)
            blanks[level] = write_workbook(spec, blank_dir / f"{level}.xlsx")
    jobs = []
    copies: list[tuple[str, str, dict[str, str]]] = []
    pool_of: dict[str, list[str]] = {}  # level -> filled workbooks to copy from
    per_level = {level: sum(x.level == level for x in senders) for level in ("bolag", "vo", "enhet")}
    # Each level keeps its share of the distinct fills.
    distinct = {level: max(1, round(DISTINCT * count / len(senders))) for level, count in per_level.items()}
    for i, node in enumerate(senders):
        parent = org.nodes.get(node.parent)
        mistakes = ""
        if node.level == "enhet" and i % 40 == 7:
            mistakes = "rename" if i % 80 == 7 else "values"
        target = project.inbox / workbook_filename(plan, node)
        sources = pool_of.setdefault(node.level, [])
        if len(sources) >= distinct[node.level]:
            own = (node.id, node.name, parent.name if parent else "", node.manager, node.manager)
            copies.append(
                (sources[len(copies) % len(sources)], str(target), dict(zip(_RESTAMPED, own, strict=True)))
            )
            continue
        sources.append(str(target))
        fields = {
            "id": node.id,
            "name": node.name,
            "level": node.level,
            "parent": node.parent,
            "manager": node.manager,
        }
        jobs.append(
            (str(blanks[node.level]), str(target), fields, parent.name if parent else "", 1000 + i, mistakes)
        )
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done, _ in enumerate(pool.map(_job, jobs, chunksize=8), start=1):
            if not quiet and (done % 100 == 0 or done == len(jobs)):
                print(
                    f"  {done}/{len(jobs)} arbetsböcker ({time.perf_counter() - start:.0f} s)",
                    file=sys.stderr,
                )
        for done, _ in enumerate(pool.map(_restamp, copies, chunksize=64), start=1):
            if not quiet and (done % 1000 == 0 or done == len(copies)):
                print(f"  {done}/{len(copies)} kopior ({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    shutil.rmtree(blank_dir)
    marker.write_text(json.dumps(_stamp(n)), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbooks", "-n", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    start = time.perf_counter()
    folder = generate(args.workbooks, workers=args.workers)
    print(f"{folder} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
