"""Build the Word templates in templates/word/ (run once, commit the output).

    python templates/build_word_templates.py

The templates are ordinary Word documents holding docxtpl (Jinja) tags; the tags
a coordinator can use are documented in docs/mallar.md. They use Word's
built-in styles (Heading 1-3 = "Rubrik 1-3" in Swedish Word, Normal, List
Bullet, Table Grid), so a chapter pasted into the organisation's own document
takes that document's heading styles. Two small custom styles ("Tabelltext",
"Tabellrubrik") keep tables compact. Every tag is written in ONE run, so Word
never sees it split.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.shared import Pt
from word_builder import NEW_PARAGRAPH, data_table, kv_table, loop_table, new_document, page_break, para, tag

OUT = Path(__file__).resolve().parent / "word"


# -------------------------------------------------------------------------- PSB


def build_psb() -> Document:
    doc = new_document(
        "Patientsäkerhetsberättelse – Verksamhetschef",
        "Patientsäkerhetsberättelse – Verksamhetschef",
    )
    para(doc, "{{ title }}", style="Heading 1")
    para(doc, ("{{ scope }}", "b"), " – ", ("{{ period_heading }}", "b"))
    tag(doc, "{%p if manager %}")
    para(doc, "Ansvarig: {{ manager }}")
    tag(doc, "{%p endif %}")
    para(
        doc,
        "{{ plan_title }}. {{ status_note }} Underlaget sammanställt {{ generated }}.",
        style="Hpdocs notis",
    )

    para(doc, "Status per område", style="Heading 2")
    para(doc, "{{ matrix.note }}", style="Hpdocs notis", keep=True)
    loop_table(
        doc,
        ("Område", 42),
        "c in matrix.columns",
        "{{ c.name }}",
        "r in matrix.rows",
        ["{{ r.title }}"],
        "cell in r.cells",
        ["{{ cell.text }}"],
        ("{{ matrix.own_label }}", [("{{ r.own_text }}", "b")], 30),
        100,
    )
    para(doc, ("Teckenförklaring: ", "b"), "{{ legend }}", style="Hpdocs notis")

    para(doc, "Inrapportering {{ period }} {{ year }}", style="Heading 2")
    para(doc, "{{ reporting.headline }}", keep=True)
    data_table(
        doc,
        ["Läge", "Vilka"],
        [52, 122],
        "line in reporting.lines",
        [[("{{ line.label }}", "b")], ["{{ line.names_text }}"]],
    )
    tag(doc, "{%p if reporting.excluded %}")
    para(doc, "Värden som inte räknas (felet gäller bara cellen; resten av arbetsboken används):", keep=True)
    data_table(
        doc,
        ["Vem", "Var", "Skrivet", "Varför"],
        [38, 46, 22, 68],
        "x in reporting.excluded",
        [
            ["{{ x.name }}"],
            ["{{ x.where }}", NEW_PARAGRAPH, ("{{ x.context }}", "i")],
            ["{{ x.written }}"],
            ["{{ x.reason }}"],
        ],
    )
    tag(doc, "{%p endif %}")

    tag(doc, "{%p for area in areas %}")
    para(doc, "{{ area.heading }}", style="Heading 2")
    para(
        doc,
        ("Status: ", "b"),
        ("{{ area.status_marked }}", "b"),
        (" – {{ area.status_source }}", "i"),
        keep=True,
    )
    tag(doc, "{%p if area.own_comment %}")
    para(doc, ("Kommentar till bedömningen: ", "b"), "{{ area.own_comment }}", keep=True)
    tag(doc, "{%p endif %}")
    para(doc, ("Prioritering: ", "b"), "{{ area.priority }}", style="Hpdocs notis", keep=True)

    tag(doc, "{%p if area.activity_note %}")
    para(doc, "{{ area.activity_note }}", style="Hpdocs notis")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if area.activities %}")
    para(doc, "Aktiviteter – {{ area.own_level }}", style="Heading 3")
    data_table(
        doc,
        ["Nr", "Aktivitet", "Status", "Kommentar"],
        [10, 74, 30, 60],
        "a in area.activities",
        [["{{ a.nr }}"], ["{{ a.text }}"], ["{{ a.status }}"], ["{{ a.comment }}"]],
    )
    tag(doc, "{%p endif %}")

    tag(doc, "{%p for lvl in area.below %}")
    tag(doc, "{%p if lvl.activities %}")
    para(doc, "{{ lvl.heading }} – {{ lvl.label }}", style="Heading 3")
    data_table(
        doc,
        ["Nr", "Aktivitet", "Status – vilka", "Kommentarer"],
        [9, 55, 58, 52],
        "u in lvl.activities",
        [["{{ u.nr }}"], ["{{ u.text }}"], ["{{ u.by_status_text }}"], ["{{ u.comments_text }}"]],
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    tag(doc, "{%p if area.added %}")
    para(doc, "Tillagda aktiviteter", style="Heading 3")
    data_table(
        doc,
        ["Tillagd av", "Aktivitet", "Status", "Kommentar"],
        [34, 60, 26, 54],
        "x in area.added",
        [["{{ x.name }}"], ["{{ x.text }}"], ["{{ x.status }}"], ["{{ x.comment }}"]],
    )
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if area.measures %}")
    para(doc, "Mätningar", style="Heading 3")
    data_table(
        doc,
        ["Mätning", "Värden", "Totalt", "Mål", "Bedömning"],
        [52, 60, 28, 14, 20],
        "m in area.measures",
        [
            [("{{ m.label }}", "b"), NEW_PARAGRAPH, ("{{ m.level }}", "i")],
            ["{{ m.values_text }}"],
            ["{{ m.total }}"],
            ["{{ m.target }}"],
            [("{{ m.met }}", "b")],
        ],
    )
    tag(doc, "{%p endif %}")

    tag(doc, "{%p if area.comments %}")
    para(doc, "Kommentarer", style="Heading 3")
    tag(doc, "{%p for c in area.comments %}")
    para(doc, ("{{ c.name }}", "b"), (" ({{ c.about }})", "i"), ": ", "{{ c.text }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")

    para(
        doc,
        "{% if whole_year %}Året {{ year }} period för period{% else %}Året hittills{% endif %}",
        style="Heading 2",
    )
    para(doc, "{{ history.note }}", style="Hpdocs notis", keep=True)
    loop_table(
        doc,
        ("Område", 60),
        "p in history.periods",
        "{{ p }}",
        "a in history.areas",
        ["{{ a.title }}"],
        "s in a.statuses",
        ["{{ s.text }}"],
        None,
        112,
    )
    tag(doc, "{%p if history.measures %}")
    para(doc, "Mätningarna period för period", style="Heading 3")
    loop_table(
        doc,
        ("Mätning", 70),
        "p in history.periods",
        "{{ p }}",
        "m in history.measures",
        [("{{ m.label }}", "b"), NEW_PARAGRAPH, ("{{ m.area }} · {{ m.level }}", "i")],
        "v in m.cells",
        ["{{ v }}"],
        None,
        102,
    )
    tag(doc, "{%p endif %}")
    return doc


# ------------------------------------------------------------------------ board


def build_board() -> Document:
    doc = new_document("Tjänsteskrivelse", "Tjänsteskrivelse – handlingsplan för patientsäkerhet")
    para(doc, "Tjänsteskrivelse", style="Hpdocs notis")
    kv_table(doc, "h in header", "{{ h.label }}", "{{ h.value }}", (34, 110))
    para(doc, "{{ title }}", style="Heading 1").paragraph_format.space_before = Pt(18)

    para(doc, "Ärende", style="Heading 2")
    para(doc, "{{ arende }}")
    para(doc, "Förslag till beslut", style="Heading 2")
    para(doc, ("{{ decision }}", "b"))
    para(doc, "Sammanfattning", style="Heading 2")
    tag(doc, "{%p for s in summary %}")
    para(doc, "{{ s }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if goals %}")
    para(doc, ("Planens målsättningar:", "b"), keep=True)
    tag(doc, "{%p for g in goals %}")
    para(doc, "{{ g }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")

    para(doc, "Bakgrund", style="Heading 2")
    tag(doc, "{%p for s in legal_background %}")
    para(doc, "{{ s.title }}", style="Heading 3")
    para(doc, "{{ s.text }}")
    tag(doc, "{%p endfor %}")

    para(doc, "Konsekvenser", style="Heading 2")
    tag(doc, "{%p for c in consequences %}")
    para(doc, "{{ c }}")
    tag(doc, "{%p endfor %}")

    para(doc, "Så informeras {{ till|lower }}", style="Heading 2")
    para(doc, "{{ informed_intro }}", keep=True)
    data_table(
        doc,
        ["När", "Område", "Uppföljning", "Av"],
        [32, 44, 64, 34],
        "f in informed",
        [
            [("{{ f.when }}", "b")],
            ["{{ f.area }}", NEW_PARAGRAPH, ("{{ f.activities }}", "i")],
            ["{{ f.text }}"],
            ["{{ f.by }}"],
        ],
    )

    # The signature is kept with the text above it (never alone on a page).
    para(
        doc, "Ort och datum: ______________________________________", keep=True
    ).paragraph_format.space_before = Pt(18)
    para(doc, "", keep=True)
    para(doc, "______________________________________", keep=True)
    tag(doc, "{%p if signer_name %}")
    para(doc, "{{ signer_name }}", keep=True)
    tag(doc, "{%p endif %}")
    para(doc, "{{ signer_title }}", keep=True)
    para(doc, ("Bilaga 1: ", "b"), "{{ title }}", style="Hpdocs notis")

    page_break(doc)
    para(doc, "Bilaga 1. {{ title }}", style="Heading 1")
    tag(doc, "{%p if plan_subtitle %}")
    para(doc, "{{ plan_subtitle }}", style="Hpdocs notis")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for s in background %}")
    para(doc, "{{ s.title }}", style="Heading 3")
    para(doc, "{{ s.text }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if instructions %}")
    para(doc, "Instruktioner", style="Heading 3")
    tag(doc, "{%p for i in instructions %}")
    para(doc, "{{ i }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if has_regional %}")
    para(doc, "{{ regional.heading }}", style="Heading 3")
    tag(doc, "{%p if regional.areas %}")
    para(doc, ("Den regionala planen prioriterar områdena:", "b"), keep=True)
    tag(doc, "{%p for a in regional.areas %}")
    para(doc, "{{ a }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if regional.goals %}")
    para(doc, ("Den regionala planens målsättningar:", "b"), keep=True)
    tag(doc, "{%p for g in regional.goals %}")
    para(doc, "{{ g }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")

    tag(doc, "{%p for group in groups %}")
    para(doc, "{{ group.title }}", style="Heading 2")
    tag(doc, "{%p for area in group.areas %}")
    para(doc, "{{ area.number }}. {{ area.title }}", style="Heading 3")
    tag(doc, "{%p if area.background %}")
    para(doc, "{{ area.background }}", style="Hpdocs notis", keep=True)
    tag(doc, "{%p endif %}")
    para(doc, ("Prioritering: ", "b"), "{{ area.priority }}", keep=True)
    tag(doc, "{%p if area.goals %}")
    tag(doc, "{%p for g in area.goals %}")
    para(doc, "{{ g }}", style="List Bullet", keep=True)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    data_table(
        doc,
        ["Nivå", "Aktivitet", "Mätning", "Uppföljning"],
        [30.5, 53, 50, 40.5],
        "row in area.rows",
        [
            ["{{ row.level }}"],
            ["{{ row.activities }}"],
            ["{{ row.measures }}"],
            ["{{ row.followups }}"],
        ],
        shade_first=True,
    )
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")

    para(doc, "Uppföljning under året, i tidsordning", style="Heading 2")
    data_table(
        doc,
        ["När", "Område", "Nivå", "Uppföljning", "Av"],
        [27, 40, 25, 55, 27],
        "f in followups",
        [
            [("{{ f.when }}", "b")],
            ["{{ f.area }}", NEW_PARAGRAPH, ("{{ f.activities }}", "i")],
            ["{{ f.level }}"],
            ["{{ f.text }}"],
            ["{{ f.by }}"],
        ],
    )
    return doc


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (
        ("psb-verksamhetschef.docx", build_psb),
        ("styrelsebeslut.docx", build_board),
    ):
        build().save(OUT / name)
        print(f"skrev {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
