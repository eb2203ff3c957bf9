"""The board paper is a tjänsteskrivelse: header block, sections, Bilaga, no status, true sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from hpdocs.planfile import load_plan
from hpdocs.project import load_project
from hpdocs.render.board_context import BoardSettings, board_context
from hpdocs.render.word import render_board

SECTIONS = [
    "Ärende",
    "Förslag till beslut",
    "Sammanfattning",
    "Bakgrund",
    "Konsekvenser",
    "Så informeras styrelsen",
]


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def everything(path: Path) -> str:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([*paragraphs(path), *cells])


def render(tmp_path: Path, plan_name: str, **kwargs: object) -> Path:
    plan = load_plan(plan_name)
    defaults: dict[str, object] = {
        "organisation_name": "Exempelregionen",
        "year": 2022,
        "signer": "Sven Ort, chefläkare",
    }
    defaults.update(kwargs)
    return render_board(plan, tmp_path / f"{plan_name}.docx", **defaults)  # type: ignore[arg-type]


def test_header_block_sections_and_bilaga(tmp_path: Path) -> None:
    settings = BoardSettings(datum="2022-01-20", diarienummer="HP 2022/01")
    out = render(tmp_path, "hp-2022", organisation_name="Omsorgsbolaget AB", settings=settings)
    doc = Document(str(out))
    header = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert header == {
        "Organisation": "Omsorgsbolaget AB",
        "Datum": "2022-01-20",
        "Diarienummer": "HP 2022/01",
        "Till": "Styrelsen",
        "Från": "Sven Ort, chefläkare",
        "Handläggare": "Sven Ort, chefläkare",
    }
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for section in SECTIONS:
        assert section in headings
    bilaga = headings.index("Bilaga 1. Handlingsplan för säker vård och omsorg 2022")
    assert bilaga > headings.index("Så informeras styrelsen")
    # the signature comes before the Bilaga, and the Bilaga starts on a new page
    texts = [p.text for p in doc.paragraphs]
    assert texts.index("Sven Ort") < texts.index("Bilaga 1. Handlingsplan för säker vård och omsorg 2022")
    assert any(p.paragraph_format.page_break_before for p in doc.paragraphs)
    content = everything(out)
    assert "patientsäkerhetslagen (2010:659) 3 kap." in content
    assert "2020–2024" in content
    assert "Styrelsen godkänner Handlingsplan för säker vård och omsorg 2022." in content


def test_unset_header_values_are_left_blank(tmp_path: Path) -> None:
    doc = Document(str(render(tmp_path, "hp-2022")))
    header = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert header["Datum"] == "" and header["Diarienummer"] == ""


@pytest.mark.parametrize("plan_name", ["hp-2022", "region-2022-2024"])
def test_no_status_words(tmp_path: Path, plan_name: str) -> None:
    plan = load_plan(plan_name)
    content = everything(render(tmp_path, plan_name))
    assert "Status per område" not in content
    for status in plan.area_statuses:
        assert status not in content, status


def test_region_wording(tmp_path: Path) -> None:
    out = render(tmp_path, "region-2022-2024")
    content = everything(out)
    title = "Regional handlingsplan för ökad patientsäkerhet 2022-2024"
    assert f"{title} 2022" not in content
    assert "regionet" not in content and "region hallands" not in content
    assert "Region Hallands handlingsplan" in content
    assert "på tre nivåer" not in content
    # all five activities are at region level
    assert "Planen anger fem aktiviteter, alla för regionen." in content
    assert "Varje förvaltning och enhet rapporterar" in content
    assert "sammanställs per förvaltning och för regionen" in content
    assert "Sven Ort" in content and "Karin Lund" not in content
    assert "för varje tertial (Tertial 1–Tertial 3)" in content


def test_company_wording_counts_activities_per_level(tmp_path: Path) -> None:
    plan = load_plan("hp-2022")
    context = board_context(plan, organisation_name="X", year=2022)
    summary = " ".join(str(s) for s in context["summary"])
    per_level = {
        lvl: sum(len(r.activities) for a in plan.areas for r in a.rows if r.level == lvl)
        for lvl in ("bolag", "vo", "enhet")
    }
    assert (
        f"{per_level['bolag']} för bolaget, {per_level['vo']} för varje verksamhetsområde och "
        f"{per_level['enhet']} för varje enhet" in summary
    )
    assert "fyra grundläggande förutsättningar och fem fokusområden" in summary


def test_informed_rows_are_in_time_order(tmp_path: Path) -> None:
    plan = load_plan("hp-2022")
    rows = board_context(plan, organisation_name="X", year=2022)["informed"]
    whens = [r["when_full"] for r in rows]
    assert whens[0] == "Varje månad"
    assert whens[-1] == "Senast 1 mars 2023"
    assert whens.index("I mars") < whens.index("I juni") < whens.index("Varje år i december")
    # only the top level's follow-ups
    assert {r["level"] for r in rows} == {"Bolag"}


def test_every_table_row_is_kept_whole_and_headers_repeat(tmp_path: Path) -> None:
    doc = Document(str(render(tmp_path, "hp-2022")))
    for number, table in enumerate(doc.tables):
        for row in table.rows:
            tr_pr = row._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None
        if number > 0:  # the header block has no header row
            assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for p in doc.paragraphs:
        if p.style.name.startswith("Heading"):
            assert p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next, p.text


def test_settings_from_hpdocs_toml(tmp_path: Path) -> None:
    (tmp_path / "hpdocs.toml").write_text(
        '"år" = 2022\nundertecknare = "Eva Ek, chefläkare"\n[styrelsebeslut]\n'
        'diarienummer = "RS 2022/7"\ntill = "Regionstyrelsen"\nkonsekvenser = "Inga nya kostnader."\n',
        encoding="utf-8",
    )
    project = load_project(tmp_path)
    assert project.board == {
        "diarienummer": "RS 2022/7",
        "till": "Regionstyrelsen",
        "konsekvenser": "Inga nya kostnader.",
    }
    context = board_context(
        project.plan, organisation_name="X", year=2022, settings=BoardSettings(**project.board)
    )
    assert context["decision"].startswith("Regionstyrelsen godkänner ")
    assert context["consequences"][-1] == "Inga nya kostnader."


def test_unknown_board_setting_is_named(tmp_path: Path) -> None:
    from hpdocs.errors import ConfigError

    (tmp_path / "hpdocs.toml").write_text('"år" = 2022\n[styrelsebeslut]\ndiarienr = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="diarienr"):
        load_project(tmp_path)
