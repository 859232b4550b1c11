"""The tallies written down: Excel workbooks, and the rows and sentences pages and PDFs share.

The pages, the workbooks and the PDFs all read the figures through the helpers here
(`unit_rows`, `summary_items`, `report_sentence`, the column lists), so a file never says
something the page does not. Workbooks are write-only: rows stream out and memory stays
flat, which is what lets a city-wide officer list of 20,000 rows export in seconds.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from weasyprint import HTML

from people.models.ledger import HourKind
from people.services.tallies import AnnualSummary, GroupTally, OfficerTally

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
PDF_CONTENT_TYPE = "application/pdf"
# WeasyPrint lays out a table row in tens of milliseconds: a city's officers would hold a
# worker for many minutes. Longer lists are for the Excel export.
MAX_PDF_OFFICERS = 1000


@dataclass(frozen=True)
class Heading:
    """What a page or file is about: its title, the year, the unit (or the whole scope)."""

    title: str
    year: int
    unit_name: str
    exported_at: datetime

    @property
    def line(self) -> str:
        return _("%(title)s　%(year)s年度　%(unit)s　导出时间：%(time)s") % {
            "title": self.title,
            "year": self.year,
            "unit": self.unit_name,
            "time": timezone.localtime(self.exported_at).strftime("%Y-%m-%d %H:%M"),
        }

    def filename(self, extension: str) -> str:
        name = f"{self.title}-{self.year}年-{self.unit_name}"
        # Unit names come from rosters: keep path separators out of the download name.
        return "".join("-" if c in '/\\:*?"<>|' else c for c in name) + f".{extension}"


def kinds() -> list[tuple[str, str]]:
    """(kind, label) in the ledger's order: the hours-by-kind columns everywhere."""
    return [(kind.value, str(kind.label)) for kind in HourKind]


def target_status(group: GroupTally) -> str:
    met = group.meets_targets
    if met is None:
        return "—"
    return _("完成") if met else _("未完成")


def met_status(officer: OfficerTally) -> str:
    return _("达标") if officer.met else _("未达标")


def unit_rows(groups: list[GroupTally]) -> list[tuple[int, GroupTally]]:
    """(indent, group) with the indent counted from the shallowest unit shown."""
    top = min((group.depth for group in groups), default=1)
    return [(group.depth - top, group) for group in groups]


def chart_units(groups: list[GroupTally]) -> list[GroupTally]:
    """The units compared side by side: the children of the one unit at the top of the
    tally, or the top units themselves when the scope has several (two district HR scopes)."""
    top = min((group.depth for group in groups), default=1)
    roots = [group for group in groups if group.depth == top]
    if len(roots) != 1:
        return roots
    return [group for group in groups if group.depth == top + 1]


def comparison(groups: list[GroupTally]) -> dict[str, list]:
    """The side-by-side chart's rows: (unit, figure, that unit's target or None)."""
    units = chart_units(groups)
    return {
        "chart_units": units,
        "chart_units_average": [(g.name, g.average_hours, g.target_average) for g in units],
        "chart_units_met": [(g.name, g.met_percent, g.target_compliance) for g in units],
    }


def domain_name(group: GroupTally) -> str:
    return group.name or _("未分配执法领域")


def domain_comparison(groups: list[GroupTally]) -> dict[str, list]:
    """The domains chart's rows; domains nobody in scope works in are left out of it."""
    staffed = [g for g in groups if g.headcount]
    return {
        "chart_domains_average": [(domain_name(g), g.average_hours, None) for g in staffed],
        "chart_domains_met": [(domain_name(g), g.met_percent, None) for g in staffed],
    }


def summary_items(summary: AnnualSummary) -> list[tuple[str, int | Decimal, str]]:
    """(item, figure, measure) of the annual summary, in the work report's order."""
    return [
        (_("举办培训班"), summary.classes_held, _("期")),
        (_("培训执法人员"), summary.person_times, _("人次")),
        (_("培训班学时"), summary.class_hours, _("学时")),
        (_("组织考试"), summary.exams_held, _("场")),
        (_("参加考试"), summary.exam_participants, _("人次")),
        (_("考试合格"), summary.exam_passed, _("人次")),
        (_("考试合格率"), summary.pass_rate, "%"),
        (_("举办竞赛"), summary.competitions, _("场")),
        (_("参加竞赛"), summary.competition_participants, _("人次")),
        (_("执法人员"), summary.officers, _("人")),
        (_("累计学时"), summary.total_hours, _("学时")),
        (_("人均学时"), summary.average_hours, _("学时")),
        (_("达到学时要求"), summary.met, _("人")),
        (_("学时达标率"), summary.met_percent, "%"),
    ]


def _one(value: Decimal) -> str:
    return f"{Decimal(value):.1f}"


def report_sentence(summary: AnnualSummary, *, scope: str) -> str:
    """The paragraph the service's annual work report asks for, figures filled in."""
    return _(
        "全年共举办培训班%(classes)s期，培训执法人员%(person_times)s人次，"
        "计入培训班学时%(class_hours)s学时；组织考试%(exams)s场，参考%(participants)s人次，"
        "合格%(passed)s人次，合格率%(pass_rate)s%%；举办知识竞赛%(competitions)s场，"
        "参赛%(competitors)s人次。%(scope)s共有执法人员%(officers)s人，"
        "全年累计培训%(total)s学时，人均%(average)s学时，%(met)s人达到年度学时要求，"
        "达标率%(met_percent)s%%。"
    ) % {
        "classes": summary.classes_held,
        "person_times": summary.person_times,
        "class_hours": _one(summary.class_hours),
        "exams": summary.exams_held,
        "participants": summary.exam_participants,
        "passed": summary.exam_passed,
        "pass_rate": _one(summary.pass_rate),
        "competitions": summary.competitions,
        "competitors": summary.competition_participants,
        "scope": scope,
        "officers": summary.officers,
        "total": _one(summary.total_hours),
        "average": _one(summary.average_hours),
        "met": summary.met,
        "met_percent": _one(summary.met_percent),
    }


# --- Workbooks -------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _start(heading: Heading, sheet_title: str, columns: list[tuple[str, int]]):
    """A write-only workbook whose sheet opens with the title row, then the headers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    for index, (_header, width) in enumerate(columns):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    title = WriteOnlyCell(sheet, value=heading.line)
    title.font = _TITLE
    sheet.append([title])
    headers = []
    for header, _width in columns:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = _BOLD
        headers.append(cell)
    sheet.append(headers)
    return workbook, sheet


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def group_columns(first: str) -> list[tuple[str, int]]:
    return [
        (first, 28),
        (_("人数"), 8),
        (_("总学时"), 10),
        (_("人均学时"), 10),
        (_("达标人数"), 10),
        (_("达标率（%）"), 11),
        (_("参训人数"), 10),
        (_("参训率（%）"), 11),
        *[(label, 11) for _kind, label in kinds()],
    ]


def _group_values(group: GroupTally) -> list:
    return [
        group.headcount,
        group.total_hours,
        group.average_hours,
        group.met,
        group.met_percent,
        group.participants,
        group.participation_percent,
        *[group.hours_by_kind.get(kind, Decimal(0)) for kind, _label in kinds()],
    ]


def units_workbook(heading: Heading, groups: list[GroupTally]) -> bytes:
    columns = [
        *group_columns(_("单位")),
        (_("人均学时目标"), 12),
        (_("达标率目标（%）"), 14),
        (_("目标完成情况"), 12),
    ]
    workbook, sheet = _start(heading, _("单位统计"), columns)
    for depth, group in unit_rows(groups):
        name = WriteOnlyCell(sheet, value=group.name)
        name.alignment = Alignment(indent=depth)
        sheet.append(
            [
                name,
                *_group_values(group),
                group.target_average,
                group.target_compliance,
                target_status(group),
            ]
        )
    return _save(workbook)


def domains_workbook(heading: Heading, groups: list[GroupTally]) -> bytes:
    workbook, sheet = _start(heading, _("领域统计"), group_columns(_("执法领域")))
    for group in groups:
        sheet.append([domain_name(group), *_group_values(group)])
    sheet.append([])
    sheet.append([_("注：同一人员在多个执法领域工作时，分别计入各领域。")])
    return _save(workbook)


def officer_columns() -> list[tuple[str, int]]:
    return [
        (_("工号"), 10),
        (_("姓名"), 10),
        (_("单位"), 24),
        (_("职务"), 12),
        *[(label, 10) for _kind, label in kinds()],
        (_("合计学时"), 10),
        (_("应修学时"), 10),
        (_("是否达标"), 9),
        (_("差额"), 8),
        (_("完成课程"), 9),
        (_("参加考试"), 9),
        (_("通过考试"), 9),
        (_("证书"), 7),
    ]


def officers_workbook(heading: Heading, officers: Iterable[OfficerTally]) -> bytes:
    workbook, sheet = _start(heading, _("人员统计"), officer_columns())
    kind_keys = [kind for kind, _label in kinds()]
    zero = Decimal(0)
    met, short = _("达标"), _("未达标")
    for officer in officers:
        by_kind = officer.hours_by_kind
        total = officer.total
        sheet.append(
            [
                officer.employee_number,
                officer.name,
                officer.unit_name,
                officer.position,
                *[by_kind.get(kind, zero) for kind in kind_keys],
                total,
                officer.required,
                met if total >= officer.required else short,
                max(officer.required - total, zero),
                officer.courses_completed,
                officer.exams_taken,
                officer.exams_passed,
                officer.certificates,
            ]
        )
    return _save(workbook)


def summary_workbook(
    heading: Heading, summary: AnnualSummary, months: list[tuple[int, Decimal]], *, scope: str
) -> bytes:
    columns = [(_("项目"), 18), (_("数值"), 12), (_("计量单位"), 10)]
    workbook, sheet = _start(heading, _("年度总结"), columns)
    for item, figure, measure in summary_items(summary):
        sheet.append([item, figure, measure])
    sheet.append([])
    sheet.append([_("工作总结")])
    sheet.append([report_sentence(summary, scope=scope)])
    by_month = workbook.create_sheet(_("月度学时"))
    by_month.column_dimensions["A"].width = 10
    by_month.column_dimensions["B"].width = 12
    by_month.append([_("月份"), _("学时")])
    for month, hours in months:
        by_month.append([month, hours])
    return _save(workbook)


# --- PDF -------------------------------------------------------------------------------------


def render_pdf(template_name: str, context: dict) -> bytes:
    """A tally template as PDF; the templates embed no external resource, so nothing is
    fetched while rendering."""
    html = render_to_string(template_name, {"kinds": kinds(), **context})
    return HTML(string=html, base_url=None).write_pdf()


def units_pdf(heading: Heading, groups: list[GroupTally]) -> bytes:
    return render_pdf(
        "people/tallies/pdf/units.html",
        {"heading": heading, "rows": unit_rows(groups), **comparison(groups)},
    )


def domains_pdf(heading: Heading, groups: list[GroupTally]) -> bytes:
    return render_pdf(
        "people/tallies/pdf/domains.html",
        {"heading": heading, "groups": groups, **domain_comparison(groups)},
    )


def officers_pdf(heading: Heading, officers: list[OfficerTally]) -> bytes:
    if len(officers) > MAX_PDF_OFFICERS:
        raise ValueError(f"{len(officers)} officers is more than a PDF takes")
    return render_pdf(
        "people/tallies/pdf/officers.html", {"heading": heading, "officers": officers}
    )


def summary_pdf(
    heading: Heading, summary: AnnualSummary, months: list[tuple[int, Decimal]], *, scope: str
) -> bytes:
    return render_pdf(
        "people/tallies/pdf/summary.html",
        {
            "heading": heading,
            "summary": summary,
            "items": summary_items(summary),
            "sentence": report_sentence(summary, scope=scope),
            "months": months,
        },
    )
