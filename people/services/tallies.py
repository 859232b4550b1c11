"""Training tallies as pure functions: officers in, per-unit and per-domain figures out.

No ORM here: `tally_queries` gathers plain rows, these functions add them up, so the same
figures feed the pages, the Excel and PDF exports and the tests.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from people.models.ledger import HourKind

ZERO = Decimal(0)
STEPLEN = 4  # treebeard's materialised-path step


@dataclass
class OfficerTally:
    officer_id: int
    employee_number: str
    name: str
    unit_id: int
    unit_path: str
    unit_name: str
    position: str
    domain_ids: tuple[int, ...]
    hours_by_kind: dict[str, Decimal]
    required: Decimal
    courses_completed: int = 0
    exams_taken: int = 0
    exams_passed: int = 0
    certificates: int = 0

    @cached_property
    def total(self) -> Decimal:
        # Cached: a city-wide tally reads it for every unit above the officer.
        return sum(self.hours_by_kind.values(), ZERO)

    @property
    def met(self) -> bool:
        return self.total >= self.required

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.total, ZERO)

    @property
    def participated(self) -> bool:
        return self.total > 0


def _share(part: int, whole: int) -> Decimal:
    """A percentage with one decimal, rounded half up; 0 of nobody is 0."""
    if whole <= 0:
        return ZERO
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _average(total: Decimal, count: int) -> Decimal:
    if count <= 0:
        return ZERO
    return (total / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class GroupTally:
    """Figures for a group of officers: a unit's subtree or a domain."""

    key: object
    name: str
    depth: int = 1
    path: str = ""
    headcount: int = 0
    total_hours: Decimal = ZERO
    met: int = 0
    participants: int = 0
    hours_by_kind: dict[str, Decimal] = field(
        default_factory=lambda: {kind: ZERO for kind in HourKind.values}
    )
    target_average: Decimal | None = None
    target_compliance: int | None = None

    def merge(self, other: "GroupTally") -> None:
        self.headcount += other.headcount
        self.total_hours += other.total_hours
        self.met += other.met
        self.participants += other.participants
        for kind, hours in other.hours_by_kind.items():
            self.hours_by_kind[kind] = self.hours_by_kind.get(kind, ZERO) + hours

    def add(self, officer: OfficerTally) -> None:
        self.headcount += 1
        self.total_hours += officer.total
        self.met += officer.met
        self.participants += officer.participated
        for kind, hours in officer.hours_by_kind.items():
            self.hours_by_kind[kind] = self.hours_by_kind.get(kind, ZERO) + hours

    @property
    def average_hours(self) -> Decimal:
        return _average(self.total_hours, self.headcount)

    @property
    def met_percent(self) -> Decimal:
        return _share(self.met, self.headcount)

    @property
    def participation_percent(self) -> Decimal:
        return _share(self.participants, self.headcount)

    @property
    def meets_targets(self) -> bool | None:
        """None when the unit has no target this year."""
        if self.target_average is None and self.target_compliance is None:
            return None
        if self.target_average is not None and self.average_hours < self.target_average:
            return False
        return self.target_compliance is None or self.met_percent >= self.target_compliance


@dataclass(frozen=True)
class UnitInfo:
    unit_id: int
    path: str
    name: str


def unit_tree_tally(
    units: Iterable[UnitInfo],
    officers: Iterable[OfficerTally],
    *,
    targets: dict[int, tuple[Decimal | None, int | None]] | None = None,
) -> list[GroupTally]:
    """Each unit's figures over its whole subtree, in tree order.

    An officer counts in their own unit and in every ancestor among `units`; ancestors
    outside `units` (above a unit HR's scope) are simply not reported.
    """
    own: dict[str, GroupTally] = {}
    for officer in officers:
        group = own.get(officer.unit_path)
        if group is None:
            group = own[officer.unit_path] = GroupTally(key=None, name="")
        group.add(officer)
    return roll_up(units, own, targets=targets)


def roll_up(
    units: Iterable[UnitInfo],
    own: dict[str, GroupTally],
    *,
    targets: dict[int, tuple[Decimal | None, int | None]] | None = None,
) -> list[GroupTally]:
    """Each unit's subtree figures from the figures of each unit's own officers (by path).

    A few hundred merges: the per-officer work happened once, in SQL or in
    `unit_tree_tally`, not once per officer and ancestor.
    """
    targets = targets or {}
    by_path: dict[str, GroupTally] = {}
    for unit in sorted(units, key=lambda u: u.path):
        target_average, target_compliance = targets.get(unit.unit_id, (None, None))
        by_path[unit.path] = GroupTally(
            key=unit.unit_id,
            name=unit.name,
            depth=len(unit.path) // STEPLEN,
            path=unit.path,
            target_average=target_average,
            target_compliance=target_compliance,
        )
    for path, group in own.items():
        for end in range(STEPLEN, len(path) + 1, STEPLEN):
            ancestor = by_path.get(path[:end])
            if ancestor is not None:
                ancestor.merge(group)
    return list(by_path.values())


def domain_tally(
    domains: Iterable[tuple[int, str]], officers: Iterable[OfficerTally]
) -> list[GroupTally]:
    """Each domain's figures over the officers working in it (an officer may be in several)."""
    by_id = {pk: GroupTally(key=pk, name=name) for pk, name in domains}
    unassigned = GroupTally(key=None, name="")
    for officer in officers:
        groups = [by_id[d] for d in officer.domain_ids if d in by_id]
        for group in groups or [unassigned]:
            group.add(officer)
    result = list(by_id.values())
    if unassigned.headcount:
        result.append(unassigned)
    return result


def overall(officers: Iterable[OfficerTally], *, name: str = "") -> GroupTally:
    group = GroupTally(key=None, name=name)
    for officer in officers:
        group.add(officer)
    return group


def months(hours_by_month: dict[int, Decimal]) -> list[tuple[int, Decimal]]:
    """Twelve (month, hours) pairs, zero-filled, for the chart."""
    return [(month, hours_by_month.get(month, ZERO)) for month in range(1, 13)]


@dataclass(frozen=True)
class AnnualSummary:
    """The figures the service's work report asks for, for one year."""

    year: int
    classes_held: int  # 举办培训班 N 期
    person_times: int  # 培训执法人员 N 人次
    class_hours: Decimal  # hours credited from classes
    exams_held: int
    exam_participants: int
    exam_passed: int
    competitions: int
    competition_participants: int
    officers: int
    total_hours: Decimal
    average_hours: Decimal
    met: int

    @property
    def pass_rate(self) -> Decimal:
        return _share(self.exam_passed, self.exam_participants)

    @property
    def met_percent(self) -> Decimal:
        return _share(self.met, self.officers)
