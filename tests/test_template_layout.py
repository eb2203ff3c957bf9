"""`hpdocs templates` warns about layouts that print badly: rows that split, orphan headings."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from hpdocs.problems import Severity
from hpdocs.render.check import check_template
from hpdocs.resources import template_path


def codes(path: Path) -> list[str]:
    return [p.code for p in check_template(path)]


def test_builtin_templates_have_no_layout_warnings() -> None:
    for name in ("psb-verksamhetschef.docx", "styrelsebeslut.docx"):
        assert codes(template_path("word", name, None)) == [], name


def test_a_restyled_template_that_lets_rows_split_is_warned(tmp_path: Path) -> None:
    doc = Document()
    doc.add_heading("Rubrik utan håll ihop", level=2).paragraph_format.keep_with_next = False
    table = doc.add_table(rows=2, cols=1)
    table.rows[0].cells[0].text = "Rubrikrad"
    table.rows[1].cells[0].text = "{{ organisation }}"
    path = tmp_path / "egen.docx"
    doc.save(str(path))
    problems = check_template(path, {"organisation"})
    assert sorted(p.code for p in problems) == [
        "mall-rubrik-ensam",
        "mall-tabellrad-delas",
        "mall-tabellrubrik-upprepas-inte",
    ]
    assert all(p.severity is Severity.WARNING for p in problems)  # the template still works
    split = next(p for p in problems if p.code == "mall-tabellrad-delas")
    assert split.cell == "tabell 1" and "2 av 2 rader" in split.message
