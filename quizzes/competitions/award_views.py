"""The awards page for trainers and administrators: preview the awards a ranking gives,
grant them (certificates in bulk, hours in the ledger), follow the certificate jobs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from certificates.models import BulkIssueJob
from people.models import Officer, Unit
from people.utils import is_hr

from .errors import CompetitionError
from .forms import AwardForm
from .models import Award
from .permissions import can_manage
from .services import awards as award_service
from .services.sources import ranking_sources, rows_for
from .views import competition_or_404


def _proposals(competition, form: AwardForm):
    rows, unit_rows = rows_for(competition, form.cleaned_data["source"])
    return award_service.propose_awards(
        rows=rows,
        counts=form.counts(),
        unit_rows=unit_rows,
        organisation_units=form.cleaned_data["organisation_units"],
    )


def _named(proposals) -> list[dict]:
    officers = dict(
        Officer.objects.filter(pk__in={o for p in proposals for o in p.officer_ids}).values_list(
            "pk", "name"
        )
    )
    units = dict(
        Unit.objects.filter(pk__in={p.unit_id for p in proposals}).values_list("pk", "name")
    )
    return [
        {
            "proposal": p,
            "level": Award.Level(p.level).label,
            "names": "、".join(officers.get(o, "") for o in p.officer_ids),
            "unit": units.get(p.unit_id, ""),
        }
        for p in proposals
    ]


@login_required
def awards_page(request, competition_id: int):
    competition = competition_or_404(competition_id)
    if not can_manage(request.user):
        raise Http404
    sources = ranking_sources(competition)
    data = request.POST if request.method == "POST" else None
    form = AwardForm(data, sources=sources, initial={"source": sources[0][0] if sources else ""})
    preview = []
    if data is not None and form.is_valid():
        try:
            proposals = _proposals(competition, form)
            if request.POST.get("action") == "grant":
                result = award_service.grant_awards(
                    competition=competition,
                    awards=proposals,
                    template=form.cleaned_data["template"],
                    unit_template=form.cleaned_data["unit_template"],
                    actor=request.user,
                )
                if result.awards or result.hours_credited:
                    messages.success(
                        request,
                        _("已颁奖 %(awards)d 项，证书在后台生成；新计入学时 %(hours)d 人")
                        % {"awards": result.awards, "hours": result.hours_credited},
                    )
                else:
                    messages.info(request, _("没有新的奖项或学时：已颁发的不会重复颁发"))
                return redirect("competitions:awards", competition_id=competition.pk)
            preview = _named(proposals)
        except CompetitionError as error:
            messages.error(request, error.message)
    award_service.link_certificates(competition=competition)
    granted = list(
        Award.objects.filter(competition=competition)
        .select_related("officer", "unit", "certificate")
        .order_by("rank", "level", "pk")
    )
    jobs = BulkIssueJob.objects.filter(pk__in={a.bulk_job_id for a in granted if a.bulk_job_id})
    return render(
        request,
        "competitions/awards.html",
        {
            "competition": competition,
            "form": form,
            "preview": preview,
            "granted": granted,
            "jobs": jobs,
            "job_links": {
                job.pk
                for job in jobs
                if is_hr(request.user)
                and (job.created_by_id == request.user.pk or request.user.is_superuser)
            },
            "has_sources": bool(sources),
        },
    )
