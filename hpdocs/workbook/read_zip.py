"""What the reader takes from a workbook's zip members itself, besides calamine's values:
formulas that have no saved result, and when the file was saved (docProps/core.xml).

Both come from one opening of the zip (`scan_zip`); the file's bytes were read once by the
caller and checked by hpdocs.safety before.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree as DefusedET
from defusedxml.common import DefusedXmlException

from hpdocs.safety import _ZIP_ERRORS

_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f[^>]*(?:/>|>[^<]*</f>)\s*(?:<v>\s*</v>|<v/>)?\s*</c>'
)
# "<f>", "<f " or "<f/>", not <formula1> of a dropdown list: one pass over the XML, not three
_FORMULA_TAG = re.compile(rb"<f(?:[> ]|/>)")
_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>\s*([0-9T:.\-+Z ]{10,40})\s*</dcterms:modified>")


def scan_zip(data: bytes) -> tuple[dict[str, set[str]], str]:
    """(`uncached_formulas`, `saved_time`) of a zip-based workbook, opening the zip once."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS:
        return {}, ""
    with zf:
        return _uncached_formulas(zf), _saved_time(zf)


def uncached_formulas(data: bytes) -> dict[str, set[str]]:
    """Cells holding a formula with no stored result, per sheet name (xlsx only).

    calamine returns such cells as empty; a person must be told instead.
    """
    return scan_zip(data)[0]


def saved_time(data: bytes) -> str:
    """When the program that saved the file says it did (docProps/core.xml), as ISO text."""
    return scan_zip(data)[1]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet XML part -> sheet name, from workbook.xml and its relationships."""
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    book = DefusedET.fromstring(zf.read("xl/workbook.xml"))
    rels = DefusedET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): str(r.get("Target", "")).lstrip("/").removeprefix("xl/") for r in rels}
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{ns_main}sheet"):
        target = targets.get(sheet.get(f"{ns_rel}id"))
        if target:
            parts["xl/" + target] = str(sheet.get("name", ""))
    return parts


def _uncached_formulas(zf: zipfile.ZipFile) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    try:
        parts: dict[str, str] | None = None
        for info in zf.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                continue
            xml = zf.read(info)
            if _FORMULA_TAG.search(xml) is None:
                continue  # fast check first: most workbooks have no formulas at all
            cells = {m.group(1).decode() for m in _FORMULA_NO_VALUE.finditer(xml)}
            if not cells:
                continue
            parts = _sheet_parts(zf) if parts is None else parts
            sheet = parts.get(info.filename)
            if sheet is not None:
                found.setdefault(sheet, set()).update(cells)
    except (*_ZIP_ERRORS, KeyError, DefusedXmlException, ParseError):  # a damaged member: no scan
        return {}
    return found


def _saved_time(zf: zipfile.ZipFile) -> str:
    try:
        if "docProps/core.xml" not in zf.namelist():
            return ""
        info = zf.getinfo("docProps/core.xml")
        if info.file_size > 1_000_000:
            return ""
        match = _MODIFIED.search(zf.read(info))
    except (*_ZIP_ERRORS, KeyError):
        return ""
    return match.group(1).decode().strip() if match else ""
