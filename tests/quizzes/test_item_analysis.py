"""Item analysis on small matrices worked out by hand, and the edge cases that break formulas."""

import random
import statistics
from decimal import Decimal

import pytest

from quizzes.services import item_analysis as ia
from quizzes.services.item_analysis import AttemptRow, ItemRow

SINGLE = {"kind": "single", "stem": "单选题", "options": ["甲", "乙", "丙", "丁"], "answer": "B"}
MULTIPLE = {"kind": "multiple", "stem": "多选题", "options": ["甲", "乙", "丙"], "answer": "AC"}
TRUE_FALSE = {"kind": "truefalse", "stem": "判断题", "options": [], "answer": "错"}
CASE = {
    "kind": "case",
    "stem": "案例",
    "options": [],
    "answer": "",
    "parts": [
        {"kind": "single", "options": ["甲", "乙"], "answer": "A", "points": "2"},
        {"kind": "short", "options": [], "answer": "", "points": "3"},
    ],
}


def attempt(key, score, max_score=3, *, officer=None, number=1, graded=True, unit="a", label=""):
    return AttemptRow(
        key=key,
        officer=officer if officer is not None else key,
        number=number,
        score=None if score is None else Decimal(str(score)),
        max_score=Decimal(str(max_score)),
        graded=graded,
        unit_key=unit,
        unit_label=label or unit,
    )


def item(attempt_key, version, score, *, points=1, position=None, payload=SINGLE, response=1):
    return ItemRow(
        attempt=attempt_key,
        version=version,
        question=version * 10,
        version_number=1,
        position=version if position is None else position,
        payload=payload,
        points=Decimal(str(points)),
        response=response,
        score=None if score is None else Decimal(str(score)),
    )


def matrix(rows):
    """{attempt: [score of q1, q2, …]} → item rows, each question worth 1 point."""
    return [
        item(key, version, score)
        for key, scores in rows.items()
        for version, score in enumerate(scores, start=1)
        if score != "-"
    ]


# a1 got all three right, a2 two, a3 and a4 one each (different ones).
SMALL = {"a1": [1, 1, 1], "a2": [1, 1, 0], "a3": [1, 0, 0], "a4": [0, 0, 1]}


def by_question(items):
    return {stats.version: stats for stats in items}


def test_facility_is_the_mean_share_of_the_points():
    stats = by_question(ia.item_analysis(matrix(SMALL)))
    assert stats[1].facility == pytest.approx(0.75)  # 3 of 4
    assert stats[2].facility == pytest.approx(0.5)
    assert stats[3].facility == pytest.approx(0.5)
    assert stats[2].mean_score == pytest.approx(0.5) and stats[2].mean_points == 1


def test_discrimination_correlates_with_the_rest_of_the_paper():
    stats = by_question(ia.item_analysis(matrix(SMALL)))
    # q1: item [1,1,1,0]; rest (total − item) / 2 = [1, .5, 0, .5]: Σdx·dy = 0.
    assert stats[1].discrimination == pytest.approx(0.0, abs=1e-12)
    # q2: item [1,1,0,0]; rest [1,.5,.5,.5] (mean .625): Σdxdy = .25, Σdx² = 1,
    # Σdy² = .1875 → r = .25 / √.1875 = 1/√3.
    assert stats[2].discrimination == pytest.approx(1 / 3**0.5)
    # q3: item [1,0,0,1]; rest [1,1,.5,0]: Σdxdy = −.25, Σdy² = .6875 → r = −.25/√.6875.
    assert stats[3].discrimination == pytest.approx(-0.25 / 0.6875**0.5)


def test_upper_lower_uses_27_percent_groups_by_total():
    # 4 attempts → groups of round(1.08) = 1. Totals a1 3, a2 2, a3 1, a4 1: the tie for the
    # bottom is broken by attempt key, so a3 is the lower group and a1 the upper one.
    stats = by_question(ia.item_analysis(matrix(SMALL)))
    assert stats[1].upper_lower == pytest.approx(0.0)  # a1 1, a3 1
    assert stats[2].upper_lower == pytest.approx(1.0)  # a1 1, a3 0
    assert stats[3].upper_lower == pytest.approx(1.0)  # a1 1, a3 0


def test_upper_lower_with_ten_attempts_takes_three_each():
    # Totals 0..9 (shares of 9 points); the item is right for attempts 4, 7, 8, 9.
    observations = [(t / 9, 1.0 if t in (4, 7, 8, 9) else 0.0, f"k{t}") for t in range(10)]
    # round(2.7) = 3: upper {7, 8, 9} all right, lower {0, 1, 2} all wrong.
    assert ia.upper_lower_index(observations) == pytest.approx(1.0)
    observations[8] = (8 / 9, 0.0, "k8")
    assert ia.upper_lower_index(observations) == pytest.approx(2 / 3)


def test_discrimination_matches_an_independent_correlation():
    rng = random.Random(7)
    rows = {f"a{n:02d}": [rng.choice([0, 1]) for _ in range(6)] for n in range(30)}
    stats = by_question(ia.item_analysis(matrix(rows)))
    for version in range(1, 7):
        item_scores = [scores[version - 1] for scores in rows.values()]
        rest = [(sum(scores) - scores[version - 1]) / 5 for scores in rows.values()]
        expected = statistics.correlation(item_scores, rest)
        assert stats[version].discrimination == pytest.approx(expected)
        assert stats[version].facility == pytest.approx(sum(item_scores) / 30)


def test_no_attempts_gives_empty_figures_not_errors():
    analysis = ia.analyse([], [], grading_method="highest", pass_percent=60)
    summary = analysis.summary
    assert summary.officers == summary.attempts == summary.pending == summary.passed == 0
    assert summary.mean is summary.median is summary.std is summary.pass_rate is None
    assert [band.count for band in analysis.bands] == [0] * 10
    assert {band.share for band in analysis.bands} == {None}
    assert analysis.units == [] and analysis.items == []


def test_one_attempt_has_no_spread_and_no_discrimination():
    attempts = [attempt("a1", 2)]
    analysis = ia.analyse(
        attempts, matrix({"a1": [1, 1, 0]}), grading_method="highest", pass_percent=60
    )
    assert analysis.summary.mean == pytest.approx(66.67)
    assert analysis.summary.median == pytest.approx(66.67)
    assert analysis.summary.std is None
    assert analysis.summary.pass_rate == 100
    for stats in analysis.items:
        assert stats.discrimination is None and stats.upper_lower is None
    assert [s.facility for s in analysis.items] == [1.0, 1.0, 0.0]


def test_everyone_scoring_the_same_leaves_correlations_undefined():
    same = {key: [1, 0, 1] for key in ("a1", "a2", "a3")}
    for stats in ia.item_analysis(matrix(same)):
        assert stats.discrimination is None and stats.upper_lower is None
    assert ia.pearson([1, 2, 3], [5, 5, 5]) is None
    assert ia.pearson([1], [2]) is None


def test_questions_drawn_for_only_some_officers_count_only_their_attempts():
    rows = {"a1": [1, 1, "-"], "a2": [0, "-", 1], "a3": [1, "-", 0]}
    stats = by_question(ia.item_analysis(matrix(rows)))
    assert (stats[1].drawn, stats[2].drawn, stats[3].drawn) == (3, 1, 2)
    assert stats[2].facility == 1.0 and stats[2].discrimination is None
    assert stats[3].facility == pytest.approx(0.5)


def test_case_questions_count_by_their_total_and_pending_scores_are_left_out():
    items = [
        item("a1", 1, 4, points=5, payload=CASE, response=[0, "答案"]),
        item("a2", 1, 2, points=5, payload=CASE, response=[1, "答案"]),
        item("a3", 1, None, points=5, payload=CASE, response=[0, "待评"]),
        item("a4", 1, 0, points=5, payload=CASE, response=[None, ""]),
    ]
    (stats,) = ia.item_analysis(items)
    assert stats.drawn == 4 and stats.scored == 3
    assert stats.facility == pytest.approx((0.8 + 0.4 + 0) / 3)
    assert stats.unanswered == 1
    assert stats.options == ()


def test_attempts_awaiting_grading_are_pending_not_scored():
    attempts = [attempt("a1", 3), attempt("a2", None, graded=False)]
    summary = ia.analyse(attempts, [], grading_method="highest", pass_percent=60).summary
    assert (summary.officers, summary.attempts, summary.pending) == (1, 1, 1)


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", 90.0), ("first", 50.0), ("last", 70.0), ("average", 70.0)],
)
def test_an_officers_attempts_combine_by_the_grading_method(method, expected):
    attempts = [
        attempt("x1", 5, 10, officer=1, number=1),
        attempt("x3", 7, 10, officer=1, number=3),
        attempt("x2", 9, 10, officer=1, number=2),
    ]
    (result,) = ia.officer_results(attempts, grading_method=method, pass_percent=75)
    assert result.percent == pytest.approx(expected)
    assert result.passed is (expected >= 75)


def test_distribution_bands_cover_0_to_100():
    bands = ia.score_distribution([0, 9.99, 10, 59.5, 60, 89.99, 90, 100])
    assert [b.label for b in bands][:2] == ["0–9", "10–19"] and bands[-1].label == "90–100"
    assert [b.count for b in bands] == [2, 1, 0, 0, 0, 1, 1, 0, 1, 2]
    assert bands[0].share == pytest.approx(25.0)
    assert sum(b.count for b in bands) == 8


def test_summary_and_units():
    attempts = [
        attempt("a1", 9, 10, unit="001", label="东区"),
        attempt("a2", 5, 10, unit="001", label="东区"),
        attempt("a3", 7, 10, unit="000", label="市局"),
    ]
    analysis = ia.analyse(attempts, [], grading_method="highest", pass_percent=60)
    s = analysis.summary
    assert (s.officers, s.passed) == (3, 2)
    assert s.mean == pytest.approx(70.0) and s.median == pytest.approx(70.0)
    assert s.std == pytest.approx(20.0)  # sample deviation of 90, 50, 70
    assert (s.minimum, s.maximum) == (50.0, 90.0)
    assert s.pass_rate == pytest.approx(200 / 3)
    assert [(u.label, u.count, u.mean, u.passed) for u in analysis.units] == [
        ("市局", 1, 70.0, 1),
        ("东区", 2, 70.0, 1),
    ]


def test_option_counts_are_in_the_questions_own_order_with_keys_marked():
    counts = ia.option_counts(SINGLE, [1, 1, 3, None, 0])
    assert [(o.letter, o.text, o.count, o.correct) for o in counts] == [
        ("A", "甲", 1, False),
        ("B", "乙", 2, True),
        ("C", "丙", 0, False),
        ("D", "丁", 1, False),
    ]
    assert counts[1].share == pytest.approx(40.0)
    multiple = ia.option_counts(MULTIPLE, [[0, 2], [0], [], None])
    assert [(o.count, o.correct) for o in multiple] == [(2, True), (0, False), (1, True)]
    true_false = ia.option_counts(TRUE_FALSE, [True, False, False, None])
    assert [(o.letter, o.count, o.correct) for o in true_false] == [
        ("对", 1, False),
        ("错", 2, True),
    ]
    assert ia.option_counts({"kind": "fill", "answer": "十五"}, ["十五"]) == ()


def test_blank_responses():
    assert all(map(ia.is_blank, [None, "", "  ", [], ["", ""], [None, ""]]))
    assert not any(map(ia.is_blank, [0, False, [0], ["", "罚款"], "答"]))


def test_flags_and_sorting_by_them():
    assert ia.item_flags(0.95, 0.5, 20) == ("easy",)
    assert ia.item_flags(0.1, 0.5, 20) == ("hard",)
    assert ia.item_flags(0.5, 0.1, 20) == ("poor",)
    assert ia.item_flags(0.5, -0.3, 20) == ("negative",)
    assert ia.item_flags(0.5, -0.3, ia.MIN_SAMPLE - 1) == ()  # too few answers to judge
    assert ia.item_flags(None, None, 0) == ()

    rng = random.Random(3)
    rows = {f"a{n:02d}": [1, rng.choice([0, 1]), 0] for n in range(12)}
    items = ia.item_analysis(matrix(rows))
    assert [s.version for s in items] == [1, 2, 3]
    flagged = ia.sort_items(items, "flags")
    assert [s.flags for s in flagged][:2] == [("hard",), ("easy",)]
