"""Build templates/pptx/mum-status.pptx, the slide template for the November MUM.

Run `python templates/build_pptx_template.py` after changing this script and commit
the result. The template is an ordinary 16:9 PowerPoint file: a coordinator may
restyle it in PowerPoint (theme colours and fonts, a logo on the master, other
backgrounds). hpdocs only relies on three layouts, found by name or else by position:

    0  "Titelbild"            title (idx 0) and subtitle (idx 1)
    1  "Rubrik och innehåll"  title (idx 0) and content (idx 1)
    2  "Endast rubrik"        title (idx 0); hpdocs draws tables and charts below it

The font is Calibri, as in the Word templates (LibreOffice uses the metric-compatible
Carlito). hpdocs.render.slide_layout measures text with Arial's wider metrics, so its
text-height estimates err high in PowerPoint and in LibreOffice alike.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as Deck
from pptx.util import Emu, Inches

OUT = Path(__file__).resolve().parent / "pptx" / "mum-status.pptx"
ACCENT = "1F4E79"
FONT = "Calibri"  # as the Word templates (build_word_templates.py); LibreOffice uses Carlito
COLOURS = {
    "dk2": ACCENT,
    "lt2": "E7E6E6",
    "accent1": ACCENT,
    "accent2": "2E75B6",
    "accent3": "548235",
    "accent4": "BF9000",
    "accent5": "C00000",
    "accent6": "7F7F7F",
    "hlink": "2E75B6",
    "folHlink": "7030A0",
}
KEEP_LAYOUTS = {0: "Titelbild", 1: "Rubrik och innehåll", 5: "Endast rubrik"}
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _restyle_theme(prs: Deck) -> None:
    part = prs.slide_master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(part.blob)
    theme.set("name", "hpdocs")
    scheme = theme.find(f".//{{{A}}}clrScheme")
    scheme.set("name", "hpdocs")
    for name, value in COLOURS.items():
        slot = scheme.find(f"{{{A}}}{name}")
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, f"{{{A}}}srgbClr", val=value)
    fonts = theme.find(f".//{{{A}}}fontScheme")
    fonts.set("name", "hpdocs")
    for latin in fonts.iter(f"{{{A}}}latin"):
        latin.set("typeface", FONT)
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def _keep_layouts(prs: Deck) -> None:
    master = prs.slide_master
    id_list = master._element.find(qn("p:sldLayoutIdLst"))
    for index, entry in enumerate(list(id_list)):
        r_id = entry.get(qn("r:id"))
        if index in KEEP_LAYOUTS:
            master.part.related_part(r_id)._element.cSld.set("name", KEEP_LAYOUTS[index])
            continue
        id_list.remove(entry)
        master.part.drop_rel(r_id)


def _text_styles(prs: Deck) -> None:
    styles = prs.slide_master._element.find(qn("p:txStyles"))
    title = styles.find(qn("p:titleStyle")).find(f"{{{A}}}lvl1pPr")
    title.set("algn", "l")
    rpr = title.find(f"{{{A}}}defRPr")
    rpr.set("sz", "2400")
    rpr.set("b", "1")
    rpr.find(f"{{{A}}}solidFill/{{{A}}}schemeClr").set("val", "tx2")
    sizes = {1: 2000, 2: 1800, 3: 1600, 4: 1400}
    for level in range(1, 10):
        ppr = styles.find(qn("p:bodyStyle")).find(f"{{{A}}}lvl{level}pPr")
        if ppr is not None:
            ppr.find(f"{{{A}}}defRPr").set("sz", str(sizes.get(level, 1400)))


def _place(shape, left: float, top: float, width: float, height: float) -> None:
    shape.left, shape.top, shape.width, shape.height = (
        Inches(left),
        Inches(top),
        Inches(width),
        Inches(height),
    )


def _bar(prs: Deck, target, left: float, top: float, width: float, height: float) -> None:
    """A plain accent-coloured rectangle, moved from a scratch slide onto a master or layout."""
    scratch = prs.slides.add_slide(prs.slide_layouts[0])
    shape = scratch.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height)
    )
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
    shape.line.fill.background()
    shape.name = "hpdocs-accent"
    element = shape._element
    tree = target.shapes._spTree
    ids = [int(e.get("id")) for e in tree.iter(qn("p:cNvPr"))]
    element.find(f".//{qn('p:cNvPr')}").set("id", str(max(ids, default=1) + 1))
    tree.insert(2, element)  # behind the placeholders
    _theme_fill(element)
    _drop_slide(prs, scratch)


def _theme_fill(element) -> None:
    sp_pr = element.find(qn("p:spPr"))
    for old in sp_pr.findall(f"{{{A}}}solidFill"):
        sp_pr.remove(old)
    fill = etree.Element(f"{{{A}}}solidFill")
    etree.SubElement(fill, f"{{{A}}}schemeClr", val="accent1")
    sp_pr.insert(2, fill)  # after xfrm and prstGeom


def _list_style(ph, size: int, align: str = "l") -> None:
    """Default paragraph style of a layout placeholder; slides inherit it."""
    body = ph.text_frame._txBody
    old = body.find(f"{{{A}}}lstStyle")
    style = etree.Element(f"{{{A}}}lstStyle")
    level = etree.SubElement(style, f"{{{A}}}lvl1pPr", marL="0", indent="0", algn=align)
    etree.SubElement(level, f"{{{A}}}buNone")
    etree.SubElement(level, f"{{{A}}}defRPr", sz=str(size * 100))
    old.addprevious(style)
    body.remove(old)


def _drop_slide(prs: Deck, slide) -> None:
    id_list = prs.slides._sldIdLst
    for entry in list(id_list):
        if prs.part.related_part(entry.rId) is slide.part:
            prs.part.drop_rel(entry.rId)
            id_list.remove(entry)


def build(out: Path = OUT) -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, 16:9
    size = prs.part._element.find(qn("p:sldSz"))
    if "type" in size.attrib:  # "screen4x3" would make PowerPoint call it 4:3
        del size.attrib["type"]
    _restyle_theme(prs)
    _keep_layouts(prs)
    _text_styles(prs)
    master = prs.slide_master
    title_slide, content, title_only = prs.slide_layouts
    layouts: tuple[Any, ...] = (master, title_slide, content, title_only)
    footer = {2: (0.5, 3.5), 3: (4.4, 4.5), 4: (9.333, 3.5)}  # date, footer, slide number
    for layout in layouts:
        for ph in layout.placeholders:
            idx = ph.placeholder_format.idx
            if idx == 0:
                _place(ph, 0.5, 0.3, 12.333, 0.9)
                ph.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
            elif idx == 1:
                _place(ph, 0.5, 1.5, 12.333, 5.3)
            else:  # on the master idx 2-4, on layouts 10-12
                left, width = footer[idx if idx < 10 else idx - 8]
                _place(ph, left, 6.95, width, 0.35)
                _list_style(ph, 10, "r" if idx in (4, 12) else "l")
    _bar(prs, master, 0.5, 1.28, 12.333, 0.04)

    # Title slide: an accent band on the left, title and subtitle left-aligned.
    title_slide._element.set("showMasterSp", "0")
    for ph in layouts[1].placeholders:
        idx = ph.placeholder_format.idx
        if idx == 0:
            _place(ph, 1.0, 1.9, 11.5, 2.2)
            ph.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
            _list_style(ph, 36)
        elif idx == 1:
            _place(ph, 1.0, 4.35, 11.5, 1.6)
            ph.text_frame.vertical_anchor = MSO_ANCHOR.TOP
            _list_style(ph, 20)
    _bar(prs, title_slide, 0.0, 0.0, 0.35, 7.5)
    _bar(prs, title_slide, 1.0, 4.2, 4.0, 0.05)

    props = prs.core_properties
    props.title = "hpdocs – mall för statusbilder (November-MUM)"
    props.author = props.last_modified_by = "hpdocs"
    props.created = props.modified = dt.datetime(2022, 1, 1)
    props.revision = 1
    props.language = "sv-SE"
    out.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(out))
    return out


if __name__ == "__main__":
    path = build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(f"Skrev {path} ({path.stat().st_size} byte)")
