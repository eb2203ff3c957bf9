"""Time hpdocs against its own lower bounds, in the same run on the same files.

    python benchmarks/run.py --workbooks 1000 --repeat 3

Steps (each run in its own process, so that peak memory is per step):

  a   unzip        decompress every member of every workbook (the floor for any reader)
  b   calamine     python-calamine alone reads every sheet's values (one process)
  bp  calamine-p   the same on every core (for comparison with hpdocs' parallel reading)
  c   validate     `hpdocs validate` as the CLI does it today (collect, one process)
  cp  validate-p   collect with the parallel reader (hpdocs.workbook.parallel)
  d   consolidate  consolidate_project without the cache: read, check, roll up, write roll-ups
  e   build        hpdocs.build.build_project from a cold cache (consolidate + documents + index)
  f   re-run       consolidate_project again after one workbook changed (with the cache)
  g   documents    generate_documents alone (the consolidation done beforehand)
  h   doc-floor    bare docxtpl / python-pptx rendering of the same documents, no data work

Medians of --repeat runs; ratios (c)/(b), (d)/(b), (d)/(a), (f)/(d), (g)/(h); peak memory
(ru_maxrss) of each step's process and of its largest worker process. JSON goes to
benchmarks/results/<N>.json; a table is printed. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

STEPS = {
    "a": "unzip",
    "b": "calamine",
    "bp": "calamine-p",
    "c": "validate",
    "cp": "validate-p",
    "d": "consolidate",
    "e": "build",
    "f": "re-run",
    "g": "documents",
    "h": "doc-floor",
}
PERIOD = "Q3"


# ----------------------------------------------------------------------------- steps (child)


def _files(project: Path) -> list[Path]:
    from hpdocs.inbox import find_workbooks

    return find_workbooks([project / "inkorg"])


def _unzip_one(path: str) -> int:
    import zipfile

    total = 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            total += len(zf.read(info))
    return total


def _calamine_one(path: str) -> int:
    from python_calamine import CalamineWorkbook

    cells = 0
    workbook = CalamineWorkbook.from_path(path)
    try:
        for name in workbook.sheet_names:
            cells += sum(len(r) for r in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
    finally:
        workbook.close()
    return cells


def step_a(project: Path, info: dict[str, Any]) -> Callable[[], Any]:
    files = [str(p) for p in _files(project)]
    return lambda: sum(_unzip_one(p) for p in files)


def step_b(project: Path, info: dict[str, Any]) -> Callable[[], Any]:
    files = [str(p) for p in _files(project)]
    return lambda: sum(_calamine_one(p) for p in files)


def step_bp(project: Path, info: dict[str, Any]) -> Callable[[], Any]:
    from concurrent.futures import ProcessPoolExecutor

    from hpdocs.workbook.parallel import default_workers

    files = [str(p) for p in _files(project)]

    def run() -> int:
        workers = default_workers()
        with ProcessPoolExecutor(workers) as pool:
            return sum(pool.map(_calamine_one, files, chunksize=max(1, len(files) // (workers * 8))))

    return run


def _project(folder: Path) -> Any:
    from hpdocs.project import load_project

    project = load_project(folder)
    _ = project.plan, project.organisation  # loaded before the clock starts
    return project


def step_c(folder: Path, info: dict[str, Any]) -> Callable[[], Any]:
    from hpdocs.inbox import collect

    p = _project(folder)
    return lambda: collect([p.inbox], p.plan, p.organisation, year=p.year)


def step_cp(folder: Path, info: dict[str, Any]) -> Callable[[], Any]:
    from hpdocs.inbox import collect
    from hpdocs.workbook.parallel import read_many

    p = _project(folder)
    return lambda: collect(
        [p.inbox], p.plan, p.organisation, year=p.year, reader=lambda f: read_many(f, p.plan)
    )


def _timed_progress(info: dict[str, Any]) -> Callable[[str], None]:
    start = time.perf_counter()

    def progress(message: str) -> None:
        if message.startswith("Skriver") and "read_seconds" not in info:
            info["read_seconds"] = round(time.perf_counter() - start, 3)

    return progress


def step_d(folder: Path, info: dict[str, Any]) -> Callable[[], Any]:
    from hpdocs.pipeline import consolidate_project

    p = _project(folder)
    _fresh(p)  # a first run: nothing read, nothing written before

    def run() -> Any:
        result = consolidate_project(p, PERIOD, use_cache=False, progress=_timed_progress(info))
        info["entries"] = len(result.company.entries)
        info["rollups"] = len(result.files)
        return result

    return run


def step_e(folder: Path, info: dict[str, Any]) -> Callable[[], Any] | None:
    try:
        from hpdocs.build import build_project
    except ImportError as exc:
        info["skipped"] = f"hpdocs.build saknas ({exc})"
        return None
    p = _project(folder)
    _fresh(p)  # a full build from scratch

    def run() -> Any:
        result = build_project(p, PERIOD)
        info["documents"] = len(result.documents)
        return result

    return run


def _fresh(p: Any) -> None:
    """No cache and no earlier outputs, as before a project's first run."""
    shutil.rmtree(p.cache_dir, ignore_errors=True)
    shutil.rmtree(p.output, ignore_errors=True)


def _warm_cache(p: Any) -> None:
    from hpdocs.cache import ReadCache
    from hpdocs.inbox import find_workbooks

    cache = ReadCache(p.cache_dir, p.plan)
    cache.read(find_workbooks([p.inbox]))


def step_f(folder: Path, info: dict[str, Any]) -> Callable[[], Any]:
    from hpdocs.pipeline import consolidate_project
    from hpdocs.workbook.fill import fill_workbook

    p = _project(folder)
    _fresh(p)
    consolidate_project(p, PERIOD)  # the first run: reads everything, writes every roll-up
    changed = next(f for f in _files(folder) if f.name.startswith("Enhet"))
    note = f"Ändrad av benchmark {time.time():.6f}"
    fill_workbook(changed, {"ledning.enhet.a1@Q3": {"status": "Klar", "kommentar": note}})
    info["changed"] = changed.name

    def run() -> Any:
        result = consolidate_project(p, PERIOD, progress=_timed_progress(info))
        assert any(e.comment == note for e in result.company.entries), "the change was not read"
        return result

    return run


def _consolidated(p: Any) -> Any:
    from hpdocs.pipeline import consolidate_project

    _warm_cache(p)
    return consolidate_project(p, PERIOD)


def step_g(folder: Path, info: dict[str, Any]) -> Callable[[], Any] | None:
    try:
        from hpdocs.build import generate_documents
    except ImportError as exc:
        info["skipped"] = f"hpdocs.build saknas ({exc})"
        return None
    p = _project(folder)
    result = _consolidated(p)
    info["business_areas"] = len(result.business_areas)

    def run() -> Any:
        outputs = generate_documents(p, result)
        info["documents"] = len(outputs)
        return outputs

    return run


def step_h(folder: Path, info: dict[str, Any]) -> Callable[[], Any] | None:
    """The same documents rendered with bare docxtpl / python-pptx from precomputed content."""
    try:
        from docxtpl import DocxTemplate
        from pptx import Presentation

        from hpdocs.build import _pptx_template, generate_documents
        from hpdocs.render.board_context import board_context
        from hpdocs.render.psb_context import psb_context
        from hpdocs.render.slides import TEMPLATE_NAME
        from hpdocs.render.word import BOARD_TEMPLATE, PSB_TEMPLATE
        from hpdocs.resources import template_path
    except ImportError as exc:
        info["skipped"] = f"hpdocs.render saknar det som behövs ({exc})"
        return None
    p = _project(folder)
    result = _consolidated(p)
    templates = p.templates if p.templates and p.templates.is_dir() else None
    psb = template_path("word", PSB_TEMPLATE, templates)
    board = template_path("word", BOARD_TEMPLATE, templates)
    word_jobs = [(psb, psb_context(r, organisation_name=p.name)) for r in result.rollups]
    word_jobs.append(
        (board, board_context(p.plan, organisation_name=p.name, year=p.year, rollups=result.company))
    )
    decks = [o.path for o in generate_documents(p, result, kinds=["mum"])]
    slides = [_deck_content(Presentation(str(d))) for d in decks]
    pptx_template = _pptx_template(p) or template_path("pptx", TEMPLATE_NAME)
    out = folder / "utdata" / "baslinje"
    out.mkdir(parents=True, exist_ok=True)
    info["documents"] = len(word_jobs) + len(slides)

    def run() -> None:
        for i, (template, context) in enumerate(word_jobs):
            doc = DocxTemplate(template)
            doc.render(context, autoescape=True)
            doc.save(out / f"{i}.docx")
        for i, content in enumerate(slides):
            _bare_deck(pptx_template, content).save(str(out / f"{i}.pptx"))

    return run


def _deck_content(prs: Any) -> list[tuple[str, list[tuple[str, tuple[int, int, int, int], Any]]]]:
    """What each slide shows (text, tables, chart data), read from a deck hpdocs made."""
    slides = []
    for slide in prs.slides:
        shapes: list[tuple[str, tuple[int, int, int, int], Any]] = []
        for shape in slide.shapes:
            box = (shape.left or 0, shape.top or 0, shape.width or 1, shape.height or 1)
            if getattr(shape, "has_chart", False) and shape.has_chart:
                chart = shape.chart
                plot = chart.plots[0]
                series = [(s.name, list(s.values)) for s in plot.series]
                shapes.append(("chart", box, (chart.chart_type, list(plot.categories), series)))
            elif getattr(shape, "has_table", False) and shape.has_table:
                rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
                shapes.append(("table", box, rows))
            elif shape.has_text_frame and shape.text_frame.text:
                shapes.append(("text", box, shape.text_frame.text))
        slides.append((slide.slide_layout.name, shapes))
    return slides


def _bare_deck(template: Path, content: list[Any]) -> Any:
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData

    prs = Presentation(str(template))
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    for layout_name, shapes in content:
        slide = prs.slides.add_slide(layouts.get(layout_name, prs.slide_layouts[0]))
        for kind, (x, y, w, h), data in shapes:
            if kind == "text":
                slide.shapes.add_textbox(x, y, w, h).text_frame.text = data
            elif kind == "table":
                table = slide.shapes.add_table(len(data), len(data[0]), x, y, w, h).table
                for r, row in enumerate(data):
                    for col, text in enumerate(row):
                        table.cell(r, col).text = text
            else:
                chart_type, categories, series = data
                chart_data = CategoryChartData()
                chart_data.categories = categories
                for name, values in series:
                    chart_data.add_series(name, values)
                slide.shapes.add_chart(chart_type, x, y, w, h, chart_data)
    return prs


def _tree_pss_kb(root: int) -> int | None:
    """Memory of `root` and all its descendants, shared pages divided among their users
    (Linux PSS): what the step really costs the machine, which the RSS of forked workers
    overstates. None where /proc does not tell."""
    proc = Path("/proc")
    parents: dict[int, int] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            for line in (proc / str(pid) / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            if pid == root:
                return None
    return total


class _MemorySampler(threading.Thread):
    """The largest total PSS of this process tree while the timed work runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb: int | None = None
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.sample()

    def sample(self) -> None:
        now = _tree_pss_kb(os.getpid())
        if now is not None:
            self.peak_kb = max(self.peak_kb or 0, now)


def run_step(step: str, project: Path) -> dict[str, Any]:
    """Set up, then time one step in this process; report time and peak memory."""
    info: dict[str, Any] = {}
    work = globals()[f"step_{step}"](project, info)
    if work is None:
        return {"skipped": info.get("skipped", "hoppades över"), **info}
    sampler = _MemorySampler()
    sampler.start()
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    sampler.sample()
    sampler.done.set()
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    total = None if sampler.peak_kb is None else sampler.peak_kb / 1024
    return {
        "seconds": seconds,
        "peak_mb": self_kb / 1024,
        "worker_peak_mb": children_kb / 1024,
        "total_mb": total,
        **info,
    }


# ----------------------------------------------------------------------------- runner (parent)


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    mem = ""
    with contextlib.suppress(OSError, StopIteration):
        mem = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
    from hpdocs import __version__
    from hpdocs.workbook.parallel import default_workers

    return {
        "nproc": os.cpu_count(),
        "usable_cores": default_workers(),
        "cpu": model,
        "memory": mem.split(":", 1)[-1].strip(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "hpdocs": __version__,
    }


def prepare(n: int) -> Path:
    from generate import generate

    source = generate(n)
    work = HERE / ".cache" / f"{n}-arbete"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work, ignore=shutil.ignore_patterns("utdata", ".hpdocs-cache", "generated.json"))
    for path in (work / "inkorg").iterdir():  # into the page cache, as on a second run
        path.read_bytes()
    return work


def child(step: str, project: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--step", step, "--project", str(project)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:] or ["okänt fel"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def ratio(results: dict[str, Any], top: str, bottom: str) -> float | None:
    a, b = results.get(top, {}).get("median"), results.get(bottom, {}).get("median")
    return round(a / b, 3) if a and b else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbooks", "-n", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--steps", default=",".join(STEPS), help="t.ex. a,b,d,f")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.project)))
        return

    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        parser.error(f"okända steg: {unknown}")
    print(f"Förbereder {args.workbooks} arbetsböcker …", file=sys.stderr)
    project = prepare(args.workbooks)
    runs: dict[str, list[dict[str, Any]]] = {s: [] for s in steps}
    load = [os.getloadavg()[0]]
    for repeat in range(args.repeat):
        for step in steps:
            print(f"  körning {repeat + 1}/{args.repeat}: ({step}) {STEPS[step]} …", file=sys.stderr)
            runs[step].append(child(step, project))
            done = runs[step][-1]
            print(
                f"    {done.get('seconds', 0):.1f} s {done.get('skipped') or done.get('error') or ''}",
                file=sys.stderr,
            )
            load.append(os.getloadavg()[0])
    results: dict[str, Any] = {}
    for step, done in runs.items():
        times = [r["seconds"] for r in done if "seconds" in r]
        entry: dict[str, Any] = {"name": STEPS[step], "runs": done}
        if times:
            entry.update(
                median=round(statistics.median(times), 3),
                peak_mb=round(max(r["peak_mb"] for r in done if "seconds" in r), 1),
                worker_peak_mb=round(max(r["worker_peak_mb"] for r in done if "seconds" in r), 1),
                total_mb=max((round(r["total_mb"], 1) for r in done if r.get("total_mb")), default=None),
            )
        else:
            entry["note"] = next((r.get("skipped") or str(r.get("error")) for r in done), "")
        results[step] = entry
    ratios = {
        "c/b": ratio(results, "c", "b"),
        "cp/b": ratio(results, "cp", "b"),
        "d/b": ratio(results, "d", "b"),
        "d/bp": ratio(results, "d", "bp"),
        "d/a": ratio(results, "d", "a"),
        "f/d": ratio(results, "f", "d"),
        "g/h": ratio(results, "g", "h"),
    }
    report = {
        "workbooks": args.workbooks,
        "repeat": args.repeat,
        "machine": machine(),
        "load_average": {"min": min(load), "max": max(load)},
        "steps": results,
        "ratios": ratios,
    }
    out = HERE / "results" / f"{args.workbooks}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print_table(report)
    print(f"\nResultat: {out}")


def print_table(report: dict[str, Any]) -> None:
    m = report["machine"]
    print(f"\n{report['workbooks']} arbetsböcker, median av {report['repeat']} körningar")
    print(f"{m['cpu']}, {m['nproc']} kärnor, Python {m['python']}, hpdocs {m['hpdocs']}")
    print(
        f"Systemlast (1 min) under körningen: {report['load_average']['min']:.1f}–{report['load_average']['max']:.1f}"
    )
    print(
        f"\n{'steg':<16}{'median s':>10}{'ms/arbetsbok':>14}{'topp MB':>10}{'arbetare MB':>13}{'totalt MB':>11}"
    )
    for step, entry in report["steps"].items():
        label = f"({step}) {entry['name']}"
        if "median" not in entry:
            print(f"{label:<16}  {entry.get('note', '')}")
            continue
        per = 1000 * entry["median"] / report["workbooks"]
        print(
            f"{label:<16}{entry['median']:>10.2f}{per:>14.1f}{entry['peak_mb']:>10.0f}{entry['worker_peak_mb']:>13.0f}"
            + ("" if entry.get("total_mb") is None else f"{entry['total_mb']:>11.0f}")
        )
    print()
    for name, value in report["ratios"].items():
        print(f"{name:<6}{'–' if value is None else f'{value:.2f}':>8}")


if __name__ == "__main__":
    main()
