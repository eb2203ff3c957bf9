"""The template check lists tags and finds what Word does to them."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation
from pptx.util import Inches

from hpdocs.planfile import load_plan
from hpdocs.problems import Severity
from hpdocs.render.board_context import board_context
from hpdocs.render.check import KNOWN_TEMPLATES, check_template, check_templates, template_tags
from hpdocs.render.context import BOARD_KEYS, PSB_KEYS
from hpdocs.render.word import render_docx
from hpdocs.resources import template_path


def make_docx(
    path: Path,
    *paragraphs: str,
    runs: list[list[str]] | None = None,
    table: list[str] | None = None,
) -> Path:
    """A .docx with one paragraph per string; `runs` adds paragraphs split into several runs."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    for parts in runs or []:
        paragraph = doc.add_paragraph()
        for part in parts:
            paragraph.add_run(part)
    if table:
        t = doc.add_table(rows=len(table), cols=1)
        for row, text in zip(t.rows, table, strict=True):
            row.cells[0].text = text
    doc.save(str(path))
    return path


def codes(problems: list) -> list[tuple[str, str]]:
    return [(p.code, str(p.severity)) for p in problems]


@pytest.mark.parametrize("name", sorted(KNOWN_TEMPLATES))
def test_builtin_templates_are_clean(name: str) -> None:
    path = template_path("word", name)
    assert check_template(path) == []
    assert check_template(path, set(KNOWN_TEMPLATES[name])) == []


def test_check_templates_checks_both_builtin_templates() -> None:
    result = check_templates()
    assert sorted(p.name for p in result) == sorted(KNOWN_TEMPLATES)
    assert all(problems == [] for problems in result.values())


def test_builtin_templates_list_their_tags() -> None:
    psb = template_tags(template_path("word", "psb-verksamhetschef.docx"))
    assert "{%p for area in areas %}" in psb
    assert "{%tr for a in area.activities %}" in psb
    assert "{{ c.text }}" in psb and "{{ organisation }}" in psb  # header too
    board = template_tags(template_path("word", "styrelsebeslut.docx"))
    assert "{{ decision }}" in board and "{{ row.followups }}" in board
    assert "{{ signer_title }}" in board


def test_known_keys_are_the_context_keys() -> None:
    assert KNOWN_TEMPLATES == {
        "psb-verksamhetschef.docx": PSB_KEYS,
        "styrelsebeslut.docx": BOARD_KEYS,
    }


def test_tags_split_across_runs_are_found(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "runs.docx", runs=[["Hej {{ orga", "nisation", " }}!"]])
    assert template_tags(path) == ["{{ organisation }}"]
    assert check_template(path, {"organisation"}) == []


def test_curly_quotes_are_reported(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "citat.docx",
        "{{ regional.areas|join(“, ”) }}",
        "{{ regional.areas|join(„, ”) }}",
    )
    problems = check_template(path, {"regional"})
    assert codes(problems) == [
        ("mall-krullig-citattecken", "varning"),  # docxtpl straightens “ ” itself
        ("mall-krullig-citattecken", "fel"),  # „ is not straightened: the tag breaks,
        ("mall-trasig-tagg", "fel"),  # ... which Jinja then reports as well
    ]
    assert problems[0].file == "citat.docx" and problems[0].sheet == "brödtext"
    assert problems[0].cell == "stycke 1" and problems[1].cell == "stycke 2"


def test_broken_tags_are_reported(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "trasig.docx", "Rubrik", "{{ area.title }", "{% if x %}")
    problems = check_template(path, {"area", "x"})
    assert ("mall-trasig-tagg", "fel") in codes(problems)
    broken = [p for p in problems if "inte är hel" in p.message]
    assert broken and broken[0].cell == "stycke 2"
    syntax = [p for p in problems if "Jinja" in p.message]
    assert syntax and syntax[0].cell.startswith("rad ")


def test_unclosed_loop_is_reported_with_its_line(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "loop.docx", "Rubrik", "{%p for area in areas %}", "{{ area.title }}")
    problems = check_template(path, {"areas"})
    assert [p.code for p in problems] == ["mall-trasig-tagg"]
    assert "endfor" in problems[0].message


def test_unknown_variables_are_reported(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "okand.docx",
        "{{ organisation }}",
        "{{ organsation }}",
        "{% for a in areas %}{{ a.x }}{% endfor %}",
    )
    problems = check_template(path, {"organisation", "areas"})
    assert [(p.code, p.cell) for p in problems] == [("mall-okand-variabel", "stycke 2")]
    assert '"organsation"' in problems[0].message


def test_unknown_variables_after_a_render(tmp_path: Path) -> None:
    """get_undeclared_template_variables returns nothing on a rendered instance (#585)."""
    path = make_docx(tmp_path / "efter.docx", "{{ a }}{{ b }}")
    render_docx(path, {"a": "1", "b": "2"}, tmp_path / "ut.docx")
    assert [p.code for p in check_template(path, {"a"})] == ["mall-okand-variabel"]


def test_sample_context_finds_misspelt_attributes(tmp_path: Path) -> None:
    plan = load_plan("hp-2022")
    context = board_context(plan, organisation_name="X", year=2022)
    path = make_docx(tmp_path / "attr.docx", "{%p for area in areas %}", "{{ area.titel }}", "{%p endfor %}")
    assert check_template(path, set(context)) == []  # top-level names are all fine
    problems = check_template(path, set(context), context=context)
    assert [p.code for p in problems] == ["mall-trasig-tagg"]
    assert "titel" in problems[0].message


def test_structure_mistakes(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "struktur.docx",
        "{%tr for a in areas %}",
        "Text {%p if areas %}",
        "{%p endif %}",
        table=["{%tr for b in areas %}", "{{ b }}", "{%tr endfor %}"],
    )
    problems = check_template(path, {"areas"})
    messages = [(p.code, p.severity, p.cell) for p in problems]
    assert ("mall-trasig-tagg", Severity.ERROR, "stycke 1") in messages  # {%tr outside a table
    assert ("mall-trasig-tagg", Severity.WARNING, "stycke 2") in messages  # text lost with {%p


def test_unreadable_files(tmp_path: Path) -> None:
    text = tmp_path / "text.docx"
    text.write_text("inte ett dokument")
    assert [p.code for p in check_template(text)] == ["mall-olasbar"]
    xlsx_like = tmp_path / "fel.docx"
    import zipfile

    with zipfile.ZipFile(xlsx_like, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    problems = check_template(xlsx_like)
    assert [p.code for p in problems] == ["mall-olasbar"]
    assert "Word-dokument" in problems[0].message


def test_pptx_placeholders_are_listed(tmp_path: Path) -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1))
    box.text_frame.text = "Status för {{ scope }} – {{ periodd }}"
    box.text_frame.add_paragraph().text = "{{ “scope” }}"
    path = tmp_path / "bilder.pptx"
    prs.save(str(path))
    assert template_tags(path) == ["{{ scope }}", "{{ periodd }}", "{{ “scope” }}"]
    assert check_template(path) == [p for p in check_template(path) if p.code == "mall-krullig-citattecken"]
    problems = check_template(path, {"scope", "period"})
    assert sorted(p.code for p in problems) == ["mall-krullig-citattecken", "mall-okand-variabel"]
    assert next(p for p in problems if p.code == "mall-okand-variabel").sheet == "bild 1"


def test_builtin_pptx_template_is_readable() -> None:
    path = template_path("pptx", "mum-status.pptx")
    if not path.is_file():
        pytest.skip("PowerPoint-mallen finns inte ännu")
    assert check_template(path) == []
