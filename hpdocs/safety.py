"""Checks that run before any reader touches a workbook file.

Workbooks arrive by e-mail, so every file is untrusted: a zip bomb, XML entity attacks, a
password, or another kind of file renamed to .xlsx. Readers misbehave on such files (calamine
decompresses a zip bomb in full) or fail with messages nobody can act on, so the bytes are
looked at first and the problem says in Swedish what is wrong and what to do. The content
decides the kind of file, never the extension.

Everything is bounded: sizes come from the zip central directory (whose size is checked before
zipfile parses it) and at most `Limits.xml_prolog_bytes` of a member are decompressed. Trusting
declared sizes is safe because readers honour them: calamine stops with "File is larger than
its declared uncompressed size" and Python's zipfile never reads past them.
"""

from __future__ import annotations

import lzma
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hpdocs.problems import Problem, Severity

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 25 * MiB
    max_total_uncompressed: int = 200 * MiB
    max_member_uncompressed: int = 100 * MiB
    max_members: int = 2000
    max_ratio: float = 200  # per member, for members over RATIO_FLOOR uncompressed
    xml_prolog_bytes: int = 4096


DEFAULT_LIMITS = Limits()
RATIO_FLOOR = MiB
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlam"}
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".xltx", ".xltm"}
_ENTRY_BYTES = 512  # a generous size for one central-directory entry
# zipfile raises all of these on damaged files
_ZIP_ERRORS = (
    zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, NotImplementedError,
    RuntimeError, ValueError, OverflowError, OSError, struct.error, LookupError,
)  # fmt: skip
# Lower-cased UTF-16LE names of OLE2 directory entries -> what they tell.
_OLE_MARKERS = {
    name.encode("utf-16-le"): tag
    for name, tag in {
        "encryptioninfo\0": "encrypted", "encryptedpackage\0": "encrypted",
        "workbook\0": "xls", "book\0": "xls", "_vba_project_cur\0": "vba",
        "worddocument\0": "ett äldre Word-dokument (.doc)",
        "powerpoint document\0": "en äldre PowerPoint-presentation (.ppt)",
        "__substg1.0_": "ett sparat Outlook-meddelande (.msg)",
    }.items()
}  # fmt: skip
_OTHER_OOXML = {
    "word": ("docx", "ett Word-dokument"),
    "ppt": ("pptx", "en PowerPoint-presentation"),
}

_RESAVE = "Öppna arbetsboken i Excel, spara den som Excel-arbetsbok (.xlsx) och skicka igen."
_MESSAGES = {
    "fil-tom": "Filen är tom (0 byte); den har inte sparats klart eller skadats på vägen. Spara arbetsboken i Excel och skicka den igen.",
    "fil-for-stor": "Filen är {size}; gränsen är {limit}. Ta bort bilder och blad som inte hör till handlingsplanen, spara och skicka igen.",
    "fil-saknas": "Filen kunde inte öppnas ({reason}). Kontrollera att den finns och inte är öppen i ett annat program, och försök igen.",
    "fil-krypterad": "Arbetsboken är lösenordsskyddad (krypterad) och kan inte läsas. Spara den utan lösenord (Arkiv › Info › Skydda arbetsbok › Kryptera med lösenord, töm rutan) och skicka igen.",
    "fil-gammal-xls": "Arbetsboken är sparad i det gamla Excel-formatet (.xls, Excel 97–2003). Den läses, men spara den som Excel-arbetsbok (.xlsx) nästa gång (Arkiv › Spara som).",
    "fil-makron": "Arbetsboken innehåller makron. Makron körs aldrig och kopieras inte; värdena läses. Spara den gärna som vanlig Excel-arbetsbok (.xlsx) nästa gång.",
    "fil-xml-dtd": "Delen {member} innehåller XML-konstruktioner (DTD) som kan användas för attacker; filen läses inte. "
    + _RESAVE
    + " Kontakta IT om du inte känner igen avsändaren.",
    "fil-trasig": "Filen är skadad och kan inte läsas ({detail}); den kan ha kapats när den skickades. Öppna den i Excel (som då erbjuder att reparera den), spara och skicka igen.",
    "fil-zipbomb": "Filen packas upp till orimligt mycket data och läses inte av säkerhetsskäl: {details}. En ifylld arbetsbok är normalt under några MB. "
    + _RESAVE,
}


def _problem(code: str, file: str, **fields: str) -> Problem:
    severity = Severity.WARNING if code in ("fil-gammal-xls", "fil-makron") else Severity.ERROR
    return Problem(code, _MESSAGES[code].format(**fields), severity, file=file)


def inspect_workbook(
    path: Path, *, display_name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> list[Problem]:
    """Every problem that stops (ERROR: do not give the file to a reader) or qualifies reading.

    Never raises because of the file's content.
    """
    path = Path(path)
    name = display_name or path.name
    try:
        if not path.is_file():
            raise IsADirectoryError(path) if path.exists() else FileNotFoundError(path)
        size = path.stat().st_size
        if size == 0:
            return [_problem("fil-tom", name)]
        if size > limits.max_file_bytes:
            limit = _size(limits.max_file_bytes)
            return [_problem("fil-for-stor", name, size=_size(size), limit=limit)]
        with path.open("rb") as fh:
            head = fh.read(8192)
            is_zip, is_ole = head[:2] == b"PK", head.startswith(OLE2_MAGIC)
            too_many = _directory_problem(fh, size, limits) if is_zip else None
            ole = _ole_markers(fh) if is_ole else set()
    except OSError as exc:
        return [_problem("fil-saknas", name, reason=_os_reason(exc))]
    if too_many:
        return [_problem("fil-zipbomb", name, details=too_many)]
    if is_zip:
        return _inspect_zip(path, name, limits)
    kind, desc = _ole_kind(ole) if is_ole else _head_kind(head)
    if kind == "encrypted":
        return [_problem("fil-krypterad", name)]
    if kind != "xls":
        return [Problem("fil-inte-arbetsbok", _not_workbook(desc, path.suffix), file=name)]
    macros = "vba" in ole or path.suffix.lower() in MACRO_SUFFIXES
    return [_problem("fil-gammal-xls", name)] + ([_problem("fil-makron", name)] if macros else [])


def sniff_kind(path: Path) -> str:
    """The kind of file by content: xlsx, ods, xls, pdf, docx, pptx, empty, unknown, encrypted.

    Pick the reader with this: calamine's `from_path` goes by the extension and fails on an
    .ods named .xlsx. Call `inspect_workbook` first; only the zip directory's size is checked.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8192)
            if head.startswith(OLE2_MAGIC):
                return _ole_kind(_ole_markers(fh))[0]
            if head[:2] == b"PK":
                if _directory_problem(fh, size, DEFAULT_LIMITS):
                    return "unknown"
                with zipfile.ZipFile(fh) as zf:
                    return _zip_kind(zf)[0]
    except _ZIP_ERRORS:
        return "unknown"
    return _head_kind(head)[0] if head else "empty"


def _inspect_zip(path: Path, name: str, limits: Limits) -> list[Problem]:
    detail = "zip-strukturen är trasig eller ofullständig"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [info for info in zf.infolist() if not info.filename.endswith("/")]
            if bomb := _bomb_details(infos, limits):
                return [_problem("fil-zipbomb", name, details="; ".join(bomb))]
            kind, desc = _zip_kind(zf)
            if kind == "encrypted":
                return [_problem("fil-krypterad", name)]
            if kind not in ("xlsx", "ods"):
                return [Problem("fil-inte-arbetsbok", _not_workbook(desc, path.suffix), file=name)]
            names = {info.filename.lower() for info in infos}
            required = {"xlsx": ("xl/workbook.xml", "xl/workbook.bin"), "ods": ("content.xml",)}
            if names.isdisjoint(required[kind]):
                detail = f"delen {required[kind][0]} saknas"
                raise zipfile.BadZipFile(detail)
            for info in infos:
                detail = f"delen {info.filename} går inte att packa upp"
                if _hides_dtd(zf, info, kind, limits.xml_prolog_bytes):
                    return [_problem("fil-xml-dtd", name, member=info.filename)]
    except _ZIP_ERRORS:
        return [_problem("fil-trasig", name, detail=detail)]
    macros = path.suffix.lower() in MACRO_SUFFIXES or any(
        member.rsplit("/", 1)[-1] == "vbaproject.bin"
        or member.startswith("xl/macrosheets/")  # Excel 4.0 macros have no vbaProject.bin
        or (kind == "ods" and member.startswith("basic/"))
        for member in names
    )
    return [_problem("fil-makron", name)] if macros else []


def _directory_problem(fh: BinaryIO, size: int, limits: Limits) -> str | None:
    """Refuse a zip with too many entries before zipfile parses its whole directory.

    zipfile takes seconds and 150 MB for 300,000 entries (which fit in 25 MB). The count
    can lie, the directory's size cannot: zipfile parses exactly that many bytes.
    """
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 20 or len(tail) - pos < 22:
        return None  # no (or a truncated) directory: zipfile will say the file is broken
    count, cd_size = struct.unpack("<10xHL6x", tail[pos : pos + 22])
    if (count == 0xFFFF or cd_size == 0xFFFFFFFF) and tail[pos - 20 : pos - 16] == b"PK\x06\x07":
        (offset,) = struct.unpack("<8xQ4x", tail[pos - 20 : pos])  # where the Zip64 record is
        fh.seek(min(offset, size))
        record = fh.read(56)
        if len(record) == 56 and record.startswith(b"PK\x06\x06"):
            count, cd_size = struct.unpack("<32xQQ8x", record)
    if count > limits.max_members or cd_size > limits.max_members * _ENTRY_BYTES:
        return f"{max(count, cd_size // _ENTRY_BYTES)} delar (gränsen är {limits.max_members})"
    return None


def _bomb_details(infos: list[zipfile.ZipInfo], limits: Limits) -> list[str]:
    """Which size limits the directory breaks, with numbers (the worst member for each)."""
    details = []
    if len(infos) > limits.max_members:
        details.append(f"{len(infos)} delar (gränsen är {limits.max_members})")
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_uncompressed:
        limit = _size(limits.max_total_uncompressed)
        details.append(f"totalt {_size(total)} uppackat (gränsen är {limit})")
    size, member = max(((i.file_size, i.filename) for i in infos), default=(0, ""))
    if size > limits.max_member_uncompressed:
        limit = _size(limits.max_member_uncompressed)
        details.append(f"delen {member} är {_size(size)} uppackad (gränsen är {limit})")
    big = [(i.file_size / max(i.compress_size, 1), i.filename) for i in infos if i.file_size > RATIO_FLOOR]
    ratio, member = max(big, default=(0.0, ""))
    if ratio > limits.max_ratio:
        limit = f"{limits.max_ratio:.0f}"
        details.append(f"delen {member} packas upp {ratio:.0f} gånger (gränsen är {limit} gånger)")
    return details


_ROOT_START = re.compile(r"<[A-Za-z_:]")  # how a root element starts


def _hides_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str, limit: int) -> bool:
    """True when an XML member has a DTD, or a prolog too long or odd to prove it has none.

    A DOCTYPE can only come before the root element, so the prolog (declaration, comments,
    processing instructions) is walked up to the root element, which must start with `<` and an
    ASCII letter within these bytes: a longer prolog, or bytes in an encoding that could spell
    `<!DOCTYPE` differently (EBCDIC, UTF-32), are refused too. Members not named .xml/.rels are
    checked when they look like XML (a sheet may be stored under any name); SVG images often
    carry a harmless DOCTYPE, so do LibreOffice's macro libraries, and no reader parses them.
    """
    name = info.filename.lower()
    if name.endswith(".svg") or (kind == "ods" and name.startswith(("basic/", "dialogs/"))):
        return False
    with zf.open(info) as member:
        head = member.read(limit)
        complete = not member.read(1)
    text = _decode(head)
    looks_xml = text.lstrip("\ufeff \t\r\n").startswith(("<?", "<!"))
    if not (looks_xml or name.endswith((".xml", ".rels"))):
        return False
    low = text.lower()
    if "<!doctype" in low or "<!entity" in low:
        return True
    pos = 0
    while True:
        while pos < len(text) and text[pos] in "\ufeff \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            end, skip = text.find("?>", pos), 2
        elif text.startswith("<!--", pos):
            end, skip = text.find("-->", pos + 4), 3
        elif pos >= len(text):
            return not complete  # still in the prolog where we stopped reading
        else:  # the root element; anything else is not XML we can vouch for
            return not _ROOT_START.match(text, pos)
        if end < 0:
            return not complete
        pos = end + skip


def _decode(head: bytes) -> str:
    if head.startswith((b"\xfe\xff", b"\0<")):
        return head.decode("utf-16-be", errors="replace")
    if head.startswith((b"\xff\xfe", b"<\0")):
        return head.decode("utf-16-le", errors="replace")
    return head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


def _ole_markers(fh: BinaryIO) -> set[str]:
    """What the stream names in an OLE2 file tell (a byte search, bounded by the size limit)."""
    overlap = max(map(len, _OLE_MARKERS))
    found: set[str] = set()
    tail = b""
    fh.seek(0)
    while chunk := fh.read(MiB):
        window = tail + chunk.lower()
        found.update(tag for needle, tag in _OLE_MARKERS.items() if needle in window)
        tail = window[-overlap:]
    return found


def _ole_kind(markers: set[str]) -> tuple[str, str]:
    if "encrypted" in markers or "xls" in markers:
        return ("encrypted" if "encrypted" in markers else "xls"), ""
    others = sorted(tag for tag in markers if " " in tag)  # descriptions of other Office files
    return "unknown", others[0] if others else "ett okänt Office-format"


def _zip_kind(zf: zipfile.ZipFile) -> tuple[str, str]:
    infos = zf.infolist()
    if any(info.flag_bits & 0x1 for info in infos):
        return "encrypted", ""
    by_name = {info.filename.lower(): info for info in infos}
    names = by_name.keys()
    if "mimetype" in by_name:
        with zf.open(by_name["mimetype"]) as member:
            if member.read(128).strip().startswith(ODS_MIMETYPE):
                return "ods", ""
        return "unknown", "ett OpenDocument-dokument som inte är ett kalkylark"
    tops = {name.split("/", 1)[0] for name in names}
    if "xl" in tops or ("[content_types].xml" in names and not tops & _OTHER_OOXML.keys()):
        return "xlsx", ""  # without xl/workbook.xml it is reported as broken
    for top, (kind, desc) in _OTHER_OOXML.items():
        if top in tops:
            return kind, desc
    return "unknown", "ett zip-arkiv"


def _head_kind(head: bytes) -> tuple[str, str]:
    low = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith(b"%PDF"):
        return "pdf", "en PDF"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "unknown", "en bild"
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low[:2048]:
        return "unknown", "en webbsida (HTML)"
    if low.startswith(b"mime-version:"):
        return "unknown", "en sparad webbsida (.mht)"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in low:
        return "unknown", "ett kalkylblad i det gamla formatet XML-kalkylblad 2003"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or not any(b < 9 or 13 < b < 32 for b in head):
        return "unknown", "en textfil (t.ex. CSV)"
    return "unknown", ""


def _not_workbook(desc: str, suffix: str) -> str:
    todo = "Fyll i arbetsboken du fick och skicka den sparad som Excel-arbetsbok (.xlsx)."
    if not desc:
        return f"Filens innehåll känns inte igen som en Excel-arbetsbok. {todo}"
    if suffix.lower() in _WORKBOOK_SUFFIXES:
        return f"Filen är {desc} som bytt namn till {suffix.lower()}. {todo}"
    return f"Filen är {desc}, inte en Excel-arbetsbok. {todo}"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError | PermissionError):
        return "filen finns inte" if isinstance(exc, FileNotFoundError) else "åtkomst nekad"
    return "inte en vanlig fil" if isinstance(exc, IsADirectoryError) else f"läsfel: {exc}"


def _size(n: float) -> str:
    if n >= MiB:
        return f"{n / MiB:.1f} MB".replace(".", ",")
    return f"{n / 1024:.0f} kB" if n >= 1024 else f"{n:.0f} byte"
