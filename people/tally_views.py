"""Training-hour tallies for HR: by unit, by officer, by domain, and the year's summary.

Every page takes `year` (default: this year) and `unit` (one of the user's visible units;
any other id is 404, never a silently widened or emptied page), and `?format=xlsx` or
`?format=pdf` writes the page's own figures to a file. The rows come from `tally_queries`,
which narrows everything to the user's scope, and the sums from the pure `tallies`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from people.forms import show_visible_unit_tree
from people.hr_views import PAGE_SIZE, hr_required, xlsx_response
from people.models import AnnualProgramme, OfficerYearHours, Unit
from people.services import audit
from people.services import tally_export as export
from people.services import tally_queries as queries
from people.services.tallies import domain_tally, months, roll_up
from people.utils import visible_units

OUTPUTS = ("xlsx", "pdf")


def year_choices(requested: str | None = None) -> list[int]:
    """Years with a programme or any hours, and this year; a requested year is kept so a
    bookmarked link to an empty year still shows (empty) figures, not an error."""
    years = {timezone.localdate().year}
    years.update(AnnualProgramme.objects.values_list("year", flat=True))
    years.update(OfficerYearHours.objects.order_by().values_list("year", flat=True).distinct())
    if requested and requested.isdigit() and 2000 <= int(requested) <= 2100:
        years.add(int(requested))
    return sorted(years, reverse=True)


class TallyFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("单位"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("全部单位"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            (year, _("%(year)s年") % {"year": year}) for year in year_choices(self.data.get("year"))
        ]
        show_visible_unit_tree(self.fields["unit"], user)


class OfficerTallyFilterForm(TallyFilterForm):
    short = forms.BooleanField(
        label=gettext_lazy("只看未达标"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


def scope_name(user) -> str:
    """The top units the user sees, as the heading says when no unit is chosen."""
    tops: list[tuple[str, str]] = []
    for path, name in visible_units(user).order_by("path").values_list("path", "name"):
        if not any(path.startswith(top) for top, _name in tops):
            tops.append((path, name))
    return "、".join(name for _path, name in tops) or _("全部单位")


@dataclass(frozen=True)
class Filters:
    form: TallyFilterForm
    year: int
    unit: Unit | None
    output: str  # "", "xlsx" or "pdf"

    def heading(self, title: str, user) -> export.Heading:
        return export.Heading(
            title=title,
            year=self.year,
            unit_name=self.unit.name if self.unit else scope_name(user),
            exported_at=timezone.now(),
        )

    @property
    def query(self) -> str:
        """year and unit for the links between the tally pages."""
        params = {"year": self.year, **({"unit": self.unit.pk} if self.unit else {})}
        return "&".join(f"{key}={value}" for key, value in params.items())


def _requested_unit(request) -> Unit | None:
    raw = request.GET.get("unit", "").strip()
    if not raw:
        return None
    unit = visible_units(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    if unit is None:
        raise Http404(_("没有这个单位，或不在您的管理范围内"))
    return unit


def _filters(request, form_class=TallyFilterForm) -> Filters:
    unit = _requested_unit(request)
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    form = form_class(data, user=request.user)
    # A year outside the choices shows the form's error over this year's figures.
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    output = request.GET.get("format", "")
    return Filters(form=form, year=year, unit=unit, output=output if output in OUTPUTS else "")


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=export.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _respond(
    request,
    filters: Filters,
    heading: export.Heading,
    *,
    template: str,
    context: dict,
    xlsx: Callable[[], bytes],
    pdf: Callable[[], bytes],
):
    if filters.output:
        audit.record(
            actor=request.user,
            action="tallies.exported",
            target=heading.title,
            year=filters.year,
            unit=filters.unit.pk if filters.unit else None,
            format=filters.output,
        )
        name = heading.filename(filters.output)
        if filters.output == "xlsx":
            return xlsx_response(xlsx(), name)
        return pdf_response(pdf(), name)
    return render(
        request,
        template,
        {
            "form": filters.form,
            "filters": filters,
            "heading": heading,
            "kinds": export.kinds(),
            **context,
        },
    )


@hr_required
def units(request):
    filters = _filters(request)
    groups = roll_up(
        queries.tally_units(user=request.user, unit=filters.unit),
        queries.own_unit_groups(user=request.user, year=filters.year, unit=filters.unit),
        targets=queries.unit_targets(filters.year),
    )
    heading = filters.heading(_("单位学时统计"), request.user)
    return _respond(
        request,
        filters,
        heading,
        template="people/tallies/units.html",
        context={"rows": export.unit_rows(groups), **export.comparison(groups)},
        xlsx=lambda: export.units_workbook(heading, groups),
        pdf=lambda: export.units_pdf(heading, groups),
    )


@hr_required
def officers(request):
    filters = _filters(request, OfficerTallyFilterForm)
    rows = queries.officer_tallies(user=request.user, year=filters.year, unit=filters.unit)
    short_count = sum(not officer.met for officer in rows)
    short = bool(filters.form.cleaned_data.get("short"))
    title = _("人员学时统计")
    if short:
        rows = [officer for officer in rows if not officer.met]
        title = _("人员学时统计（未达标）")
    heading = filters.heading(title, request.user)
    if filters.output == "pdf" and len(rows) > export.MAX_PDF_OFFICERS:
        messages.warning(
            request,
            _("共 %(count)s 人，PDF 最多列出 %(max)s 人：请按单位筛选，或导出 Excel。")
            % {"count": len(rows), "max": export.MAX_PDF_OFFICERS},
        )
        query = request.GET.copy()
        del query["format"]
        return redirect(f"{request.path}?{query.urlencode()}")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return _respond(
        request,
        filters,
        heading,
        template="people/tallies/officers.html",
        context={"page": page, "short": short, "short_count": short_count},
        xlsx=lambda: export.officers_workbook(heading, rows),
        pdf=lambda: export.officers_pdf(heading, rows),
    )


@hr_required
def domains(request):
    filters = _filters(request)
    rows = queries.officer_tallies(
        user=request.user, year=filters.year, unit=filters.unit, activity=False
    )
    groups = domain_tally(queries.domain_choices(), rows)
    heading = filters.heading(_("执法领域学时统计"), request.user)
    return _respond(
        request,
        filters,
        heading,
        template="people/tallies/domains.html",
        context={"groups": groups, **export.domain_comparison(groups)},
        xlsx=lambda: export.domains_workbook(heading, groups),
        pdf=lambda: export.domains_pdf(heading, groups),
    )


@hr_required
def summary(request):
    filters = _filters(request)
    user, year, unit = request.user, filters.year, filters.unit
    figures = queries.annual_summary(user=user, year=year, unit=unit)
    by_month = months(queries.hours_by_month(user=user, year=year, unit=unit))
    heading = filters.heading(_("年度培训工作总结"), user)
    scope = heading.unit_name
    return _respond(
        request,
        filters,
        heading,
        template="people/tallies/summary.html",
        context={
            "summary": figures,
            "items": export.summary_items(figures),
            "sentence": export.report_sentence(figures, scope=scope),
            "months": by_month,
        },
        xlsx=lambda: export.summary_workbook(heading, figures, by_month, scope=scope),
        pdf=lambda: export.summary_pdf(heading, figures, by_month, scope=scope),
    )
