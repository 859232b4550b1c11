from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Enrollment
from courses.services.learning import yearly_note_chars
from courses.services.progress import continue_lesson
from people.models import Officer
from people.services.tally_queries import year_progress
from quizzes.finals.models import Final
from quizzes.services.eligibility import exam_summary

DASHBOARD_COURSES = 3
DASHBOARD_CERTIFICATES = 3


@login_required
def dashboard(request):
    """我的学习: the logged-in user's own profile, never anyone else's."""
    officer = (
        Officer.objects.select_related("unit")
        .prefetch_related("domains")
        .filter(user=request.user)
        .first()
    )
    context = {"officer": officer}
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
            hours=year_progress(officer=officer, year=timezone.localdate().year),
            certificates=Certificate.objects.filter(
                officer=officer, status=Certificate.Status.VALID
            ).order_by("-issued_at")[:DASHBOARD_CERTIFICATES],
            certificate_count=Certificate.objects.filter(
                officer=officer, status=Certificate.Status.VALID
            ).count(),
            live_finals=Final.objects.filter(
                teams__members=officer, finished_at__isnull=True
            ).distinct(),
        )
    return render(request, "lianbing/dashboard.html", context)
