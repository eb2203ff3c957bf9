"""Names in the heading of a repeated-column table (the PSB status matrix) never break mid-word.

Checked against Carlito's real glyph widths (Calibri's metrics, what LibreOffice draws), not the
estimate the code uses, so a wrong estimate fails here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from hpdocs.pipeline import consolidate_project
from hpdocs.project import load_project
from hpdocs.render.fit_tables import TWIPS_PER_MM, fit_headings
from hpdocs.render.word import render_psb

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CARLITO_BOLD = Path("/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf")
MARGINS_TWIPS = 120


def _longest_word_pt(text: str, size: float) -> float:
    from PIL import ImageFont

    font = ImageFont.truetype(str(CARLITO_BOLD), 1000)
    return max((font.getlength(w) for w in re.split(r"\s+", text) if w), default=0.0) * size / 1000


@pytest.mark.skipif(not CARLITO_BOLD.exists(), reason="Carlito is not installed")
def test_matrix_heading_words_fit_their_columns(tmp_path: Path) -> None:
    project = tmp_path / "vardbolaget"
    shutil.copytree(
        EXAMPLES / "vardbolaget", project, ignore=shutil.ignore_patterns("utdata", ".hpdocs-cache")
    )
    result = consolidate_project(load_project(project), "Q3", use_cache=False)
    # Primärvård has four units, one of them "Barnavårdscentralen Centrum"
    vo = next(
        r
        for r in result.business_areas.values()
        if len(r.completeness.reported) + len(r.completeness.empty) >= 5
    )
    doc = Document(str(render_psb(vo, tmp_path / "vo.docx")))
    table = doc.tables[0]
    heading = table.rows[0]
    names = [c.text for c in heading.cells]
    assert any("Barnavårdscentralen" in n for n in names)
    for cell in heading.cells:
        width_pt = (int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) - MARGINS_TWIPS) / 20
        sizes = {r.font.size.pt if r.font.size else 9.0 for p in cell.paragraphs for r in p.runs}
        assert sizes and min(sizes) >= 7.0, "the heading stays readable"
        assert _longest_word_pt(cell.text, max(sizes)) <= width_pt, cell.text
    assert sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))) <= 174 * 57


def test_few_columns_keep_the_template_widths_and_size() -> None:
    widths = [int(42 * TWIPS_PER_MM), 4000, 4000, int(30 * TWIPS_PER_MM)]
    new, size, rotate = fit_headings(
        widths, ["Område", "Primärvård", "Äldreomsorg", "Bolagets egen bedömning"], 0, True, 9.0, 0.9
    )
    assert (new[0], size, rotate) == (widths[0], 9.0, False)
    assert sum(new) == sum(widths)


def test_many_units_turn_their_headings_instead_of_breaking_words() -> None:
    names = [f"Vårdcentralen Nummer{i}" for i in range(8)]
    total = int(174 * TWIPS_PER_MM)
    share = (total - int(72 * TWIPS_PER_MM)) // 8
    widths = [int(42 * TWIPS_PER_MM), *[share] * 8, int(30 * TWIPS_PER_MM)]
    new, size, rotate = fit_headings(
        widths, ["Område", *names, "Verksamhetsområdets egen bedömning"], 0, True, 9.0, 0.9
    )
    assert rotate and size >= 7.0
    assert sum(new) <= total and new[0] >= 28 * TWIPS_PER_MM
