"""Preliminary rankings, as pure functions over plain rows (no ORM).

Individual ranking: by best score (percent of the paper), higher first; equal scores by
time taken, shorter first; equal score and equal time (to the second) share a rank and are
listed by earlier submission. Ranks are competition ranks: 1, 2, 2, 4.

Unit ranking, fair to small and large units: every active officer in a unit's subtree is
eligible; participants are those with a graded attempt. A unit is ranked by the average
of its participants' best scores, then by its participation rate (participants / eligible),
then by its number of participants; units equal on all three share a rank. Averages and
rates are compared as shown (two and one decimals). A unit whose participation rate is
below the competition's minimum is listed but not ranked, so sending only a few top
officers does not pay.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
ONE = Decimal("0.1")


@dataclass(frozen=True)
class ParticipantResult:
    """An officer's best graded attempt at the preliminary."""

    officer_id: int
    name: str
    unit_id: int
    unit_name: str
    score: Decimal  # percent of the paper, 0–100
    seconds: int  # time taken by that attempt
    submitted_at: datetime


@dataclass(frozen=True)
class IndividualRank:
    rank: int
    officer_id: int
    name: str
    unit_id: int
    unit_name: str
    score: Decimal
    seconds: int
    submitted_at: datetime

    @property
    def time_text(self) -> str:
        minutes, seconds = divmod(self.seconds, 60)
        return f"{minutes}:{seconds:02d}"


@dataclass(frozen=True)
class UnitMember:
    """An eligible (active) officer of a ranking unit, with their best score if they took part."""

    unit_id: int
    unit_name: str
    officer_id: int
    best_score: Decimal | None


@dataclass(frozen=True)
class UnitRank:
    rank: int | None  # None: listed but not ranked
    unit_id: int
    unit_name: str
    eligible: int
    participants: int
    average: Decimal | None  # of participants' best scores, two decimals
    participation: Decimal  # percent, one decimal
    below_threshold: bool

    @property
    def ranked(self) -> bool:
        return self.rank is not None


def best_attempt(
    attempts: Iterable[tuple[Decimal, int, datetime]],
) -> tuple[Decimal, int, datetime]:
    """Of (score, seconds, submitted_at) tuples: highest score, then shortest, then earliest."""
    return min(attempts, key=lambda a: (-a[0], a[1], a[2]))


def rank_individuals(results: Iterable[ParticipantResult]) -> list[IndividualRank]:
    ordered = sorted(results, key=lambda r: (-r.score, r.seconds, r.submitted_at, r.officer_id))
    ranked: list[IndividualRank] = []
    previous_key = None
    rank = 0
    for position, row in enumerate(ordered, start=1):
        key = (row.score, row.seconds)
        if key != previous_key:
            rank, previous_key = position, key
        ranked.append(
            IndividualRank(
                rank=rank,
                officer_id=row.officer_id,
                name=row.name,
                unit_id=row.unit_id,
                unit_name=row.unit_name,
                score=row.score,
                seconds=row.seconds,
                submitted_at=row.submitted_at,
            )
        )
    return ranked


def _round(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def rank_units(
    members: Iterable[UnitMember], *, min_participation_percent: int = 0
) -> list[UnitRank]:
    """Rank the units the members belong to; unranked units follow the ranked ones."""
    units: dict[int, dict] = {}
    for member in members:
        unit = units.setdefault(
            member.unit_id, {"name": member.unit_name, "eligible": 0, "scores": []}
        )
        unit["eligible"] += 1
        if member.best_score is not None:
            unit["scores"].append(Decimal(member.best_score))
    rows = []
    for unit_id, unit in units.items():
        scores, eligible = unit["scores"], unit["eligible"]
        participants = len(scores)
        average = _round(sum(scores, Decimal(0)) / participants, TWO) if participants else None
        participation = _round(Decimal(100 * participants) / eligible, ONE)
        below = participants * 100 < min_participation_percent * eligible
        rows.append(
            UnitRank(
                rank=None,
                unit_id=unit_id,
                unit_name=unit["name"],
                eligible=eligible,
                participants=participants,
                average=average,
                participation=participation,
                below_threshold=below,
            )
        )
    rankable = [r for r in rows if r.participants and not r.below_threshold]
    others = [r for r in rows if not (r.participants and not r.below_threshold)]

    def key(row: UnitRank):
        return (row.average, row.participation, row.participants)

    rankable.sort(key=lambda r: (*(-v for v in key(r)), r.unit_name, r.unit_id))
    result: list[UnitRank] = []
    previous_key = None
    rank = 0
    for position, row in enumerate(rankable, start=1):
        if key(row) != previous_key:
            rank, previous_key = position, key(row)
        result.append(replace(row, rank=rank))
    others.sort(key=lambda r: (r.average is None, -(r.average or 0), -r.participation, r.unit_name))
    return result + others


def unit_at_depth(path: str, *, depth: int, steplen: int = 4) -> str | None:
    """The materialised path of the unit's ancestor at `depth` (None if the unit is above it)."""
    if len(path) < depth * steplen:
        return None
    return path[: depth * steplen]


def my_row(rows: Sequence[IndividualRank], officer_id: int | None) -> IndividualRank | None:
    return next((r for r in rows if r.officer_id == officer_id), None)
