"""HR's pages: the certificate register, Excel and ZIP downloads, revocation and re-issue,
bulk issue with its progress page, the annual training record; trainers' course list.

Every query goes through the permission helper's scope (services.register.scoped)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.forms import AnnualRecordForm, BulkIssueForm, ReasonForm, RegisterFilterForm
from certificates.models import BulkIssueJob, Certificate, Source
from certificates.services import register
from certificates.services.bulk import resume_bulk_issue, start_bulk_issue
from certificates.services.issue import reissue_certificate, revoke_certificate
from lianbing.errors import DomainError
from people.hr_views import hr_required, xlsx_response
from people.models import Officer
from people.roles import Role, has_role
from people.utils import visible_officers, visible_units


def _filters(request) -> tuple[RegisterFilterForm, register.Filters]:
    form = RegisterFilterForm(request.GET or None, units=visible_units(request.user))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, register.Filters(
            q=data["q"].strip(),
            kind=data["kind"],
            status=data["status"],
            unit=data["unit"],
            year=data["year"],
        )
    return form, register.Filters()


@hr_required
def register_list(request):
    form, filters = _filters(request)
    page = Paginator(register.filtered(request.user, filters), 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "certificates/register.html",
        {"form": form, "page": page, "query": query.urlencode(), "filters": filters},
    )


@hr_required
def export(request):
    _form, filters = _filters(request)
    content = register.export_workbook(register.filtered(request.user, filters))
    return xlsx_response(content, f"证书登记簿-{timezone.localdate():%Y%m%d}.xlsx")


@hr_required
def unit_zip(request):
    _form, filters = _filters(request)
    if filters.unit is None:
        messages.error(request, _("请先选择单位再打包下载"))
        return redirect("certificates:register")
    certificates = register.filtered(request.user, filters).filter(status=Certificate.Status.VALID)
    response = HttpResponse(register.zip_archive(certificates), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{filters.unit.name}-证书.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _scoped_certificate(request, pk: int) -> Certificate:
    return get_object_or_404(register.scoped(request.user), pk=pk)


@hr_required
def revoke(request, pk: int):
    certificate = _scoped_certificate(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_certificate(
                certificate_id=pk, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("证书 %(s)s 已撤销") % {"s": certificate.serial})
            return redirect("certificates:register")
    return render(request, "certificates/revoke.html", {"certificate": certificate, "form": form})


@hr_required
@require_POST
def reissue(request, pk: int):
    certificate = _scoped_certificate(request, pk)
    try:
        new = reissue_certificate(
            certificate_id=pk, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("已重新颁发：%(old)s → %(new)s") % {"old": certificate.serial, "new": new.serial},
        )
    return redirect("certificates:register")


def _recipients(request, data) -> tuple[list[dict], list[str]]:
    """Who the bulk issue covers, within the user's scope; and the lines not understood."""
    officers = visible_officers(request.user).filter(status=Officer.Status.ACTIVE)
    if data["template"].kind == Certificate.Kind.UNIT_AWARD:
        return [{"unit_id": data["unit"].pk}] if data.get("unit") else [], []
    if data["mode"] == "unit":
        ids = officers.filter(unit__path__startswith=data["unit"].path).values_list("pk", flat=True)
        return [{"officer_id": pk} for pk in ids], []
    by_number = {}
    rejected = []
    for line in data["lines"].splitlines():
        parts = re.split(r"[\s,，、]+", line.strip(), maxsplit=1)
        if parts[0]:
            by_number[parts[0]] = parts[1].strip() if len(parts) > 1 else ""
    found = dict(
        officers.filter(employee_number__in=by_number).values_list("employee_number", "pk")
    )
    recipients = []
    for number, award in by_number.items():
        if number not in found:
            rejected.append(number)
            continue
        fields = {"award": award} if data["mode"] == "winners" else {}
        recipients.append({"officer_id": found[number], "fields": fields})
    return recipients, rejected


@hr_required
def bulk_new(request):
    form = BulkIssueForm(request.POST or None, units=visible_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recipients, rejected = _recipients(request, data)
        competition = data.get("competition") or ""
        for recipient in recipients:
            if competition:
                recipient.setdefault("fields", {})["competition"] = competition
        if rejected:
            form.add_error(
                "lines", _("找不到或无权管理这些工号：%(n)s") % {"n": "、".join(rejected)}
            )
        else:
            try:
                job = start_bulk_issue(
                    template=data["template"],
                    recipients=recipients,
                    title=data["title"],
                    actor=request.user,
                    source_type=Source.COMPETITION if competition else Source.MANUAL,
                    source_id=competition,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect("certificates:job", pk=job.pk)
    return render(request, "certificates/bulk_new.html", {"form": form})


def _job(request, pk: int) -> BulkIssueJob:
    job = get_object_or_404(BulkIssueJob.objects.select_related("template"), pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


@hr_required
def job(request, pk: int):
    return render(request, "certificates/job.html", {"job": _job(request, pk)})


@hr_required
def job_progress(request, pk: int):
    return render(request, "certificates/_job_progress.html", {"job": _job(request, pk)})


@hr_required
@require_POST
def job_resume(request, pk: int):
    job = _job(request, pk)
    try:
        resume_bulk_issue(job_id=job.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已重新排队：只补发尚未生成的证书"))
    return redirect("certificates:job", pk=job.pk)


@hr_required
def annual_record(request):
    from certificates.services.annual import issue_annual_record

    form = AnnualRecordForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        officer = (
            visible_officers(request.user)
            .filter(employee_number=form.cleaned_data["number"])
            .first()
        )
        if officer is None:
            form.add_error("number", _("找不到或无权管理该工号"))
        else:
            try:
                certificate = issue_annual_record(
                    officer=officer, year=form.cleaned_data["year"], actor=request.user
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已生成年度培训档案 %(s)s") % {"s": certificate.serial})
                return redirect("certificates:download", pk=certificate.pk)
    return render(request, "certificates/annual_new.html", {"form": form})


@login_required
def course_certificates(request):
    """Trainers: certificates earned in the courses they teach (and those courses' exams)."""
    if not has_role(request.user, Role.TRAINER):
        raise PermissionDenied
    from courses.models import CoursePage
    from quizzes.models import Quiz

    course_ids = list(CoursePage.objects.filter(trainers=request.user).values_list("pk", flat=True))
    quiz_ids = Quiz.objects.filter(course_id__in=course_ids).values_list("pk", flat=True)
    certificates = (
        Certificate.objects.filter(
            source_type=Source.COURSE, source_id__in=[str(pk) for pk in course_ids]
        )
        | Certificate.objects.filter(
            source_type=Source.QUIZ, source_id__in=[str(pk) for pk in quiz_ids]
        )
    ).select_related("officer", "unit")
    page = Paginator(certificates.order_by("-issued_at"), 50).get_page(request.GET.get("p"))
    return render(request, "certificates/courses.html", {"page": page})
