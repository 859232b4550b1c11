"""The values printed on a certificate (its placeholders), snapshotted at issue time."""

from decimal import Decimal

from django.utils import timezone

from certificates.placeholders import chinese_date


def hours_text(value) -> str:
    """12 for 12.0, 1.5 for 1.50: hours as people write them."""
    number = Decimal(str(value or 0)).normalize()
    return f"{number:f}"


def officer_fields(officer) -> dict:
    if officer is None:
        return {}
    return {
        "name": officer.name,
        "unit": officer.unit.name,
        "number": officer.employee_number,
        "position": officer.position,
    }


def base_fields(*, officer=None, unit=None, serial: str, issued_at) -> dict:
    day = timezone.localdate(issued_at)
    fields = {"unit": unit.name} if unit is not None else {}
    fields.update(officer_fields(officer))
    fields.update({"serial": serial, "date": chinese_date(day), "year": str(day.year)})
    return fields


def course_fields(enrollment) -> dict:
    course = enrollment.course
    return {"course": course.title, "hours": hours_text(course.credit_hours)}


def quiz_fields(attempt) -> dict:
    quiz = attempt.quiz
    # A certificate must not reveal a score the quiz has not released yet.
    released = quiz.show_score == quiz.Release.IMMEDIATELY
    return {
        "exam": quiz.title,
        "score": hours_text(attempt.score) if released else "",
        "hours": hours_text(quiz.credit_hours),
    }
