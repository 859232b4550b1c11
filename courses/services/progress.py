"""Summaries of an officer's learning: progress per course, where to continue, and what a
lesson page shows beside its body. Recording that progress is `courses.services.learning`.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone

from courses.models import CoursePage, Enrollment, LessonPage, LessonProgress, StudyNote
from courses.services.completion import percent_done
from courses.services.learning import course_path, officer_of, yearly_note_chars
from lianbing.content_cache import remember

_UNKNOWN = object()  # "not looked up yet", as opposed to None, "looked up: there is none"


@dataclass(frozen=True)
class CourseProgress:
    lessons_total: int
    lessons_done: int
    percent: int
    seconds: int
    completed_at: datetime.datetime | None
    next_lesson: LessonPage | None
    enrollment: Enrollment | None = None
    lessons: tuple = ()
    done_ids: frozenset = field(default_factory=frozenset)

    @property
    def enrolled(self) -> bool:
        return self.enrollment is not None

    @property
    def minutes(self) -> int:
        return self.seconds // 60


def _summarise(lessons, enrollment, rows) -> CourseProgress:
    """rows: {lesson_id: (seconds, done_at)} for this officer."""
    done_ids = frozenset(pk for pk, (_s, done_at) in rows.items() if done_at)
    done_ids &= {lesson.pk for lesson in lessons}
    return CourseProgress(
        lessons_total=len(lessons),
        lessons_done=len(done_ids),
        percent=percent_done(len(done_ids), len(lessons)),
        seconds=sum(rows[lesson.pk][0] for lesson in lessons if lesson.pk in rows),
        completed_at=enrollment.completed_at if enrollment else None,
        next_lesson=next((lesson for lesson in lessons if lesson.pk not in done_ids), None),
        enrollment=enrollment,
        lessons=tuple(lessons),
        done_ids=done_ids,
    )


def live_lessons(courses, *, request=None) -> dict[str, list[LessonPage]]:
    """{course path: its live lessons in order}, in one query; with the request, kept in
    the per-process content cache (lessons are the same for every reader)."""

    def query():
        in_any = Q(pk__in=[])
        for course in courses:
            in_any |= Q(path__startswith=course.path, depth=course.depth + 1)
        by_course = {course.path: [] for course in courses}
        # Lists show titles and links; the bodies are read only by the lesson's own page.
        for lesson in LessonPage.objects.live().filter(in_any).defer("body").order_by("path"):
            by_course[course_path(lesson)].append(lesson)
        return by_course

    if request is None:
        return query()
    return remember(request, ("live-lessons", *sorted(course.pk for course in courses)), query)


def progress_for_courses(
    *, officer, courses, enrollments=None, request=None
) -> dict[int, CourseProgress]:
    """Progress in many courses at once: three queries whatever the number of courses.

    `enrollments` ({course_id: Enrollment}), when the caller has already read this officer's
    enrollments in these courses, saves the enrollment query; `request` lets the lesson
    lists come from the content cache.
    """
    courses = list(courses)
    if not courses:
        return {}
    by_course = live_lessons(courses, request=request)
    rows = {}
    if officer is None:
        enrollments = {}
    else:
        if enrollments is None:
            enrollments = {
                e.course_id: e
                for e in Enrollment.objects.filter(
                    officer=officer, course__in=courses
                ).select_related("last_lesson")
            }
        lesson_ids = [lesson.pk for lessons in by_course.values() for lesson in lessons]
        rows = {
            pk: (seconds, done_at)
            for pk, seconds, done_at in LessonProgress.objects.filter(
                officer=officer, lesson_id__in=lesson_ids
            ).values_list("lesson_id", "seconds", "done_at")
        }
    return {
        course.pk: _summarise(by_course[course.path], enrollments.get(course.pk), rows)
        for course in courses
    }


def course_progress(*, officer, course, enrollment=_UNKNOWN, request=None) -> CourseProgress:
    """`enrollment`: the officer's enrollment in the course (or None) if already known."""
    known = None if enrollment is _UNKNOWN else ({course.pk: enrollment} if enrollment else {})
    progress = progress_for_courses(
        officer=officer, courses=[course], enrollments=known, request=request
    )
    return progress[course.pk]


def resume_lesson(progress: CourseProgress) -> LessonPage | None:
    """Where to continue a course: the last lesson opened if unfinished, else the next one."""
    lessons = list(progress.lessons)
    if not lessons:
        return None
    last = progress.enrollment.last_lesson_id if progress.enrollment else None
    index = next((i for i, lesson in enumerate(lessons) if lesson.pk == last), None)
    if index is None:
        return progress.next_lesson or lessons[0]
    if lessons[index].pk not in progress.done_ids:
        return lessons[index]
    later = (lesson for lesson in lessons[index + 1 :] if lesson.pk not in progress.done_ids)
    return next(later, None) or progress.next_lesson or lessons[index]


def continue_lesson(*, officer) -> LessonPage | None:
    """The lesson to continue with: in the most recently active unfinished enrollment."""
    if officer is None:
        return None
    enrollment = (
        Enrollment.objects.filter(officer=officer, completed_at__isnull=True, course__live=True)
        .select_related("course")
        .order_by(F("last_activity_at").desc(nulls_last=True), "-enrolled_at", "-pk")
        .first()
    )
    if enrollment is None:
        return None
    return resume_lesson(course_progress(officer=officer, course=enrollment.course))


def lesson_outline(*, lesson, request=None) -> dict:
    """What every reader of a lesson sees around its body: its course and neighbours.

    With the request, both come from the per-process content cache: no query once warm.
    """
    path = course_path(lesson)

    def find_course():
        return CoursePage.objects.filter(path=path).first()

    if request is None:
        course = find_course()
    else:
        course = remember(request, ("course-at", path), find_course)
    if course is None:
        return {}
    lessons = live_lessons([course], request=request)[course.path]
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)
    before, after = (lessons[:index], lessons[index + 1 :]) if index is not None else ([], [])
    return {
        "course": course,
        "lessons": lessons,
        "lesson_number": index + 1 if index is not None else None,
        "previous_lesson": before[-1] if before else None,
        "next_lesson": after[0] if after else None,
    }


def lesson_context(*, user, lesson, enrollment=_UNKNOWN, request=None) -> dict:
    """The lesson's outline plus the user's own state in it: progress, done, note.

    `enrollment`: the user's enrollment in the lesson's course (None if not enrolled) when the
    caller has already looked it up in this request, e.g. record_lesson_opened's.
    """
    outline = lesson_outline(lesson=lesson, request=request)
    if not outline:
        return {}
    officer = officer_of(user)
    progress = course_progress(
        officer=officer, course=outline["course"], enrollment=enrollment, request=request
    )
    enrolled = progress.enrollment is not None
    return {
        **outline,
        "officer": officer,
        "enrollment": progress.enrollment,
        "course_progress": progress,
        "lesson_done": lesson.pk in progress.done_ids,
        "note": (
            StudyNote.objects.filter(officer=officer, lesson=lesson).first() if enrolled else None
        ),
        "year_chars": (
            yearly_note_chars(officer=officer, year=timezone.localdate().year) if enrolled else 0
        ),
    }
