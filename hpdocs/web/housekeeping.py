"""The coordinator's view of storage, and pruning the files no longer needed.

Every upload is kept (hpdocs.web.storage), so storage grows with every hand-in. Pruning removes
the stored files of old submissions while keeping their records (who, when, what the check
said): for each node the newest submission and the newest valid one (the one the inbox holds)
keep their files, and so does any submission that shares a file with those (a restore).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from hpdocs.web.db import Submission
from hpdocs.web.storage import Storage


@dataclass(frozen=True)
class NodeUsage:
    node_id: str
    submissions: int
    files: int
    bytes: int
    prunable_files: int
    prunable_bytes: int


def _keep(rows: list[Submission]) -> set[str]:
    """Stored paths of one node (rows newest first) that pruning must leave."""
    keep = {rows[0].stored_path} if rows else set()
    valid = next((r for r in rows if r.ok), None)
    if valid is not None:
        keep.add(valid.stored_path)
    return keep


def _by_node(storage: Storage) -> dict[str, list[Submission]]:
    grouped: dict[str, list[Submission]] = {}
    for sub in storage.db.submissions(light=True):  # newest first
        grouped.setdefault(sub.node_id, []).append(sub)
    return grouped


def _prunable(rows: list[Submission]) -> list[Submission]:
    keep = _keep(rows)
    return [r for r in rows if r.has_file and r.stored_path not in keep]


def usage(storage: Storage) -> list[NodeUsage]:
    """Per node with submissions: what is stored and what pruning would free."""
    result = []
    for node_id, rows in sorted(_by_node(storage).items()):
        files = {r.stored_path: r.size for r in rows if r.has_file}
        keep = _keep(rows)
        prunable = {p: size for p, size in files.items() if p not in keep}
        result.append(
            NodeUsage(
                node_id, len(rows), len(files), sum(files.values()), len(prunable), sum(prunable.values())
            )
        )
    return result


def prune(storage: Storage, *, actor: str = "samordnare") -> tuple[int, int]:
    """Remove the files of submissions no longer needed; returns (files, bytes) removed."""
    files = size = 0
    for node_id in sorted(_by_node(storage)):
        with storage.node_lock(node_id):  # no upload of this node commits meanwhile
            rows = storage.db.submissions(node_id, light=True)
            doomed = _prunable(rows)
            if not doomed:
                continue
            storage.db.mark_removed([r.id for r in doomed], actor=actor)
            for path in {r.stored_path: r.size for r in doomed}.items():
                with suppress(FileNotFoundError):
                    (storage.uploads / path[0]).unlink()
                files, size = files + 1, size + path[1]
    return files, size
