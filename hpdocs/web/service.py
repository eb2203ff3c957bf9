"""What the web page does, without the web: upload, restore, links, status.

The page handlers in hpdocs.web.app only translate HTTP to these calls. Checking a workbook is
the CLI's own reading (in a worker process) + `check_identity`; the only check added here is the one only the
web page can make: the workbook must belong to the node whose personal link was used.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from hpdocs.inbox import check_identity
from hpdocs.org import Node
from hpdocs.planversions import loader
from hpdocs.problems import Problem, Severity
from hpdocs.project import CONFIG_NAME, Project, load_project
from hpdocs.web import security
from hpdocs.web.db import Database, Submission
from hpdocs.web.limits import Admission, LimitReached
from hpdocs.web.serverlock import ServerLock
from hpdocs.web.settings import WebSettings
from hpdocs.web.storage import Storage, TooLarge, clean_original_name
from hpdocs.workbook import contract as c
from hpdocs.workbook.parallel import read_one
from hpdocs.workbook.read import WorkbookRead
from hpdocs.workbook.write import nodes_for_workbooks

# A file refused with one of these is no workbook at all (random bytes, a program, a zip bomb):
# its record is kept, the file is not (it would only fill the disk).
NOT_A_WORKBOOK = frozenset(
    {
        "fil-tom",
        "fil-inte-arbetsbok",
        "fil-zipbomb",
        "fil-xml-dtd",
        "fil-trasig",
        "fil-olasbar",
        "fil-lasare-kraschade",
        "fil-for-stor",
    }
)


MAX_PROBLEMS = 200  # problems kept and shown per submission (errors first); the counts are exact


def kept_problems(read: WorkbookRead) -> list[dict[str, str]]:
    """The first MAX_PROBLEMS problems, errors first: a workbook of junk rows has one per row."""
    errors = [p for p in read.report.problems if p.severity == Severity.ERROR]
    warnings = [p for p in read.report.problems if p.severity != Severity.ERROR]
    return [p.to_dict() for p in [*errors, *warnings][:MAX_PROBLEMS]]


def problem_counts(read: WorkbookRead) -> tuple[int, int]:
    errors = len(read.report.errors)
    return errors, len(read.report.problems) - errors


class ProjectHolder:
    """The project, loaded again when its config, organisation or plan file changes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._project: Project | None = None
        self._stamp: tuple[float, ...] = ()

    def _files(self, project: Project | None) -> list[Path]:
        files = [self.root / CONFIG_NAME]
        if project is not None:
            files.append(project.organisation_file)
            plan_file = project.root / project.plan_source
            if plan_file.is_file():
                files.append(plan_file)
        return files

    def _mtimes(self, project: Project | None) -> tuple[float, ...]:
        return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in self._files(project))

    def get(self) -> Project:
        with self._lock:
            if self._project is None or self._mtimes(self._project) != self._stamp:
                project = load_project(self.root)
                _ = project.plan, project.organisation  # fail here, with the loader's message
                self._project, self._stamp = project, self._mtimes(project)
            return self._project


@dataclass
class NodeStatus:
    node: Node
    state: str  # key of STATES
    latest: Submission | None
    active: Submission | None
    has_link: bool

    @property
    def label(self) -> str:
        return STATES[self.state]


STATES = {
    "inlamnad": "Inlämnad",
    "varningar": "Inlämnad, med varningar",
    "med-fel": "Godkänd med fel – några värden räknas inte",
    "senaste-avvisad": "Senaste avvisad – en tidigare används",
    "avvisad": "Avvisad",
    "saknas": "Saknas",
    "sen": "Sen",
}


@dataclass
class AreaStatus:
    area: Node
    rows: list[NodeStatus] = field(default_factory=list)

    def count(self, *states: str) -> int:
        return sum(1 for r in self.rows if r.state in states)

    @property
    def last_upload(self) -> str:
        return max((r.latest.when for r in self.rows if r.latest), default="")


class Portal:
    """One project served on the web: its database, stored files and inbox."""

    def __init__(self, root: Path, settings: WebSettings) -> None:
        self.projects = ProjectHolder(root)
        self.settings = settings
        self.db = Database(settings.database)
        self.storage = Storage(settings.uploads, self.db)
        self.lock = ServerLock(settings.uploads)
        self.admission = Admission(
            self.db,
            quota_bytes=settings.quota_bytes,
            per_hour=settings.uploads_per_hour,
            max_upload=settings.max_upload_bytes,
        )

    @property
    def project(self) -> Project:
        return self.projects.get()

    def node_names(self) -> dict[str, str]:
        return {n.id: n.name for n in self.project.organisation.nodes.values()}

    def start(self) -> list[str]:
        """At start-up: take the project's server lock (one server per project, see
        hpdocs.web.serverlock), then repair whatever a crash left (see hpdocs.web.storage)."""
        self.lock.acquire()
        try:
            return self.storage.reconcile(self.project.inbox, self.node_names())
        except BaseException:
            self.lock.release()
            raise

    def close(self) -> None:
        """Let another server start on this project (also happens when the process ends)."""
        self.lock.release()

    # Personal links ------------------------------------------------------------------------
    def node_for_token(self, token: str) -> Node | None:
        if not token or len(token) > 200:
            return None
        digest = security.token_hash(token)
        found = self.db.node_for_token_hash(digest)
        if found is None or not security.same(found[1], digest):
            return None
        return self.project.organisation.nodes.get(found[0])

    def issue_link(self, node_id: str, *, actor: str = "samordnare") -> str:
        """A new personal link token for the node; its earlier link stops working."""
        if node_id not in self.project.organisation.nodes:
            raise KeyError(node_id)
        token = security.new_token()
        self.db.replace_token(node_id, security.token_hash(token), actor=actor)
        return token

    def issue_links(self, *, all_nodes: bool, actor: str = "samordnare") -> list[tuple[Node, str]]:
        """Links for every node without one (or for all, replacing the old ones)."""
        have = self.db.active_tokens()
        nodes = [n for n in nodes_for_workbooks(self.project.organisation) if all_nodes or n.id not in have]
        return [(node, self.issue_link(node.id, actor=actor)) for node in nodes]

    # Submissions ---------------------------------------------------------------------------
    def check(self, path: Path, node: Node, name: str) -> WorkbookRead:
        """The CLI's checks, plus: the workbook is this node's own."""
        project = self.project
        read = read_one(path, project.plan, name=name)  # in a worker: a crashing reader costs the upload only
        check_identity(read, project.plan, project.organisation, project.year, loader(project))
        if read.report.ok and read.kind == c.KIND_ROLLUP:
            read.report.add(
                Problem(
                    "webb-sammanstallning",
                    "Det här är en sammanställning, inte en arbetsbok. Lämna in enhetens egen arbetsbok (ladda ned den här på sidan).",
                    file=name,
                    sheet=c.IDENTITY_SHEET,
                )
            )
        elif read.node_id and read.node_id != node.id:
            other = project.organisation.nodes.get(read.node_id)
            owner = f"{other.name} ({other.id})" if other else read.node_id
            read.report.add(
                Problem(
                    "webb-annan-enhet",
                    f"Arbetsboken gäller {owner}, men länken gäller {node.name}. Lämna in {node.name}s egen arbetsbok; ladda ned den här på sidan om du inte har den.",
                    file=name,
                    sheet=c.IDENTITY_SHEET,
                )
            )
        return read

    def upload(self, node: Node, stream: IO[bytes], filename: str | None, *, by: str) -> Submission:
        """Store, check and record one upload; a valid one becomes the node's inbox file.

        Through a personal link the node's quota and hourly limit apply (hpdocs.web.limits):
        LimitReached before anything is stored."""
        if by == "samordnare":
            return self._upload(node, stream, filename, by=by, room=self.settings.max_upload_bytes)
        with self.admission.admit(node.id) as room:
            try:
                return self._upload(node, stream, filename, by=by, room=room)
            except TooLarge:
                if room < self.settings.max_upload_bytes:
                    raise LimitReached(
                        f"Filen får inte plats: lagringsutrymmet för den här länken "
                        f"({self.settings.quota_bytes >> 20} MB) är nästan fullt. Be samordnaren att "
                        "rensa gamla inlämningar (sidan Lagring), och lämna sedan in igen.",
                        507,
                    ) from None
                raise

    def _upload(
        self, node: Node, stream: IO[bytes], filename: str | None, *, by: str, room: int
    ) -> Submission:
        name = clean_original_name(filename)
        received = self.storage.receive(node.id, stream, name, limit=room)
        try:
            read = self.check(received.path, node, name)
            submission = self.storage.commit(
                received,
                ok=read.report.usable,  # one bad cell excludes that value, not the workbook
                problems=kept_problems(read),
                counts=problem_counts(read),
                uploaded_by=by,
                actor="samordnare" if by == "samordnare" else f"länk {node.id}",
                inbox=self.project.inbox,
                node_name=node.name,
                keep=not any(p.code in NOT_A_WORKBOOK for p in read.report.problems),
            )
        finally:
            self.storage.discard(received)  # a no-op once committed (renamed)
        return submission

    def restore(self, submission_id: int) -> Submission:
        """Make an earlier submission the newest again, after checking it against today's plan."""
        old = self.db.submission(submission_id)
        if old is None:
            raise KeyError(submission_id)
        node = self.project.organisation.nodes.get(old.node_id)
        if node is None or not old.has_file:
            raise KeyError(old.node_id)
        read = self.check(self.storage.path_of(old), node, old.original_name)
        return self.storage.record_restore(
            old,
            problems=kept_problems(read),
            counts=problem_counts(read),
            actor="samordnare",
            inbox=self.project.inbox,
            node_name=node.name,
            ok=read.report.usable,  # as an upload: one bad cell excludes a value, not the workbook
        )

    def own_submission(self, node: Node, submission_id: int) -> Submission | None:
        sub = self.db.submission(submission_id)
        return sub if sub is not None and sub.node_id == node.id else None

    # Status ----------------------------------------------------------------------------------
    def status(self, today: date | None = None) -> list[AreaStatus]:
        org = self.project.organisation
        latest = self.db.latest_per_node()
        active = self.db.latest_per_node(valid_only=True)
        links = self.db.active_tokens()
        late = self.settings.deadline is not None and (today or date.today()) > self.settings.deadline

        def row(node: Node) -> NodeStatus:
            last, used = latest.get(node.id), active.get(node.id)
            if used is not None and last is not None and last.id != used.id:
                state = "senaste-avvisad"
            elif used is not None:
                state = "med-fel" if used.errors else "varningar" if used.warnings else "inlamnad"
            elif last is not None:
                state = "avvisad"
            else:
                state = "sen" if late else "saknas"
            return NodeStatus(node, state, last, used, node.id in links)

        groups = [AreaStatus(org.company, [row(org.company)])]
        for area in org.business_areas:
            units = [n for n in org.children(area.id) if n.level == "enhet"]
            groups.append(AreaStatus(area, [row(area), *(row(u) for u in units)]))
        return groups

    def foreign_inbox_files(self) -> list[str]:
        """Workbooks in the inbox that the web page did not put there."""
        from hpdocs.inbox import find_workbooks

        inbox = self.project.inbox
        if not inbox.is_dir():
            return []
        ours = self.db.inbox_names()
        return [p.name for p in find_workbooks([inbox]) if p.name not in ours]
