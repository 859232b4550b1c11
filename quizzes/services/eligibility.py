"""Who may take which quiz, and how many attempts they have left."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quizzes.models import Attempt, Quiz


def audience_filter(officer) -> Q:
    """Quizzes whose audience includes the officer: everyone, their unit's line, a domain."""
    unit_paths = [officer.unit.path[:i] for i in range(4, len(officer.unit.path) + 1, 4)]
    return (
        Q(audience_everyone=True)
        | Q(audience_units__path__in=unit_paths)
        | Q(audience_domains__in=officer.domains.all())
    )


def quizzes_for(officer, *, now=None) -> QuerySet[Quiz]:
    """Live quizzes the officer may see (open, upcoming, or closed with results)."""
    return (
        Quiz.objects.filter(live=True)
        .filter(audience_filter(officer))
        .distinct()
        .order_by("closes_at", "-id")
    )


def in_audience(quiz: Quiz, officer) -> bool:
    if quiz.audience_everyone:
        return True  # no query: the usual case on exam day
    return Quiz.objects.filter(pk=quiz.pk).filter(audience_filter(officer)).exists()


def attempts_used(quiz: Quiz, officer) -> int:
    return Attempt.objects.filter(quiz=quiz, officer=officer).count()


def refusal(quiz: Quiz, officer, *, now=None, used: int | None = None) -> str | None:
    """Why the officer may not start an attempt now, in words; None when they may.

    `used`: the officer's attempts at this quiz, when the caller has already counted them.
    """
    now = now or timezone.now()
    if officer.status != "active":
        return _("只有在岗人员可以参加考试")
    if not quiz.live or not in_audience(quiz, officer):
        return _("您不在本考试的参加范围内")
    if quiz.opens_at and now < quiz.opens_at:
        return _("考试尚未开始")
    if quiz.is_closed(now):
        return _("考试已经截止")
    if used is None and quiz.attempts_allowed:
        used = attempts_used(quiz, officer)
    if quiz.attempts_allowed and used >= quiz.attempts_allowed:
        return _("您的作答次数已用完")
    return None


def exam_summary(officer, *, now=None) -> dict:
    """For the dashboard: exams open to the officer now, and ones left unfinished."""
    now = now or timezone.now()
    open_now = [
        quiz for quiz in quizzes_for(officer, now=now) if quiz.is_open(now) and not quiz.is_practice
    ]
    waiting = [quiz for quiz in open_now if refusal(quiz, officer, now=now) is None]
    in_progress = Attempt.objects.filter(
        officer=officer, state=Attempt.State.IN_PROGRESS, quiz__isnull=False
    ).select_related("quiz")
    return {"available": waiting, "in_progress": list(in_progress)}
