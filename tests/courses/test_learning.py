"""Learning services: enrolment, assignment, progress, completion, notes, continue."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from courses.models import Enrollment, LessonProgress, StudyNote
from courses.services import learning, progress
from courses.services.completion import (
    evaluate_completion,
    register_completion_requirement,
    unmet_requirements,
    unregister_completion_requirement,
)
from courses.signals import course_completed
from lianbing.errors import DomainError
from people.models import AuditEntry, Domain, Officer
from tests.courses.course_factory import build_course
from tests.factories import OfficerFactory, UserFactory, make_hr


@pytest.fixture
def me(city):
    return OfficerFactory(unit=city["east_squad"], name="王学员")


@pytest.fixture
def course(db):
    return build_course(lessons=3)


def enrol(officer, built):
    return learning.enroll(officer=officer, course=built.course)


def progress_of(officer, lesson):
    return LessonProgress.objects.get(officer=officer, lesson=lesson)


# --- enrolment ---------------------------------------------------------------------------


def test_enrolling_twice_returns_the_same_enrollment(me, course):
    first = learning.enroll(officer=me, course=course.course, actor=me.user)
    again = learning.enroll(officer=me, course=course.course, actor=me.user)

    assert first.pk == again.pk
    assert first.source == Enrollment.Source.SELF
    assert Enrollment.objects.filter(officer=me).count() == 1
    assert AuditEntry.objects.filter(action="course.enrolled").count() == 1


def test_self_enrolment_is_refused_when_the_course_does_not_allow_it(me, city):
    closed = build_course(self_enrollment=False)
    with pytest.raises(DomainError) as refused:
        enrol(me, closed)
    assert refused.value.code == "self_enrollment_closed"
    assert not Enrollment.objects.exists()

    learning.assign_course(course=closed.course, actor=make_hr(city["east"]), officers=[me])
    assert enrol(me, closed).source == Enrollment.Source.ASSIGNED  # assigned: no refusal


def test_nobody_enrols_someone_else_by_themselves(me, city, course):
    colleague = OfficerFactory(unit=city["east_squad"])
    with pytest.raises(DomainError) as refused:
        learning.enroll(officer=me, course=course.course, actor=colleague.user)
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError):
        learning.enroll(officer=me, course=course.course, actor=colleague.user, source="assigned")


# --- HR assignment -----------------------------------------------------------------------


def test_hr_assigns_by_unit_including_subtrees_and_only_active_officers(city, course):
    east = OfficerFactory(unit=city["east"])
    squad = OfficerFactory(unit=city["east_squad"])
    OfficerFactory(unit=city["east_squad"], status=Officer.Status.AWAY)
    west = OfficerFactory(unit=city["west"])
    hr = make_hr(city["east"])

    count = learning.assign_course(course=course.course, actor=hr, units=[city["east"]])

    assert count == 2
    enrolled = set(Enrollment.objects.values_list("officer_id", flat=True))
    assert enrolled == {east.pk, squad.pk}
    assert west.pk not in enrolled
    assert Enrollment.objects.filter(source="assigned", assigned_by=hr).count() == 2
    assert AuditEntry.objects.get(action="course.assigned").data["count"] == 2
    # Again: nobody is enrolled twice.
    assert learning.assign_course(course=course.course, actor=hr, units=[city["east"]]) == 0


def test_hr_assignment_stays_within_scope_whatever_is_asked(city, course):
    internet = Domain.objects.get(code="internet")
    east_net = OfficerFactory(unit=city["east_squad"], domains=["internet"])
    OfficerFactory(unit=city["east_squad"], domains=["press"])
    west_net = OfficerFactory(unit=city["west"], domains=["internet"])
    hr = make_hr(city["east"])

    assert learning.assign_course(course=course.course, actor=hr, domains=[internet]) == 1
    assert learning.assign_course(course=course.course, actor=hr, units=[city["root"]]) == 1
    assert learning.assign_course(course=course.course, actor=hr, officers=[west_net]) == 0
    enrolled = set(Enrollment.objects.values_list("officer_id", flat=True))
    assert east_net.pk in enrolled and west_net.pk not in enrolled
    assert len(enrolled) == 2


def test_only_hr_assigns_and_something_must_be_chosen(me, city, course):
    with pytest.raises(DomainError) as refused:
        learning.assign_course(course=course.course, actor=me.user, units=[city["east"]])
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError) as empty:
        learning.assign_course(course=course.course, actor=make_hr(city["east"]))
    assert empty.value.code == "no_target"


# --- opening and heartbeats --------------------------------------------------------------


def test_opening_a_lesson_counts_only_for_enrolled_officers(me, course):
    lesson = course.lessons[1]
    assert learning.record_lesson_opened(user=me.user, lesson=lesson) is None
    assert not LessonProgress.objects.exists()

    enrollment = enrol(me, course)
    opened = learning.record_lesson_opened(user=me.user, lesson=lesson)

    assert opened.enrollment == enrollment and opened.seconds == 0
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == lesson.pk and enrollment.last_activity_at
    assert learning.record_lesson_opened(user=UserFactory(), lesson=lesson) is None


def test_heartbeat_time_is_measured_by_the_server_and_capped(me, course):
    enrol(me, course)
    lesson = course.lessons[0]
    start = learning.record_lesson_opened(user=me.user, lesson=lesson).last_seen_at

    def beat(after, **kwargs):
        moment = start + datetime.timedelta(seconds=after)
        return learning.heartbeat(officer=me, lesson=lesson, now=moment, **kwargs).seconds

    assert beat(25) == 25
    assert beat(55) == 55
    assert beat(55 + 600) == 55 + 60  # ten minutes asleep count as one minute
    assert beat(55 + 600 - 30) == 115  # a clock going backwards adds nothing
    assert beat(55 + 600 + 500, resume=True) == 115  # back on the page: the clock restarts
    assert beat(55 + 600 + 530) == 145


def test_heartbeat_on_a_lesson_that_is_not_ones_own_is_refused(me, course):
    with pytest.raises(DomainError) as refused:
        learning.heartbeat(officer=me, lesson=course.lessons[0])
    assert refused.value.code == "not_enrolled"
    assert not LessonProgress.objects.exists()


# --- completion --------------------------------------------------------------------------


def test_all_lessons_rule_completes_with_the_last_lesson(me, course):
    enrollment = enrol(me, course)
    for lesson in course.lessons[:2]:
        learning.mark_lesson_done(officer=me, lesson=lesson)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    assert unmet_requirements(enrollment) == ["完成全部 3 个课时（已完成 2 个）"]

    learning.mark_lesson_done(officer=me, lesson=course.lessons[2])

    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert AuditEntry.objects.filter(action="course.completed").count() == 1
    summary = progress.course_progress(officer=me, course=course.course)
    assert (summary.lessons_total, summary.lessons_done, summary.percent) == (3, 3, 100)
    assert summary.completed_at == enrollment.completed_at and summary.next_lesson is None


def test_percent_rule_completes_at_the_share_required(me):
    built = build_course(lessons=3, completion_rule="percent", completion_percent=60)
    enrollment = enrol(me, built)
    learning.mark_lesson_done(officer=me, lesson=built.lessons[0])
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    assert "完成至少 60% 的课时（已完成 1/3）" in unmet_requirements(enrollment)

    learning.mark_lesson_done(officer=me, lesson=built.lessons[2])
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert progress.course_progress(officer=me, course=built.course).next_lesson == built.lessons[1]


def test_minimum_minutes_hold_completion_until_studied(me):
    built = build_course(lessons=1, min_study_minutes=1)
    enrollment = enrol(me, built)
    lesson = built.lessons[0]
    start = learning.record_lesson_opened(user=me.user, lesson=lesson).last_seen_at
    learning.mark_lesson_done(officer=me, lesson=lesson)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    assert any("累计学习至少 1 分钟" in item for item in unmet_requirements(enrollment))

    learning.heartbeat(officer=me, lesson=lesson, now=start + datetime.timedelta(seconds=61))

    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None


@pytest.fixture
def exam_requirement():
    """A stand-in for the quiz work's "pass the exam" requirement."""
    passed = set()

    def requirement(enrollment):
        return None if enrollment.pk in passed else "通过结业考试"

    register_completion_requirement(requirement)
    yield passed
    unregister_completion_requirement(requirement)


def test_a_registered_requirement_blocks_completion_and_the_signal_fires_once(
    me, course, exam_requirement
):
    received = []

    def receiver(sender, enrollment, **kwargs):
        received.append((sender, enrollment.pk))

    course_completed.connect(receiver)
    try:
        enrollment = enrol(me, course)
        for lesson in course.lessons:
            learning.mark_lesson_done(officer=me, lesson=lesson)
        enrollment.refresh_from_db()
        assert enrollment.completed_at is None
        assert unmet_requirements(enrollment) == ["通过结业考试"]
        assert received == []

        exam_requirement.add(enrollment.pk)
        assert evaluate_completion(enrollment=enrollment) is True
        assert evaluate_completion(enrollment=enrollment) is True
        learning.mark_lesson_done(officer=me, lesson=course.lessons[0])
    finally:
        course_completed.disconnect(receiver)

    assert received == [(Enrollment, enrollment.pk)]
    assert AuditEntry.objects.filter(action="course.completed").count() == 1


def test_completion_is_never_taken_back(me, course, exam_requirement):
    enrollment = enrol(me, course)
    exam_requirement.add(enrollment.pk)
    for lesson in course.lessons:
        learning.mark_lesson_done(officer=me, lesson=lesson)
    enrollment.refresh_from_db()
    completed_at = enrollment.completed_at
    assert completed_at is not None

    exam_requirement.clear()  # e.g. a rule added later
    assert evaluate_completion(enrollment=enrollment) is True
    enrollment.refresh_from_db()
    assert enrollment.completed_at == completed_at


def test_marking_done_needs_an_enrollment(me, course):
    with pytest.raises(DomainError) as refused:
        learning.mark_lesson_done(officer=me, lesson=course.lessons[0])
    assert refused.value.code == "not_enrolled"


# --- study notes -------------------------------------------------------------------------


def test_note_counts_characters_without_whitespace_and_empty_text_deletes_it(me, course):
    enrol(me, course)
    lesson = course.lessons[0]
    note = learning.save_note(officer=me, lesson=lesson, text="依法 行政，\r\n规范执法。 ")

    assert note.text == "依法 行政，\n规范执法。"
    assert note.char_count == 10
    assert note.year == timezone.localdate().year
    note = learning.save_note(officer=me, lesson=lesson, text="亮证执法")
    assert note.char_count == 4 and StudyNote.objects.count() == 1

    assert learning.save_note(officer=me, lesson=lesson, text=" \n ") is None
    assert not StudyNote.objects.exists()


def test_note_limits_and_enrolment(me, course):
    with pytest.raises(DomainError) as not_enrolled:
        learning.save_note(officer=me, lesson=course.lessons[0], text="笔记")
    assert not_enrolled.value.code == "not_enrolled"

    enrol(me, course)
    with pytest.raises(DomainError) as too_long:
        learning.save_note(
            officer=me, lesson=course.lessons[0], text="字" * (learning.MAX_NOTE_CHARS + 1)
        )
    assert too_long.value.code == "note_too_long"
    assert not StudyNote.objects.exists()


def test_note_year_is_the_local_year_it_was_started_and_yearly_totals_add_up(me, course, city):
    enrol(me, course)
    first, second, third = course.lessons
    # 2025-12-31 17:00 UTC is already 2026-01-01 in the service's time zone.
    new_year = datetime.datetime(2025, 12, 31, 17, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=new_year):
        note = learning.save_note(officer=me, lesson=first, text="一二三四五")
    assert note.year == 2026
    with mock.patch("django.utils.timezone.now", return_value=new_year.replace(year=2026)):
        # Edited a year later: still counts for the year it was written.
        assert learning.save_note(officer=me, lesson=first, text="一二三四五六").year == 2026
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    ):
        learning.save_note(officer=me, lesson=second, text="上半年的笔记")
    with mock.patch("django.utils.timezone.now", return_value=new_year):
        learning.save_note(officer=me, lesson=third, text="七八九")
    other = OfficerFactory(unit=city["east_squad"])
    enrol(other, course)
    with mock.patch("django.utils.timezone.now", return_value=new_year):
        learning.save_note(officer=other, lesson=first, text="别人的笔记不算")

    assert learning.yearly_note_chars(officer=me, year=2026) == 9
    assert learning.yearly_note_chars(officer=me, year=2025) == 6
    assert learning.yearly_note_chars(officer=me, year=2024) == 0


# --- continue where I left off -----------------------------------------------------------


def test_continue_lesson_follows_the_most_recent_unfinished_course(me):
    assert progress.continue_lesson(officer=me) is None
    first = build_course(title="课程甲", lessons=3)
    second = build_course(title="课程乙", lessons=2)
    enrol(me, first)
    assert progress.continue_lesson(officer=me) == first.lessons[0]  # not opened yet

    learning.record_lesson_opened(user=me.user, lesson=first.lessons[1])
    assert progress.continue_lesson(officer=me) == first.lessons[1]
    learning.mark_lesson_done(officer=me, lesson=first.lessons[1])
    assert progress.continue_lesson(officer=me) == first.lessons[2]  # its successor

    enrol(me, second)
    learning.record_lesson_opened(user=me.user, lesson=second.lessons[0])
    assert progress.continue_lesson(officer=me) == second.lessons[0]

    for lesson in second.lessons:
        learning.mark_lesson_done(officer=me, lesson=lesson)
    assert progress.continue_lesson(officer=me) == first.lessons[2]  # the finished one drops


def test_course_progress_adds_up_time_and_ticks(me, course):
    enrol(me, course)
    lesson = course.lessons[1]
    start = learning.record_lesson_opened(user=me.user, lesson=lesson).last_seen_at
    learning.heartbeat(officer=me, lesson=lesson, now=start + datetime.timedelta(seconds=40))
    learning.mark_lesson_done(officer=me, lesson=lesson)

    summary = progress.course_progress(officer=me, course=course.course)

    assert summary.enrolled and summary.done_ids == {lesson.pk}
    assert (summary.lessons_done, summary.percent) == (1, 33)
    assert summary.seconds >= 40
    assert summary.next_lesson == course.lessons[0]
    assert progress.course_progress(officer=None, course=course.course).enrolled is False


def test_reopening_the_lesson_just_opened_writes_nothing(me, course):
    enrol(me, course)
    lesson = course.lessons[0]
    first = learning.record_lesson_opened(user=me.user, lesson=lesson)

    with mock.patch.object(LessonProgress, "save") as save:
        again = learning.record_lesson_opened(user=me.user, lesson=lesson)
    assert not save.called and again.pk == first.pk
    assert again.last_seen_at == first.last_seen_at

    # Another lesson, or the same one after a while, is recorded as before.
    learning.record_lesson_opened(user=me.user, lesson=course.lessons[1])
    enrollment = Enrollment.objects.get(officer=me)
    assert enrollment.last_lesson_id == course.lessons[1].pk
    later = timezone.now() + learning.OPEN_REFRESH_INTERVAL + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        reopened = learning.record_lesson_opened(user=me.user, lesson=course.lessons[1])
    assert reopened.last_seen_at == later
