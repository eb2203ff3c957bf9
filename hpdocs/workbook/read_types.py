"""What reading a workbook gives: its entries (`Entry`), the whole read (`WorkbookRead`), and the
plan's items indexed by id for the reader (`plan_index`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from hpdocs.plan import Measure, Plan
from hpdocs.problems import Report
from hpdocs.values import parse_date
from hpdocs.workbook import contract as c
from hpdocs.workbook import revised

KIND_ACTIVITY = "aktivitet"
KIND_MEASURE = "matning"
KIND_STATUS = "status"
KIND_OWN = "egen"
# Rows read per sheet: far above any workbook or roll-up hpdocs writes (a company roll-up has a
# row per node and item), low enough that junk rows cannot flood memory and the problem lists.
MAX_SHEET_ROWS = 50_000


@dataclass(frozen=True, slots=True)  # slots: an organisation holds millions of these
class Entry:
    """One filled row: what a node reported for one item and period."""

    node: str
    area: str
    item: str  # plan item id, "<area>.status", or "<area>.egen:<text>"
    kind: str  # KIND_*
    period: str
    status: str = ""
    value: float | None = None
    denominator: float | None = None
    text: str = ""  # the description of an own activity
    comment: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""  # the row's main input cell
    nr: str = ""


@dataclass
class WorkbookRead:
    path: Path
    name: str
    kind: str = ""
    identity: dict[str, str] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    areas_found: dict[str, str] = field(default_factory=dict)  # area id -> sheet name
    # What a plan revision changed, as this read saw it (not cached: hpdocs refresh reads anew).
    revision: revised.RevisionNotes | None = field(default=None, compare=False, repr=False)

    @property
    def node_id(self) -> str:
        return self.identity.get("hpdocs.nod", "")

    @property
    def stamp(self) -> str:
        """The workbook's own date as written (part of output keys; never compared as text)."""
        return self.identity.get("hpdocs.uppdaterad", "") or self.identity.get("hpdocs.skapad", "")

    @property
    def updated(self) -> datetime | None:
        """*Senast uppdaterad* as a real date, when the person wrote one."""
        return parse_date(self.identity.get(c.UPDATED_KEY, ""))

    @property
    def saved(self) -> datetime | None:
        """When the file was last saved, by the program's own record (docProps)."""
        return parse_date(self.identity.get(c.SAVED_KEY, ""))


@dataclass(frozen=True)
class _ItemInfo:
    area: str
    kind: str
    nr: str
    measure: Measure | None = None
    text: str = ""  # how the row reads in the plan, for problem reports


def plan_index(plan: Plan) -> dict[str, _ItemInfo]:
    index: dict[str, _ItemInfo] = {}
    for area in plan.areas:
        index[area.id + c.STATUS_SUFFIX] = _ItemInfo(
            area.id, KIND_STATUS, "", text=f"Områdesstatus: {area.title}"
        )
        for row in area.rows:
            for activity in row.activities:
                index[activity.id] = _ItemInfo(area.id, KIND_ACTIVITY, activity.number, text=activity.text)
            for measure in row.measures:
                index[measure.id] = _ItemInfo(
                    area.id, KIND_MEASURE, measure.number, measure, text=measure.display_label
                )
    return index
