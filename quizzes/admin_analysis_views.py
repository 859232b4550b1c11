"""Admin pages for a quiz's analysis: the report, and the same figures as an Excel workbook.

Trainers (quizzes.change_quiz) and HR may open them, anyone else gets 403 (inside the
Wagtail admin, which turns a refusal into a redirect to the dashboard for page requests).
HR only sees its subtree's officers; only trainers see answer keys and option counts —
see `quizzes.services.analysis_queries` for the rules and `item_analysis` for the figures.
"""

import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from people.services import audit
from quizzes.models import Quiz
from quizzes.services import item_analysis
from quizzes.services.analysis_queries import (
    can_see_keys,
    can_view_analysis,
    quiz_analysis,
    scope_units,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Sheet names are what people look for in the file: fixed, whatever the interface language.
SUMMARY_SHEET, BANDS_SHEET, UNITS_SHEET, ITEMS_SHEET = "概况", "分数分布", "单位", "试题分析"
SORTS = ("position", "flags")
_BOLD = Font(bold=True)


class AnalysisAccessMixin:
    """403 unless the user may see analyses; loads the quiz."""

    def dispatch(self, request, *args, quiz_id, **kwargs):
        if not can_view_analysis(request.user):
            raise PermissionDenied
        self.quiz = get_object_or_404(Quiz, pk=quiz_id)
        return super().dispatch(request, *args, **kwargs)


def scope_label(units) -> str:
    if not units:
        return _("全部单位")
    return _("%(units)s（含下级单位）") % {"units": "、".join(u.full_name() for u in units)}


class ReportView(AnalysisAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "quizzes/admin/analysis.html"
    page_title = gettext_lazy("考试分析")
    header_icon = "table"

    def get_page_subtitle(self):
        return self.quiz.title

    def get_breadcrumbs_items(self):
        edit_url = AdminURLFinder(self.request.user).get_edit_url(self.quiz)
        return self.breadcrumbs_items + [
            {"url": edit_url or "", "label": self.quiz.title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        analysis = quiz_analysis(self.quiz, self.request.user)
        sort = self.request.GET.get("sort")
        sort = sort if sort in SORTS else "position"
        tallest = max((band.count for band in analysis.bands), default=0)
        context = super().get_context_data(**kwargs)
        context.update(
            quiz=self.quiz,
            analysis=analysis,
            summary=analysis.summary,
            # Bars are scaled to the fullest band, so a small cohort still fills the chart.
            bands=[
                {"band": band, "height": round(band.count * 100 / tallest) if tallest else 0}
                for band in analysis.bands
            ],
            items=item_analysis.sort_items(analysis.items, sort),
            sort=sort,
            show_keys=can_see_keys(self.request.user),
            scope=scope_label(scope_units(self.request.user)),
            thresholds={
                "easy": item_analysis.TOO_EASY,
                "hard": item_analysis.TOO_HARD,
                "poor": item_analysis.POOR_DISCRIMINATION,
                "sample": item_analysis.MIN_SAMPLE,
            },
        )
        return context


class ExportView(AnalysisAccessMixin, View):
    http_method_names = ["get"]

    def get(self, request):
        analysis = quiz_analysis(self.quiz, request.user)
        scope = scope_label(scope_units(request.user))
        content = analysis_workbook(
            self.quiz, analysis, scope=scope, show_keys=can_see_keys(request.user)
        )
        audit.record(actor=request.user, action="quiz.analysis_exported", target=self.quiz)
        filename = _("考试分析-%(title)s-%(date)s.xlsx") % {
            "title": self.quiz.title[:50],
            "date": f"{timezone.localdate():%Y%m%d}",
        }
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["Cache-Control"] = "no-store"
        return response


# --- The workbook ------------------------------------------------------------------------


def _cell(sheet, value, *, bold=False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a stem starting with "=" is text, not a formula to run
    if bold:
        cell.font = _BOLD
    return cell


def _sheet(workbook, title, headers, widths):
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, str(h), bold=True) for h in headers])
    return sheet


def _round(value, digits=1):
    return None if value is None else round(value, digits)


def _summary_rows(quiz, analysis, scope):
    s = analysis.summary
    yield _("考试"), quiz.title
    yield _("统计范围"), scope
    yield _("多次作答取分"), str(quiz.get_grading_method_display())
    yield _("及格线（%）"), quiz.pass_percent
    yield _("参加人数"), s.officers
    yield _("已评分答卷"), s.attempts
    yield _("待阅卷答卷（不计入成绩统计）"), s.pending
    yield _("平均得分率（%）"), _round(s.mean)
    yield _("中位数（%）"), _round(s.median)
    yield _("标准差（%）"), _round(s.std)
    yield _("最高（%）"), _round(s.maximum)
    yield _("最低（%）"), _round(s.minimum)
    yield _("及格人数"), s.passed
    yield _("及格率（%）"), _round(s.pass_rate)
    yield _("导出时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"
    yield "", ""
    yield _("说明"), _("成绩统计每人计一次成绩（按“多次作答取分”合并已评分的答卷）。")
    yield "", _("难度系数：平均得分占该题分值的比例（0–1），越高越容易。")
    yield "", _("区分度：该题得分与试卷其余部分得分的相关系数（−1–1），越高越能区分水平。")
    yield "", _("高低分组区分度：总分前 27% 与后 27% 考生该题平均得分率之差。")


def option_summary(options) -> str:
    """ "A 12 ✓；B 3；C 0": counts per option in the question's own order, keys ticked."""
    return "；".join(
        f"{option.letter} {option.count}" + (" ✓" if option.correct else "") for option in options
    )


def analysis_workbook(quiz, analysis, *, scope: str, show_keys: bool) -> bytes:
    workbook = Workbook(write_only=True)
    summary = _sheet(workbook, SUMMARY_SHEET, [_("项目"), _("数值")], (30, 60))
    for label, value in _summary_rows(quiz, analysis, scope):
        summary.append([_cell(summary, str(label)), _cell(summary, value)])

    headers = [_("得分率（%）"), _("人数"), _("占比（%）")]
    bands = _sheet(workbook, BANDS_SHEET, headers, (14, 8, 10))
    for band in analysis.bands:
        bands.append([band.label, band.count, _round(band.share)])

    units = _sheet(
        workbook,
        UNITS_SHEET,
        [_("单位"), _("人数"), _("平均得分率（%）"), _("及格人数"), _("及格率（%）")],
        (36, 8, 16, 10, 12),
    )
    for row in analysis.units:
        label = _cell(units, row.label)
        units.append([label, row.count, _round(row.mean), row.passed, _round(row.pass_rate)])

    headers = [
        _("题序"),
        _("试题编号"),
        _("版本"),
        _("题型"),
        _("题干"),
        _("作答次数"),
        _("已评分"),
        _("未作答"),
        _("平均得分"),
        _("分值"),
        _("难度系数"),
        _("区分度"),
        _("高低分组区分度"),
        _("提示"),
    ]
    widths = [6, 10, 6, 10, 50, 10, 8, 8, 10, 8, 10, 10, 14, 20]
    if show_keys:
        headers += [_("正确答案"), _("各选项人数（✓ 为正确选项）")]
        widths += [10, 36]
    items = _sheet(workbook, ITEMS_SHEET, headers, widths)
    for item in analysis.items:
        row = [
            item.position,
            item.question,
            item.version_number,
            item.kind_label,
            _cell(items, item.stem),
            item.drawn,
            item.scored,
            item.unanswered,
            _round(item.mean_score, 2),
            _round(item.mean_points, 1),
            _round(item.facility, 2),
            _round(item.discrimination, 2),
            _round(item.upper_lower, 2),
            "、".join(label for _flag, label in item.labelled_flags),
        ]
        if show_keys:
            key = "".join(o.letter for o in item.options if o.correct)
            row += [key, option_summary(item.options)]
        items.append(row)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
