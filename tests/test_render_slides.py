"""The November MUM slides: content, status colours, native charts, no overflow."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

from hpdocs.consolidate import Rollup, consolidate
from hpdocs.org import Node, Organisation
from hpdocs.plan import AreaKind, MeasureKind, Plan
from hpdocs.planfile import load_plan
from hpdocs.render import slide_layout as sl
from hpdocs.render.pdf import to_pdf
from hpdocs.render.slides import (
    PROPOSED,
    STATUS_FILLS,
    TABLE_HEADINGS,
    render_company_overview,
    render_slides,
    status_fill,
)
from hpdocs.workbook.read import KIND_ACTIVITY, KIND_MEASURE, KIND_OWN, KIND_STATUS, Entry

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "pptx" / "mum-status.pptx"
LONG_COMMENT = ("Vi har haft hög personalomsättning & många nya medarbetare <under> hösten. " * 40)[:2000]
COMMENT_NOTE = "(Hela kommentaren finns i sammanställningen.)"
SPECIAL = 'Bra APT-dialog & "riskronder" <3 😀\nRad två – med radbrytning.\x07'


# --- factories ----------------------------------------------------------------------


def make_org(units: dict[str, int]) -> Organisation:
    """A company with business areas named VO1.. and the given number of units each."""
    nodes = {"B": Node("B", "Vårdbolaget AB", "bolag")}
    for number, (vo, count) in enumerate(units.items(), start=1):
        nodes[f"VO{number}"] = Node(f"VO{number}", vo, "vo", "B")
        for u in range(1, count + 1):
            nodes[f"E{number}{u:02d}"] = Node(f"E{number}{u:02d}", f"{vo} enhet {u}", "enhet", f"VO{number}")
    return Organisation(nodes)


def make_entries(plan: Plan, org: Organisation, *, period: str = "Q4", comment: str = "") -> list[Entry]:
    """Every node reports every activity, measure and area status; deterministic values."""
    entries: list[Entry] = []
    statuses = [s for s in plan.statuses if s != "Ej aktuell"]
    for n, node in enumerate(sorted(org.nodes.values(), key=lambda x: x.id)):
        for a, area in enumerate(plan.areas):
            row = area.row(node.level)
            if row is None:
                continue
            for i, activity in enumerate(row.activities):
                status = statuses[(n + a + i) % len(statuses)]
                entries.append(Entry(node.id, area.id, activity.id, KIND_ACTIVITY, period, status=status))
            for i, measure in enumerate(row.measures):
                value, denominator = float((n * 3 + i) % 7 + 1), None
                if measure.kind is MeasureKind.SHARE:
                    denominator = value + 3
                elif measure.kind is MeasureKind.YESNO:
                    value = float((n + i) % 2)
                elif measure.kind is MeasureKind.TARGET:
                    value = 50.0 + 5 * ((n + i) % 5)
                text = f"Mätkommentar {node.name}" if measure.kind is MeasureKind.TEXT else ""
                entries.append(
                    Entry(
                        node.id,
                        area.id,
                        measure.id,
                        KIND_MEASURE,
                        period,
                        value=value,
                        denominator=denominator,
                        comment=text,
                    )
                )
            area_status = plan.area_statuses[(n + a) % len(plan.area_statuses)]
            note = comment or f"{node.name} om {area.title}: arbetet fortsätter."
            entries.append(
                Entry(
                    node.id,
                    area.id,
                    f"{area.id}.status",
                    KIND_STATUS,
                    period,
                    status=area_status,
                    comment=note,
                )
            )
        if node.level == "enhet":
            first = plan.areas[0]
            text = f"Egen aktivitet från {node.name}: daglig riskgenomgång"
            entries.append(
                Entry(
                    node.id,
                    first.id,
                    f"{first.id}.egen:{text}",
                    KIND_OWN,
                    period,
                    status="Påbörjad",
                    text=text,
                )
            )
    return entries


def vo_rollup(
    plan: Plan, org: Organisation, entries: list[Entry], vo: str = "VO1", **kwargs: object
) -> Rollup:
    submitted = kwargs.pop("submitted", [n.id for n in org.scope(vo)])
    return consolidate(plan, org, vo, "Q4", 2022, entries, submitted=submitted, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan("hp-2022")


@pytest.fixture(scope="module")
def org() -> Organisation:
    return make_org({"Äldreomsorg": 5, "Psykiatri": 3})


# --- reading a deck back -----------------------------------------------------------


def texts_of(shape) -> list[str]:
    if shape.has_table:
        return [cell.text for row in shape.table.rows for cell in row.cells]
    if shape.has_text_frame:
        return [shape.text_frame.text]
    return []


def deck_text(path: Path) -> str:
    prs = Presentation(str(path))
    return "\n".join(t for slide in prs.slides for shape in slide.shapes for t in texts_of(shape))


def status_tables(path: Path) -> list:
    prs = Presentation(str(path))
    headings = {TABLE_HEADINGS[k] for k in AreaKind}
    return [
        s.table
        for slide in prs.slides
        for s in slide.shapes
        if s.has_table and s.table.cell(0, 0).text in headings
    ]


def slide_titles(path: Path) -> list[str]:
    prs = Presentation(str(path))
    return [
        next((p.text_frame.text for p in slide.placeholders if p.placeholder_format.idx == 0), "")
        for slide in prs.slides
    ]


def theme_scale(prs) -> float:
    """How much wider than Arial the deck's theme font sets text (see slide_layout.font_scale)."""
    theme = prs.slide_master.part.part_related_by(RT.THEME).blob.decode()
    return sl.font_scale(*re.findall(r'<a:latin typeface="([^"]*)"', theme))


def assert_no_overflow(path: Path) -> None:
    """Every shape ends on the slide, and the text of every table row fits the row as drawn."""
    prs = Presentation(str(path))
    height = prs.slide_height
    scale = theme_scale(prs)
    for number, slide in enumerate(prs.slides, start=1):
        frames = [s.text_frame for s in slide.shapes if s.has_text_frame]
        frames += [c.text_frame for s in slide.shapes if s.has_table for r in s.table.rows for c in r.cells]
        sizes = [r.font.size.pt for f in frames for p in f.paragraphs for r in p.runs]
        assert all(size >= 12 for size in sizes), f"bild {number}: text under 12 punkter"
        for shape in slide.shapes:
            assert shape.top + shape.height <= height, f"bild {number}: {shape.name} går utanför bilden"
            if shape.has_table:
                total = 0.0
                for row in shape.table.rows:
                    needed = 0.0
                    for cell, column in zip(row.cells, shape.table.columns, strict=True):
                        runs = [r for p in cell.text_frame.paragraphs for r in p.runs]
                        size = runs[0].font.size.pt if runs else 12.0
                        inner = Emu(column.width).pt - Emu(cell.margin_left).pt - Emu(cell.margin_right).pt
                        inner /= scale
                        bold = bool(runs and runs[0].font.bold)
                        needed = max(
                            needed,
                            sl.text_height(cell.text, inner, size, bold=bold) + 2 * sl.CELL_MARGIN_Y,
                        )
                    assert needed <= Emu(row.height).pt + 0.5, (
                        f"bild {number}: en tabellrad är för låg för sin text"
                    )
                    total += needed
                assert Emu(shape.top).pt + total <= Emu(height).pt, (
                    f"bild {number}: tabellen går utanför bilden"
                )
            elif shape.has_text_frame and shape.text_frame.text:
                runs = [r for p in shape.text_frame.paragraphs for r in p.runs]
                size = runs[0].font.size.pt if runs and runs[0].font.size else 18.0
                frame = shape.text_frame
                inner = Emu(shape.width).pt - Emu(frame.margin_left).pt - Emu(frame.margin_right).pt
                inner /= scale
                needed = sl.text_height(frame.text, inner, size, bold=bool(runs and runs[0].font.bold))
                assert Emu(shape.top).pt + needed <= Emu(height).pt, (
                    f"bild {number}: texten går utanför bilden"
                )
                assert needed <= Emu(shape.height).pt + 0.5, (
                    f"bild {number}: texten {frame.text[:40]!r} ryms inte i sin ruta"
                )


# --- tests -------------------------------------------------------------------------


def test_template_has_three_layouts_and_no_slides() -> None:
    prs = Presentation(str(TEMPLATE))
    assert len(prs.slides) == 0
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    names = [layout.name for layout in prs.slide_layouts]
    assert names == ["Titelbild", "Rubrik och innehåll", "Endast rubrik"]
    for layout in prs.slide_layouts:
        assert 0 in {p.placeholder_format.idx for p in layout.placeholders}


def test_status_tables_show_every_area_with_priority_and_status(
    plan: Plan, org: Organisation, tmp_path: Path
) -> None:
    rollup = vo_rollup(plan, org, make_entries(plan, org))
    out = render_slides(rollup, tmp_path / "vo.pptx", organisation_name="Vårdbolaget")
    tables = status_tables(out)
    kinds = [k for k in AreaKind if plan.areas_of(k)]
    assert [t.cell(0, 0).text for t in tables] == [TABLE_HEADINGS[k] for k in kinds]
    cells = {
        (t.cell(r, 0).text, t.cell(r, 1).text): t.cell(r, 2) for t in tables for r in range(1, len(t.rows))
    }
    for result in rollup.areas:
        cell = cells[(result.area.report_title, result.area.report_priority)]
        assert cell.text == result.own_status
        assert cell.fill.fore_color.rgb == RGBColor.from_string(status_fill(plan, result.status))
    assert "Status handlingsplan – Äldreomsorg – Kvartal 4 2022" in slide_titles(out)[0]
    assert "November-MUM" in deck_text(out)


def test_status_colours_follow_the_scale(plan: Plan) -> None:
    good, partly, bad = plan.area_statuses
    assert status_fill(plan, good) == STATUS_FILLS["good"]
    assert status_fill(plan, partly) == STATUS_FILLS["partly"]
    assert status_fill(plan, bad) == STATUS_FILLS["bad"] == "F08080"
    assert status_fill(plan, "Ej bedömd") == STATUS_FILLS["none"]


def test_proposed_status_is_marked(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    entries = [e for e in make_entries(plan, org) if not (e.kind == KIND_STATUS and e.node == "VO1")]
    rollup = vo_rollup(plan, org, entries)
    out = render_slides(rollup, tmp_path / "vo.pptx")
    status_cells = [t.cell(r, 2) for t in status_tables(out) for r in range(1, len(t.rows))]
    for cell, result in zip(status_cells, rollup.areas, strict=True):
        assert not result.own_status
        assert cell.text.replace("\n", " ") == f"{result.proposed_status} {PROPOSED}"
        assert cell.fill.fore_color.rgb == RGBColor.from_string(status_fill(plan, result.proposed_status))


def test_ej_enligt_plan_is_red(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    bad = plan.area_statuses[-1]
    entries = [
        e if e.kind != KIND_STATUS else Entry(e.node, e.area, e.item, e.kind, e.period, status=bad)
        for e in make_entries(plan, org)
    ]
    out = render_slides(vo_rollup(plan, org, entries), tmp_path / "vo.pptx")
    for table in status_tables(out):
        for r in range(1, len(table.rows)):
            assert table.cell(r, 2).text == bad
            assert table.cell(r, 2).fill.fore_color.rgb == RGBColor(0xF0, 0x80, 0x80)


def test_key_comments_and_every_own_activity_appear(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    rollup = vo_rollup(plan, org, make_entries(plan, org))
    text = deck_text(render_slides(rollup, tmp_path / "vo.pptx"))
    for area in rollup.areas:  # the first unit's own assessment of every area is among the key comments
        first = next(e for e in area.comments if e.item.endswith(".status") and e.node != rollup.scope.id)
        assert f"{rollup.label(first.node)}: {first.comment[:1].upper()}{first.comment[1:]}" in text
    small = make_org({"Äldreomsorg": 2})
    rollup = vo_rollup(plan, small, make_entries(plan, small))
    text = deck_text(render_slides(rollup, tmp_path / "liten.pptx"))
    assert [e for a in rollup.areas for e in a.own_activities]
    for entry in (e for a in rollup.areas for e in a.own_activities):
        assert f"Egen aktivitet: {entry.text}" in text
        assert f"{rollup.label(entry.node)}: {entry.status}" in text


def test_user_text_keeps_special_characters_and_line_breaks(
    plan: Plan, org: Organisation, tmp_path: Path
) -> None:
    rollup = vo_rollup(plan, org, make_entries(plan, org, comment=SPECIAL))
    out = render_slides(rollup, tmp_path / "vo.pptx")
    text = deck_text(out)
    assert SPECIAL.replace("\x07", "") in text
    assert "\x07" not in text


def test_long_comments_are_cut_and_every_area_keeps_one_slide(
    plan: Plan, org: Organisation, tmp_path: Path
) -> None:
    rollup = vo_rollup(plan, org, make_entries(plan, org, comment=LONG_COMMENT))
    out = render_slides(rollup, tmp_path / "vo.pptx")
    text = deck_text(out)
    assert LONG_COMMENT[:100] in text
    assert LONG_COMMENT not in text
    titles = slide_titles(out)
    assert not any(t.endswith("(forts.)") for t in titles)
    assert len(titles) == 3 + len(plan.areas)
    assert_no_overflow(out)


def test_long_plan_texts_and_many_units_do_not_overflow(plan: Plan, tmp_path: Path) -> None:
    org = make_org({"Ett verksamhetsområde med ett mycket långt namn för att pröva rubrikerna": 30})
    entries = make_entries(plan, org, comment="Kort.\nTvå rader.")
    missing = [n.id for n in org.units[:20]]
    rollup = vo_rollup(plan, org, entries, submitted=[n.id for n in org.scope("VO1") if n.id not in missing])
    out = render_slides(rollup, tmp_path / "vo.pptx")
    assert_no_overflow(out)
    text = deck_text(out)
    assert f"Har rapporterat: {rollup.label('VO1')}, {rollup.label(org.units[20].id)}" in text
    assert f"Inte inlämnad: {rollup.label(org.units[0].id)}" in text


def test_very_long_priorities_continue_the_status_table(plan: Plan, tmp_path: Path) -> None:
    longest = max((a.report_priority for a in plan.areas), key=len)
    areas = tuple(
        dataclasses.replace(a, status_priority=f"{longest} {a.report_priority} " * 3) for a in plan.areas
    )
    long_plan = dataclasses.replace(plan, areas=areas)
    org = make_org({"Äldreomsorg": 2})
    rollup = vo_rollup(long_plan, org, make_entries(long_plan, org))
    out = render_slides(rollup, tmp_path / "vo.pptx")
    assert_no_overflow(out)
    titles = slide_titles(out)
    first_table = long_plan.status_tables[long_plan.areas[0].kind.value]
    assert f"{first_table} – Äldreomsorg (forts.)" in titles
    cells = [t.cell(r, 0).text for t in status_tables(out) for r in range(1, len(t.rows))]
    assert cells == [a.report_title for a in long_plan.areas]


def test_company_overview_matrix(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    entries = make_entries(plan, org)
    everyone = list(org.nodes)
    rollups = [
        consolidate(plan, org, vo.id, "Q4", 2022, entries, submitted=everyone) for vo in org.business_areas
    ]
    company = consolidate(plan, org, "B", "Q4", 2022, entries, submitted=everyone)
    out = render_company_overview(rollups, company, tmp_path / "bolag.pptx", details=True)
    prs = Presentation(str(out))
    matrix = next(
        s.table
        for slide in prs.slides
        for s in slide.shapes
        if s.has_table and s.table.cell(0, 0).text == "Område"
    )
    header = [c.text for c in matrix.rows[0].cells]
    assert header == ["Område", "Äldreomsorg", "Psykiatri", "Bolagets egen bedömning"]
    for r, area in enumerate(plan.areas, start=1):
        assert matrix.cell(r, 0).text == area.report_title
        for c, rollup in enumerate([*rollups, company], start=1):
            result = rollup.area(area.id)
            assert matrix.cell(r, c).text == result.own_status == result.status
            assert matrix.cell(r, c).fill.fore_color.rgb == RGBColor.from_string(
                status_fill(plan, result.status)
            )
    assert_no_overflow(out)


def test_template_errors_are_clear(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    from hpdocs.errors import TemplateError

    broken = tmp_path / "trasig.pptx"
    broken.write_bytes(b"inte en pptx")
    with pytest.raises(TemplateError, match=r"trasig\.pptx"):
        render_slides(vo_rollup(plan, org, []), tmp_path / "x.pptx", template=broken)


def test_restyled_template_with_sample_slides_is_emptied_first(
    plan: Plan, org: Organisation, tmp_path: Path
) -> None:
    prs = Presentation(str(TEMPLATE))
    prs.slides.add_slide(prs.slide_layouts[1]).placeholders[0].text = "Exempelbild"
    own = tmp_path / "egen.pptx"
    prs.save(str(own))
    out = render_slides(vo_rollup(plan, org, make_entries(plan, org)), tmp_path / "vo.pptx", template=own)
    assert "Exempelbild" not in deck_text(out)


def test_a_wider_theme_font_gets_taller_rows(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    prs = Presentation(str(TEMPLATE))
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    theme._blob = theme.blob.replace(b'typeface="Calibri"', b'typeface="Verdana"')
    wide = tmp_path / "verdana.pptx"
    prs.save(str(wide))
    rollup = vo_rollup(plan, org, make_entries(plan, org))
    out = render_slides(rollup, tmp_path / "verdana-deck.pptx", template=wide)
    assert_no_overflow(out)  # measured with Verdana's scale
    columns = [sl.Column("Rubrik", 200.0)]
    rows = [[sl.Cell(LONG_COMMENT[:600])]]
    heights = [
        sl.TableBlock(columns, rows, 12.0, sl.font_scale(font)).height for font in ("Calibri", "Verdana")
    ]
    assert heights[1] > heights[0]
    assert sl.font_scale("Verdana") > sl.font_scale("Arial") == 1.0 > sl.font_scale("Calibri")


def test_layout_helpers() -> None:
    assert sl.xml_safe("a\r\nb\x00c\x1fd\te") == "a\nbcd\te"
    assert len(sl.wrap("ord " * 100, 200, 12)) > 5
    assert sl.wrap("x" * 300, 100, 12)[0] and all(
        sl.text_width(line, 12) <= 100 for line in sl.wrap("x" * 300, 100, 12)
    )
    cut = sl.truncate(LONG_COMMENT, 400, 12, 5, note=COMMENT_NOTE)
    assert cut.endswith(COMMENT_NOTE) and "…" in cut
    assert len(sl.wrap(cut, 400, 12)) <= 5
    assert sl.truncate("kort", 400, 12, 5) == "kort"


@pytest.mark.libreoffice
def test_deck_converts_to_pdf(plan: Plan, org: Organisation, tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) saknas: installera libreoffice-impress-nogui för PDF-testet")
    out = render_slides(vo_rollup(plan, org, make_entries(plan, org, comment=SPECIAL)), tmp_path / "vo.pptx")
    pdf = to_pdf(out, tmp_path)  # raises with LibreOffice's own message when it fails
    assert pdf.is_file()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages == len(Presentation(str(out)).slides)
