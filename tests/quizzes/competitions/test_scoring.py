"""Judged contests' scores as pure functions: weights, dropping the extremes, ties."""

from decimal import Decimal

import pytest

from quizzes.competitions.services.scoring import (
    DROP_FROM,
    Criterion,
    EntryScores,
    MarkError,
    check_marks,
    entry_score,
    rank_entries,
    sheet_total,
)

CRITERIA = [
    Criterion(id=1, weight=Decimal(30), max_score=Decimal(10)),
    Criterion(id=2, weight=Decimal(70), max_score=Decimal(20)),
]


def test_sheet_total_weights_criteria_and_scales_to_100():
    assert sheet_total({1: Decimal(10), 2: Decimal(20)}, CRITERIA) == Decimal("100.00")
    # 5/10 × 30 + 20/20 × 70 = 85
    assert sheet_total({1: Decimal(5), 2: Decimal(20)}, CRITERIA) == Decimal("85.00")
    # 10/10 × 30 + 0 = 30: the weight, not the maximum, decides what a criterion is worth
    assert sheet_total({1: Decimal(10), 2: Decimal(0)}, CRITERIA) == Decimal("30.00")
    # weights not summing to 100 are normalised
    halves = [Criterion(1, Decimal(1), Decimal(10)), Criterion(2, Decimal(1), Decimal(10))]
    assert sheet_total({1: Decimal(8), 2: Decimal(6)}, halves) == Decimal("70.00")
    assert sheet_total({1: Decimal(8)}, halves) is None  # incomplete sheet


def test_marks_must_lie_between_zero_and_the_maximum():
    check_marks({1: Decimal(10), 2: Decimal(0)}, CRITERIA)
    for marks in ({1: Decimal(11), 2: Decimal(1)}, {1: Decimal(-1), 2: Decimal(1)}, {1: 1}):
        with pytest.raises(MarkError):
            check_marks(marks, CRITERIA)


def test_highest_and_lowest_are_dropped_from_five_sheets_not_from_four():
    assert DROP_FROM == 5
    five = [Decimal(x) for x in (60, 80, 82, 84, 99)]
    assert entry_score(five) == (Decimal("82.00"), (Decimal(99), Decimal(60)))
    four = five[:4]
    assert entry_score(four) == (Decimal("76.50"), ())
    assert entry_score([]) == (None, ())


def entry(entry_id, totals):
    return EntryScores(
        entry_id=entry_id,
        title=f"作品{entry_id}",
        unit_id=None,
        unit_name="",
        officer_ids=(),
        totals=tuple(Decimal(t) for t in totals),
    )


def test_entries_rank_by_score_then_sheets_then_plain_mean():
    rows = rank_entries(
        [
            entry(1, [80, 80, 80, 80]),  # 80 from 4 sheets
            entry(2, [70, 80, 80, 80, 90]),  # 80 after dropping, 5 sheets, plain mean 80
            entry(3, [60, 80, 80, 80, 95]),  # 80 after dropping, 5 sheets, plain mean 79
            entry(4, [90]),
            entry(5, []),  # no sheet yet: listed, not ranked
            entry(6, [90]),  # identical to 4: shares the rank
        ]
    )
    assert [(r.entry_id, r.rank) for r in rows] == [
        (4, 1),
        (6, 1),
        (2, 3),
        (3, 4),
        (1, 5),
        (5, None),
    ]
    assert rows[3].dropped == (Decimal(95), Decimal(60)) and rows[3].plain_mean == Decimal("79.00")
