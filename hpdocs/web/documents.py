"""The generated documents on the web page: which exist, who may fetch them, building them.

Only files under the project's output folder (`utdata/`) are ever served, and only files the
listing below contains: a requested path is looked up in the listing, never opened as given,
and its resolved location must still lie inside the output folder (no `..`, no symlinks out).

Who may fetch a file is decided by what the build recorded, never guessed from file names:
every build records the node id and kind of each output (`Output.node_id`, `Output.kind`) in
the output folder's `index.json` (written by every build, CLI or web) and, for builds from the
web page, in the database. Deny by default: a file with no recorded node, or a node no longer
in the organisation, is the coordinator's only.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hpdocs.atomic import ProjectLock
from hpdocs.errors import HpdocsError
from hpdocs.org import Node, Organisation
from hpdocs.project import Project
from hpdocs.reporting import headline
from hpdocs.web.db import Database

GROUPS = {
    "dokument": "Dokument",
    "pdf": "PDF",
    "sammanstallningar": "Sammanställningar",
    "problem": "Problemrapporter",
}
HIDDEN_FOLDERS = {"arbetsbocker"}  # blank workbooks: fetched fresh per node instead
SUFFIXES = {".docx", ".pptx", ".pdf", ".xlsx", ".html", ".json"}
MANAGER_GROUPS = {"Dokument", "PDF", "Sammanställningar"}


@dataclass(frozen=True)
class Document:
    rel: str  # POSIX path relative to the output folder: the id in URLs
    title: str
    group: str
    node_id: str  # the node the build recorded for the file; "" = none (coordinator only)
    kind: str  # as recorded: "psb", "mum", "styrelse", "sammanstallning", "problemrapport"
    path: Path

    @property
    def name(self) -> str:
        return self.path.name


def recorded_outputs(output_dir: Path, fallback: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """What the newest build recorded per output: `index.json`, else the web build's record."""
    try:
        doc = json.loads((output_dir / "index.json").read_text(encoding="utf-8"))
        records = doc["utdata"]
        if isinstance(records, list) and all(isinstance(r, dict) and "nod" in r for r in records):
            return [{k: str(v) for k, v in r.items()} for r in records]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return list(fallback or [])


def list_documents(project: Project, recorded: list[dict[str, str]] | None = None) -> list[Document]:
    """Every servable file in the output folder, in a stable order."""
    root = project.output
    if not root.is_dir():
        return []
    base = root.resolve()
    org = project.organisation
    known = {r.get("fil", ""): r for r in recorded_outputs(root, recorded)}
    docs: list[Document] = []
    for path in sorted(root.rglob("*")):
        rel_parts = path.relative_to(root).parts
        if any(part.startswith((".", "~$")) for part in rel_parts) or rel_parts[0] in HIDDEN_FOLDERS:
            continue
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        if not path.resolve().is_relative_to(base):
            continue
        rel = path.relative_to(root).as_posix()
        record = known.get(rel, {})
        node_id = record.get("nod", "")
        if node_id not in org.nodes:
            node_id = ""  # nothing recorded (or a node since removed): the coordinator's only
        group = record.get("grupp") or (
            GROUPS.get(rel_parts[0], "Översikt") if len(rel_parts) > 1 else "Översikt"
        )
        kind = record.get("typ", "")
        docs.append(Document(rel, record.get("titel") or path.stem, group, node_id, kind, path))
    return docs


def reach(node: Node, org: Organisation) -> set[str]:
    """The nodes whose outputs a personal link may fetch: its business area's scope (a unit's
    link sees its business area's documents), the whole organisation for the company's link."""
    if node.level == "bolag":
        return set(org.nodes)
    top = org.business_area_of(node.id) or node
    return {n.id for n in org.scope(top.id)}


def visible_to(doc: Document, allowed: set[str]) -> bool:
    """What a personal link may fetch: documents recorded for a node within its `reach`."""
    return doc.group in MANAGER_GROUPS and bool(doc.node_id) and doc.node_id in allowed


def find_document(docs: list[Document], rel: str) -> Document | None:
    return next((d for d in docs if d.rel == rel), None)


# Building ------------------------------------------------------------------------------------
def _output_record(root: Path, output: Any) -> dict[str, str]:
    path = Path(output.path)
    node = getattr(output, "node_id", None) or getattr(output, "node", None) or ""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    kind = getattr(output, "kind", "") or ""
    return {
        "fil": rel,
        "titel": str(output.title),
        "grupp": str(output.group),
        "nod": str(node),
        "typ": str(kind),
    }


def run_build(project: Project, progress: Callable[[str], None]) -> tuple[str, list[dict[str, str]]]:
    """The CLI's `hpdocs build` (documents without PDF), under the project lock."""
    from hpdocs.build import build_project

    with ProjectLock(project.root, timeout=300):
        built = build_project(project, None, pdf=False, progress=progress)
    result = built.consolidation
    records = [_output_record(project.output, o) for o in built.outputs]
    summary = (
        f"Period {result.year}-{result.period}: {headline(result.company)} {len(records)} filer skapade."
    )
    return summary, records


class Builder:
    """Runs one build at a time in a background thread; a request during a build queues one more."""

    def __init__(self, db: Database, project: Callable[[], Project]) -> None:
        self.db = db
        self.project = project
        self.message = ""
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False

    @property
    def running(self) -> bool:
        with self._lock:
            return self._thread is not None

    def start(self) -> bool:
        """Start a build; False when one runs (it is then run again once it finishes)."""
        with self._lock:
            if self._thread is not None:
                self._again = True
                return False
            self._thread = threading.Thread(target=self._loop, name="hpdocs-build", daemon=True)
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> None:
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _progress(self, message: str) -> None:
        self.message = message

    def _loop(self) -> None:
        while True:
            self._once()
            with self._lock:
                if not self._again:
                    self._thread = None
                    self.message = ""
                    return
                self._again = False

    def _once(self) -> None:
        build_id = self.db.start_build()
        try:
            summary, records = run_build(self.project(), self._progress)
        except HpdocsError as exc:
            self.db.finish_build(build_id, False, str(exc), [])
        except Exception as exc:  # a bug must not kill the server thread unseen
            detail = "".join(traceback.format_exception_only(exc)).strip()
            self.db.finish_build(build_id, False, f"Oväntat fel: {detail}", [])
            self.db.log("webb", "byggfel", "", traceback.format_exc())
        else:
            self.db.finish_build(build_id, True, summary, records)
