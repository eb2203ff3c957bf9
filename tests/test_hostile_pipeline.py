"""Hostile and damaged files in a real inbox: every run finishes and nothing is lost or leaked.

The corpus is built here from readable Python (no binaries in the repository) and dropped into a
copy of examples/vardbolaget beside its good workbooks. Each file has the problem code it must
get. The commands run once per module (they read some thirty workbooks; build renders every
document) and the tests look at what they said and wrote.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from docx import Document
from examples_copy import copy_example

from hpdocs import safety
from hpdocs.cli import cli
from hpdocs.inbox import collect
from hpdocs.org import Node, write_organisation
from hpdocs.project import Project, load_project
from hpdocs.workbook import contract as c
from hpdocs.workbook.fill import fill_workbook
from hpdocs.workbook.read import Entry, read_workbook
from hpdocs.workbook.write import WorkbookSpec, write_workbook

MB = 1 << 20
SECRET = "HEMLIGT-xxe-5f1c9a"  # the content of a local file an external entity points at
MACRO = b"MAKROKOD-som-aldrig-kopieras"  # inside the .xlsm's vbaProject.bin
NEW_UNIT = Node("E99", "Hemtjänst Östra", "enhet", "VO2", "Test Testsson")
MACRO_BOOK = "Enhet Hemtjänst Östra.xlsm"
MACRO_VALUES = {
    "ledning.enhet.a1@Q3": {"status": "Klar", "kommentar": "Genomgång på APT"},
    "ledning.enhet.m1@Q3": {"varde": 4},
    "kompetens.enhet.m1@Q3": {"varde": 3, "namnare": 4},
}
SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
ROWS = f'<worksheet {SHEET_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{{}}</t></is></c></row></sheetData></worksheet>'
LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">{LAUGHS}]>' + ROWS.format(
    "&lol9;"
)
# File name -> the codes validate must give it, in order. The .xlsm is read (a warning only).
HOSTILE = {
    "Enhet Zipbomb.xlsx": ["fil-zipbomb"],
    "Enhet Skrattbomb.xlsx": ["fil-xml-dtd"],
    "Enhet Extern entitet.xlsx": ["fil-xml-dtd"],
    "Enhet Lösenord.xlsx": ["fil-krypterad"],
    "Enhet Kapad.xlsx": ["fil-trasig"],
    "Enhet Tom.xlsx": ["fil-tom"],
    "Enhet Rapport.xlsx": ["fil-inte-arbetsbok"],  # a .docx
    "Enhet Skannad.xlsx": ["fil-inte-arbetsbok"],  # a PDF
    "Enhet Jättestor.xlsx": ["fil-for-stor"],
    "Enhet Gammal.xls": ["fil-gammal-xls", "fil-olasbar"],  # warned, then calamine refuses it
}


def rezip(source: Path, target: Path, members: dict[str, bytes]) -> Path:
    """Copy a workbook, replacing or adding members."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in members:
                dst.writestr(info, src.read(info))
        for name, data in members.items():
            dst.writestr(name, data)
    return target


def ole_file(path: Path, *streams: str) -> Path:
    """An OLE2 compound file: the header, then 128-byte directory entries with these names."""
    entries = b""
    for name in ("Root Entry", *streams):
        raw = (name + "\0").encode("utf-16-le")
        entries += raw.ljust(64, b"\0") + struct.pack("<H", len(raw)) + bytes(62)
    path.write_bytes(safety.OLE2_MAGIC + bytes(504) + entries.ljust(4096, b"\0"))
    return path


def copy_project(target: Path) -> Path:
    """examples/vardbolaget without its outputs."""
    return copy_example(target)


def unit_workbook(project: Project, node: Node, values: dict, target: Path) -> Path:
    """A workbook for `node` filled the way a unit manager fills it."""
    parent = project.organisation.nodes[node.parent].name
    spec = WorkbookSpec(project.plan, node, project.year, parent, "2022-01-10 08:00")
    write_workbook(spec, target)
    return fill_workbook(
        target, values, identity={"hpdocs.ifylldav": node.manager, "hpdocs.uppdaterad": "2022-10-01"}
    )


def add_unit(root: Path, node: Node) -> Project:
    """Add a unit to the project's organisation file, so that its workbook is nobody else's."""
    project = load_project(root)
    nodes = [*project.organisation.nodes.values(), node]
    write_organisation(project.organisation_file, nodes, level_names=project.plan.level_names)
    return load_project(root)


def build_corpus(inbox: Path, project: Project, work: Path) -> None:
    good = sorted(inbox.glob("Enhet *.xlsx"))[0]
    secret = work / "hemlighet.txt"
    secret.write_text(SECRET, encoding="utf-8")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        + ROWS.format("&xxe;")
    )
    with zipfile.ZipFile(inbox / "Enhet Zipbomb.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", f"<workbook {SHEET_NS}/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:  # 120 MB in about 120 kB
            member.write(f"<?xml version='1.0'?><worksheet {SHEET_NS}>".encode())
            for _ in range(120):
                member.write(b" " * MB)
    sheet = "xl/worksheets/sheet3.xml"
    rezip(good, inbox / "Enhet Skrattbomb.xlsx", {sheet: BILLION_LAUGHS.encode()})
    rezip(good, inbox / "Enhet Extern entitet.xlsx", {sheet: xxe.encode()})
    ole_file(inbox / "Enhet Lösenord.xlsx", "EncryptionInfo", "EncryptedPackage")
    data = good.read_bytes()
    (inbox / "Enhet Kapad.xlsx").write_bytes(data[: len(data) // 2])
    (inbox / "Enhet Tom.xlsx").write_bytes(b"")
    document = Document()
    document.add_paragraph("Verksamhetsberättelse")
    document.save(str(inbox / "Enhet Rapport.xlsx"))
    (inbox / "Enhet Skannad.xlsx").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    # Over the real limit, but sparse: it costs no disk and no time, and no monkeypatch has to
    # reach reader processes. Only its size is ever looked at.
    with (inbox / "Enhet Jättestor.xlsx").open("wb") as fh:
        fh.write(data[:4096])
        fh.truncate(safety.DEFAULT_LIMITS.max_file_bytes + MB)
    ole_file(inbox / "Enhet Gammal.xls", "Workbook", "\x05SummaryInformation")
    plain = unit_workbook(project, NEW_UNIT, MACRO_VALUES, work / "makro.xlsx")
    rezip(plain, inbox / MACRO_BOOK, {"xl/vbaProject.bin": safety.OLE2_MAGIC + MACRO})


def sha256s(project: Path) -> dict[str, str]:
    """Every input of the project: inbox, organisation, plan and settings."""
    settings = [p for p in project.iterdir() if p.is_file() and not p.name.startswith(".")]
    files = [*sorted((project / "inkorg").iterdir()), *sorted(settings)]
    return {str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@dataclass
class Run:
    project: Path
    good: list[str]
    before: dict[str, str]
    results: dict[str, Result] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    work = tmp_path_factory.mktemp("fientligt")
    root = copy_project(work / "projekt")
    inbox = root / "inkorg"
    good = sorted(p.name for p in inbox.iterdir())
    project = add_unit(root, NEW_UNIT)
    build_corpus(inbox, project, work)
    result = Run(root, good, sha256s(root))
    result.results["validate --json"] = invoke("validate", "--projekt", str(root), "--json")
    result.results["validate"] = invoke("validate", "--projekt", str(root))
    result.results["consolidate"] = invoke("consolidate", str(root))
    for command in ("build", "documents"):  # when they exist: they read the inbox too
        if command in cli.commands:  # type: ignore[attr-defined]
            result.results[command] = invoke(command, str(root))
    result.after = sha256s(root)
    return result


def outputs(project: Path) -> list[Path]:
    return sorted(p for p in (project / "utdata").rglob("*") if p.is_file())


def test_every_hostile_file_gets_its_code_and_the_good_ones_pass(run: Run) -> None:
    validate = run.results["validate --json"]
    assert validate.exit_code == 1
    files = {f["file"]: f for f in json.loads(validate.stdout)["files"]}
    assert {name: [p["code"] for p in files[name]["problems"]] for name in HOSTILE} == HOSTILE
    assert not any(files[name]["ok"] for name in HOSTILE)
    assert [p["code"] for p in files[MACRO_BOOK]["problems"]] == ["fil-makron"]
    assert files[MACRO_BOOK]["ok"] and files[MACRO_BOOK]["node"] == NEW_UNIT.id
    assert set(run.good) | set(HOSTILE) | {MACRO_BOOK} == set(files)  # nobody skipped


def test_the_text_report_names_every_hostile_file_with_its_code(run: Run) -> None:
    text = run.results["validate"].stdout
    for name, codes in HOSTILE.items():
        assert f"{name}: AVVISAD" in text
        assert all(f"[{code}]" in text for code in codes), name


def test_consolidate_finishes_and_names_every_refused_file(run: Run) -> None:
    result = run.results["consolidate"]
    assert result.exit_code == 1, result.stderr  # 1: some workbooks were refused
    for name, codes in HOSTILE.items():
        assert f"Avvisad: {name}" in result.stdout, name
        errors = [code for code in codes if code != "fil-gammal-xls"]  # a warning: not listed
        assert all(f"[{code}]" in result.stdout for code in errors), name
        report = run.project / "utdata" / "problem" / f"Problem – {Path(name).stem}.xlsx"
        assert report.is_file(), f"no problem report for {name}"


def test_every_good_workbook_is_consolidated_exactly(run: Run) -> None:
    """The company roll-up holds every entry of the submissions chosen from the good files."""
    project = load_project(run.project)
    good = [run.project / "inkorg" / name for name in [*run.good, MACRO_BOOK]]
    expected = collect(good, project.plan, project.organisation, year=project.year)
    assert NEW_UNIT.id in expected.chosen
    rollups = [read_workbook(p, project.plan) for p in (run.project / "utdata").rglob("Samman*")]
    [company] = [r for r in rollups if r.node_id == project.organisation.company.id]
    assert company.kind == c.KIND_ROLLUP and company.report.ok

    def key(e: Entry) -> tuple[str, ...]:
        fields = (e.node, e.item, e.period, e.status, e.value, e.denominator, e.comment, e.file)
        return (*map(str, fields), e.cell)

    assert sorted(map(key, company.entries)) == sorted(map(key, expected.entries))
    macro = {(e.item, e.status, e.value, e.denominator) for e in company.entries if e.node == "E99"}
    assert macro == {
        ("ledning.enhet.a1", "Klar", None, None),
        ("ledning.enhet.m1", "", 4.0, None),
        ("kompetens.enhet.m1", "", 3.0, 4.0),
    }


def test_no_secret_and_no_macro_reaches_any_output(run: Run) -> None:
    said = "".join(r.stdout + r.stderr for r in run.results.values())
    assert SECRET not in said and MACRO.decode() not in said
    written = outputs(run.project)
    assert any(p.suffix == ".xlsx" for p in written)
    for path in written:
        blobs = [path.read_bytes()]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                assert not [n for n in zf.namelist() if "vbaproject" in n.lower()], path
                blobs += [zf.read(info) for info in zf.infolist()]
        for blob in blobs:
            assert SECRET.encode() not in blob and MACRO not in blob, path


def test_inputs_are_never_modified(run: Run) -> None:
    """Hashes of every input before and after validate, consolidate, build and documents."""
    assert {"validate", "consolidate"} <= set(run.results)
    assert run.after == run.before


def test_a_refused_file_alone_still_makes_consolidate_say_so(tmp_path: Path) -> None:
    """Without any other mistake in the inbox, one unreadable file is named and exits 1."""
    root = copy_project(tmp_path / "projekt")
    inbox = root / "inkorg"
    plan = load_project(root).plan
    keep = [p for p in sorted(inbox.glob("Enhet *.xlsx")) if read_workbook(p, plan).report.ok][:2]
    for path in inbox.iterdir():
        if path not in keep:
            path.unlink()
    (inbox / "Enhet Tom.xlsx").write_bytes(b"")
    result = invoke("consolidate", str(root))
    assert result.exit_code == 1
    assert "Avvisad: Enhet Tom.xlsx" in result.stdout and "[fil-tom]" in result.stdout
    assert (root / "utdata" / "problem" / "Problem – Enhet Tom.xlsx").is_file()
