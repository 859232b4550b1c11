from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Enrollment
from courses.services.learning import continue_lesson, yearly_note_chars
from people.models import Officer
from quizzes.services.eligibility import exam_summary

# Sections later work fills; shown now so officers see where things will be.
UPCOMING_SECTIONS = [
    {"title": _("我的证书"), "text": _("暂无证书")},
    {"title": _("本年学时"), "text": _("暂无学时记录")},
]
DASHBOARD_COURSES = 3


@login_required
def dashboard(request):
    """我的学习: the logged-in user's own profile, never anyone else's."""
    officer = (
        Officer.objects.select_related("unit")
        .prefetch_related("domains")
        .filter(user=request.user)
        .first()
    )
    context = {"officer": officer, "upcoming": UPCOMING_SECTIONS}
    if officer is not None:
        # Unfinished courses first, the most recently studied on top.
        enrollments = (
            Enrollment.objects.filter(officer=officer, course__live=True)
            .select_related("course")
            .order_by(
                F("completed_at").desc(nulls_first=True),
                F("last_activity_at").desc(nulls_last=True),
                "-enrolled_at",
            )
        )
        context.update(
            my_courses=[enrollment.course for enrollment in enrollments[:DASHBOARD_COURSES]],
            more_courses=enrollments.count() > DASHBOARD_COURSES,
            continue_lesson=continue_lesson(officer=officer),
            note_chars=yearly_note_chars(officer=officer, year=timezone.localdate().year),
            exams=exam_summary(officer),
        )
    return render(request, "lianbing/dashboard.html", context)
