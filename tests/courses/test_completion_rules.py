"""The completion rule as a pure function: no database."""

import pytest

from courses.services.completion import ALL_LESSONS, PERCENT, completion_met, percent_done


def met(rule=ALL_LESSONS, percent=100, minutes=0, total=4, done=4, seconds=0):
    return completion_met(
        rule=rule,
        percent_required=percent,
        min_minutes=minutes,
        lessons_total=total,
        lessons_done=done,
        seconds_studied=seconds,
    )


def test_all_lessons_needs_every_lesson():
    assert met(total=4, done=4)
    assert not met(total=4, done=3)
    assert met(total=4, done=5)  # stale progress of a lesson since removed is harmless


@pytest.mark.parametrize("rule", [ALL_LESSONS, PERCENT])
def test_a_course_without_lessons_is_never_complete(rule):
    assert not met(rule=rule, percent=0, total=0, done=0)


@pytest.mark.parametrize(
    ("percent", "total", "done", "expected"),
    [
        (80, 10, 8, True),
        (80, 10, 7, False),
        (67, 3, 2, True),  # 2/3 shows as 67 %: what the bar shows is what the rule compares
        (66, 3, 2, True),
        (70, 3, 2, False),
        (50, 3, 1, False),  # 33 %
        (50, 2, 1, True),
        (100, 200, 199, False),  # 99.5 % is not 100 %
        (100, 200, 200, True),
        (150, 4, 4, True),  # an out-of-range setting means "all"
        (0, 4, 0, False),  # even 0 % needs one finished lesson
        (0, 4, 1, True),
    ],
)
def test_percent_rule_rounds_like_the_progress_bar(percent, total, done, expected):
    assert met(rule=PERCENT, percent=percent, total=total, done=done) is expected


def test_minimum_minutes_apply_to_either_rule():
    assert not met(minutes=30, seconds=30 * 60 - 1)
    assert met(minutes=30, seconds=30 * 60)
    assert not met(rule=PERCENT, percent=50, minutes=10, done=2, seconds=599)
    assert met(rule=PERCENT, percent=50, minutes=10, done=2, seconds=600)
    assert not met(minutes=10, done=3, seconds=3600)  # time does not replace lessons


def test_unknown_rule_is_a_programming_error():
    with pytest.raises(ValueError):
        met(rule="whatever")


@pytest.mark.parametrize(
    ("done", "total", "shown"),
    [(0, 0, 0), (0, 3, 0), (1, 3, 33), (2, 3, 67), (1, 8, 13), (199, 200, 99), (3, 3, 100),
     (5, 3, 100), (-1, 3, 0)],
)  # fmt: skip
def test_percent_done(done, total, shown):
    assert percent_done(done, total) == shown
