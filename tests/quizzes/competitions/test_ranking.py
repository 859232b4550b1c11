"""The preliminary's rankings as pure functions: individuals, and units of different sizes."""

from datetime import datetime, timedelta
from decimal import Decimal

from quizzes.competitions.services.ranking import (
    ParticipantResult,
    UnitMember,
    best_attempt,
    rank_individuals,
    rank_units,
    unit_at_depth,
)

T0 = datetime(2026, 5, 1, 9, 0)


def result(officer_id, score, seconds, submitted_minutes=0):
    return ParticipantResult(
        officer_id=officer_id,
        name=f"学员{officer_id}",
        unit_id=1,
        unit_name="东区",
        score=Decimal(score),
        seconds=seconds,
        submitted_at=T0 + timedelta(minutes=submitted_minutes),
    )


def members(unit_id, name, eligible, scores):
    """`eligible` officers of a unit, the first len(scores) of whom took part."""
    rows = []
    for i in range(eligible):
        score = Decimal(scores[i]) if i < len(scores) else None
        rows.append(
            UnitMember(
                unit_id=unit_id, unit_name=name, officer_id=unit_id * 100 + i, best_score=score
            )
        )
    return rows


def test_individuals_by_score_then_time_with_shared_ranks():
    rows = rank_individuals(
        [
            result(1, 90, 1500, submitted_minutes=5),
            result(2, 95, 2000),
            result(3, 90, 1200),
            result(4, 90, 1500, submitted_minutes=1),  # same score and time as 1, submitted first
            result(5, 70, 600),
        ]
    )
    assert [(r.officer_id, r.rank) for r in rows] == [(2, 1), (3, 2), (4, 3), (1, 3), (5, 5)]
    assert rows[1].time_text == "20:00"


def test_best_attempt_prefers_the_higher_score_then_the_faster():
    attempts = [(Decimal(80), 900, T0), (Decimal(90), 1800, T0), (Decimal(90), 1500, T0)]
    assert best_attempt(attempts) == (Decimal(90), 1500, T0)


def test_a_small_unit_where_all_took_part_against_a_large_one_sending_its_best():
    small = members(1, "小单位", 3, [80, 82, 84])  # everyone took part
    large = members(2, "大单位", 30, [95, 96, 97])  # only its 3 top scorers

    # Without a participation threshold the average decides: both figures are shown.
    rows = rank_units(small + large)
    by_name = {r.unit_name: r for r in rows}
    assert (by_name["小单位"].average, by_name["小单位"].participation) == (
        Decimal("82.00"),
        Decimal("100.0"),
    )
    assert (by_name["大单位"].average, by_name["大单位"].participation) == (
        Decimal("96.00"),
        Decimal("10.0"),
    )
    assert (by_name["大单位"].participants, by_name["大单位"].eligible) == (3, 30)
    assert [(r.unit_name, r.rank) for r in rows] == [("大单位", 1), ("小单位", 2)]

    # With a 30% minimum the large unit is listed but not ranked.
    rows = rank_units(small + large, min_participation_percent=30)
    assert [(r.unit_name, r.rank, r.below_threshold) for r in rows] == [
        ("小单位", 1, False),
        ("大单位", None, True),
    ]


def test_threshold_is_inclusive_and_units_without_participants_are_unranked():
    exactly = members(1, "恰好30%", 10, [70, 70, 70])
    nobody = members(2, "未参赛", 5, [])
    rows = rank_units(exactly + nobody, min_participation_percent=30)
    assert [(r.unit_name, r.rank, r.average) for r in rows] == [
        ("恰好30%", 1, Decimal("70.00")),
        ("未参赛", None, None),
    ]
    assert rows[1].participation == Decimal("0.0")


def test_unit_ties_by_participation_then_participants_then_shared():
    a = members(1, "甲", 4, [80, 80])  # 50%
    b = members(2, "乙", 2, [80, 80])  # 100%
    c = members(3, "丙", 4, [80, 80, 80, 80])  # 100%, more participants than 乙
    d = members(4, "丁", 4, [80, 80, 80, 80])  # identical to 丙: shares its rank
    rows = rank_units(a + b + c + d)  # tied units are listed by name
    assert [(r.unit_name, r.rank) for r in rows] == [("丁", 1), ("丙", 1), ("乙", 3), ("甲", 4)]


def test_averages_are_compared_as_shown():
    # 85.333… and 85.334 both show as 85.33: the tie goes to the participation rate.
    a = members(1, "甲", 3, ["85", "85", "86"])
    b = members(2, "乙", 2, ["85.334"])
    rows = rank_units(a + b)
    assert [(r.unit_name, r.average, r.rank) for r in rows] == [
        ("甲", Decimal("85.33"), 1),
        ("乙", Decimal("85.33"), 2),
    ]


def test_unit_at_depth_reads_the_materialised_path():
    assert unit_at_depth("000100020003", depth=2) == "00010002"
    assert unit_at_depth("0001", depth=2) is None
