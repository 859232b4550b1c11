"""A course can require passing a quiz before it completes (结业)."""

from django.utils.translation import gettext as _

from courses.services.completion import register_completion_requirement


@register_completion_requirement
def required_quizzes_passed(enrollment) -> str | None:
    from quizzes.models import Quiz
    from quizzes.services.grading import has_passed

    missing = [
        quiz.title
        for quiz in Quiz.objects.filter(
            course_id=enrollment.course_id, required_for_completion=True, live=True
        ).order_by("pk")
        if not has_passed(quiz, enrollment.officer)
    ]
    if not missing:
        return None
    return _("通过考试：%(titles)s") % {"titles": "、".join(f"《{t}》" for t in missing)}
