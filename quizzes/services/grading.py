"""After an attempt ends: trainers' grading of short answers, releasing results, the quiz
grade over several attempts, and telling the course a quiz was passed."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.services import audit
from quizzes.models import Attempt, AttemptItem, Quiz
from quizzes.services import scoring
from quizzes.services.attempts import AttemptError, version_payload


def _decimal(value, *, field: str) -> Decimal:
    try:
        return Decimal(str(value)).quantize(scoring.CENT)
    except (InvalidOperation, ValueError) as error:
        raise AttemptError(
            _("%(field)s“%(value)s”不是数字") % {"field": field, "value": value}, code="invalid"
        ) from error


def grade_item(*, item_id: int, actor, score=None, part_scores=None, feedback: str = ""):
    """A trainer's grade for one answer; the attempt is totalled once nothing is pending."""
    from quizzes.services.attempts import _settle

    now = timezone.now()
    with transaction.atomic():
        item = AttemptItem.objects.select_for_update().select_related("attempt").get(pk=item_id)
        attempt = Attempt.objects.select_for_update().get(pk=item.attempt_id)
        if attempt.state == Attempt.State.IN_PROGRESS:
            raise AttemptError(_("考生尚未交卷"), code="in_progress")
        payload = version_payload(item.version_id)
        if payload["kind"] == "case":
            limits = scoring.part_points(payload, points=item.points)
            given = list(part_scores or [])
            if len(given) != len(limits):
                raise AttemptError(_("请为每道小题评分"), code="invalid")
            stored = []
            for number, (value, limit, auto) in enumerate(
                zip(given, limits, item.part_scores or [None] * len(limits), strict=False), 1
            ):
                if auto is not None and payload["parts"][number - 1]["kind"] != "short":
                    stored.append(Decimal(str(auto)))  # objective parts keep their grade
                    continue
                value = _decimal(value, field=_("小题%(n)d得分") % {"n": number})
                if not Decimal(0) <= value <= limit:
                    raise AttemptError(
                        _("小题%(n)d得分应在 0 到 %(max)s 之间") % {"n": number, "max": limit},
                        code="out_of_range",
                    )
                stored.append(value)
            item.part_scores = [str(s) for s in stored]
            item.score = scoring.manual_total(payload, stored, points=item.points)
        else:
            value = _decimal(score, field=_("得分"))
            if not Decimal(0) <= value <= item.points:
                raise AttemptError(
                    _("得分应在 0 到 %(max)s 之间") % {"max": item.points}, code="out_of_range"
                )
            item.score = value
        item.feedback = feedback
        item.needs_grading = False
        item.graded_by = actor
        item.graded_at = now
        item.save()
        audit.record(
            actor=actor,
            action="quiz.item_graded",
            target=attempt,
            item=item.pk,
            score=str(item.score),
        )
        items = list(attempt.items.all())
        if not any(i.needs_grading for i in items):
            _settle(attempt, items, now=now)
    return item


def on_attempt_graded(attempt: Attempt) -> None:
    """Credit the exam's training hours; a passed quiz may complete its course."""
    from quizzes.signals import attempt_graded

    attempt_graded.send(sender=Attempt, attempt=attempt)
    quiz = attempt.quiz
    if quiz and not attempt.practice:
        _credit_exam_hours(attempt, quiz)
    if not (attempt.passed and quiz and quiz.course_id and quiz.required_for_completion):
        return
    from courses.models import Enrollment
    from courses.services.completion import evaluate_completion

    enrollment = Enrollment.objects.filter(
        officer_id=attempt.officer_id, course_id=quiz.course_id
    ).first()
    if enrollment is not None:
        # In the grading transaction: the 结业 and the passed attempt commit together.
        evaluate_completion(enrollment=enrollment)


def _credit_exam_hours(attempt: Attempt, quiz: Quiz) -> None:
    if quiz.credit_hours <= 0 or (quiz.credit_requires_pass and not attempt.passed):
        return
    from people.models import HourEntry
    from people.services.ledger import credit

    # Once per quiz: a second attempt, or a re-take after passing, earns nothing more.
    credit(
        officer_id=attempt.officer_id,
        kind=HourEntry.Kind.EXAM,
        hours=quiz.credit_hours,
        on=timezone.localdate(attempt.ended_at or attempt.graded_at),
        source_type=HourEntry.Source.QUIZ,
        source_id=str(quiz.pk),
        title=quiz.title,
    )


def quiz_grade(quiz: Quiz, officer) -> Decimal | None:
    """The officer's grade for the quiz by its grading method, in percent; None if none."""
    attempts = Attempt.objects.filter(
        quiz=quiz, officer=officer, state=Attempt.State.GRADED
    ).order_by("number")
    percents = [scoring.percent(a.score, a.max_score) for a in attempts]
    return scoring.combine_attempts(quiz.grading_method, percents)


def has_passed(quiz: Quiz, officer) -> bool:
    grade = quiz_grade(quiz, officer)
    return grade is not None and grade >= quiz.pass_percent


@dataclass(frozen=True)
class Release:
    score: bool
    answers: bool
    explanations: bool

    @property
    def marks(self) -> bool:
        """Marks per question: a question's own mark says whether the answer was right,
        which for a true/false question is its key, so they come with the answers, not
        with the total score."""
        return self.answers


def _released(setting: str, quiz: Quiz | None, now) -> bool:
    if quiz is None or setting == Quiz.Release.IMMEDIATELY:
        return True
    if setting == Quiz.Release.AFTER_CLOSE:
        return quiz.is_closed(now)
    return False


def release_for(attempt: Attempt, *, now=None) -> Release:
    """What the officer may see of an attempt now. Nothing while it is in progress."""
    now = now or timezone.now()
    if attempt.in_progress:
        return Release(False, False, False)
    quiz = attempt.quiz
    if attempt.practice:
        return Release(True, True, True)
    return Release(
        score=_released(quiz.show_score, quiz, now),
        answers=_released(quiz.show_answers, quiz, now),
        explanations=_released(quiz.show_explanations, quiz, now),
    )
