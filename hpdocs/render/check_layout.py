"""Layout checks of a Word template: what makes a printed page look careless.

Warnings, not errors (the template still works): a table row that may split across pages
(no "Tillåt inte att rader bryts över sidor" / cantSplit), a table without a repeated header
row, and a heading that is not kept with the text after it (an orphan heading at the foot of a
page). Each names the table or heading so the coordinator can fix it in Word.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from hpdocs.problems import Problem, Severity


def _warning(path: Path, code: str, message: str, where: str) -> Problem:
    return Problem(code, message, Severity.WARNING, file=path.name, sheet="brödtext", cell=where)


def _keeps_with_next(paragraph: Paragraph) -> bool:
    if paragraph.paragraph_format.keep_with_next is not None:
        return bool(paragraph.paragraph_format.keep_with_next)
    style = paragraph.style
    while style is not None:
        value = style.paragraph_format.keep_with_next
        if value is not None:
            return bool(value)
        style = style.base_style
    return False


def layout_problems(path: Path) -> Iterator[Problem]:
    """Warnings for rows that may split, tables without a repeated header, orphan-prone headings."""
    doc = Document(str(path))
    for number, table in enumerate(doc.tables, start=1):
        rows = table._tbl.findall(qn("w:tr"))
        loose = [r for r in rows if r.trPr is None or r.trPr.find(qn("w:cantSplit")) is None]
        if loose:
            yield _warning(
                path,
                "mall-tabellrad-delas",
                f"Tabell {number}: {len(loose)} av {len(rows)} rader kan delas mellan två sidor. Markera "
                "tabellen i Word › Tabellegenskaper › Rad › kryssa ur ”Tillåt att rader bryts över sidor”.",
                f"tabell {number}",
            )
        first_text = "".join(t.text or "" for t in rows[0].iter(qn("w:t"))).strip() if rows else ""
        has_header = not first_text.startswith("{%tr")  # a table that starts with its loop has none
        if (
            has_header
            and len(rows) > 1
            and (rows[0].trPr is None or rows[0].trPr.find(qn("w:tblHeader")) is None)
        ):
            yield _warning(
                path,
                "mall-tabellrubrik-upprepas-inte",
                f"Tabell {number}: rubrikraden upprepas inte på nästa sida. Markera första raden › "
                "Tabellegenskaper › Rad › ”Upprepa som rubrikrad överst på varje sida”.",
                f"tabell {number}",
            )
    for number, paragraph in enumerate(doc.paragraphs, start=1):
        name = paragraph.style.name if paragraph.style is not None else ""
        if name.startswith("Heading") and paragraph.text.strip() and not _keeps_with_next(paragraph):
            yield _warning(
                path,
                "mall-rubrik-ensam",
                f"Rubriken ”{paragraph.text.strip()[:60]}” hålls inte ihop med texten efter den och kan "
                "hamna ensam längst ned på en sida. Stycke › Radbrytningar och sidbrytningar › "
                "”Håll ihop med nästa”.",
                f"stycke {number}",
            )
