"""Helpers that write the Word templates: styles, page, paragraphs whose tags are whole runs, tables.

Used by build_word_templates.py; see there.
"""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Calibri"  # LibreOffice uses the metric-compatible Carlito
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "DCE6F1"
ROW_HEAD_FILL = "F2F2F2"
BORDER = "A6A6A6"
TEXT_WIDTH_MM = 174  # A4 portrait, 18 mm margins each side

Part = tuple[str, str]  # (text, "b" | "i" | "bi" | "")


# ----------------------------------------------------------------------- styles


def set_font(
    style: BaseStyle, size: float, *, bold: bool | None = None, color: RGBColor | None = None
) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name = FONT
    font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    # Theme fonts win over w:ascii; drop them so Calibri holds everywhere.
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        fonts.set(qn("w:cs"), FONT)
        fonts.set(qn("w:eastAsia"), FONT)


def add_styles(doc: Document) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    set_font(normal, 10.5)
    normal.paragraph_format.space_after = Pt(6)  # type: ignore[attr-defined]
    normal.paragraph_format.line_spacing = 1.1  # type: ignore[attr-defined]
    for name, size, before in (
        ("Heading 1", 18, 0),
        ("Heading 2", 14, 18),
        ("Heading 3", 11.5, 12),
    ):
        style = styles[name]
        set_font(style, size, bold=True, color=ACCENT)
        fmt = style.paragraph_format  # type: ignore[attr-defined]
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(6 if name != "Heading 1" else 10)
        fmt.keep_with_next = True
    set_font(styles["Title"], 22, bold=True, color=ACCENT)
    for name in ("Header", "Footer"):
        set_font(styles[name], 8.5, color=GREY)
        ppr = styles[name].element.pPr
        tabs = ppr.find(qn("w:tabs")) if ppr is not None else None
        if tabs is not None:  # the default centre/right tabs sit at Letter width
            ppr.remove(tabs)
    set_font(styles["List Bullet"], 10.5)
    styles["List Bullet"].paragraph_format.space_after = Pt(3)  # type: ignore[attr-defined]
    table_text = styles.add_style("Tabelltext", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    set_font(table_text, 9)
    table_text.paragraph_format.space_after = Pt(0)  # type: ignore[attr-defined]
    table_text.paragraph_format.line_spacing = 1.0  # type: ignore[attr-defined]
    table_head = styles.add_style("Tabellrubrik", WD_STYLE_TYPE.PARAGRAPH)
    table_head.base_style = table_text
    set_font(table_head, 9, bold=True, color=ACCENT)
    note = styles.add_style("Hpdocs notis", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    set_font(note, 9.5, color=GREY)
    note.font.italic = True  # type: ignore[attr-defined]


def set_page(doc: Document, header_right: str, *, landscape: bool = False) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    section.left_margin = section.right_margin = Mm(18)
    section.header_distance = section.footer_distance = Mm(10)
    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    header.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    header.add_run("{{ organisation }}")
    header.add_run("\t" + header_right)
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Sida ")
    add_field(footer, "PAGE")
    footer.add_run(" av ")
    add_field(footer, "NUMPAGES")


def add_field(paragraph: Paragraph, instr: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    run.append(t)
    field.append(run)
    paragraph._p.append(field)


# --------------------------------------------------------------------- writing


def para(doc: Document, *parts: Part | str, style: str = "Normal", keep: bool = False) -> Paragraph:
    """A paragraph whose parts are separate runs: a tag is always one whole run.

    `keep` keeps it on the same page as what follows (a lead-in and its table)."""
    paragraph = doc.add_paragraph(style=style)
    if keep:
        paragraph.paragraph_format.keep_with_next = True
    for part in parts:
        body, fmt = (part, "") if isinstance(part, str) else part
        run = paragraph.add_run(body)
        run.bold = "b" in fmt or None
        run.italic = "i" in fmt or None
    return paragraph


def tag(doc: Document, tag: str) -> None:
    """A control paragraph (`{%p ... %}`); docxtpl removes it when rendering."""
    para(doc, tag)


NEW_PARAGRAPH = "¶"  # in a cell's parts: start a new paragraph in the same cell


def cell_text(cell_paragraph: Paragraph, parts: list[Part | str], style: str) -> None:
    cell_paragraph.style = style
    for part in parts:
        if part == NEW_PARAGRAPH:
            new = OxmlElement("w:p")
            cell_paragraph._p.addnext(new)
            cell_paragraph = Paragraph(new, cell_paragraph._parent)
            cell_paragraph.style = style
            continue
        body, fmt = (part, "") if isinstance(part, str) else part
        run = cell_paragraph.add_run(body)
        run.bold = "b" in fmt or None
        run.italic = "i" in fmt or None


def data_table(
    doc: Document,
    headers: list[str],
    widths_mm: list[float],
    loop: str,
    cells: list[list[Part | str]],
    *,
    shade_first: bool = False,
) -> Table:
    """A table with a header row and one data row repeated by `{%tr for %}`."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_mm) * 56.7)))
    width.set(qn("w:type"), "dxa")
    old = tbl_pr.find(qn("w:tblW"))
    if old is not None:
        tbl_pr.remove(old)
    tbl_pr.append(width)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), BORDER)
        borders.append(element)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, value in (("top", 45), ("left", 60), ("bottom", 45), ("right", 60)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(value))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)
    for col, w in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(w)
        for cell in col.cells:
            cell.width = Mm(w)
    header, start, data, end = table.rows
    for cell, title in zip(header.cells, headers, strict=True):
        cell_text(cell.paragraphs[0], [title], "Tabellrubrik")
        shade(cell._tc, HEADER_FILL)
    repeat = OxmlElement("w:tblHeader")
    header._tr.get_or_add_trPr().append(repeat)
    cell_text(start.cells[0].paragraphs[0], [f"{{%tr for {loop} %}}"], "Tabelltext")
    for cell, parts in zip(data.cells, cells, strict=True):
        cell_text(cell.paragraphs[0], parts, "Tabelltext")
    if shade_first:
        shade(data.cells[0]._tc, ROW_HEAD_FILL)
    # A row never splits across pages (Word moves it whole; only a row taller than a page breaks).
    # The tag rows go when rendering, but marking them too keeps `hpdocs templates` quiet.
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cell_text(end.cells[0].paragraphs[0], ["{%tr endfor %}"], "Tabelltext")
    doc.add_paragraph(style="Hpdocs notis").paragraph_format.space_after = Pt(2)
    return table


def shade(tc: object, fill: str) -> None:
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), fill)
    tc.get_or_add_tcPr().append(shade)  # type: ignore[attr-defined]


def new_document(header_right: str, title: str) -> Document:
    doc = Document()
    add_styles(doc)
    set_page(doc, header_right)
    doc.core_properties.author = "hpdocs"
    doc.core_properties.title = title
    doc.core_properties.comments = ""
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):  # python-docx's default document is empty
        body.remove(p)
    return doc


def loop_table(
    doc: Document,
    first: tuple[str, float],
    columns_loop: str,
    header_cell: str,
    data_loop: str,
    first_cell: list[Part | str],
    cells_loop: str,
    data_cell: list[Part | str],
    last: tuple[str, list[Part | str], float] | None,
    loop_width_mm: float,
) -> Table:
    """A table whose middle columns repeat (`{%tc for %}`), e.g. one column per unit or period.

    docxtpl removes the cells holding the `{%tc %}` tags and shares the table's width among the
    columns it made, so the table keeps its width whatever the number of columns."""
    widths = [first[1], 1.0, loop_width_mm, 1.0] + ([last[2]] if last else [])
    headers = [first[0], f"{{%tc for {columns_loop} %}}", header_cell, "{%tc endfor %}"]
    headers += [last[0]] if last else []
    cells: list[list[Part | str]] = [
        first_cell,
        [f"{{%tc for {cells_loop} %}}"],
        data_cell,
        ["{%tc endfor %}"],
    ]
    cells += [last[1]] if last else []
    table = data_table(doc, headers, widths, data_loop, cells, shade_first=True)
    # hpdocs sets the widths after rendering (hpdocs/render/fit_tables.py): keep this marker
    description = OxmlElement("w:tblDescription")
    description.set(qn("w:val"), f"hpdocs-kolumner:{first[1]:g},{last[2] if last else 0:g}")
    table._tbl.tblPr.append(description)
    return table


def kv_table(doc: Document, loop: str, key: str, value: str, widths_mm: tuple[float, float]) -> Table:
    """A borderless two-column block (the header of a tjänsteskrivelse), rows kept whole."""
    table = doc.add_table(rows=3, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for col, w in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(w)
        for cell in col.cells:
            cell.width = Mm(w)
    start, data, end = table.rows
    cell_text(start.cells[0].paragraphs[0], [f"{{%tr for {loop} %}}"], "Tabelltext")
    cell_text(data.cells[0].paragraphs[0], [(key, "b")], "Tabelltext")
    cell_text(data.cells[1].paragraphs[0], [value], "Tabelltext")
    bottom = OxmlElement("w:tcBorders")
    line = OxmlElement("w:bottom")
    for attr, val in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", BORDER)):
        line.set(qn(attr), val)
    bottom.append(line)
    data.cells[1]._tc.get_or_add_tcPr().append(bottom)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cell_text(end.cells[0].paragraphs[0], ["{%tr endfor %}"], "Tabelltext")
    return table


def page_break(doc: Document) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.page_break_before = True
    paragraph.paragraph_format.space_after = Pt(0)
