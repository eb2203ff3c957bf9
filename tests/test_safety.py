"""hpdocs.safety: every hostile or odd file is built here, from readable Python, in tmp_path."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineError, CalamineWorkbook

from hpdocs.problems import Problem, Severity
from hpdocs.safety import Limits, inspect_workbook, sniff_kind

ERROR, WARNING = Severity.ERROR, Severity.WARNING
MB = 1 << 20
SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
ROWS = (  # a worksheet with one text cell; format() puts the text in
    f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{{}}</t></is></c>'
    "</row></sheetData></worksheet>"
)
BILLION_LAUGHS = (  # &lol9; would expand to 10^9 "lol"s
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
    + ROWS.format("&lol9;")
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + ROWS.format("&xxe;")
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Blad1"><table:table-row>'
    '<table:table-cell office:value-type="string"><text:p>Åtgärd</text:p></table:table-cell>'
    "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
)


def codes(problems: list[Problem]) -> list[tuple[str, Severity]]:
    return [(p.code, p.severity) for p in problems]


def calamine_rows(path: Path) -> list[list[list[object]]]:
    workbook = CalamineWorkbook.from_path(str(path))
    try:
        return [workbook.get_sheet_by_name(n).to_python() for n in workbook.sheet_names]
    finally:
        workbook.close()


@pytest.fixture(scope="module")
def real_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small workbook as openpyxl writes it: the shape of what we send out."""
    path = tmp_path_factory.mktemp("real") / "Enhet Akuten.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Säker vård här och nu"
    ws.append(["Nr", "Åtgärd", "Status"])
    ws.append([1, "Öka följsamheten till basala hygienrutiner", "Pågår enligt plan"])
    wb.create_sheet("Identitet")["A1"] = "hpdocs.enhet"
    wb.save(path)
    return path


@pytest.fixture
def rezip(real_xlsx: Path, tmp_path: Path) -> Callable[..., Path]:
    """Copy the real workbook as `name`, replacing, adding or dropping members."""

    def make(
        name: str = "Enhet.xlsx",
        members: dict[str, str | bytes] | None = None,
        drop: tuple[str, ...] = (),
        compression: int = zipfile.ZIP_DEFLATED,
    ) -> Path:
        members = members or {}
        path = tmp_path / name
        with zipfile.ZipFile(real_xlsx) as src, zipfile.ZipFile(path, "w", compression) as dst:
            for info in src.infolist():
                if info.filename not in drop and info.filename not in members:
                    dst.writestr(info.filename, src.read(info))
            for member, data in members.items():
                dst.writestr(member, data)
        return path

    return make


def ole_file(path: Path, *streams: str) -> Path:
    """An OLE2 compound file: the header, then 128-byte directory entries with these names."""
    entries = b""
    for name in ("Root Entry", *streams):
        raw = (name + "\0").encode("utf-16-le")
        entries += raw.ljust(64, b"\0") + struct.pack("<H", len(raw)) + bytes(62)
    path.write_bytes(OLE2 + bytes(504) + entries.ljust(4096, b"\0"))
    return path


def test_real_workbook_has_no_problems(real_xlsx: Path) -> None:
    assert inspect_workbook(real_xlsx) == []
    assert sniff_kind(real_xlsx) == "xlsx"
    assert calamine_rows(real_xlsx)[0][0] == ["Nr", "Åtgärd", "Status"]


def test_display_name_is_the_file_in_problems(tmp_path: Path) -> None:
    path = tmp_path / "0f3a.xlsx"
    path.write_bytes(b"")
    [problem] = inspect_workbook(path, display_name="Enhet Akuten.xlsx")
    assert problem.file == "Enhet Akuten.xlsx"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "tom.xlsx"
    path.write_bytes(b"")
    assert codes(inspect_workbook(path)) == [("fil-tom", ERROR)]
    assert sniff_kind(path) == "empty"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert codes(inspect_workbook(tmp_path / "finns-inte.xlsx")) == [("fil-saknas", ERROR)]
    (tmp_path / "mapp.xlsx").mkdir()
    assert codes(inspect_workbook(tmp_path / "mapp.xlsx")) == [("fil-saknas", ERROR)]


def test_oversized_file_says_size_and_limit(real_xlsx: Path) -> None:
    problems = inspect_workbook(real_xlsx, limits=Limits(max_file_bytes=1000))
    assert codes(problems) == [("fil-for-stor", ERROR)]
    assert f"{real_xlsx.stat().st_size / 1024:.0f} kB" in problems[0].message
    assert "gränsen är 1000 byte" in problems[0].message


def test_encrypted_workbook(tmp_path: Path) -> None:
    path = ole_file(tmp_path / "lösen.xlsx", "EncryptionInfo", "EncryptedPackage")
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-krypterad", ERROR)]
    assert "lösenordsskyddad" in problems[0].message and "utan lösenord" in problems[0].message
    assert sniff_kind(path) == "encrypted"


def test_zip_with_encrypted_members(rezip: Callable[..., Path]) -> None:
    """A workbook zipped with a password by 7-Zip or WinZip: flag bit 0 on its members."""
    path = rezip()
    data = bytearray(path.read_bytes())
    name = SHEET.encode()
    for signature, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + flags_at] |= 0x01
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(SHEET).flag_bits & 0x1
    assert codes(inspect_workbook(path)) == [("fil-krypterad", ERROR)]
    assert sniff_kind(path) == "encrypted"


def test_old_xls_is_read_with_a_warning(tmp_path: Path) -> None:
    path = ole_file(tmp_path / "gammal.xls", "Workbook", "\x05SummaryInformation")
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-gammal-xls", WARNING)]
    assert ".xlsx" in problems[0].message
    assert sniff_kind(path) == "xls"
    with_macros = ole_file(tmp_path / "makro.xls", "Workbook", "_VBA_PROJECT_CUR", "VBA")
    assert codes(inspect_workbook(with_macros)) == [
        ("fil-gammal-xls", WARNING),
        ("fil-makron", WARNING),
    ]


def test_old_word_document_is_not_a_workbook(tmp_path: Path) -> None:
    path = ole_file(tmp_path / "rapport.xls", "WordDocument", "1Table")
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-inte-arbetsbok", ERROR)]
    assert "äldre Word-dokument (.doc) som bytt namn till .xls" in problems[0].message


def test_truncated_workbook(real_xlsx: Path, tmp_path: Path) -> None:
    data = real_xlsx.read_bytes()
    path = tmp_path / "kapad.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert codes(inspect_workbook(path)) == [("fil-trasig", ERROR)]
    assert sniff_kind(path) == "unknown"


@pytest.mark.parametrize(
    ("compression", "flip", "error"),
    [(zipfile.ZIP_STORED, 0x01, zipfile.BadZipFile), (zipfile.ZIP_DEFLATED, 0xFF, zlib.error)],
    ids=["bad-crc", "bad-deflate-data"],
)
def test_damaged_member(
    rezip: Callable[..., Path], compression: int, flip: int, error: type[Exception]
) -> None:
    path = rezip(compression=compression)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/styles.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + (info.compress_size // 2 if compression == zipfile.ZIP_STORED else 0)] ^= flip
    path.write_bytes(bytes(data))
    with pytest.raises(error), zipfile.ZipFile(path) as zf:
        zf.read(info)  # the damage this test is about
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-trasig", ERROR)]
    assert "delen xl/styles.xml går inte att packa upp" in problems[0].message


def test_workbook_part_missing(rezip: Callable[..., Path]) -> None:
    problems = inspect_workbook(rezip(drop=("xl/workbook.xml",)))
    assert codes(problems) == [("fil-trasig", ERROR)]
    assert "xl/workbook.xml saknas" in problems[0].message


def test_pdf_renamed(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-inte-arbetsbok", ERROR)]
    assert "en PDF som bytt namn till .xlsx" in problems[0].message
    assert sniff_kind(path) == "pdf"


def test_word_document_renamed(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Handlingsplan")
    path = tmp_path / "plan.xlsx"
    document.save(str(path))
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-inte-arbetsbok", ERROR)]
    assert "Filen är ett Word-dokument som bytt namn till .xlsx" in problems[0].message
    assert sniff_kind(path) == "docx"


def test_powerpoint_renamed(tmp_path: Path) -> None:
    pptx = pytest.importorskip("pptx")
    path = tmp_path / "plan.xlsm"
    pptx.Presentation().save(str(path))
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-inte-arbetsbok", ERROR)]
    assert "PowerPoint-presentation som bytt namn till .xlsm" in problems[0].message
    assert sniff_kind(path) == "pptx"


@pytest.mark.parametrize(
    ("content", "told"),
    [
        (b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table>", "webbsida (HTML)"),
        ("Nr;Åtgärd;Status\n1;Hygien;Klar\n".encode("cp1252"), "textfil"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "en bild"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "XML-kalkylblad 2003",
        ),
        (bytes(range(256)) * 4, "känns inte igen"),
    ],
)
def test_other_files_are_not_workbooks(tmp_path: Path, content: bytes, told: str) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-inte-arbetsbok", ERROR)]
    assert told in problems[0].message
    assert sniff_kind(path) == "unknown"


def test_zip_bomb_is_refused_without_decompressing(tmp_path: Path) -> None:
    """160 MB of XML in a file under 1 MB; inspecting it must not cost the 160 MB."""
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", f"<workbook {NS}/>")
        with zf.open(SHEET, "w") as member:
            member.write(f"<?xml version='1.0'?><worksheet {NS}>".encode())
            chunk = b" " * MB
            for _ in range(160):
                member.write(chunk)
    assert path.stat().st_size < MB
    tracemalloc.start()
    try:
        problems = inspect_workbook(path)
        loose = Limits(max_member_uncompressed=1 << 30, max_total_uncompressed=1 << 30, max_ratio=1e9)
        scanned = inspect_workbook(path, limits=loose)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert codes(problems) == [("fil-zipbomb", ERROR)]
    assert f"delen {SHEET} är 160,0 MB uppackad (gränsen är 100,0 MB)" in problems[0].message
    assert "gånger (gränsen är 200 gånger)" in problems[0].message  # the ratio, too
    assert scanned == []  # the DTD check read a few kB of the member, not all of it
    assert peak < 20 * MB


def test_high_ratio_alone_is_refused(rezip: Callable[..., Path]) -> None:
    path = rezip(members={"xl/media/fill.xml": b" " * (2 * MB)})
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-zipbomb", ERROR)]
    assert "delen xl/media/fill.xml packas upp" in problems[0].message


def test_total_uncompressed_limit(real_xlsx: Path) -> None:
    problems = inspect_workbook(real_xlsx, limits=Limits(max_total_uncompressed=2000))
    assert codes(problems) == [("fil-zipbomb", ERROR)]
    assert "totalt" in problems[0].message and "gränsen är 2 kB" in problems[0].message


def test_too_many_members(rezip: Callable[..., Path]) -> None:
    path = rezip(members={f"xl/extra/{i}.txt": b"" for i in range(2100)})
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-zipbomb", ERROR)]
    assert "gränsen är 2000" in problems[0].message


def test_directory_is_measured_before_it_is_parsed(tmp_path: Path) -> None:
    """20,000 entries whose end record claims 5: refused before zipfile builds 20,000 objects."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for i in range(20_000):
            zf.writestr(zipfile.ZipInfo(f"xl/{i}"), b"")
    data = bytearray(buffer.getvalue())
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = struct.pack("<HH", 5, 5)  # the entry counts lie
    path = tmp_path / "många.xlsx"
    path.write_bytes(bytes(data))
    tracemalloc.start()
    try:
        problems = inspect_workbook(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert codes(problems) == [("fil-zipbomb", ERROR)]
    assert peak < 3 * MB


@pytest.mark.parametrize("sheet", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "external"])
def test_entities_are_refused_and_calamine_refuses_them_too(rezip: Callable[..., Path], sheet: str) -> None:
    path = rezip(members={SHEET: sheet})
    problems = inspect_workbook(path)
    assert codes(problems) == [("fil-xml-dtd", ERROR)]
    assert SHEET in problems[0].message and "DTD" in problems[0].message
    with pytest.raises(CalamineError):  # the reader is covered too: it never expands them
        calamine_rows(path)


@pytest.mark.parametrize(
    ("member", "data"),
    [
        (SHEET, '<?xml version="1.0"?><!doctype worksheet>' + ROWS.format("x")),
        ("_rels/.rels", '<?xml version="1.0"?><!ENTITY x "y"><Relationships/>'),
        (SHEET, '<?xml version="1.0"?>' + "<!-- fyllnad -->" * 400 + "<!DOCTYPE w>" + ROWS),
        (SHEET, ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w>' + ROWS).encode("utf-16")),
        ("xl/worksheets/sheet9.dat", '<?xml version="1.0"?><!DOCTYPE w []>' + ROWS),
        (SHEET, b'<?xml version="1.0" encoding="cp037"?>' + "<!DOCTYPE w>".encode("cp037")),
    ],
    ids=["lowercase", "rels", "long-prolog", "utf16", "other-name", "ebcdic"],
)
def test_dtds_are_found_wherever_they_hide(
    rezip: Callable[..., Path], member: str, data: str | bytes
) -> None:
    assert codes(inspect_workbook(rezip(members={member: data}))) == [("fil-xml-dtd", ERROR)]


def test_prolog_longer_than_what_is_read_is_refused(rezip: Callable[..., Path]) -> None:
    prolog = '<?xml version="1.0"?>' + "<!-- fyllnad -->" * 10
    path = rezip(members={SHEET: prolog + "<!DOCTYPE w>" + ROWS.format("x")})
    limits = Limits(xml_prolog_bytes=len(prolog))  # the read ends exactly where the DTD starts
    assert codes(inspect_workbook(path, limits=limits)) == [("fil-xml-dtd", ERROR)]


def test_harmless_xml_is_not_refused(rezip: Callable[..., Path]) -> None:
    svg = '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd"><svg/>'
    path = rezip(
        members={
            "xl/media/logo.svg": svg,
            "xl/worksheets/sheet2.xml": (
                '<?xml version="1.0" encoding="UTF-16"?>' + ROWS.format("ok")
            ).encode("utf-16"),
            SHEET: "\ufeff<?xml version='1.0'?>\n<?mso-application progid='Excel.Sheet'?>"
            + "<!-- ok -->\n" * 3
            + ROWS.format("&lt;!DOCTYPE"),
        }
    )
    assert inspect_workbook(path) == []


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("makro.xlsm", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"}),
        ("makro.xlsx", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"}),
        ("makro.xlsx", {"xl/macrosheets/sheet1.xml": ROWS.format("=HALT()")}),
        ("makro.xlsm", {}),
    ],
)
def test_macros_give_a_warning_only(rezip: Callable[..., Path], name: str, members: dict[str, bytes]) -> None:
    problems = inspect_workbook(rezip(name, members=members))
    assert codes(problems) == [("fil-makron", WARNING)]
    assert "makron körs aldrig och kopieras inte; värdena läses" in problems[0].message.lower()


def make_ods(path: Path, members: dict[str, str] | None = None, mimetype: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        mime = mimetype or "application/vnd.oasis.opendocument.spreadsheet"
        zf.writestr(zipfile.ZipInfo("mimetype"), mime)  # first and stored, as ODF requires
        for name, data in ({"content.xml": ODS_CONTENT} | (members or {})).items():
            if data:
                zf.writestr(name, data)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return path


def test_ods_is_read_whatever_it_is_called(tmp_path: Path) -> None:
    ods = make_ods(tmp_path / "plan.ods")
    assert inspect_workbook(ods) == []
    assert calamine_rows(ods) == [[["Åtgärd"]]]  # a real (minimal) spreadsheet
    renamed = make_ods(tmp_path / "plan.xlsx")
    assert inspect_workbook(renamed) == []
    assert sniff_kind(renamed) == "ods"


def test_ods_problems(tmp_path: Path) -> None:
    no_content = make_ods(tmp_path / "a.ods", {"content.xml": ""})
    assert codes(inspect_workbook(no_content)) == [("fil-trasig", ERROR)]
    text = make_ods(tmp_path / "b.ods", mimetype="application/vnd.oasis.opendocument.text")
    assert codes(inspect_workbook(text)) == [("fil-inte-arbetsbok", ERROR)]
    basic = '<?xml version="1.0"?><!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD" "m.dtd">'
    macros = make_ods(tmp_path / "c.ods", {"Basic/Standard/Module1.xml": basic + "<m/>"})
    assert codes(inspect_workbook(macros)) == [("fil-makron", WARNING)]


def test_member_without_a_name(rezip: Callable[..., Path]) -> None:
    """Found by fuzzing: zipfile's own is_dir() raises IndexError on an empty name."""
    path = rezip()
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(zipfile.ZipInfo(""), b"x")
    assert codes(inspect_workbook(path)) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_files_never_raise(real_xlsx: Path, tmp_path: Path, data: st.DataObject) -> None:
    """Whatever happens to the bytes on the way, the answer is a list of problems."""
    raw = bytearray(real_xlsx.read_bytes())
    cut = data.draw(st.integers(1, len(raw)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(1, 255))))
    for offset, mask in flips:
        raw[offset] ^= mask
    path = tmp_path / "skadad.xlsx"
    path.write_bytes(bytes(raw[:cut]))
    problems = inspect_workbook(path)
    assert all(isinstance(p, Problem) for p in problems)
    assert sniff_kind(path) in {"xlsx", "unknown", "encrypted", "docx", "pptx", "ods"}
