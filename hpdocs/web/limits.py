"""Bounded storage per personal link: a byte quota and a number of uploads per hour.

One link could otherwise fill the disk (random bytes as fast as the network allows, all kept).
Before a single byte of an upload is stored, `Admission.admit` checks the node's stored bytes
and its uploads in the last hour, from the database, together with the uploads of the node
still in flight in this process (the server is the project's only one, hpdocs.web.serverlock),
so fifty parallel uploads cannot all slip under the limit at once. The coordinator's own
uploads (workbooks that came by e-mail) are not limited.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from hpdocs.web.db import Database

MiB = 1 << 20


class LimitReached(Exception):
    """The node may not upload now; the message (Swedish) says why and what to do."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status  # 429 (too many uploads) or 507 (storage quota full)


@dataclass
class _InFlight:
    count: int = 0
    reserved: int = 0


class Admission:
    def __init__(self, db: Database, *, quota_bytes: int, per_hour: int, max_upload: int) -> None:
        self.db = db
        self.quota_bytes = quota_bytes  # 0: no quota
        self.per_hour = per_hour  # 0: no rate limit
        self.max_upload = max_upload
        self._lock = threading.Lock()
        self._flight: dict[str, _InFlight] = {}

    @contextmanager
    def admit(self, node_id: str) -> Iterator[int]:
        """Reserve room for one upload of the node; yields the most bytes it may have."""
        with self._lock:
            flight = self._flight.setdefault(node_id, _InFlight())
            if self.per_hour:
                since = (datetime.now() - timedelta(hours=1)).isoformat(timespec="seconds")
                recent = self.db.uploads_since(node_id, since) + flight.count
                if recent >= self.per_hour:
                    raise LimitReached(
                        f"Den här länken har lämnat in {recent} filer den senaste timmen; gränsen är "
                        f"{self.per_hour}. Vänta en stund och försök igen, eller kontakta samordnaren.",
                        429,
                    )
            room = self.max_upload
            if self.quota_bytes:
                used = self.db.stored_bytes(node_id) + flight.reserved
                room = min(room, self.quota_bytes - used)
                if room <= 0:
                    raise LimitReached(
                        f"Lagringsutrymmet för den här länken är fullt ({self.quota_bytes // MiB} MB). "
                        "Be samordnaren att rensa gamla inlämningar (sidan Lagring), och lämna sedan in igen.",
                        507,
                    )
            flight.count += 1
            flight.reserved += room
        try:
            yield room
        finally:
            with self._lock:
                flight.count -= 1
                flight.reserved -= room
