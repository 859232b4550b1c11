"""Competitions, preliminary attempts and judged contests for the competition tests."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from people.roles import Role
from quizzes.competitions.models import Competition, Entry, JudgingCriterion
from quizzes.models import Attempt, Quiz
from tests.factories import OfficerFactory, UserFactory


def preliminary(**fields) -> Competition:
    quiz = Quiz.objects.create(title="初赛试卷", live=True)
    return Competition.objects.create(
        **{"title": "全市执法知识竞赛", "preliminary_quiz": quiz, **fields}
    )


def sat(competition, officer, score, *, minutes=30, number=1, state="graded", max_score=100):
    """A finished attempt at the preliminary: score out of max_score, taking `minutes`."""
    ended = timezone.now() - timedelta(hours=1) + timedelta(seconds=number)
    return Attempt.objects.create(
        quiz=competition.preliminary_quiz,
        officer=officer,
        number=number,
        state=state,
        score=None if state == "grading" else Decimal(score),
        max_score=Decimal(max_score),
        started_at=ended - timedelta(minutes=minutes),
        ended_at=ended,
        graded_at=ended if state == "graded" else None,
    )


def officers(unit, count, **fields):
    return [OfficerFactory(unit=unit, **fields) for _ in range(count)]


def trainer():
    return UserFactory(roles=[Role.TRAINER])


def judged(*, judges=5, criteria=((30, 10), (30, 10), (20, 10), (20, 10)), **fields):
    competition = Competition.objects.create(
        **{"title": "优秀执法文书评选", "kind": Competition.Kind.JUDGED, **fields}
    )
    for order, (weight, max_score) in enumerate(criteria):
        JudgingCriterion.objects.create(
            competition=competition,
            name=f"评分项{order + 1}",
            weight=Decimal(weight),
            max_score=Decimal(max_score),
            order=order,
        )
    panel = [UserFactory(roles=[Role.TRAINER]) for _ in range(judges)]
    competition.judges.set(panel)
    return competition, panel


def entry(competition, title, *, unit=None, authors=()):
    created = Entry.objects.create(
        competition=competition, title=title, unit=unit, is_live_performance=True
    )
    created.officers.set(authors)
    return created
