"""Word documents: the PSB chapter and the board document carry every text intact."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from hpdocs.consolidate import Rollup, consolidate
from hpdocs.errors import TemplateError
from hpdocs.org import Node, Organisation
from hpdocs.plan import Plan
from hpdocs.planfile import load_plan
from hpdocs.render.board_context import board_context
from hpdocs.render.context import BOARD_KEYS, PSB_KEYS, text
from hpdocs.render.pdf import libreoffice_available, to_pdf
from hpdocs.render.psb_context import psb_context
from hpdocs.render.word import render_board, render_docx, render_psb
from hpdocs.workbook.read import KIND_ACTIVITY, KIND_MEASURE, KIND_OWN, KIND_STATUS, Entry

TRICKY = 'Tom & Jerry <b>fet</b> "rakt" ’krulligt’ 🙂 åäö ÅÄÖ {{ 7*7 }}'
MULTILINE = "Första raden\nAndra raden & mer\nTredje <rad>"
ORG_NAME = "Vårdbolaget & Co AB"


# ---------------------------------------------------------------- test data


def make_org() -> Organisation:
    nodes = [
        Node("bolag", ORG_NAME, "bolag"),
        Node("vo1", "VO Somatik & Rehab", "vo", "bolag", manager="Åsa Öberg"),
        Node("e1", "Avd 1 <Akut>", "enhet", "vo1"),
        Node("e2", "Hemtjänst Öster", "enhet", "vo1"),
        Node("e3", "Enhet Norr", "enhet", "vo1"),
        Node("e4", "Enhet Syd", "enhet", "vo1"),
        Node("vo2", "VO Psykiatri", "vo", "bolag"),
        Node("e5", "Psykiatrimottagningen", "enhet", "vo2"),
    ]
    return Organisation({n.id: n for n in nodes})


def vc_comment(activity_id: str) -> str:
    return f"VC om {activity_id}: {TRICKY}\n{MULTILINE}"


def make_entries(plan: Plan, period: str = "Q3") -> list[Entry]:
    entries: list[Entry] = []
    for area in plan.areas:
        for row in area.rows:
            for pos, activity in enumerate(row.activities):
                if row.level == "bolag":
                    entries.append(Entry("bolag", area.id, activity.id, KIND_ACTIVITY, period, status="Klar"))
                if row.level == "vo":
                    entries.append(
                        Entry(
                            "vo1",
                            area.id,
                            activity.id,
                            KIND_ACTIVITY,
                            period,
                            status="Pågår enligt plan",
                            comment=vc_comment(activity.id),
                        )
                    )
                if row.level == "enhet":
                    entries.append(
                        Entry(
                            "e1",
                            area.id,
                            activity.id,
                            KIND_ACTIVITY,
                            period,
                            status="Klar",
                            comment=f"Akuten: {MULTILINE}",
                        )
                    )
                    # e2 leaves the second activity without status
                    status = "Försenad" if pos == 0 else ""
                    entries.append(Entry("e2", area.id, activity.id, KIND_ACTIVITY, period, status=status))
            for measure in row.measures:
                node = {"bolag": "bolag", "vo": "vo1", "enhet": "e1"}[row.level]
                entries.append(
                    Entry(node, area.id, measure.id, KIND_MEASURE, period, value=3.0, denominator=4.0)
                )
        entries.append(
            Entry(
                "vo1",
                area.id,
                f"{area.id}.status",
                KIND_STATUS,
                period,
                status="Delvis enligt plan",
                comment=f"Status {area.id}\n{TRICKY}",
            )
        )
        entries.append(
            Entry(
                "e2",
                area.id,
                f"{area.id}.status",
                KIND_STATUS,
                period,
                status="Enligt plan",
                comment=f"Enhetens syn på {area.id}",
            )
        )
        entries.append(
            Entry(
                "e1",
                area.id,
                f"{area.id}.egen:x",
                KIND_OWN,
                period,
                status="Påbörjad",
                text=f"Egen aktivitet i {area.id} {TRICKY}",
                comment="Egen\nkommentar",
            )
        )
    return entries


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan("hp-2022")


@pytest.fixture(scope="module")
def rollup(plan: Plan) -> Rollup:
    return consolidate(
        plan,
        make_org(),
        "vo1",
        "Q3",
        2022,
        make_entries(plan),
        submitted=["vo1", "e1", "e2"],
        rejected=["e4"],
    )


@pytest.fixture(scope="module")
def company_rollup(plan: Plan) -> Rollup:
    return consolidate(
        plan,
        make_org(),
        "bolag",
        "Q4",
        2022,
        make_entries(plan, "Q4"),
        submitted=["bolag", "vo1", "e1", "e2"],
    )


# ---------------------------------------------------------------- helpers


def doc_text(path: Path) -> str:
    """All paragraph and table-cell text, headers included, one block per paragraph."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return "\n".join(parts)


def table_cells(path: Path) -> list[str]:
    return [cell.text for table in Document(str(path)).tables for row in table.rows for cell in row.cells]


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml").decode("utf-8")


def write_template(path: Path, *paragraphs: str) -> Path:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(str(path))
    return path


# ---------------------------------------------------------------- context


def test_context_is_plain_data(rollup: Rollup, plan: Plan) -> None:
    from docxtpl import Listing

    def walk(value: object) -> None:
        if isinstance(value, dict):
            assert all(isinstance(k, str) for k in value)
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert isinstance(value, str | int | float | bool | Listing), type(value)

    walk(psb_context(rollup))
    walk(board_context(plan, organisation_name="X", year=2022, signer="Eva", regional_plan=plan))


def test_documented_keys_match_contexts(rollup: Rollup, plan: Plan) -> None:
    assert set(psb_context(rollup)) == PSB_KEYS
    assert set(board_context(plan, organisation_name="X", year=2022)) == BOARD_KEYS
    docs = (Path(__file__).resolve().parents[1] / "docs" / "mallar.md").read_text(encoding="utf-8")
    for key in PSB_KEYS | BOARD_KEYS:
        assert f"`{key}" in docs, f"{key} saknas i docs/mallar.md"


def test_text_keeps_lines_and_drops_illegal_characters() -> None:
    assert text("a\r\nb").xml == "a\nb"
    assert text("en rad") == "en rad"
    assert text("") == ""
    assert text("a\x01b\x07c\x0cd") == "abcd"


def test_psb_context_counts_and_names(rollup: Rollup) -> None:
    ctx = psb_context(rollup)
    assert ctx["completeness"]["missing"] == ["Enhet Norr"]
    assert ctx["completeness"]["rejected"] == ["Enhet Syd"]
    assert ctx["organisation"] == ORG_NAME
    area = ctx["areas"][0]
    assert area["status"] == "Delvis enligt plan"
    unit_level = area["below"][0]
    first, second = unit_level["activities"][:2]
    assert [c["count"] for c in first["counts"]] == [1, 1]  # Försenad, Klar
    assert "Hemtjänst Öster" in second["not_reported_text"]
    assert "Enhet Norr (inte inlämnad)" in first["not_reported_text"]
    assert "Enhet Syd (avvisad)" in first["not_reported_text"]


# ---------------------------------------------------------------- PSB


def test_psb_contains_every_area_activity_and_comment(rollup: Rollup, tmp_path: Path) -> None:
    out = render_psb(rollup, tmp_path / "psb.docx", generated=date(2022, 10, 3))
    content = doc_text(out)
    for result in rollup.areas:
        assert result.area.title in content
        for activity in result.activities:
            assert activity.text in content
        for entry in result.own_activities:
            assert entry.text in content
        for entry in result.comments:
            assert entry.comment in content, entry.comment
    assert "Enhet Norr" in content and "Enhet Syd" in content
    assert ORG_NAME in content  # header
    assert "Kvartal 3 2022" in content
    assert list(tmp_path.iterdir()) == [out]  # nothing left over from the atomic write


def test_psb_keeps_special_characters_and_line_breaks(rollup: Rollup, tmp_path: Path) -> None:
    out = render_psb(rollup, tmp_path / "psb.docx")
    content = doc_text(out)
    assert TRICKY in content  # & < > quotes, emoji, åäö and a literal {{ 7*7 }}
    assert MULTILINE in content  # python-docx reads <w:br/> back as \n
    xml = document_xml(out)
    assert "Första raden</w:t><w:br/>" in xml
    assert "&amp; Jerry &lt;b&gt;" in xml
    assert "{{" not in xml.replace("{{ 7*7 }}", "")  # every tag was rendered


def test_psb_for_an_empty_period(plan: Plan, tmp_path: Path) -> None:
    empty = consolidate(plan, make_org(), "vo1", "Q1", 2022, [], submitted=[])
    content = doc_text(render_psb(empty, tmp_path / "tom.docx"))
    assert "Tillagda aktiviteter" not in content  # an empty section is left out
    assert "har rapporterat för Kvartal 1." in content
    assert "Ej rapporterad" in content


def test_user_control_characters_do_not_break_the_document(plan: Plan, tmp_path: Path) -> None:
    area = plan.areas[0]
    activity = area.row("vo").activities[0]  # type: ignore[union-attr]
    entries = [
        Entry(
            "vo1",
            area.id,
            activity.id,
            KIND_ACTIVITY,
            "Q2",
            status="Klar",
            comment="a\x07b\x0cc\x00d\x0be",
        )
    ]
    rollup = consolidate(plan, make_org(), "vo1", "Q2", 2022, entries, submitted=["vo1"])
    out = render_psb(rollup, tmp_path / "psb.docx")
    assert "abcd\ne" in doc_text(out)


# ---------------------------------------------------------------- board


def expected_lines(plan: Plan) -> list[str]:
    lines = []
    for area in plan.areas:
        for row in area.rows:
            for item in (*row.activities, *row.measures, *row.followups):
                lines.append(f"{item.number}. {item.text}" if item.number else item.text)
    return lines


def test_board_contains_every_plan_text(plan: Plan, tmp_path: Path) -> None:
    out = render_board(
        plan, tmp_path / "styrelse.docx", organisation_name=ORG_NAME, year=2022, signer="Eva Ek"
    )
    cells = "\n".join(table_cells(out))
    for line in expected_lines(plan):
        assert line in cells, line
    content = doc_text(out)
    for area in plan.areas:
        assert area.title in content
        assert area.priority.splitlines()[0] in content
        for row in area.rows:
            assert row.label in cells
    for instruction in plan.instructions:
        assert instruction in content
    assert f"Styrelsen godkänner {plan.title} 2022." in content
    assert "Eva Ek" in content and "Chefläkare" in content
    assert "Status per område" not in content


def test_board_with_regional_plan_and_no_status(plan: Plan, tmp_path: Path) -> None:
    regional = replace(
        plan,
        title="Regional handlingsplan för ökad patientsäkerhet",
        years=(2022, 2023, 2024),
        goals=("Ökad kompetens & <samverkan>",),
    )
    out = render_board(
        plan,
        tmp_path / "s.docx",
        organisation_name=ORG_NAME,
        year=2022,
        signer="Chefläkare",
        regional_plan=regional,
    )
    content = doc_text(out)
    assert "Status per område" not in content
    assert "Regional handlingsplan för ökad patientsäkerhet 2022–2024" in content
    assert "Ökad kompetens & <samverkan>" in content
    assert content.count("Chefläkare") >= 1 and "\nChefläkare\nChefläkare" not in content


def test_board_with_the_builtin_regional_plan(plan: Plan, tmp_path: Path) -> None:
    regional = load_plan("region-2022-2024")
    out = render_board(
        plan, tmp_path / "s.docx", organisation_name=ORG_NAME, year=2022, regional_plan=regional
    )
    content = doc_text(out)
    assert regional.title in content
    assert f"{regional.title} 2022" not in content  # its title already names the years
    for goal in regional.goals:
        assert goal in content
    for area in regional.areas:
        assert area.title in content


def test_template_renders_twice(plan: Plan, tmp_path: Path) -> None:
    for name in ("a.docx", "b.docx"):
        render_board(plan, tmp_path / name, organisation_name="X", year=2022)
    assert doc_text(tmp_path / "a.docx") == doc_text(tmp_path / "b.docx")


# ---------------------------------------------------------------- sandbox and errors


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ organisation.__class__ }}",
        "{{ 'x' * 100000000 }}",
        "{% set l = [] %}{{ l.append(1) }}",
        "{{ organisation|safe }}",  # raw XML into the document
        "{{ range(10**9)|list }}",
        "{{ lipsum(10**6) }}",
        "{{ 2**100000 }}",
    ],
)
def test_hostile_template_is_refused(hostile: str, tmp_path: Path) -> None:
    template = write_template(tmp_path / "ond.docx", "Hej", hostile)
    with pytest.raises(TemplateError) as info:
        render_docx(template, {"organisation": "X"}, tmp_path / "ut.docx")
    assert "ond.docx" in str(info.value)
    assert not (tmp_path / "ut.docx").exists()


def test_broken_template_names_file_line_and_text(tmp_path: Path) -> None:
    template = write_template(tmp_path / "trasig.docx", "Rubrik", "{% for a in areas %}", "{{ a.title }}")
    with pytest.raises(TemplateError) as info:
        render_docx(template, {"areas": []}, tmp_path / "ut.docx")
    message = str(info.value)
    assert "trasig.docx" in message and "rad" in message and "endfor" in message


def test_unknown_name_is_an_error(tmp_path: Path) -> None:
    template = write_template(tmp_path / "okand.docx", "{{ organsation }}")
    with pytest.raises(TemplateError, match="organsation"):
        render_docx(template, {"organisation": "X"}, tmp_path / "ut.docx")


def test_missing_or_unreadable_template(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="finns inte"):
        render_docx(tmp_path / "saknas.docx", {}, tmp_path / "ut.docx")
    bad = tmp_path / "inte.docx"
    bad.write_text("inget word-dokument")
    with pytest.raises(TemplateError, match="kan inte läsas"):
        render_docx(bad, {}, tmp_path / "ut.docx")


def test_project_template_overrides_builtin(plan: Plan, tmp_path: Path) -> None:
    (tmp_path / "mallar" / "word").mkdir(parents=True)
    write_template(tmp_path / "mallar" / "word" / "styrelsebeslut.docx", "Egen mall: {{ title }}")
    out = render_board(
        plan,
        tmp_path / "s.docx",
        organisation_name="X",
        year=2022,
        templates_dir=tmp_path / "mallar",
    )
    assert doc_text(out).startswith(f"Egen mall: {plan.title} 2022")


# ---------------------------------------------------------------- PDF


@pytest.mark.libreoffice
@pytest.mark.skipif(
    not libreoffice_available(),
    reason="LibreOffice (soffice) saknas; installera libreoffice-writer-nogui",
)
def test_pdf_export(rollup: Rollup, plan: Plan, tmp_path: Path) -> None:
    psb = render_psb(rollup, tmp_path / "psb.docx")
    board = render_board(plan, tmp_path / "styrelse.docx", organisation_name=ORG_NAME, year=2022)
    for docx in (psb, board):
        pdf = to_pdf(docx, tmp_path / "pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            extracted = subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert "Verksamhetschef" in extracted or "Styrelsen godkänner" in extracted


@pytest.mark.libreoffice
@pytest.mark.skipif(
    not libreoffice_available(),
    reason="LibreOffice (soffice) saknas; installera libreoffice-writer-nogui",
)
def test_pdf_conversions_can_run_at_once(plan: Plan, tmp_path: Path) -> None:
    """Each run has its own LibreOffice profile; shared profiles fail silently."""
    from concurrent.futures import ThreadPoolExecutor

    docs = [
        render_board(plan, tmp_path / f"s{i}.docx", organisation_name=f"Bolag {i}", year=2022)
        for i in range(3)
    ]
    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(lambda d: to_pdf(d, tmp_path / "pdf"), docs))
    assert [p.name for p in pdfs] == ["s0.pdf", "s1.pdf", "s2.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["s0.pdf", "s1.pdf", "s2.pdf"]


def fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    return script


def test_pdf_missing_output_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "HPDOCS_SOFFICE",
        str(fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2; exit 0")),
    )
    docx = write_template(tmp_path / "a.docx", "Hej")
    with pytest.raises(TemplateError, match="could not be loaded"):
        to_pdf(docx, tmp_path / "ut")
    assert not (tmp_path / "ut" / "a.pdf").exists()


def test_pdf_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HPDOCS_SOFFICE", str(fake_soffice(tmp_path, "sleep 30")))
    docx = write_template(tmp_path / "a.docx", "Hej")
    with pytest.raises(TemplateError, match=r"inom 0\.5 sekunder"):
        to_pdf(docx, tmp_path / "ut", timeout=0.5)


def test_pdf_without_libreoffice_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HPDOCS_SOFFICE", str(tmp_path / "finns-inte"))
    monkeypatch.setenv("PATH", str(tmp_path))
    docx = write_template(tmp_path / "a.docx", "Hej")
    with pytest.raises(TemplateError, match="LibreOffice saknas"):
        to_pdf(docx, tmp_path)
