"""Judged contests' scores, as pure functions (no ORM).

A sheet's total is Σ mark / max × weight, scaled so that full marks are 100. An entry's
score is the mean of its sheets' totals; with at least DROP_FROM sheets the single highest
and the single lowest total are dropped first. Entries rank by that score, then by their
number of sheets, then by the mean of all sheets (nothing dropped); entries equal on all
three share a rank. Totals and means are rounded to two decimals before comparing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

DROP_FROM = 5  # sheets needed before the highest and lowest are dropped
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: Decimal
    max_score: Decimal


@dataclass(frozen=True)
class EntryScores:
    """An entry and its complete sheets' totals."""

    entry_id: int
    title: str
    unit_id: int | None
    unit_name: str
    officer_ids: tuple[int, ...]
    totals: tuple[Decimal, ...]


@dataclass(frozen=True)
class EntryRank:
    rank: int | None  # None: no complete sheet yet
    entry_id: int
    title: str
    unit_id: int | None
    unit_name: str
    officer_ids: tuple[int, ...]
    score: Decimal | None
    sheets: int
    plain_mean: Decimal | None
    dropped: tuple[Decimal, ...]  # the highest and lowest totals left out


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


class MarkError(ValueError):
    pass


def check_marks(marks: Mapping[int, Decimal], criteria: Sequence[Criterion]) -> None:
    """Every criterion has a mark between 0 and its maximum."""
    for criterion in criteria:
        mark = marks.get(criterion.id)
        if mark is None:
            raise MarkError(criterion.id)
        if not Decimal(0) <= Decimal(mark) <= criterion.max_score:
            raise MarkError(criterion.id)


def sheet_total(marks: Mapping[int, Decimal], criteria: Sequence[Criterion]) -> Decimal | None:
    """The weighted total out of 100; None if a criterion has no mark (an incomplete sheet)."""
    weights = sum((c.weight for c in criteria), Decimal(0))
    if not criteria or not weights:
        return None
    total = Decimal(0)
    for criterion in criteria:
        mark = marks.get(criterion.id)
        if mark is None:
            return None
        total += Decimal(mark) / criterion.max_score * criterion.weight
    return _round(total * 100 / weights)


def entry_score(totals: Sequence[Decimal]) -> tuple[Decimal | None, tuple[Decimal, ...]]:
    """The entry's score and the totals dropped to reach it."""
    if not totals:
        return None, ()
    ordered = sorted(totals)
    dropped: tuple[Decimal, ...] = ()
    if len(ordered) >= DROP_FROM:
        dropped = (ordered[-1], ordered[0])
        ordered = ordered[1:-1]
    return _round(sum(ordered, Decimal(0)) / len(ordered)), dropped


def rank_entries(entries: Iterable[EntryScores]) -> list[EntryRank]:
    rows = []
    for entry in entries:
        score, dropped = entry_score(entry.totals)
        plain = _round(sum(entry.totals, Decimal(0)) / len(entry.totals)) if entry.totals else None
        rows.append(
            EntryRank(
                rank=None,
                entry_id=entry.entry_id,
                title=entry.title,
                unit_id=entry.unit_id,
                unit_name=entry.unit_name,
                officer_ids=entry.officer_ids,
                score=score,
                sheets=len(entry.totals),
                plain_mean=plain,
                dropped=dropped,
            )
        )
    scored = sorted(
        (r for r in rows if r.score is not None),
        key=lambda r: (-r.score, -r.sheets, -r.plain_mean, r.entry_id),
    )
    result, previous, rank = [], None, 0
    for position, row in enumerate(scored, start=1):
        key = (row.score, row.sheets, row.plain_mean)
        if key != previous:
            rank, previous = position, key
        result.append(replace(row, rank=rank))
    return result + [r for r in rows if r.score is None]
