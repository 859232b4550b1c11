"""An exam started before midnight on 31 December and handed in after it belongs to the new
year in the ledger, in HR's tallies and in the officer's annual training record alike."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from certificates.services.annual import exam_attempts, snapshot
from people.models import HourEntry, OfficerYearHours
from people.services.ledger import credit
from people.services.tally_queries import annual_summary, officer_tallies
from quizzes.services import attempts
from tests.quizzes import bank_factory as bf


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def sit_over_midnight(quiz, officer):
    attempt = attempts.start_attempt(quiz=quiz, officer=officer, now=local(2025, 12, 31, 23, 50))
    attempts.save_answer(
        attempt_id=attempt.pk,
        officer_id=officer.pk,
        position=1,
        response=0,
        seq=1,
        now=local(2026, 1, 1, 0, 5),
    )
    return attempts.submit_attempt(
        attempt_id=attempt.pk, officer_id=officer.pk, now=local(2026, 1, 1, 0, 20)
    )


def exam_quiz(title="新年执法资格考试"):
    return bf.quiz(
        title=title,
        fixed=[bf.question("single", bf.category())],
        opens_at=local(2025, 12, 31, 20, 0),
        closes_at=local(2026, 1, 1, 2, 0),
        time_limit_minutes=60,
        shuffle_options=False,
        credit_hours=Decimal("2"),
    )


def tally_of(officer, user, year):
    return next(t for t in officer_tallies(user=user, year=year) if t.officer_id == officer.pk)


def test_an_exam_over_midnight_counts_in_the_new_year_everywhere(officer, city_hr):
    attempt = sit_over_midnight(exam_quiz(), officer)
    assert attempt.state == "graded" and attempt.passed

    # The ledger: the credit is dated by the hand-in, so it is a 2026 credit.
    entry = HourEntry.objects.get(officer=officer, source_type=HourEntry.Source.QUIZ)
    assert (entry.year, f"{entry.date}") == (2026, "2026-01-01")
    assert OfficerYearHours.objects.get(officer=officer, year=2026).exam == Decimal("2")
    assert not OfficerYearHours.objects.filter(officer=officer, year=2025, total__gt=0).exists()

    # HR's tallies count the exam in 2026, where its hours are.
    assert tally_of(officer, city_hr, 2026).exams_taken == 1
    assert tally_of(officer, city_hr, 2025).exams_taken == 0
    assert tally_of(officer, city_hr, 2026).exams_passed == 1
    assert annual_summary(user=city_hr, year=2026).exam_participants == 1
    assert annual_summary(user=city_hr, year=2025).exam_participants == 0

    # The annual training record: listed in 2026 with the ledger's date, absent from 2025.
    record_2026, record_2025 = snapshot(officer, 2026), snapshot(officer, 2025)
    assert [row[:2] for row in record_2026["exams"]] == [["新年执法资格考试", "2026-01-01"]]
    assert record_2026["entries"][0][0] == "2026-01-01" and record_2026["total"] == "2"
    assert record_2025["exams"] == [] and record_2025["entries"] == []


def test_the_ledger_entry_date_decides_the_record_year(officer):
    """A credit booked on another day than the attempt's hand-in (booked by hand, or by an
    older rule) is authoritative: the credited sitting is listed on the entry's day."""
    quiz = exam_quiz("跨年补录考试")
    credit(
        officer_id=officer.pk,
        kind=HourEntry.Kind.EXAM,
        hours=Decimal("2"),
        on=local(2025, 12, 31, 12, 0).date(),
        source_type=HourEntry.Source.QUIZ,
        source_id=str(quiz.pk),
        title=quiz.title,
    )
    attempt = sit_over_midnight(quiz, officer)  # its own credit is refused: once per quiz
    assert HourEntry.objects.filter(officer=officer, source_id=str(quiz.pk)).count() == 1
    assert [(f"{day}", a.pk) for day, a in exam_attempts(officer, 2025)] == [
        ("2025-12-31", attempt.pk)
    ]
    assert exam_attempts(officer, 2026) == []
    # A second, uncredited sitting keeps its own hand-in day.
    second = attempts.start_attempt(quiz=quiz, officer=officer, now=local(2026, 1, 1, 1, 0))
    handed_in = local(2026, 1, 1, 1, 5)
    attempts.submit_attempt(attempt_id=second.pk, officer_id=officer.pk, now=handed_in)
    assert [(f"{day}", a.pk) for day, a in exam_attempts(officer, 2026)] == [
        ("2026-01-01", second.pk)
    ]
    assert [a.pk for _day, a in exam_attempts(officer, 2025)] == [attempt.pk]
