"""An officer's learning: enrolment, HR assignment, lesson progress, study notes.

Summaries of that progress (per course, the lesson to continue, a lesson page's context)
are in `courses.services.progress`.

Every function acts for one officer passed in by the caller, which takes it from the logged-in
user; none accepts an officer id from a request. Study time is measured by the server from
the gaps between heartbeats, never from a duration the browser reports.
"""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment, LessonProgress, StudyNote
from courses.services.completion import evaluate_completion
from lianbing.errors import DomainError
from people.models import Officer
from people.services import audit
from people.utils import can_view_officer, is_hr, visible_officers

# A heartbeat credits at most this much: a phone asleep for an hour is not an hour of study.
HEARTBEAT_CAP = datetime.timedelta(seconds=60)
MAX_NOTE_CHARS = 20_000
# Opening the lesson already open (a reload, a second tab) within this interval writes nothing.
OPEN_REFRESH_INTERVAL = datetime.timedelta(seconds=60)


def officer_of(user) -> Officer | None:
    """The logged-in user's own officer profile, or None (anonymous, staff without one)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.officer
    except ObjectDoesNotExist:
        return None


def course_path(lesson) -> str:
    """The path of the course page a lesson sits under."""
    return lesson.path[: -lesson.steplen]


def enrollment_for_lesson(officer, lesson) -> Enrollment | None:
    if officer is None:
        return None
    return (
        Enrollment.objects.select_related("course")
        .filter(officer=officer, course__path=course_path(lesson))
        .first()
    )


def _require_enrollment(officer, lesson) -> Enrollment:
    enrollment = enrollment_for_lesson(officer, lesson)
    if enrollment is None:
        raise DomainError(_("您尚未报名本课程。"), code="not_enrolled")
    return enrollment


# --- enrolment ---------------------------------------------------------------------------


def enroll(*, officer, course, actor=None, source: str = Enrollment.Source.SELF) -> Enrollment:
    """Enrol an officer; enrolling again returns the existing enrollment unchanged.

    Self-enrolment is refused when the course does not allow it (unless HR already assigned
    it, in which case the assigned enrollment is simply returned). Assignment needs HR whose
    scope covers the officer.
    """
    if source == Enrollment.Source.ASSIGNED:
        if actor is None or not is_hr(actor) or not can_view_officer(actor, officer):
            raise DomainError(_("您无权为该学员指派课程。"), code="forbidden")
    elif actor is not None and getattr(actor, "pk", None) != officer.user_id:
        raise DomainError(_("只能为自己报名。"), code="forbidden")
    if not course.live:
        raise DomainError(_("该课程未发布，不能报名。"), code="course_unavailable")
    with transaction.atomic():
        # The officer's row serialises concurrent enrolments of the same officer.
        Officer.objects.select_for_update().filter(pk=officer.pk).first()
        existing = Enrollment.objects.filter(officer=officer, course=course).first()
        if existing is not None:
            return existing
        if source == Enrollment.Source.SELF and not course.self_enrollment:
            raise DomainError(
                _("本课程不接受自行报名，请联系人事部门指派。"), code="self_enrollment_closed"
            )
        enrollment = Enrollment.objects.create(
            officer=officer,
            course=course,
            source=source,
            assigned_by=actor if source == Enrollment.Source.ASSIGNED else None,
        )
        audit.record(
            actor=actor or officer.user,
            action="course.enrolled" if source == Enrollment.Source.SELF else "course.assigned",
            target=enrollment,
            course_id=course.pk,
            officer_id=officer.pk,
            source=source,
        )
    return enrollment


def assign_course(*, course, actor, units=(), domains=(), officers=()) -> int:
    """HR assigns a course to the active officers of units (with subtrees), domains or a list.

    Only officers the HR user may see are reached, whatever was asked. Returns how many were
    newly enrolled; those already enrolled keep their enrollment.
    """
    if not is_hr(actor):
        raise DomainError(_("只有人事部门可以指派课程。"), code="forbidden")
    if not course.live:
        raise DomainError(_("该课程未发布，不能指派。"), code="course_unavailable")
    units, domains, officers = list(units), list(domains), list(officers)
    if not (units or domains or officers):
        raise DomainError(_("请至少选择一个单位、执法领域或学员。"), code="no_target")
    chosen = Q(pk__in=[officer.pk for officer in officers])
    for unit in units:
        chosen |= Q(unit__path__startswith=unit.path)
    if domains:
        chosen |= Q(domains__in=domains)
    targets = visible_officers(actor).filter(chosen, status=Officer.Status.ACTIVE).distinct()
    with transaction.atomic():
        already = Enrollment.objects.filter(course=course, officer__in=targets)
        new_ids = sorted(
            set(targets.values_list("pk", flat=True))
            - set(already.values_list("officer_id", flat=True))
        )
        now = timezone.now()
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    officer_id=pk,
                    course=course,
                    source=Enrollment.Source.ASSIGNED,
                    assigned_by=actor,
                    enrolled_at=now,
                )
                for pk in new_ids
            ],
            ignore_conflicts=True,  # an officer enrolling at this moment keeps their own row
        )
        audit.record(
            actor=actor,
            action="course.assigned",
            target=course,
            course_id=course.pk,
            units=[unit.name for unit in units],
            domains=[domain.code for domain in domains],
            officers=[officer.pk for officer in officers],
            count=len(new_ids),
        )
    return len(new_ids)


# --- lesson progress ---------------------------------------------------------------------


def record_lesson_opened(*, user, lesson) -> LessonProgress | None:
    """A GET of a lesson page: start its clock and remember it for "continue".

    Reloading the lesson just opened writes nothing: when this lesson is already the
    enrollment's last lesson and both its clock and the enrollment's activity were touched
    within OPEN_REFRESH_INTERVAL, the rows are left as they are (a read, no transaction).
    """
    officer = officer_of(user)
    enrollment = enrollment_for_lesson(officer, lesson)
    if enrollment is None:
        return None  # reading without enrolling leaves no trace
    now = timezone.now()
    fresh = now - OPEN_REFRESH_INTERVAL
    if (
        enrollment.last_lesson_id == lesson.pk
        and enrollment.last_activity_at is not None
        and enrollment.last_activity_at >= fresh
    ):
        progress = LessonProgress.objects.filter(officer=officer, lesson=lesson).first()
        if progress is not None and fresh <= progress.last_seen_at <= now:
            progress.enrollment = enrollment
            return progress
    with transaction.atomic():
        progress, created = LessonProgress.objects.select_for_update().get_or_create(
            officer=officer,
            lesson=lesson,
            defaults={"enrollment": enrollment, "opened_at": now, "last_seen_at": now},
        )
        if not created:
            # The clock restarts on opening: time away from the page is not study time.
            progress.last_seen_at = now
            progress.save(update_fields=["last_seen_at"])
        Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrollment.last_lesson, enrollment.last_activity_at = lesson, now
    progress.enrollment = enrollment  # with its course, for the rest of the request
    return progress


def _advance_clock(progress: LessonProgress, now) -> None:
    gap = now - progress.last_seen_at
    credited = min(max(gap, datetime.timedelta(0)), HEARTBEAT_CAP)
    progress.seconds += int(credited.total_seconds())
    progress.last_seen_at = now


def _locked_progress(officer, lesson, enrollment, now) -> LessonProgress:
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        officer=officer,
        lesson=lesson,
        defaults={"enrollment": enrollment, "opened_at": now, "last_seen_at": now},
    )
    return progress


def heartbeat(*, officer, lesson, now=None, resume: bool = False) -> LessonProgress:
    """The page is still open and visible: credit the time since the last heartbeat (≤ cap).

    `resume` (the page became visible again) restarts the clock without crediting the
    time it was hidden; it can only lower the time credited, so the client may ask for it.
    """
    now = now or timezone.now()
    enrollment = _require_enrollment(officer, lesson)
    with transaction.atomic():
        progress = _locked_progress(officer, lesson, enrollment, now)
        if resume:
            progress.last_seen_at = now
        else:
            _advance_clock(progress, now)
        progress.save(update_fields=["seconds", "last_seen_at"])
        Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=now)
    if enrollment.completed_at is None and enrollment.course.min_study_minutes > 0:
        evaluate_completion(enrollment=enrollment)  # time may be the last thing missing
    return progress


def mark_lesson_done(*, officer, lesson) -> LessonProgress:
    """The officer marks the lesson as studied; the course may complete with it."""
    now = timezone.now()
    enrollment = _require_enrollment(officer, lesson)
    with transaction.atomic():
        progress = _locked_progress(officer, lesson, enrollment, now)
        _advance_clock(progress, now)
        progress.done_at = progress.done_at or now
        progress.save(update_fields=["seconds", "last_seen_at", "done_at"])
        Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)
        evaluate_completion(enrollment=enrollment)
    return progress


# --- study notes -------------------------------------------------------------------------


def note_char_count(text: str) -> int:
    """Characters written, not counting spaces and line breaks (what the service counts)."""
    return sum(1 for char in text if not char.isspace())


def save_note(*, officer, lesson, text: str) -> StudyNote | None:
    """Write the officer's note on a lesson; empty text deletes it (and returns None)."""
    text = (text or "").replace("\r\n", "\n").rstrip()
    if len(text) > MAX_NOTE_CHARS:
        raise DomainError(
            _("笔记过长（%(length)d 字），上限为 %(limit)d 字。")
            % {"length": len(text), "limit": MAX_NOTE_CHARS},
            code="note_too_long",
        )
    _require_enrollment(officer, lesson)
    with transaction.atomic():
        note = StudyNote.objects.select_for_update().filter(officer=officer, lesson=lesson).first()
        if not text.strip():
            if note is not None:
                note.delete()
            return None
        if note is None:
            now = timezone.now()
            try:
                with transaction.atomic():
                    return StudyNote.objects.create(
                        officer=officer,
                        lesson=lesson,
                        text=text,
                        char_count=note_char_count(text),
                        created_at=now,
                        year=timezone.localtime(now).year,
                    )
            except IntegrityError:  # the same officer saving from two tabs at once
                note = StudyNote.objects.select_for_update().get(officer=officer, lesson=lesson)
        note.text = text
        note.char_count = note_char_count(text)
        note.save(update_fields=["text", "char_count", "updated_at"])
    return note


def yearly_note_chars(*, officer, year: int) -> int:
    total = StudyNote.objects.filter(officer=officer, year=year).aggregate(n=Sum("char_count"))
    return total["n"] or 0
