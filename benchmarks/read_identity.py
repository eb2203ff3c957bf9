"""Check that a change to the reader leaves every read exactly as it was.

For every workbook of a corpus, `json.dumps(pack(read_workbook(path, plan)))` is written to a
JSON file (a file whose reading raises gets the exception's type and message; one that kills
the process gets "ABORT"). Run it before a change and after it, then compare:

    python benchmarks/read_identity.py --ut fore.json
    ... change the reader ...
    python benchmarks/read_identity.py --ut efter.json --jamfor fore.json

The corpus: the benchmark workbooks (benchmarks/.cache/<N>/, read with that project's plan),
every workbook under tests/ (the built-in plan hp-2022, as the tests read them), the example
projects under examples/ (their own plans), and generated hostile files: mutants of those files
made by benchmarks/fuzz_reader.py's mutations with fixed seeds, and XML prologs that the safety
check must refuse or accept (the DTD scan).

Files are read in a child process, so that a file that aborts the reader (tests/hostile/)
costs only that file: the child is started again after it.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
FUZZ_SEEDS = 150  # mutants per base file

# Prologs put in front of a sheet's root element (the safety check's DTD scan): each must be
# refused or accepted exactly as before.
PROLOGS = [
    b"",
    b'<?xml version="1.0"?>',
    b'<?xml version="1.0"?><!DOCTYPE w>',
    b'<?xml version="1.0"?><!doctype w>',
    b'<?xml version="1.0"?><!ENTITY x "y">',
    b'<?xml version="1.0"?>' + b"<!-- fyllnad -->" * 400,
    b'<?xml version="1.0"?>' + b"<!-- fyllnad -->" * 400 + b"<!DOCTYPE w>",
    b'<?xml version="1.0"?><!-- a --><?pi x?>\r\n\t <!-- b -->',
    b'<?xml version="1.0"?><!-- open comment',
    b'<?xml version="1.0"?><?pi without end',
    b"\xef\xbb\xbf<?xml version='1.0'?>",
    b"\xef\xbb\xbf<?xml version='1.0'?><!DOCTYPE w>",
    '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16"),
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w>'.encode("utf-16"),
    '<?xml version="1.0"?>'.encode("utf-16-le"),
    '<?xml version="1.0"?><!DOCTYPE w>'.encode("utf-16-be"),
    b'<?xml version="1.0" encoding="cp037"?>' + "<!DOCTYPE w>".encode("cp037"),
    b'<?xml version="1.0"?> 1',
    b'<?xml version="1.0"?><!-- x --> <!DOCTYPE',
    b'<?xml version="1.0"?>\x00\x00',
    b'<?xml version="1.0"?>\xc3\xa5',
    b'<?xml version="1.0"?><!-- \xc3\xa5\xe2\x80\x8b -->',
    b'<?xml version="1.0"?><!-- <!doctype in a comment -->',
    b" " * 5000,
]


def corpus(benchmark: Path) -> list[tuple[str, str]]:
    """(plan spec, path) for every existing workbook, in a fixed order."""
    found: list[tuple[str, str]] = []
    for path in sorted(benchmark.rglob("*")):
        if path.suffix.lower() in SUFFIXES and "utdata" not in path.parts:
            found.append((f"project:{benchmark}", str(path)))
    for path in sorted((ROOT / "tests").rglob("*")):
        if path.suffix.lower() in SUFFIXES:
            found.append(("builtin:hp-2022", str(path)))
    for project in sorted((ROOT / "examples").iterdir()):
        if (project / "hpdocs.toml").is_file():
            for path in sorted(project.rglob("*")):
                if path.suffix.lower() in SUFFIXES and "utdata" not in path.parts:
                    found.append((f"project:{project}", str(path)))
    return found


def _replace_root_prologs(data: bytes, prolog: bytes, sheet_only: bool) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            wanted = info.filename.startswith("xl/worksheets/") or not sheet_only
            if wanted and info.filename.endswith((".xml", ".rels")) and content.startswith(b"<?xml"):
                end = content.find(b"?>") + 2
                content = prolog + content[end:]
            dst.writestr(zipfile.ZipInfo(info.filename, (2022, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def generated(folder: Path, bases: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Fuzzed and hostile variants of some corpus files, written to `folder` (same each run)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from fuzz_reader import mutate_once

    found: list[tuple[str, str]] = []
    for n, (spec, base) in enumerate(bases):
        data = Path(base).read_bytes()
        sub = folder / f"fuzz{n}"
        sub.mkdir(parents=True)
        for seed in range(FUZZ_SEEDS):
            path, _ = mutate_once(data, seed, sub, Path(base).suffix)
            found.append((spec, str(path)))
        if data[:2] == b"PK" and Path(base).suffix == ".xlsx":
            for i, prolog in enumerate(PROLOGS):
                for sheet_only in (True, False):
                    path = sub / f"prolog-{i}-{int(sheet_only)}.xlsx"
                    path.write_bytes(_replace_root_prologs(data, prolog, sheet_only))
                    found.append((spec, str(path)))
    return found


def _child(list_file: str, start: int) -> None:
    """Read the listed files from `start` on, one JSON line each on stdout."""
    from hpdocs.planfile import load_plan
    from hpdocs.project import load_project
    from hpdocs.workbook.parallel import pack
    from hpdocs.workbook.read import read_workbook

    items = json.loads(Path(list_file).read_text(encoding="utf-8"))
    plans: dict[str, object] = {}
    for i in range(start, len(items)):
        spec, path = items[i]
        if spec not in plans:
            kind, _, where = spec.partition(":")
            plans[spec] = load_plan(where) if kind == "builtin" else load_project(Path(where)).plan
        try:
            result = json.dumps(pack(read_workbook(Path(path), plans[spec])))  # type: ignore[arg-type]
        except Exception as exc:  # what raised is the result
            result = f"RAISED {type(exc).__name__}: {exc}"
        sys.stdout.write(json.dumps([i, result]) + "\n")
        sys.stdout.flush()


def run(items: list[tuple[str, str]], tmp: Path) -> list[str]:
    list_file = tmp / "lista.json"
    list_file.write_text(json.dumps(items), encoding="utf-8")
    results: list[str | None] = [None] * len(items)
    start = 0
    while start < len(items):
        proc = subprocess.run(
            [sys.executable, __file__, "--barn", str(list_file), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        for line in proc.stdout.decode("utf-8").splitlines():
            i, result = json.loads(line)
            results[i] = result
        start = next((i for i in range(start, len(items)) if results[i] is None), len(items))
        if start < len(items):  # the child died on this file
            results[start] = f"ABORT (exit {proc.returncode})"
            start += 1
    return [r or "" for r in results]


def _key(path: str, tmp: Path) -> str:
    p = Path(path)
    for root, label in ((tmp, "<genererad>"), (ROOT, "")):
        if p.is_relative_to(root):
            return f"{label}/{p.relative_to(root)}" if label else str(p.relative_to(root))
    return str(p)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ut", type=Path, help="JSON-fil att skriva resultaten till")
    parser.add_argument("--jamfor", type=Path, help="tidigare resultat att jämföra med")
    parser.add_argument("--benchmark", type=Path, default=ROOT / "benchmarks" / ".cache" / "1000")
    parser.add_argument("--barn", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.barn:
        _child(args.barn[0], int(args.barn[1]))
        return 0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        items = corpus(args.benchmark)
        bases = [item for item in items if not item[1].startswith(str(args.benchmark))]
        bases = [b for b in bases if "hostile" not in b[1] and "organisation" not in b[1]][:6]
        items += generated(tmp / "gen", bases)
        results = run(items, tmp)
        found = {_key(path, tmp): result for (_, path), result in zip(items, results, strict=True)}
    print(
        f"{len(found)} filer lästa; {sum(r.startswith(('RAISED', 'ABORT')) for r in found.values())} gav fel"
    )
    if args.ut:
        args.ut.write_text(json.dumps(found, ensure_ascii=False, indent=0), encoding="utf-8")
    if args.jamfor:
        before = json.loads(args.jamfor.read_text(encoding="utf-8"))
        differ = sorted(k for k in before.keys() | found.keys() if before.get(k) != found.get(k))
        for key in differ[:20]:
            print(
                f"SKILLNAD {key}\n  före:  {str(before.get(key))[:300]}\n  efter: {str(found.get(key))[:300]}"
            )
        print(f"{len(differ)} av {len(found)} skiljer sig" if differ else "Alla resultat är identiska.")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
