"""The generated documents on the web page: which exist, who may fetch them, building them.

Only files under the project's output folder (`utdata/`) are ever served, and only files the
listing below contains: a requested path is looked up in the listing, never opened as given,
and its resolved location must still lie inside the output folder (no `..`, no symlinks out).

Which business area a file belongs to: the build records a node id per output when it has one
(`Output.node_id`, or `node`), kept with the build in the database; otherwise the file name is
matched against the organisation's names (the outputs are named after their scope, see
`pipeline.safe_name`). A file that matches no business area is company-wide: the coordinator
and the company's own link see it.
"""

from __future__ import annotations

import re
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hpdocs.atomic import ProjectLock
from hpdocs.errors import HpdocsError
from hpdocs.org import Node, Organisation
from hpdocs.pipeline import safe_name
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
    area_id: str  # business area id, or "" for company-wide
    path: Path

    @property
    def name(self) -> str:
        return self.path.name


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)


def area_by_name(stem: str, org: Organisation) -> str:
    """The business area whose (or whose unit's) name the file name contains; longest wins."""
    best: tuple[int, Node] | None = None
    for node in org.nodes.values():
        if node.level == "bolag":
            continue
        for name in {node.name, safe_name(node.name)}:
            if name and _name_pattern(name).search(stem) and (best is None or len(name) > best[0]):
                best = (len(name), node)
    if best is None:
        return ""
    area = org.business_area_of(best[1].id)
    return area.id if area else ""


def list_documents(project: Project, recorded: list[dict[str, str]] | None = None) -> list[Document]:
    """Every servable file in the output folder, in a stable order."""
    root = project.output
    if not root.is_dir():
        return []
    base = root.resolve()
    org = project.organisation
    known = {r.get("fil", ""): r for r in recorded or []}
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
        if node_id in org.nodes:
            area = org.business_area_of(node_id)
            area_id = area.id if area else ""
        else:
            area_id = area_by_name(path.stem, org)
        group = record.get("grupp") or (
            GROUPS.get(rel_parts[0], "Översikt") if len(rel_parts) > 1 else "Översikt"
        )
        docs.append(Document(rel, record.get("titel") or path.stem, group, area_id, path))
    return docs


def visible_to(doc: Document, node: Node, org: Organisation) -> bool:
    """What a personal link may fetch: its business area's documents (all, for the company)."""
    if doc.group not in MANAGER_GROUPS:
        return False
    if node.level == "bolag":
        return True
    area = org.business_area_of(node.id)
    return area is not None and doc.area_id == area.id


def find_document(docs: list[Document], rel: str) -> Document | None:
    return next((d for d in docs if d.rel == rel), None)


# Building ------------------------------------------------------------------------------------
def _output_record(root: Path, output: Any) -> dict[str, str]:
    path = Path(output.path)
    node = getattr(output, "node_id", None) or getattr(output, "node", None) or ""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    return {"fil": rel, "titel": str(output.title), "grupp": str(output.group), "nod": str(node)}


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
