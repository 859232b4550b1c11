"""Wagtail admin views for the regulation library (mounted under /admin/regulations/).

导入法规 (upload a text), the readable diff of an amendment, the 待复核 work queue and
由法规生成课程. Every view checks an explicit permission (403 otherwise); views that change
data only accept POST.
"""

import contextlib
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from courses.models import ArticleChange, CourseIndexPage, CoursePage, Regulation, ReviewFlag
from courses.services.course_builder import (
    create_course_from_regulation,
    default_course_title,
    get_or_create_course_index,
    lesson_groups,
)
from courses.services.regulation_diff import diff_articles, paragraph_diff
from courses.services.regulation_import import decode_regulation_text, import_regulation
from courses.services.regulation_parser import RegulationParseError
from lianbing.admin_helpers import PermissionRequiredMixin
from lianbing.errors import DomainError
from people.services import audit

# The largest regulation text (文物保护法) is about 60 KB; anything near this is not one.
MAX_UPLOAD_BYTES = 1024 * 1024
TOO_LARGE = gettext_lazy("文件过大（上限 1 MB），请确认上传的是法规文本。")
REGULATION_LIST_URL = reverse_lazy("wagtailsnippets_courses_regulation:list")


class LibraryView(PermissionRequiredMixin, WagtailAdminTemplateMixin):
    header_icon = "doc-full-inverse"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": REGULATION_LIST_URL, "label": _("法规")},
            {"url": "", "label": self.get_page_title()},
        ]


class RegulationUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("法规文本文件"),
        help_text=gettext_lazy(
            "UTF-8 编码的 .md 或 .txt 文件，格式见 shared/regulations/SOURCES.md。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".md,.txt,text/markdown,text/plain"}),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("只检查，不保存"), required=False)
    replace = forms.BooleanField(
        label=gettext_lazy("同一修订日期的文本不同时，作为更正替换原文本"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".md", ".txt")):
            raise forms.ValidationError(_("只接受 .md 或 .txt 文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        return upload


class ImportView(LibraryView, FormView):
    permissions = ("courses.add_regulation",)
    page_title = gettext_lazy("导入法规")
    template_name = "courses/admin/import.html"
    form_class = RegulationUploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        context = {"form": form, "source_name": upload.name}
        try:
            summary = import_regulation(
                text=decode_regulation_text(upload.read()),
                source_name=upload.name,
                actor=self.request.user,
                dry_run=form.cleaned_data["dry_run"],
                replace=form.cleaned_data["replace"],
            )
        except RegulationParseError as error:
            context["problems"] = error.problems
        except DomainError as error:
            context["problems"] = [error.message]
        else:
            context["summary"] = summary
            labels = dict(ArticleChange.Kind.choices)
            context["changes"] = [
                (labels.get(kind, kind), count)
                for kind, count in summary.details.get("changes", {}).items()
                if count and kind != ArticleChange.Kind.UNCHANGED
            ]
            context["regulation"] = Regulation.objects.filter(
                pk=summary.details.get("regulation_id")
            ).first()
            # A fresh form: the next upload should not inherit "dry run" by accident.
            context["form"] = self.form_class()
        return self.render_to_response(self.get_context_data(**context))


@dataclass
class DiffRow:
    change_kind: str
    kind_label: str
    old: object
    new: object
    text_changed: bool
    old_segments: list
    new_segments: list

    @property
    def anchor(self) -> str:
        return f"article-{self.old.key}" if self.old else f"new-{self.new.key}"


def split_diff(old_text: str, new_text: str) -> tuple[list, list]:
    """paragraph_diff for two columns: the old text with deletions, the new with insertions."""
    segments = paragraph_diff(old_text, new_text)
    return [s for s in segments if s[0] != "insert"], [s for s in segments if s[0] != "delete"]


def diff_rows(old_revision, new_revision) -> tuple[list[DiffRow], list[dict]]:
    """Every article change between two revisions, stored rows first (consecutive ones)."""
    stored = ArticleChange.objects.filter(
        from_revision=old_revision, to_revision=new_revision
    ).select_related("old_article", "new_article")
    changes = [(c.kind, c.old_article, c.new_article, c.text_changed) for c in stored] or [
        (c.kind, c.old, c.new, c.text_changed)
        for c in diff_articles(list(old_revision.articles.all()), list(new_revision.articles.all()))
    ]
    labels = dict(ArticleChange.Kind.choices)
    counts = {kind: 0 for kind in labels}
    rows = []
    for kind, old, new, text_changed in changes:
        counts[kind] += 1
        if kind == ArticleChange.Kind.UNCHANGED:
            continue
        segments = split_diff(old.text, new.text) if old and new else ([], [])
        rows.append(DiffRow(kind, labels[kind], old, new, text_changed, *segments))
    summary = [{"kind": kind, "label": labels[kind], "count": counts[kind]} for kind in labels]
    return rows, summary


class DiffView(LibraryView, TemplateView):
    permissions = ("courses.view_regulation",)
    page_title = gettext_lazy("修订对比")
    template_name = "courses/admin/diff.html"

    def get_page_subtitle(self):
        return self.regulation.title

    def get(self, request, pk):
        self.regulation = get_object_or_404(Regulation, pk=pk)
        revisions = self.regulation.revisions.all()
        new = self._revision(revisions, "to") or self.regulation.current_revision
        old = self._revision(revisions, "from") or (new.previous() if new else None)
        context = {"regulation": self.regulation, "revisions": revisions, "old": old, "new": new}
        if old and new:
            context["rows"], context["summary"] = diff_rows(old, new)
        return self.render_to_response(self.get_context_data(**context))

    def _revision(self, revisions, name):
        value = self.request.GET.get(name, "")
        return revisions.filter(pk=int(value)).first() if value.isdigit() else None


def diff_url(change: ArticleChange | None, regulation_id: int, article) -> str:
    url = reverse("regulation_admin:diff", args=[regulation_id])
    if change is not None:
        url += f"?from={change.from_revision_id}&to={change.to_revision_id}"
    return f"{url}#article-{article.key}"


class ReviewQueueView(LibraryView, TemplateView):
    permissions = ("courses.view_reviewflag",)
    page_title = gettext_lazy("待复核")
    header_icon = "warning"
    template_name = "courses/admin/review_queue.html"

    def get_context_data(self, **kwargs):
        flags = list(
            ReviewFlag.objects.open()
            .select_related(
                "content_type",
                "article__revision__regulation",
                "change__new_article",
                "change__old_article",
            )
            .order_by("content_type_id", "object_id", "article__position")
        )
        finder = AdminURLFinder(self.request.user)
        groups: dict[tuple[int, int], dict] = {}
        objects = _load_objects(flags)
        for flag in flags:
            obj = objects.get((flag.content_type_id, flag.object_id))
            model = flag.content_type.model_class()
            group = groups.setdefault(
                (flag.content_type_id, flag.object_id),
                {
                    "object": obj,
                    "type": model._meta.verbose_name if model else "",
                    "title": obj.get_admin_display_title()
                    if isinstance(obj, Page)
                    else str(obj or _("（已删除）")),
                    "parent": obj.get_parent().specific if isinstance(obj, Page) else None,
                    "edit_url": finder.get_edit_url(obj) if obj is not None else None,
                    "flags": [],
                },
            )
            change = flag.change
            new_article = change.new_article if change else None
            old_segments, new_segments = (
                split_diff(flag.article.text, new_article.text) if new_article else ([], [])
            )
            group["flags"].append(
                {
                    "flag": flag,
                    "regulation": flag.article.revision.regulation,
                    "new_article": new_article,
                    "old_segments": old_segments,
                    "new_segments": new_segments,
                    "diff_url": diff_url(change, flag.article.revision.regulation_id, flag.article),
                }
            )
        context = super().get_context_data(**kwargs)
        context["groups"] = list(groups.values())
        context["flag_count"] = len(flags)
        context["can_resolve"] = self.request.user.has_perm("courses.change_reviewflag")
        return context


def _load_objects(flags) -> dict[tuple[int, int], object]:
    """The flagged objects, one query per content type; pages come back specific."""
    wanted: dict[int, tuple] = {}
    for flag in flags:
        wanted.setdefault(flag.content_type_id, (flag.content_type, set()))[1].add(flag.object_id)
    found = {}
    for content_type_id, (content_type, ids) in wanted.items():
        model = content_type.model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            found[(content_type_id, obj.pk)] = obj
    return found


class ResolveFlagsView(PermissionRequiredMixin, View):
    permissions = ("courses.change_reviewflag",)
    http_method_names = ["post"]

    def post(self, request):
        ids = [int(value) for value in request.POST.getlist("flag") if value.isdigit()]
        with transaction.atomic():
            flags = list(
                ReviewFlag.objects.open()
                .filter(pk__in=ids)
                .select_related("article", "content_type")
                .select_for_update(of=("self",))
            )
            for flag in flags:
                flag.resolve(request.user)
                audit.record(
                    actor=request.user,
                    action="review_flag.resolved",
                    target=flag.content_object or flag,
                    article=str(flag.article),
                    reason=flag.reason,
                )
        if flags:
            messages.success(request, _("已复核 %(count)d 项。") % {"count": len(flags)})
        return redirect(get_valid_next_url_from_request(request) or "regulation_admin:review")


class CourseFromRegulationForm(forms.Form):
    regulation = forms.ModelChoiceField(
        label=gettext_lazy("法规"),
        queryset=Regulation.objects.filter(current_revision__isnull=False),
        empty_label=gettext_lazy("请选择法规"),
    )
    title = forms.CharField(
        label=gettext_lazy("课程名称"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("留空则为“《法规名称》精讲”。"),
    )


def course_parent_for(user) -> tuple[Page, bool]:
    """Where the new course goes: the course index, or the home page if there is none yet.

    Returns (page, is_index) after checking the user may add a page there.
    """
    from lianbing.models import HomePage

    index = CourseIndexPage.objects.first()
    parent = index or HomePage.objects.first()
    if parent is None:
        raise DomainError(_("站点还没有首页，无法创建课程。"), code="no_home")
    if not parent.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied
    return parent, index is not None


class CreateCourseView(LibraryView, FormView):
    permissions = ("courses.view_regulation",)
    page_title = gettext_lazy("由法规生成课程")
    header_icon = "doc-empty-inverse"
    template_name = "courses/admin/create_course.html"
    form_class = CourseFromRegulationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perms(self.permissions):
            # PermissionDenied without page rights; a missing home page is left to form_valid.
            with contextlib.suppress(DomainError):
                course_parent_for(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"regulation": self.request.GET.get("regulation")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        value = form["regulation"].value()
        regulation = (
            Regulation.objects.filter(pk=value, current_revision__isnull=False).first()
            if str(value or "").isdigit()
            else None
        )
        if regulation is not None:
            articles = list(
                regulation.current_revision.articles.select_related("chapter").order_by("position")
            )
            context["regulation"] = regulation
            context["default_title"] = default_course_title(regulation)
            context["lessons"] = [(title, len(group)) for title, group in lesson_groups(articles)]
            context["existing_courses"] = CoursePage.objects.filter(regulation=regulation)
        return context

    def form_valid(self, form):
        regulation = form.cleaned_data["regulation"]
        try:
            with transaction.atomic():
                parent, is_index = course_parent_for(self.request.user)
                index = parent.specific if is_index else get_or_create_course_index(home=parent)
                course = create_course_from_regulation(
                    regulation=regulation,
                    parent=index,
                    actor=self.request.user,
                    title=form.cleaned_data["title"],
                )
        except DomainError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("已生成课程草稿“%(title)s”，共 %(count)d 个课时。完善后请发布课程及其课时。")
            % {"title": course.title, "count": course.get_children().count()},
        )
        return redirect("wagtailadmin_pages:edit", course.pk)
