"""Taking a quiz: start (draw and freeze the paper), save answers, submit, finalise.

Answers are saved one at a time, each committed before the officer's page shows "已保存",
so a crashed server loses nothing that was acknowledged. The deadline is the server's:
an answer arriving after it is refused, and an unfinished attempt is finalised by the
task queued when it started (or by whoever touches it first after its time is up).
"""

import random
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.errors import DomainError
from people.models import Officer
from quizzes.models import Attempt, AttemptItem, Category, Question, QuestionVersion, Quiz
from quizzes.services import bank, eligibility, paper, scoring
from quizzes.services.payload import total_points


class AttemptError(DomainError):
    code = "attempt"


@lru_cache(maxsize=20_000)
def version_payload(version_id: int) -> dict:
    """Versions never change once written, so every process may keep them."""
    return QuestionVersion.objects.values_list("payload", flat=True).get(pk=version_id)


def _rule_candidates(rule) -> list[tuple[int, int]]:
    categories = [rule.category_id]
    if rule.include_subcategories:
        categories = Category.get_tree(rule.category).values_list("pk", flat=True)
    questions = Question.objects.filter(category_id__in=categories, status=Question.Status.ACTIVE)
    if rule.kind:
        questions = questions.filter(kind=rule.kind)
    if rule.difficulty:
        questions = questions.filter(difficulty=rule.difficulty)
    return _with_versions(questions)


def _with_versions(questions) -> list[tuple[int, int]]:
    rows = list(questions.order_by("pk").values_list("pk", "current_version_id"))
    missing = [pk for pk, version in rows if version is None]
    if missing:  # saved outside the admin and never frozen
        frozen = {q.pk: bank.freeze(q).pk for q in Question.objects.filter(pk__in=missing)}
        rows = [(pk, version or frozen[pk]) for pk, version in rows]
    return rows


def _slots(quiz: Quiz) -> list[paper.Slot]:
    slots = []
    fixed = quiz.fixed_questions.select_related("question").order_by("sort_order")
    for entry in fixed:
        candidates = _with_versions(Question.objects.filter(pk=entry.question_id))
        slots.append(paper.Slot(candidates, 1, entry.points, label=str(entry.question)))
    for rule in quiz.draw_rules.select_related("category").order_by("sort_order"):
        label = f"{rule.category.name} {rule.get_kind_display() or ''}".strip()
        slots.append(paper.Slot(_rule_candidates(rule), rule.count, rule.points, label=label))
    return slots


def _deadline(quiz: Quiz, started):
    ends = []
    if quiz.timed:
        ends.append(started + timedelta(minutes=quiz.time_limit_minutes))
    if quiz.closes_at and not quiz.is_practice:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def current_attempt(quiz: Quiz, officer: Officer) -> Attempt | None:
    return Attempt.objects.filter(
        quiz=quiz, officer=officer, state=Attempt.State.IN_PROGRESS
    ).first()


def start_attempt(*, quiz: Quiz, officer: Officer, now=None, seed=None) -> Attempt:
    """The officer's attempt in progress, or a new one with its paper drawn and frozen.

    Starting twice (a double tap, two tabs) returns the same attempt.
    """
    now = now or timezone.now()
    rng = random.Random(seed)
    with transaction.atomic():
        # Serialises starts per officer, so two requests cannot both create attempt n.
        Officer.objects.select_for_update().filter(pk=officer.pk).first()
        existing = current_attempt(quiz, officer)
        if existing is not None:
            if not existing.time_is_up(now):
                return existing
            finalize(existing, ending=Attempt.Ending.TIME_UP, now=now)
        if reason := eligibility.refusal(quiz, officer, now=now):
            raise AttemptError(reason, code="not_allowed")
        try:
            drawn = paper.draw(_slots(quiz), rng=rng, shuffle=quiz.shuffle_questions)
        except paper.NotEnoughQuestions as error:
            raise AttemptError(str(error), code="bank_too_small") from error
        if not drawn:
            raise AttemptError(_("本考试还没有试题"), code="empty")
        attempt = Attempt.objects.create(
            quiz=quiz,
            officer=officer,
            number=eligibility.attempts_used(quiz, officer) + 1,
            practice=quiz.is_practice,
            multiple_scoring=quiz.multiple_scoring,
            started_at=now,
            deadline=_deadline(quiz, now),
        )
        attempt.max_score = _create_items(attempt, drawn, rng=rng, shuffle=quiz.shuffle_options)
        attempt.save(update_fields=["max_score"])
        if attempt.deadline:
            transaction.on_commit(lambda: _schedule_finalize(attempt))
    return attempt


def _create_items(attempt, drawn, *, rng, shuffle) -> Decimal:
    payloads = dict(
        QuestionVersion.objects.filter(pk__in=[d.version_id for d in drawn]).values_list(
            "pk", "payload"
        )
    )
    items = []
    for position, entry in enumerate(drawn, start=1):
        payload = payloads[entry.version_id]
        points = entry.points if entry.points is not None else total_points(payload)
        items.append(
            AttemptItem(
                attempt=attempt,
                position=position,
                version_id=entry.version_id,
                points=points,
                option_order=paper.option_order(payload, rng=rng, shuffle=shuffle),
            )
        )
    AttemptItem.objects.bulk_create(items)
    return sum((item.points for item in items), Decimal(0))


def _schedule_finalize(attempt: Attempt) -> None:
    from quizzes.tasks import finalize_when_time_is_up

    finalize_when_time_is_up.using(run_after=attempt.deadline).enqueue(str(attempt.pk))


def save_answer(
    *, attempt_id, officer_id: int, position: int, response, seq: int, now=None
) -> AttemptItem:
    """Store the officer's answer to one question; returns the item as it now stands.

    `seq` orders the answers a page sends: a save carrying an older seq than the stored
    one (a retried request, a second tab that lagged) is ignored, and the newer answer
    stands. Refused once the attempt has ended or its time is up.
    """
    now = now or timezone.now()
    item = (
        AttemptItem.objects.select_related("attempt")
        .filter(attempt_id=attempt_id, attempt__officer_id=officer_id, position=position)
        .first()
    )
    if item is None:
        raise AttemptError(_("没有这道题"), code="not_found")
    attempt = item.attempt
    _refuse_if_closed(attempt, now)
    if attempt.practice and item.graded_at:
        raise AttemptError(_("这道题已核对答案，不能再修改"), code="locked")
    try:
        cleaned = scoring.clean_response(version_payload(item.version_id), response)
    except scoring.InvalidResponse as error:
        raise AttemptError(_("答案格式不正确"), code="invalid") from error
    deadline_open = Q(attempt__deadline__isnull=True) | Q(attempt__deadline__gt=now)
    updated = (
        AttemptItem.objects.filter(pk=item.pk, response_seq__lte=seq)
        .filter(attempt__state=Attempt.State.IN_PROGRESS)
        .filter(deadline_open)
        .update(response=cleaned, response_seq=seq, saved_at=now)
    )
    if updated:
        item.response, item.response_seq, item.saved_at = cleaned, seq, now
        return item
    item.refresh_from_db()
    attempt.refresh_from_db()
    _refuse_if_closed(attempt, now)
    return item  # a newer answer was already stored: it stands


def _refuse_if_closed(attempt: Attempt, now) -> None:
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AttemptError(_("本次作答已交卷，不能再修改答案"), code="ended")
    if attempt.time_is_up(now):
        finalize_if_due(attempt.pk, now=now)
        raise AttemptError(_("作答时间已到，答案未保存"), code="time_up")


def submit_attempt(*, attempt_id, officer_id: int, now=None) -> Attempt:
    """Hand in the attempt. Submitting again returns the same result (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update().filter(pk=attempt_id, officer_id=officer_id).first()
        )
        if attempt is None:
            raise AttemptError(_("没有这份答卷"), code="not_found")
        if attempt.in_progress:
            ending = Attempt.Ending.TIME_UP if attempt.time_is_up(now) else None
            finalize(attempt, ending=ending or Attempt.Ending.SUBMITTED, now=now)
    return attempt


def finalize_if_due(attempt_id, *, now=None) -> Attempt | None:
    """Finalise an attempt whose time is up; used by the task and on next access."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().filter(pk=attempt_id).first()
        if attempt and attempt.in_progress and attempt.time_is_up(now):
            finalize(attempt, ending=Attempt.Ending.TIME_UP, now=now)
    return attempt


def finalize(attempt: Attempt, *, ending: str, now) -> Attempt:
    """Grade the objective answers; the attempt waits for a trainer if any need one.

    The caller holds the attempt's row lock, so an attempt is finalised once.
    """
    items = list(attempt.items.all())
    for item in items:
        payload = version_payload(item.version_id)
        if attempt.practice and item.graded_at:
            continue  # checked during practice: already graded
        result = scoring.grade(
            payload,
            item.response,
            points=item.points,
            multiple_scoring=attempt.multiple_scoring,
        )
        item.score = result.score
        item.part_scores = [None if s is None else str(s) for s in result.part_scores]
        item.needs_grading = result.pending
        item.graded_at = None if result.pending else now
    AttemptItem.objects.bulk_update(items, ["score", "part_scores", "needs_grading", "graded_at"])
    attempt.ended_at = now
    attempt.ending = ending
    _settle(attempt, items, now=now)
    return attempt


def _settle(attempt: Attempt, items, *, now) -> None:
    """Total the scores; graded once nothing waits for a trainer."""
    from quizzes.services.grading import on_attempt_graded

    if any(item.needs_grading for item in items):
        attempt.state = Attempt.State.GRADING
        attempt.score = None
        attempt.passed = None
    else:
        attempt.state = Attempt.State.GRADED
        attempt.score = sum((item.score or Decimal(0) for item in items), Decimal(0))
        pass_percent = attempt.quiz.pass_percent if attempt.quiz_id else 60
        attempt.passed = scoring.passed(attempt.score, attempt.max_score, pass_percent)
        attempt.graded_at = now
    attempt.save(update_fields=["state", "score", "passed", "graded_at", "ended_at", "ending"])
    if attempt.state == Attempt.State.GRADED:
        on_attempt_graded(attempt)


def check_practice_answer(*, attempt_id, officer_id: int, position: int, now=None):
    """Practice mode's instant feedback: grade one saved answer and lock it."""
    now = now or timezone.now()
    with transaction.atomic():
        item = (
            AttemptItem.objects.select_for_update()
            .select_related("attempt")
            .filter(attempt_id=attempt_id, attempt__officer_id=officer_id, position=position)
            .first()
        )
        if item is None or not item.attempt.practice:
            raise AttemptError(_("没有这道题"), code="not_found")
        if not item.attempt.in_progress:
            raise AttemptError(_("本次练习已结束"), code="ended")
        if item.graded_at is None:
            result = scoring.grade(
                version_payload(item.version_id),
                item.response,
                points=item.points,
                multiple_scoring=item.attempt.multiple_scoring,
            )
            item.score = result.score
            item.part_scores = [None if s is None else str(s) for s in result.part_scores]
            item.needs_grading = False  # practice short answers are self-checked
            item.graded_at = now
            item.save(update_fields=["score", "part_scores", "needs_grading", "graded_at"])
    return item


def answered_count(attempt: Attempt) -> int:
    return attempt.items.filter(response__isnull=False).count()


def expire_overdue(*, now=None) -> int:
    """Finalise every attempt whose time is up (a safety net for lost tasks)."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(
        state=Attempt.State.IN_PROGRESS, deadline__lte=now
    ).values_list("pk", flat=True)
    count = 0
    for attempt_id in list(overdue):
        finalize_if_due(attempt_id, now=now)
        count += 1
    return count


__all__ = [
    "AttemptError",
    "check_practice_answer",
    "current_attempt",
    "expire_overdue",
    "finalize_if_due",
    "save_answer",
    "start_attempt",
    "submit_attempt",
    "version_payload",
]
