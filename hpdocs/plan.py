"""The action plan as data: areas, levels, activities, measures and follow-ups.

The plan knows no file format. `hpdocs.planfile` turns a YAML file into these
objects; the workbook writer, the reader, the consolidation and the documents
all work from them. Texts are kept word for word as the organisation wrote
them (typos included), because the plan belongs to the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hpdocs.levels import LevelName
from hpdocs.levels import level_name as _level_forms

LEVEL_KEYS: tuple[str, ...] = ("bolag", "vo", "enhet")
"""The three organisational levels, top down. Their display names are configurable."""

DEFAULT_LEVEL_NAMES: dict[str, str] = {
    "bolag": "Bolag",
    "vo": "Verksamhetsområde",
    "enhet": "Enhet",
}


class AreaKind(StrEnum):
    PREREQUISITE = "förutsättning"
    FOCUS = "fokusområde"


class MeasureKind(StrEnum):
    """How a measure is entered and aggregated."""

    COUNT = "antal"  # a whole number, summed
    SHARE = "andel"  # numerator and denominator, aggregated as sum/sum
    YESNO = "janej"  # yes/no, aggregated as the share of nodes answering yes
    TARGET = "mal"  # a percentage compared with a yearly target
    TEXT = "text"  # free text, listed


class Rhythm(StrEnum):
    """How often a follow-up happens; decides in which periods values are expected."""

    MONTHLY = "månadsvis"
    QUARTERLY = "kvartalsvis"
    TERTIAL = "tertialvis"
    JULY_DECEMBER = "juli-december"
    YEARLY = "årligen"
    ONCE = "engång"
    ONGOING = "löpande"


@dataclass(frozen=True)
class Period:
    """A follow-up period inside a plan year, e.g. Q3 = Kvartal 3 (months 7-9)."""

    id: str
    label: str
    months: tuple[int, ...]

    @property
    def last_month(self) -> int:
        return self.months[-1]


@dataclass(frozen=True)
class Activity:
    id: str  # unique within the plan, e.g. "ledning.enhet.a1"
    number: str  # as numbered in the plan ("1", "" when unnumbered)
    text: str
    key: str = ""  # how measures and follow-ups refer to it: the number, else the position


@dataclass(frozen=True)
class Measure:
    id: str
    number: str
    text: str
    kind: MeasureKind
    activities: tuple[str, ...]  # activity numbers it measures (may be empty)
    numerator: str = ""  # label of the numerator for shares
    denominator: str = ""  # label of the denominator for shares
    targets: dict[int, float] = field(default_factory=dict)  # year -> target in percent
    note: str = ""  # extra text printed with the measure (e.g. the HSE target levels)
    label: str = ""  # a short display label for documents; the text stays word for word

    @property
    def display_label(self) -> str:
        """What documents call the measure: its label, else its text."""
        return self.label or self.text


@dataclass(frozen=True)
class FollowUp:
    id: str
    number: str  # "1", "1-3", "" as written
    text: str
    rhythm: Rhythm
    by: str  # who follows up, "" when the plan does not say
    activities: tuple[str, ...]  # activity numbers it covers (may be several)
    months: tuple[int, ...] = ()  # for rhythm ONCE/YEARLY: the month(s) it happens


@dataclass(frozen=True)
class LevelRow:
    """One row of an area's table: what one organisational level does."""

    level: str  # one of LEVEL_KEYS
    label: str  # the row heading as written, e.g. "Verksamhetsområde s nivå"
    activities: tuple[Activity, ...]
    measures: tuple[Measure, ...]
    followups: tuple[FollowUp, ...]

    def measures_for(self, activity: Activity) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if activity.key in m.activities)

    def followups_for(self, activity: Activity) -> tuple[FollowUp, ...]:
        return tuple(f for f in self.followups if activity.key in f.activities)


@dataclass(frozen=True)
class Area:
    id: str
    kind: AreaKind
    number: int  # 1-based order within its kind
    title: str
    priority: str
    background_title: str = ""
    background: str = ""
    status_priority: str = ""  # the priority as written in the November status table
    status_title: str = ""  # the area's name as written in the November status table
    goals: tuple[str, ...] = ()
    rows: tuple[LevelRow, ...] = ()
    sheet_name: str = ""  # a short name for the Excel sheet (at most 31 characters), "" = from the title

    @property
    def sheet_title(self) -> str:
        """The name the area's sheet is given: the plan's short name, else the title."""
        return self.sheet_name or self.title

    def row(self, level: str) -> LevelRow | None:
        return next((r for r in self.rows if r.level == level), None)

    @property
    def report_title(self) -> str:
        return self.status_title or self.title

    @property
    def report_priority(self) -> str:
        return self.status_priority or self.priority


@dataclass(frozen=True)
class Section:
    title: str
    text: str


@dataclass(frozen=True)
class Plan:
    id: str
    version: str
    title: str
    subtitle: str
    years: tuple[int, ...]
    periods: tuple[Period, ...]
    statuses: tuple[str, ...]  # activity status values, in dropdown order
    done_statuses: tuple[str, ...]  # statuses that count as done / on track
    late_statuses: tuple[str, ...]  # statuses that count as behind
    area_statuses: tuple[str, ...]  # the November status scale, best first
    instructions: tuple[str, ...]
    areas: tuple[Area, ...]
    level_names: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LEVEL_NAMES))
    level_forms: dict[str, dict[str, str]] = field(default_factory=dict)  # level -> given forms
    status_tables: dict[str, str] = field(default_factory=dict)  # kind -> table title
    background: tuple[Section, ...] = ()
    goals: tuple[str, ...] = ()
    source: str = ""  # where the plan was loaded from

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    def areas_of(self, kind: AreaKind) -> tuple[Area, ...]:
        return tuple(a for a in self.areas if a.kind == kind)

    def period(self, period_id: str) -> Period:
        for period in self.periods:
            if period.id == period_id:
                return period
        raise KeyError(period_id)

    def level_name(self, level: str) -> str:
        return self.level_names.get(level, DEFAULT_LEVEL_NAMES[level])

    def level(self, level: str) -> LevelName:
        """Every Swedish form of a level's name (definite, plural, genitive...)."""
        return _level_forms(self.level_name(level), self.level_forms.get(level))

    @property
    def fingerprint(self) -> str:
        """Identifies plan content for workbook stamps and caches."""
        return f"{self.id}@{self.version}"


def expected_periods(
    rhythm: Rhythm, periods: tuple[Period, ...], months: tuple[int, ...] = ()
) -> tuple[str, ...]:
    """The periods in which a follow-up with this rhythm expects a value.

    The plan's months decide: a follow-up "juli och december" expects its values in the
    periods that hold July and December (Kvartal 3 and 4; Tertial 2 and 3), where the person
    writes them when the follow-up is done.
    """
    if rhythm in (Rhythm.MONTHLY, Rhythm.QUARTERLY, Rhythm.TERTIAL, Rhythm.ONGOING):
        return tuple(p.id for p in periods)
    wanted: tuple[int, ...]
    if rhythm is Rhythm.JULY_DECEMBER:
        wanted = (7, 12)
    elif months:
        wanted = months
    else:
        wanted = (12,)
    result: list[str] = []
    for month in wanted:
        for p in periods:
            if month in p.months and p.id not in result:
                result.append(p.id)
    return tuple(result)
