"""Hours credited by what officers do on the platform: courses completed and exams."""

from decimal import Decimal

import pytest

from courses.services import learning
from people.models import HourEntry, OfficerYearHours
from tests.courses.course_factory import build_course, import_tiny_regulation
from tests.factories import OfficerFactory
from tests.people.ledger_factory import make_programme
from tests.quizzes import bank_factory as bf
from tests.quizzes.bank_factory import take

pytestmark = pytest.mark.django_db


def _hours(officer, kind):
    return list(
        HourEntry.objects.filter(officer=officer, kind=kind).values_list("hours", flat=True)
    )


def test_completing_a_course_credits_its_hours_once(city):
    articles = import_tiny_regulation()
    course, lessons = build_course(lessons=1, cited=[articles["第三条"]])
    course.credit_hours = Decimal("3.5")
    course.save_revision().publish()
    officer = OfficerFactory(unit=city["east"])
    learning.enroll(officer=officer, course=course, actor=officer.user)
    learning.mark_lesson_done(officer=officer, lesson=lessons[0])
    learning.mark_lesson_done(officer=officer, lesson=lessons[0])
    assert _hours(officer, HourEntry.Kind.ONLINE) == [Decimal("3.5")]
    entry = HourEntry.objects.get(officer=officer)
    assert entry.source_type == "course" and entry.source_id == str(course.pk)
    assert entry.title == course.title
    assert OfficerYearHours.objects.get(officer=officer).online == Decimal("3.5")


def test_course_hours_respect_the_daily_online_cap(city):
    from django.utils import timezone

    make_programme(timezone.localdate().year, caps={HourEntry.Kind.ONLINE: ("1.5", None)})
    articles = import_tiny_regulation()
    course, lessons = build_course(lessons=1, cited=[articles["第三条"]])
    officer = OfficerFactory(unit=city["east"])
    learning.enroll(officer=officer, course=course, actor=officer.user)
    learning.mark_lesson_done(officer=officer, lesson=lessons[0])
    entry = HourEntry.objects.get(officer=officer)
    assert entry.claimed_hours == course.credit_hours > Decimal("1.5")
    assert entry.hours == Decimal("1.5") and entry.cap_note


@pytest.fixture
def exam(db):
    cat = bf.category()
    return bf.quiz(
        fixed=[bf.question("single", cat)],
        attempts_allowed=3,
        shuffle_options=False,
        credit_hours=Decimal(2),
    )


def test_passing_an_exam_credits_its_hours_and_failing_does_not(city, exam):
    officer = OfficerFactory(unit=city["east"])
    take(exam, officer, {1: 1})  # wrong
    assert _hours(officer, HourEntry.Kind.EXAM) == []
    take(exam, officer, {1: 0})  # right
    take(exam, officer, {1: 0})  # right again: no second credit
    assert _hours(officer, HourEntry.Kind.EXAM) == [Decimal(2)]


def test_an_exam_may_credit_hours_for_taking_part(city, exam):
    exam.credit_requires_pass = False
    exam.save()
    officer = OfficerFactory(unit=city["east"])
    take(exam, officer, {1: 1})
    assert _hours(officer, HourEntry.Kind.EXAM) == [Decimal(2)]


def test_practice_quizzes_credit_no_hours(city):
    cat = bf.category()
    practice = bf.quiz(
        fixed=[bf.question("single", cat)],
        mode="practice",
        time_limit_minutes=0,
        credit_hours=Decimal(1),
        shuffle_options=False,
    )
    officer = OfficerFactory(unit=city["east"])
    take(practice, officer, {1: 0})
    assert not HourEntry.objects.exists()


def test_passing_an_exam_through_the_attempt_service_issues_its_certificate(city, exam):
    """End to end: grading sends quizzes.signals.attempt_graded; certificates listen."""
    from certificates.models import Certificate
    from tests.certificates.conftest import make_template

    make_template("exam")
    officer = OfficerFactory(unit=city["east"])
    take(exam, officer, {1: 1})  # failed: no certificate
    assert not Certificate.objects.exists()
    take(exam, officer, {1: 0})
    certificate = Certificate.objects.get(officer=officer)
    assert certificate.kind == "exam" and certificate.source_id == str(exam.pk)
