"""When a course counts as completed (结业).

Three layers, so each can be tested and extended on its own:
- `completion_met`: the course's own rule as a pure function of counts (no ORM);
- registered requirements: other apps add conditions (the quiz work: "pass the exam")
  without this module knowing about them;
- `evaluate_completion`: applies both to an enrollment, sets `completed_at` once and sends
  `courses.signals.course_completed`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.signals import course_completed

ALL_LESSONS = "all_lessons"
PERCENT = "percent"

# fn(enrollment) -> an unmet-requirement message for the officer, or None when satisfied.
CompletionRequirement = Callable[[object], str | None]

_requirements: list[CompletionRequirement] = []


def percent_done(lessons_done: int, lessons_total: int) -> int:
    """The whole percent shown on progress bars: rounded half up, but 100 only when all done.

    A course of 3 lessons with 2 done shows 67 %, so a rule of 67 % is met by 2 of 3 lessons —
    the officer sees the same number the rule compares. 199 of 200 must not show 100 %.
    """
    if lessons_total <= 0:
        return 0
    done = min(max(lessons_done, 0), lessons_total)
    if done == lessons_total:
        return 100
    return min(99, (done * 200 + lessons_total) // (2 * lessons_total))


def completion_met(
    *,
    rule: str,
    percent_required: int,
    min_minutes: int,
    lessons_total: int,
    lessons_done: int,
    seconds_studied: int,
) -> bool:
    """Is the course's own rule satisfied by these counts? Pure: callers gather the counts."""
    if lessons_total <= 0:
        return False  # a course without lessons has nothing to complete yet
    if min_minutes > 0 and seconds_studied < min_minutes * 60:
        return False
    if rule == ALL_LESSONS:
        return lessons_done >= lessons_total
    if rule == PERCENT:
        required = min(max(percent_required, 0), 100)
        # Even "0 %" needs one finished lesson: completing by enrolling alone would be a bug.
        return lessons_done >= 1 and percent_done(lessons_done, lessons_total) >= required
    raise ValueError(f"unknown completion rule: {rule!r}")


def register_completion_requirement(fn: CompletionRequirement) -> CompletionRequirement:
    """Add a condition every completion must meet; returns fn, so it works as a decorator."""
    if fn not in _requirements:
        _requirements.append(fn)
    return fn


def unregister_completion_requirement(fn: CompletionRequirement) -> None:
    if fn in _requirements:
        _requirements.remove(fn)


@dataclass(frozen=True)
class Tally:
    lessons_total: int
    lessons_done: int
    seconds: int


def tally(enrollment) -> Tally:
    """Counts over the course's live lessons: unpublished ones neither count nor block."""
    from django.db.models import Count, Q, Sum

    from courses.models import LessonProgress

    lesson_ids = list(enrollment.course.lessons().values_list("pk", flat=True))
    totals = LessonProgress.objects.filter(
        officer_id=enrollment.officer_id, lesson_id__in=lesson_ids
    ).aggregate(done=Count("pk", filter=Q(done_at__isnull=False)), seconds=Sum("seconds"))
    return Tally(len(lesson_ids), totals["done"] or 0, totals["seconds"] or 0)


def rule_shortfalls(course, counts: Tally) -> list[str]:
    """What the course's own rule still asks for, in words for the course page."""
    messages = []
    if counts.lessons_total <= 0:
        return [_("本课程尚未发布课时")]
    if course.completion_rule == PERCENT:
        required = min(max(course.completion_percent, 0), 100)
        if counts.lessons_done < 1 or percent_done(counts.lessons_done, counts.lessons_total) < (
            required
        ):
            messages.append(
                _("完成至少 %(percent)d%% 的课时（已完成 %(done)d/%(total)d）")
                % {"percent": required, "done": counts.lessons_done, "total": counts.lessons_total}
            )
    elif counts.lessons_done < counts.lessons_total:
        messages.append(
            _("完成全部 %(total)d 个课时（已完成 %(done)d 个）")
            % {"total": counts.lessons_total, "done": counts.lessons_done}
        )
    if course.min_study_minutes > 0 and counts.seconds < course.min_study_minutes * 60:
        messages.append(
            _("累计学习至少 %(minutes)d 分钟（已学习 %(studied)d 分钟）")
            % {"minutes": course.min_study_minutes, "studied": counts.seconds // 60}
        )
    return messages


def unmet_requirements(enrollment, counts: Tally | None = None) -> list[str]:
    """Everything still missing before this enrollment completes; empty when it can."""
    course = enrollment.course
    counts = counts or tally(enrollment)
    met = completion_met(
        rule=course.completion_rule,
        percent_required=course.completion_percent,
        min_minutes=course.min_study_minutes,
        lessons_total=counts.lessons_total,
        lessons_done=counts.lessons_done,
        seconds_studied=counts.seconds,
    )
    messages = [] if met else rule_shortfalls(course, counts)
    for requirement in tuple(_requirements):
        if message := requirement(enrollment):
            messages.append(str(message))
    return messages


def evaluate_completion(*, enrollment) -> bool:
    """Complete the enrollment if everything is met; True if it is (or already was) complete.

    Never un-completes: a later change of rule or a new lesson does not take a 结业 away.
    The row is locked so two requests finishing the last lesson at once complete it once.
    """
    from courses.models import Enrollment
    from people.services import audit

    with transaction.atomic():
        locked = (
            Enrollment.objects.select_for_update()
            .select_related("course", "officer__user")
            .get(pk=enrollment.pk)
        )
        if locked.completed_at is None:
            if unmet_requirements(locked):
                return False
            locked.completed_at = timezone.now()
            locked.save(update_fields=["completed_at"])
            audit.record(
                actor=locked.officer.user,
                action="course.completed",
                target=locked,
                course_id=locked.course_id,
                officer_id=locked.officer_id,
            )
            # Inside the transaction on purpose: see courses.signals.
            course_completed.send(sender=Enrollment, enrollment=locked)
    enrollment.completed_at = locked.completed_at
    return True
