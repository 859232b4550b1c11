"""The demo training records (people.demo_hours) on the demo organisation."""

import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Attendance, ClassSession, CourseIndexPage, CoursePage, TrainingClass
from lianbing.models import HomePage
from people import demo, demo_hours
from people.models import AnnualProgramme, HourEntry, OfficerYearHours, User
from people.services.ledger import rebuild_year_totals
from people.services.tally_queries import officer_tallies

pytestmark = pytest.mark.django_db

COURSES = 12


def _courses():
    """Live online courses of 2 to 6 hours, as the courses step publishes them."""
    index = HomePage.objects.get().add_child(instance=CourseIndexPage(title="课程", slug="c"))
    for n in range(COURSES):
        hours = Decimal((2, 3, 4, 6)[n % 4])
        index.add_child(
            instance=CoursePage(title=f"法规课程{n}", slug=f"course-{n}", credit_hours=hours)
        )


def _demo_exam():
    """The demo exam with one passed and one failed graded attempt."""
    from quizzes.demo import EXAM_TITLE
    from quizzes.models import Attempt, Quiz

    quiz = Quiz.objects.create(title=EXAM_TITLE, mode=Quiz.Mode.EXAM, live=True)
    from people.models import Officer

    first, second = Officer.objects.filter(status="active").order_by("employee_number")[:2]
    ended = timezone.now() - timedelta(hours=30)
    for officer, passed in ((first, True), (second, False)):
        Attempt.objects.create(
            quiz=quiz,
            officer=officer,
            state=Attempt.State.GRADED,
            started_at=ended - timedelta(minutes=50),
            ended_at=ended,
            score=Decimal(80 if passed else 40),
            max_score=Decimal(100),
            passed=passed,
            graded_at=ended,
        )
    return quiz, first, second


def _load():
    demo.load_organisation(demo.DemoConfig())
    _courses()
    exam = _demo_exam()
    started, cpu = time.monotonic(), time.process_time()
    report = demo_hours.load_demo_hours(demo.DemoConfig())
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    print(f"load_demo_hours: {elapsed:.1f} s ({cpu:.1f} s CPU)", *report.lines, sep="\n  ")
    return report, exam


def _totals(year):
    fields = ("online", "offline_class", "study", "exam", "competition", "external", "total")
    return {
        row[0]: row[1:]
        for row in OfficerYearHours.objects.filter(year=year).values_list(
            "officer_id", *fields, "entries"
        )
    }


def _check_running_totals_equal_a_rebuild_from_the_ledger(records):
    year = timezone.localdate().year
    kept = _totals(year)
    assert len(kept) > 200
    rebuild_year_totals(year=year)
    assert _totals(year) == kept


def _check_some_officers_meet_the_requirement_and_some_fall_clearly_short(records):
    year = timezone.localdate().year
    admin = User.objects.get(username="admin")
    rows = officer_tallies(user=admin, year=year)
    met = [row for row in rows if row.met]
    short = [row for row in rows if not row.met]
    assert 0.3 * len(rows) <= len(met) <= 0.9 * len(rows)
    assert len([row for row in short if row.shortfall >= 15]) >= 5
    # Leaders are held to their 职务's requirement.
    squad_leaders = [row for row in rows if row.position == "中队长"]
    assert squad_leaders and all(row.required == Decimal(30) for row in squad_leaders)


def _check_programme_has_phases_requirements_cap_and_targets(records):
    programme = AnnualProgramme.objects.get(year=timezone.localdate().year)
    assert [p.name for p in programme.phases.order_by("starts_on")] == [
        "动员部署",
        "推进实施",
        "总结表彰",
    ]
    assert programme.required_hours == Decimal(40)
    assert programme.requirements.get(position="中队长").hours == Decimal(30)
    rule = programme.credit_rules.get()
    assert (rule.kind, rule.daily_cap) == ("online", Decimal(4))
    assert sorted(t.unit.code for t in programme.unit_targets.all()) == ["HD", "SN"]


def _check_classes_run_in_batches_with_attendance_and_hours(records):
    classes = list(TrainingClass.objects.order_by("starts_on"))
    assert 4 <= len(classes) <= 6
    assert sorted(c.batch for c in classes if c.title == demo_hours.ROTATION_TITLE) == [1, 2, 3, 4]
    today = timezone.localdate()
    for training_class in classes:
        assert training_class.members.exists()
        sessions = list(training_class.sessions.all())
        assert sessions
        for session in sessions:
            assert timezone.localdate(session.starts_at) < today
            present = session.attendances.count()
            assert present >= 0.5 * training_class.members.count()
    # Every attendance has its credit; the one removed by mistake was reversed.
    credited = HourEntry.objects.filter(
        source_type=HourEntry.Source.CLASS_SESSION, reverses__isnull=True, reversal__isnull=True
    )
    assert credited.count() == Attendance.objects.count()
    removed = HourEntry.objects.get(
        source_type=HourEntry.Source.CLASS_SESSION, reverses__isnull=False
    )
    assert removed.note and removed.hours < 0
    months = {s.starts_at.month for s in ClassSession.objects.all()}
    assert len(months) >= 3


def _check_online_credits_spread_over_months_under_the_daily_cap(records):
    online = HourEntry.objects.filter(kind=HourEntry.Kind.ONLINE, status="approved")
    assert online.count() > 500
    assert len({entry.date.month for entry in online}) >= 8
    per_day = defaultdict(Decimal)
    for officer_id, day, hours in online.values_list("officer_id", "date", "hours"):
        per_day[(officer_id, day)] += hours
    assert max(per_day.values()) <= Decimal(4)


def _check_manual_entries_pending_rejected_and_reversed(records):
    manual = HourEntry.objects.filter(source_type=HourEntry.Source.MANUAL)
    pending = manual.filter(status=HourEntry.Status.PENDING)
    assert pending.count() >= 2
    assert all(entry.evidence for entry in manual.filter(reverses__isnull=True))
    rejected = manual.get(status=HourEntry.Status.REJECTED)
    assert rejected.review_note and rejected.reviewed_by is not None
    reversal = manual.get(reverses__isnull=False)
    assert reversal.note and reversal.hours == -reversal.reverses.hours
    assert {e.kind for e in manual} == {HourEntry.Kind.STUDY, HourEntry.Kind.EXTERNAL}


def _check_exam_hours_for_those_who_passed(records):
    _report, (quiz, passed, failed) = records
    credited = HourEntry.objects.filter(source_type=HourEntry.Source.QUIZ, source_id=str(quiz.pk))
    assert list(credited.values_list("officer_id", "hours")) == [(passed.pk, Decimal(2))]


def _check_nothing_in_the_future_and_all_in_this_year(records):
    today = timezone.localdate()
    assert not HourEntry.objects.filter(date__gt=today).exists()
    assert not HourEntry.objects.exclude(year=today.year).exists()


def _check_running_it_again_changes_nothing(records):
    before = (HourEntry.objects.count(), Attendance.objects.count(), TrainingClass.objects.count())
    report = demo_hours.load_demo_hours(demo.DemoConfig())
    assert "已存在" in report.lines[0]
    after = (HourEntry.objects.count(), Attendance.objects.count(), TrainingClass.objects.count())
    assert after == before


def test_a_year_of_demo_training_records():
    """One load (it takes a while: every credit goes through the ledger), then each check."""
    records = _load()
    _check_running_totals_equal_a_rebuild_from_the_ledger(records)
    _check_some_officers_meet_the_requirement_and_some_fall_clearly_short(records)
    _check_programme_has_phases_requirements_cap_and_targets(records)
    _check_classes_run_in_batches_with_attendance_and_hours(records)
    _check_online_credits_spread_over_months_under_the_daily_cap(records)
    _check_manual_entries_pending_rejected_and_reversed(records)
    _check_exam_hours_for_those_who_passed(records)
    _check_nothing_in_the_future_and_all_in_this_year(records)
    _check_running_it_again_changes_nothing(records)
