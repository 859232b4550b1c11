"""Wagtail admin views to import question files, download the template, and export.

Importing needs `quizzes.add_question`, exporting `quizzes.view_question` (403 otherwise).
An import shows either its summary or a table of every problem by line and field; a dry run
checks without saving. URLs: `quizzes.admin_import_urls`.
"""

import datetime
from pathlib import PurePath

from django import forms
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lianbing.admin_helpers import PermissionRequiredMixin
from lianbing.errors import DomainError
from people.services import audit
from quizzes.models import Category
from quizzes.services.formats.records import Problem
from quizzes.services.formats.spreadsheet import XLSX_CONTENT_TYPE, template_workbook
from quizzes.services.keys import LABEL_BY_KIND
from quizzes.services.question_export import (
    CONTENT_TYPES,
    EXTENSIONS,
    export_items,
    questions_in,
)
from quizzes.services.question_export import WRITERS as EXPORT_WRITERS
from quizzes.services.question_import import QuestionImportError, import_questions

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".gift", ".txt", ".xml")
FORMAT_CHOICES = [
    ("xlsx", gettext_lazy("Excel（.xlsx / .csv）")),
    ("gift", "GIFT"),
    ("moodlexml", "Moodle XML"),
]


class QuestionIOView(PermissionRequiredMixin, WagtailAdminTemplateMixin):
    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


def attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("试题文件"),
        help_text=gettext_lazy(
            "Excel 模板（.xlsx 或 .csv）、GIFT（.gift / .txt）或 Moodle XML（.xml）。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.gift,.txt,.xml"}),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("文件格式"),
        choices=[("", gettext_lazy("按文件自动识别")), *FORMAT_CHOICES],
        required=False,
    )
    category = forms.CharField(
        label=gettext_lazy("默认分类"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "文件未指定分类的试题放入此分类，如“行政处罚法/罚款”；留空则放入“未分类”。"
        ),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("只检查，不保存"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = PurePath(upload.name).suffix.lower()
        if extension == ".xls":
            raise forms.ValidationError(_("不支持 .xls 文件：请在 Excel 中另存为 .xlsx。"))
        if extension not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(
                _("只能上传 Excel（.xlsx / .csv）、GIFT（.gift / .txt）或 Moodle XML（.xml）文件。")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大（上限 10 MB）。"))
        return upload


class ImportView(QuestionIOView, FormView):
    permissions = ("quizzes.add_question",)
    page_title = gettext_lazy("导入试题")
    header_icon = "upload"
    template_name = "quizzes/admin/question_import.html"
    form_class = ImportForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        context = {"form": form, "source_name": upload.name}
        try:
            summary = import_questions(
                data=upload.read(),
                filename=upload.name,
                format=form.cleaned_data["format"] or None,
                category=form.cleaned_data["category"],
                actor=self.request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except QuestionImportError as error:
            context["problems"] = error.problems
        except DomainError as error:
            context["problems"] = [Problem(None, "", error.message)]
        else:
            context["summary"] = summary
            context["kinds"] = [
                (LABEL_BY_KIND[kind], count) for kind, count in summary["by_type"].items()
            ]
            # A fresh form: the next upload should not inherit "dry run" by accident.
            context["form"] = self.form_class()
        return self.render_to_response(self.get_context_data(**context))


class TemplateDownloadView(PermissionRequiredMixin, View):
    permissions = ("quizzes.add_question",)

    def get(self, request):
        return attachment(template_workbook(), XLSX_CONTENT_TYPE, _("试题导入模板.xlsx"))


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.depth - 1) + obj.name  # indented by depth: the tree without queries


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("导出格式"), choices=FORMAT_CHOICES)
    category = CategoryChoiceField(
        label=gettext_lazy("分类"),
        queryset=Category.objects.order_by("path"),
        required=False,
        empty_label=gettext_lazy("全部分类"),
        help_text=gettext_lazy("含下级分类的试题。"),
    )


class ExportView(QuestionIOView, FormView):
    """GET shows the form; GET with a format downloads the file."""

    permissions = ("quizzes.view_question",)
    page_title = gettext_lazy("导出试题")
    header_icon = "download"
    template_name = "quizzes/admin/question_export.html"
    form_class = ExportForm

    def get(self, request, *args, **kwargs):
        if "format" not in request.GET:
            return self.render_to_response(self.get_context_data(form=self.form_class()))
        form = self.form_class(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        fmt, category = form.cleaned_data["format"], form.cleaned_data["category"]
        items = export_items(questions_in(category))
        audit.record(
            actor=request.user,
            action="questions.exported",
            target=category.full_name if category else _("全部分类"),
            format=fmt,
            count=len(items),
        )
        name = (category.name if category else _("题库")) + f"-{datetime.date.today():%Y%m%d}"
        return attachment(EXPORT_WRITERS[fmt](items), CONTENT_TYPES[fmt], name + EXTENSIONS[fmt])
