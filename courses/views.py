"""Officer-side learning actions and HR course assignment.

Course and lesson pages themselves are Wagtail pages; these views only change state (enrol,
heartbeat, done, notes) or list things. Every row touched belongs to `request.user.officer`:
no view takes an officer id, and a lesson outside the officer's enrollments is a 404.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models import CoursePage, Enrollment, LessonPage, StudyNote
from courses.services import learning, progress
from lianbing.content_cache import cached_site, remember
from lianbing.errors import DomainError
from people.forms import show_visible_unit_tree
from people.models import Domain
from people.utils import is_hr


def _officer_or_404(request):
    officer = learning.officer_of(request.user)
    if officer is None:
        raise Http404(_("您的账号没有学员档案。"))
    return officer


def _lesson_or_404(request, lesson_id) -> LessonPage:
    """A live lesson whose Wagtail view restrictions (private pages) this request meets.

    The lesson (without its body: these views never render it) and its restrictions are
    public content, kept in the per-process content cache.
    """

    def find():
        lesson = LessonPage.objects.live().defer("body").filter(pk=lesson_id).first()
        return (lesson, list(lesson.get_view_restrictions()) if lesson else [])

    lesson, restrictions = remember(request, ("lesson", lesson_id), find)
    if lesson is None or not all(rule.accept_request(request) for rule in restrictions):
        raise Http404(_("没有这个课时。"))
    # Page URLs rendered for this request compare the lesson's site with the request's.
    cached_site(request)
    return lesson


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _url(page, request) -> str:
    return page.get_url(request) or "/"


@login_required
@require_POST
def enroll(request, course_id):
    officer = _officer_or_404(request)
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        learning.enroll(officer=officer, course=course, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_url(course, request))
    messages.success(request, _("已报名《%(title)s》。") % {"title": course.title})
    lesson = progress.resume_lesson(progress.course_progress(officer=officer, course=course))
    return redirect(_url(lesson or course, request))


@login_required
@require_POST
def heartbeat(request, lesson_id):
    """The lesson page is open and visible. The body carries no duration: the server times."""
    officer = _officer_or_404(request)
    lesson = _lesson_or_404(request, lesson_id)
    try:
        learning.heartbeat(officer=officer, lesson=lesson, resume=request.POST.get("resume") == "1")
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return HttpResponse(status=204)


def _bar_context(request, lesson, **known) -> dict:
    context = progress.lesson_context(user=request.user, lesson=lesson, request=request, **known)
    return {**context, "page": lesson, "request": request}


@login_required
@require_GET
def lesson_panel(request, lesson_id):
    """The officer's own parts of a lesson page, fetched by the page once it has loaded.

    Opening the panel is opening the lesson: it starts the clock and sets "continue here".
    The page itself is the same for every reader, so its body and outline stay cached.
    """
    lesson = _lesson_or_404(request, lesson_id)
    opened = learning.record_lesson_opened(user=request.user, lesson=lesson)
    # record_lesson_opened looked the enrollment up: None there means not enrolled.
    context = _bar_context(request, lesson, enrollment=opened.enrollment if opened else None)
    response = render(request, "courses/_lesson_panel.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def lesson_done(request, lesson_id):
    officer = _officer_or_404(request)
    lesson = _lesson_or_404(request, lesson_id)
    try:
        learning.mark_lesson_done(officer=officer, lesson=lesson)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    context = _bar_context(request, lesson)
    if _is_htmx(request):
        return render(request, "courses/_lesson_bar.html", context)
    following = context.get("next_lesson")
    return redirect(_url(following or context["course"], request))


@login_required
@require_http_methods(["GET", "POST"])
def note(request, lesson_id):
    """学习笔记: always the requesting officer's own note on this lesson."""
    officer = _officer_or_404(request)
    lesson = _lesson_or_404(request, lesson_id)
    if learning.enrollment_for_lesson(officer, lesson) is None:
        raise Http404(_("您尚未报名本课程。"))
    context = {"page": lesson, "saved_at": None, "error": None}
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            saved = learning.save_note(officer=officer, lesson=lesson, text=text)
        except DomainError as exc:
            # Keep what was typed, so a too-long note is not lost; nothing was saved.
            context.update(error=exc.message, note=StudyNote(text=text, char_count=0))
        else:
            context.update(note=saved, saved_at=timezone.localtime())
        if not _is_htmx(request) and context["error"] is None:
            return redirect(_url(lesson, request) + "#note")
    else:
        context["note"] = StudyNote.objects.filter(officer=officer, lesson=lesson).first()
    context["year_chars"] = learning.yearly_note_chars(
        officer=officer, year=timezone.localdate().year
    )
    return render(request, "courses/_note_panel.html", context)


@login_required
def my_courses(request):
    """我的课程: the officer's enrollments, unfinished first, most recently studied on top."""
    officer = _officer_or_404(request)
    enrollments = (
        Enrollment.objects.filter(officer=officer, course__live=True)
        .select_related("course")
        .order_by(
            F("completed_at").desc(nulls_first=True),
            F("last_activity_at").desc(nulls_last=True),
            "-enrolled_at",
        )
    )
    courses = [enrollment.course for enrollment in enrollments]
    return render(
        request,
        "courses/my_courses.html",
        {
            "courses": courses,
            "year_chars": learning.yearly_note_chars(
                officer=officer, year=timezone.localdate().year
            ),
        },
    )


def hr_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_hr(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class AssignForm(forms.Form):
    course = forms.ModelChoiceField(
        label=gettext_lazy("课程"),
        queryset=CoursePage.objects.live().order_by("path"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("单位（含下级单位）"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    domains = forms.ModelMultipleChoiceField(
        label=gettext_lazy("执法领域"),
        queryset=Domain.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        show_visible_unit_tree(self.fields["units"], user)

    def clean(self):
        data = super().clean()
        if not data.get("units") and not data.get("domains"):
            raise forms.ValidationError(_("请至少选择一个单位或执法领域。"))
        return data


@hr_required
def assign(request):
    """人事指派课程: enrol the active officers of units or domains within one's scope."""
    form = AssignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        course = form.cleaned_data["course"]
        try:
            count = learning.assign_course(
                course=course,
                actor=request.user,
                units=form.cleaned_data["units"],
                domains=form.cleaned_data["domains"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已为 %(count)d 名学员指派《%(title)s》（已报名的学员不重复计入）。")
                % {"count": count, "title": course.title},
            )
            return redirect("courses:assign")
    return render(request, "courses/assign.html", {"form": form})
