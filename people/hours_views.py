"""The ledger's pages: an officer's own hours, HR's view of an officer, manual entries,
the review queue, reversals and evidence downloads.

Views stay thin: people.services.ledger checks scope again and does the writing.
"""

from mimetypes import guess_type
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianbing.errors import DomainError
from people.hours_forms import ManualEntryForm, ReasonForm, YearForm
from people.hr_views import hr_required
from people.models import HourEntry, Officer
from people.models.ledger import HourKind
from people.services.ledger import record_manual_entry, reverse_entry, review_entry
from people.services.tally_queries import officer_ledger, pending_entries, year_progress
from people.utils import can_view_officer, is_hr, visible_officers

FIRST_YEAR = 2020


def _years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _ledger_context(request, officer: Officer) -> dict:
    form = YearForm(request.GET or None, years=_years())
    year = form.chosen_year(timezone.localdate().year)
    progress = year_progress(officer=officer, year=year)
    return {
        "officer": officer,
        "year": year,
        "year_form": form,
        "entries": officer_ledger(officer=officer, year=year),
        "by_kind": [(HourKind(kind).label, hours) for kind, hours in progress.by_kind.items()],
        "total": progress.total,
        "required": progress.required,
        "percent": progress.percent,
        "met": progress.met,
        "shortfall": progress.shortfall,
        "pending": HourEntry.objects.filter(
            officer=officer, year=year, status=HourEntry.Status.PENDING
        ).count(),
    }


def _officers(request):
    return visible_officers(request.user).select_related("unit")


@login_required
def my_hours(request):
    officer = Officer.objects.filter(user=request.user).select_related("unit").first()
    if officer is None:
        return render(request, "people/hours/no_officer.html")
    return render(request, "people/hours/mine.html", _ledger_context(request, officer))


@hr_required
def officer_hours(request, officer_id: int):
    officer = get_object_or_404(
        visible_officers(request.user).select_related("unit"), pk=officer_id
    )
    context = _ledger_context(request, officer)
    context["reason_form"] = ReasonForm()
    return render(request, "people/hours/officer.html", context)


@hr_required
def manual_entry(request, officer_id: int):
    officer = get_object_or_404(
        visible_officers(request.user).select_related("unit"), pk=officer_id
    )
    form = ManualEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_manual_entry(
                actor=request.user,
                officer_id=officer.pk,
                kind=data["kind"],
                hours=data["hours"],
                on=data["date"],
                title=data["title"],
                note=data["note"],
                evidence=data["evidence"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已录入，待其他人事人员审核后计入学时。"))
            return redirect("hours:officer", officer_id=officer.pk)
    return render(request, "people/hours/manual.html", {"officer": officer, "form": form})


@hr_required
def pending(request):
    return render(
        request,
        "people/hours/pending.html",
        {"entries": pending_entries(user=request.user), "reason_form": ReasonForm()},
    )


def _entry_in_scope(request, entry_id: int) -> HourEntry:
    return get_object_or_404(
        HourEntry.objects.filter(officer__in=visible_officers(request.user)).select_related(
            "officer"
        ),
        pk=entry_id,
    )


@hr_required
@require_POST
def review(request, entry_id: int):
    entry = _entry_in_scope(request, entry_id)
    approve = request.POST.get("decision") == "approve"
    try:
        review_entry(
            actor=request.user,
            entry_id=entry.pk,
            approve=approve,
            note=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            (_("已通过：%(title)s") if approve else _("已退回：%(title)s"))
            % {"title": entry.title},
        )
    return redirect("hours:pending")


@hr_required
@require_POST
def reverse(request, entry_id: int):
    entry = _entry_in_scope(request, entry_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("冲销须说明理由"))
    else:
        try:
            reverse_entry(actor=request.user, entry_id=entry.pk, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已冲销：%(title)s") % {"title": entry.title})
    return redirect(
        f"{resolve_url('hours:officer', officer_id=entry.officer_id)}?year={entry.year}"
    )


@login_required
def evidence(request, entry_id: int):
    """The evidence file, for the officer it concerns and HR in scope; nobody else."""
    entry = HourEntry.objects.select_related("officer__unit").filter(pk=entry_id).first()
    if entry is None or not entry.evidence:
        raise Http404
    own = entry.officer.user_id == request.user.pk
    if not own and not (is_hr(request.user) and can_view_officer(request.user, entry.officer)):
        raise Http404
    name = PurePath(entry.evidence.name).name
    response = FileResponse(
        entry.evidence.open("rb"), content_type=guess_type(name)[0] or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(False, name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
