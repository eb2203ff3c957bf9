"""Zip members assembled from pieces compressed ahead of time.

A company roll-up's Data sheet is mostly the same from one run to the next: one late workbook
changes one unit's rows. Each unit's rows are therefore kept compressed (`Segment`) and a
member is written by joining segments, so unchanged units cost a copy, not a compression.

A deflate stream may be cut into pieces that each end on a byte boundary with no final
block (zlib's sync flush). Pieces compressed by separate compressors never refer back to one
another, so their concatenation, ended by one empty final block, is a valid stream. The zip
member's CRC-32 is combined from the pieces' CRCs (`crc32_combine`, zlib's algorithm) without
the uncompressed bytes.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

LEVEL = 1  # as rawrows.save_with_rows compresses the rest of the workbook
_POLY = 0xEDB88320  # CRC-32, reflected
_END = b"\x03\x00"  # an empty final block (fixed Huffman codes)


@dataclass(frozen=True)
class Segment:
    """Deflated bytes (no final block) of `size` bytes of text whose CRC-32 is `crc`."""

    data: bytes
    crc: int
    size: int


def segment(text: bytes) -> Segment:
    """Compress `text` on its own, ending on a byte boundary without a final block."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    data = compressor.compress(text) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return Segment(data, zlib.crc32(text), len(text))


def _multmodp(a: int, b: int) -> int:
    """a × b modulo the CRC polynomial (zlib's crc32.c)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _x2n_table() -> list[int]:
    table, p = [], 1 << 30  # x^1
    for _ in range(32):
        table.append(p)
        p = _multmodp(p, p)
    return table


_X2N = _x2n_table()  # x^(2^k) modulo the polynomial


def crc32_combine(crc1: int, crc2: int, size2: int) -> int:
    """The CRC-32 of A + B from the CRC of A, the CRC of B and the length of B."""
    p, k, n = 1 << 31, 3, size2  # x^0, and x^(8·n): 2^3 bits per byte
    while n:
        if n & 1:
            p = _multmodp(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return _multmodp(p, crc1) ^ crc2


def write_member(out: zipfile.ZipFile, info: zipfile.ZipInfo, segments: Iterable[Segment]) -> None:
    """Write a deflated member of `out` made of `segments`, in order.

    zipfile has no public way to write data compressed elsewhere, so the member is written as
    ZipFile.writestr writes one: the local header with the sizes and CRC known, the bytes, and
    the entry that the central directory gets when the archive is closed.
    """
    data, crc, size = bytearray(), 0, 0
    for piece in segments:
        data += piece.data
        crc = crc32_combine(crc, piece.crc, piece.size)
        size += piece.size
    data += _END
    member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    member.external_attr = info.external_attr or 0o600 << 16  # as zipfile writes
    member.compress_type = zipfile.ZIP_DEFLATED
    member.CRC, member.file_size, member.compress_size = crc, size, len(data)
    if out._writing:  # type: ignore[attr-defined]  # zipfile's own guard
        raise ValueError("another member is being written")
    out.fp.seek(out.start_dir)  # type: ignore[union-attr]
    member.header_offset = out.fp.tell()  # type: ignore[union-attr]
    out._writecheck(member)  # type: ignore[attr-defined]
    out._didModify = True  # type: ignore[attr-defined]
    out.fp.write(member.FileHeader(None))  # type: ignore[union-attr]
    out.fp.write(data)  # type: ignore[union-attr]
    out.start_dir = out.fp.tell()  # type: ignore[union-attr]
    out.filelist.append(member)
    out.NameToInfo[member.filename] = member
