"""Trainers' admin pages: the grading queue, grading one answer, and the proctor's view of
an exam (who is in it, and the focus-loss events — shown, never scored)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lianbing.admin_helpers import PermissionRequiredMixin
from people.utils import is_hr
from quizzes.models import Attempt, AttemptItem, IntegrityEvent, Quiz
from quizzes.services import grading, scoring
from quizzes.services.attempts import AttemptError, version_payload
from quizzes.services.presentation import review_for_page


def may_monitor(user) -> bool:
    """Trainers watch exams; HR reads the analysis of its own units' officers."""
    return user.has_perm("quizzes.view_attempt") or is_hr(user)


def pending_items():
    """Answers waiting for a trainer, oldest hand-in first."""
    return (
        AttemptItem.objects.filter(needs_grading=True, attempt__state=Attempt.State.GRADING)
        .select_related("attempt__quiz", "attempt__officer__unit")
        .order_by("attempt__ended_at", "position")
    )


class QuizAdminView(PermissionRequiredMixin, WagtailAdminTemplateMixin):
    header_icon = "help"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


class GradingQueueView(QuizAdminView, TemplateView):
    permissions = ("quizzes.change_attempt",)
    page_title = gettext_lazy("阅卷")
    template_name = "quizzes/admin/grading_queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = pending_items()
        quiz_id = self.request.GET.get("quiz")
        if quiz_id and quiz_id.isdigit():
            items = items.filter(attempt__quiz_id=int(quiz_id))
        context["items"] = items[:200]
        context["quizzes"] = Quiz.objects.filter(attempts__state=Attempt.State.GRADING).distinct()
        return context


class GradeForm(forms.Form):
    feedback = forms.CharField(
        label=gettext_lazy("评语"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, limits, **kwargs):
        super().__init__(*args, **kwargs)
        for number, limit in enumerate(limits, start=1):
            label = _("得分（满分 %(max)s）") % {"max": limit}
            if len(limits) > 1 or number > 1:
                label = _("小题%(n)d得分（满分 %(max)s）") % {"n": number, "max": limit}
            self.fields[f"score_{number}"] = forms.DecimalField(
                label=label,
                min_value=0,
                max_value=limit,
                decimal_places=2,
            )


class GradeItemView(QuizAdminView, FormView):
    permissions = ("quizzes.change_attempt",)
    page_title = gettext_lazy("评分")
    template_name = "quizzes/admin/grade_item.html"
    form_class = GradeForm

    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(
            AttemptItem.objects.select_related("attempt__quiz", "attempt__officer"),
            pk=kwargs["item_id"],
        )
        self.payload = version_payload(self.item.version_id)
        return super().dispatch(request, *args, **kwargs)

    def manual_parts(self) -> list[int]:
        """Indices of the case parts a trainer grades (short answers); [] for a question."""
        if self.payload["kind"] != "case":
            return []
        return [i for i, p in enumerate(self.payload["parts"]) if p["kind"] == "short"]

    def limits(self):
        if self.payload["kind"] == "case":
            all_limits = scoring.part_points(self.payload, points=self.item.points)
            return [all_limits[i] for i in self.manual_parts()]
        return [self.item.points]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "limits": self.limits()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = self.item
        context["review"] = review_for_page(
            self.payload,
            self.item.option_order,
            self.item.response,
            answers=True,
            explanations=True,
        )
        context["part_scores"] = self.item.part_scores
        return context

    def form_valid(self, form):
        scores = [form.cleaned_data[f"score_{n}"] for n in range(1, len(self.limits()) + 1)]
        kwargs = {"score": scores[0]} if self.payload["kind"] != "case" else {}
        if self.payload["kind"] == "case":
            parts = [None] * len(self.payload["parts"])
            for index, value in zip(self.manual_parts(), scores, strict=True):
                parts[index] = value
            kwargs["part_scores"] = parts
        try:
            grading.grade_item(
                item_id=self.item.pk,
                actor=self.request.user,
                feedback=form.cleaned_data["feedback"],
                **kwargs,
            )
        except AttemptError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("已评分"))
        following = pending_items().exclude(pk=self.item.pk).first()
        if following:
            return redirect("quiz_admin:grade", item_id=following.pk)
        return redirect("quiz_admin:grading")


class QuizMonitorListView(QuizAdminView, TemplateView):
    page_title = gettext_lazy("考试监控与分析")
    template_name = "quizzes/admin/monitor_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_monitor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_proctor"] = self.request.user.has_perm("quizzes.view_attempt")
        context["quizzes"] = Quiz.objects.annotate(
            attempt_count=Count("attempts", distinct=True),
            in_progress=Count(
                "attempts", filter=Q(attempts__state=Attempt.State.IN_PROGRESS), distinct=True
            ),
        ).order_by("-opens_at", "-id")
        return context


class ProctorView(QuizAdminView, TemplateView):
    permissions = ("quizzes.view_attempt",)
    template_name = "quizzes/admin/proctor.html"

    def dispatch(self, request, *args, **kwargs):
        self.quiz = get_object_or_404(Quiz, pk=kwargs["quiz_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("监考：%(title)s") % {"title": self.quiz.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attempts = (
            Attempt.objects.filter(quiz=self.quiz)
            .select_related("officer__unit")
            .annotate(
                answered=Count("items", filter=Q(items__response__isnull=False), distinct=True),
                item_count=Count("items", distinct=True),
                away_count=Count(
                    "events",
                    filter=Q(
                        events__kind__in=[IntegrityEvent.Kind.HIDDEN, IntegrityEvent.Kind.BLUR]
                    ),
                    distinct=True,
                ),
            )
            .order_by("-started_at")
        )
        selected = self.request.GET.get("attempt")
        context.update(
            quiz=self.quiz,
            attempts=attempts,
            events=IntegrityEvent.objects.filter(attempt_id=selected, attempt__quiz=self.quiz)
            if selected
            else None,
            selected=selected,
            analysis_url=_analysis_url(self.quiz),
        )
        return context


def _analysis_url(quiz) -> str:
    try:
        return reverse("quiz_analysis:report", args=[quiz.pk])
    except NoReverseMatch:  # the analysis pages are optional wiring
        return ""
