"""Fuzz the workbook reader: damaged bytes in, a report out, never an exception.

A small real filled workbook is mutated over and over (bytes flipped anywhere in the zip,
bytes flipped inside a member's XML and re-zipped so that they get past the zip checks,
truncations, members swapped, dropped or duplicated) and `read_workbook` must always return a
WorkbookRead holding entries or problems. The test suite runs this for a few seconds
(tests/test_reader_fuzz.py); run it for longer on purpose:

    python benchmarks/fuzz_reader.py --minutes 10 [--seed 1] [--ut fynd/]

Inputs that make the reader raise (or return neither entries nor problems) are saved in the
`--ut` folder with the seed that made them, so that they can become regression tests.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hpdocs.org import Node
from hpdocs.plan import Plan
from hpdocs.planfile import load_plan
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.parallel import read_many
from hpdocs.workbook.read import WorkbookRead
from hpdocs.workbook.write import WorkbookSpec, write_workbook

VALUES = {
    "ledning.enhet.a1@Q3": {"status": "Klar", "kommentar": "Klart på APT 👍"},
    "ledning.enhet.m1@Q3": {"varde": 7},
    "kompetens.enhet.m1@Q3": {"varde": 12, "namnare": 20},
    "risk.enhet.m1@Q2": {"varde": "Ja"},
}


def make_base(folder: Path, plan: Plan) -> Path:
    """A small filled workbook, as a unit manager sends it in."""
    node = Node("E1", "Akuten", "enhet", "VO1", "Eva")
    path = write_workbook(
        WorkbookSpec(plan, node, 2022, "Primärvård", "2022-01-10 08:00"), folder / "bas.xlsx"
    )
    return fill_workbook(path, VALUES, identity={"hpdocs.ifylldav": "Eva", "hpdocs.uppdaterad": "2022-10-01"})


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def _zip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, content in members:
            zf.writestr(info.filename, content)
    return out.getvalue()


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    raw = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    return bytes(raw)


def flip_inside_member(data: bytes, rng: random.Random) -> bytes:
    """Damage one member's XML and re-zip it: the zip is valid, the XML is not."""
    members = _members(data)
    index = rng.randrange(len(members))
    info, content = members[index]
    raw = bytearray(content)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(max(len(raw), 1))
        choice = rng.random()
        if choice < 0.4 and raw:
            raw[at] = rng.choice(b'<>&"/=:x0 \x00\xff')
        elif choice < 0.7:
            raw[at:at] = rng.choice([b"<", b"</c>", b"&lol;", b"<!DOCTYPE x>", b"\xc3", b"]]>"])
        else:
            del raw[at : at + rng.randint(1, 64)]
    members[index] = (info, bytes(raw))
    return _zip(members)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def swap_members(data: bytes, rng: random.Random) -> bytes:
    """Swap the contents of two members, drop one or duplicate one under another name."""
    members = _members(data)
    a, b = rng.sample(range(len(members)), 2)
    action = rng.random()
    if action < 0.5:
        (ia, ca), (ib, cb) = members[a], members[b]
        members[a], members[b] = (ia, cb), (ib, ca)
    elif action < 0.8:
        del members[a]
    else:
        members[a] = (members[a][0], members[b][1])
    return _zip(members)


def damage_directory(data: bytes, rng: random.Random) -> bytes:
    """Flip bytes in the zip's central directory (the member list at the end of the file):
    wrong offsets, sizes and names that the readers must not trust."""
    start = data.rfind(b"PK\x01\x02")
    start = start if start > 0 else max(0, len(data) - 200)
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(start, len(out))
        out[i] = rng.randrange(256)
    return bytes(out)


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "katalog": damage_directory,
    "bytes": flip_bytes,
    "xml": flip_inside_member,
    "kapad": truncate,
    "delar": swap_members,
}

BYTE_MUTATIONS = ("bytes", "kapad")


@dataclass
class Finding:
    seed: int
    mutation: str
    error: str
    path: Path


def mutate_once(base: bytes, seed: int, folder: Path, suffix: str = ".xlsx") -> tuple[Path, str]:
    """Write one mutated copy of `base`: (its path, the mutation's name)."""
    rng = random.Random(seed)
    # A zip-based file (xlsx, xlsm, ods) gets every mutation; others (xls) the byte-level ones.
    names = sorted(MUTATIONS) if base[:2] == b"PK" else sorted(BYTE_MUTATIONS)
    name = rng.choice(names)
    path = folder / f"fuzz-{seed}-{name}{suffix}"
    path.write_bytes(MUTATIONS[name](base, rng))
    return path, name


def fuzz_batch(base: bytes, seeds: range, plan: Plan, folder: Path, suffix: str = ".xlsx") -> list[Finding]:
    """Mutated workbooks through the reader as the product reads them (in worker processes, so a
    reader that aborts its process costs only that file: reported as `fil-lasare-kraschade`,
    which is the guarantee, not a finding). A Finding where reading raised or a file gave
    neither values nor problems."""
    made = [(seed, *mutate_once(base, seed, folder, suffix)) for seed in seeds]
    try:
        reads = read_many([path for _, path, _ in made], plan, workers=2)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        error = "".join(traceback.format_exception(exc))
        return [Finding(seed, name, error, path) for seed, path, name in made]
    findings = []
    for (seed, path, name), read in zip(made, reads, strict=True):
        if not isinstance(read, WorkbookRead) or not (read.entries or len(read.report)):
            findings.append(Finding(seed, name, "varken värden eller problem", path))
            continue
        path.unlink()
    return findings


def fuzz(
    seconds: float,
    *,
    seed: int = 0,
    plan: Plan | None = None,
    folder: Path | None = None,
    max_runs: int | None = None,
    base_file: Path | None = None,
    batch: int = 16,
) -> tuple[int, list[Finding]]:
    """Mutate and read until the time (or number of runs) is up: (runs, findings).

    The seed file is a generated workbook, or `base_file` (a file saved by another program:
    LibreOffice's .ods or .xlsx, Excel 97-2003's .xls)."""
    plan = plan or load_plan("hp-2022")
    with tempfile.TemporaryDirectory() as tmp:
        work = folder or Path(tmp)
        source = base_file or make_base(Path(tmp), plan)
        base, suffix = source.read_bytes(), source.suffix
        findings: list[Finding] = []
        deadline = time.monotonic() + seconds
        runs = 0
        while time.monotonic() < deadline and (max_runs is None or runs < max_runs):
            size = batch if max_runs is None else min(batch, max_runs - runs)
            findings += fuzz_batch(base, range(seed + runs, seed + runs + size), plan, work, suffix)
            runs += size
        return runs, findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument(
        "--ut", type=Path, default=Path("fuzz-fynd"), help="mapp för filer som fällde läsaren"
    )
    args = parser.parse_args(argv)
    args.ut.mkdir(parents=True, exist_ok=True)
    runs, findings = fuzz(args.minutes * 60, seed=args.seed, folder=args.ut)
    for finding in findings:
        print(f"seed {finding.seed} ({finding.mutation}): {finding.path}\n{finding.error}")
    print(f"{runs} muterade arbetsböcker från seed {args.seed}, {len(findings)} fynd.")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
