"""Compressed Data-sheet rows kept between runs, so a late workbook costs its own rows.

The company roll-up's Data sheet repeats every entry of the organisation. Its rows are made
per run of one node's entries (`hpdocs.workbook.data_rows`) and kept here, compressed, under a
key of everything they are made from (the entries, the node's name and stamp, the style of
quoted text and the writer's code). A re-run takes the unchanged nodes' rows from here and
makes only the changed node's; the file written is byte for byte the one a fresh run writes.

The store lives in the project's cache folder, in 16 shards by the key's first hex digit,
each written atomically. Each piece is checked against its SHA-256 when it is used, so a
damaged shard is noticed and its rows are made again. The rows are XML that goes into the
roll-up as it is: whoever can write the cache folder can also write the roll-up beside it in
the output folder, so the store gives no one more than they have. A shard holds the pieces
of the last run that used it; nothing in it is kept longer.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from contextlib import suppress
from pathlib import Path
from typing import Any

from hpdocs.atomic import atomic_write_bytes
from hpdocs.errors import HpdocsError
from hpdocs.workbook.deflate import Segment

MAGIC = b"hpdocs-datarader 1\n"
PREFIX = "datarader-"


class FragmentStore:
    """Pieces of Data-sheet rows by key, for one version of the writing code (`context`)."""

    def __init__(self, cache_dir: Path, context: str) -> None:
        self.folder = Path(cache_dir) / f"{PREFIX}{context[:24]}"
        self._shards: dict[str, dict[str, Segment]] = {}  # as loaded
        self._used: dict[str, dict[str, Segment]] = {}  # what this run used or made
        self._dirty: set[str] = set()
        self.hits = self.misses = 0

    def get(self, key: str) -> Segment | None:
        shard = key[:1]
        if shard not in self._shards:
            self._shards[shard] = self._load(shard)
        found = self._shards[shard].get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used.setdefault(shard, {})[key] = found
        return found

    def put(self, key: str, piece: Segment) -> None:
        shard = key[:1]
        self._used.setdefault(shard, {})[key] = piece
        self._dirty.add(shard)

    def save(self) -> None:
        """Write the shards that got new pieces (best effort: a failure only costs speed),
        keeping the pieces this run used."""
        if not self._dirty:
            return
        try:
            new = not self.folder.exists()
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return
        if new:
            self._remove_stale()
        for shard in sorted(self._dirty):
            items, payload, offset = {}, bytearray(), 0
            for key, piece in sorted(self._used.get(shard, {}).items()):
                items[key] = [offset, len(piece.data), piece.crc, piece.size, _sha(piece.data)]
                payload += piece.data
                offset += len(piece.data)
            head = json.dumps({"items": items}, separators=(",", ":")).encode()
            with suppress(OSError, HpdocsError):
                atomic_write_bytes(self.folder / f"{shard}.bin", MAGIC + head + b"\n" + payload)
        self._dirty.clear()

    def _load(self, shard: str) -> dict[str, Segment]:
        """The shard's pieces whose bytes match their checksum; nothing when it is damaged."""
        try:
            raw = (self.folder / f"{shard}.bin").read_bytes()
        except OSError:
            return {}
        if not raw.startswith(MAGIC):
            return {}
        head, newline, payload = raw[len(MAGIC) :].partition(b"\n")
        try:
            items: Any = json.loads(head) if newline else None
        except ValueError:
            return {}
        listed = items.get("items") if isinstance(items, dict) else None
        found: dict[str, Segment] = {}
        for key, item in (listed if isinstance(listed, dict) else {}).items():
            piece = _piece(item, payload)
            if piece is not None:
                found[key] = piece
        return found

    def _remove_stale(self) -> None:
        """Stores of other versions of the writing code will not be used again."""
        with suppress(OSError):
            for other in self.folder.parent.glob(f"{PREFIX}*"):
                if other != self.folder and other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)


def _piece(item: Any, payload: bytes) -> Segment | None:
    if not (isinstance(item, list) and len(item) == 5 and all(type(v) is int for v in item[:4])):
        return None
    offset, length, crc, size, digest = item
    data = payload[offset : offset + length]
    if offset < 0 or len(data) != length or not isinstance(digest, str) or _sha(data) != digest:
        return None
    return Segment(bytes(data), crc, size)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
