"""Competition pages: the year's list, a competition with its rules and rankings, release,
and entry documents. Judging and awards have their own modules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.services.learning import officer_of
from people.models import Officer

from .errors import CompetitionError
from .models import Competition, Entry
from .permissions import can_manage, can_read_entry, can_see_rankings, is_judge
from .services import judging, release
from .services.preliminary import preliminary_standings
from .services.ranking import my_row
from .services.scoring import DROP_FROM

TOP_INDIVIDUALS = 100


def competition_or_404(competition_id: int) -> Competition:
    return get_object_or_404(
        Competition.objects.select_related("preliminary_quiz"), pk=competition_id
    )


@login_required
def competition_list(request):
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    competitions = Competition.objects.filter(year=year).select_related("preliminary_quiz")
    judged = set(
        Competition.objects.filter(year=year, judges=request.user).values_list("pk", flat=True)
    )
    return render(
        request,
        "competitions/list.html",
        {
            "competitions": competitions,
            "judged": judged,
            "year": year,
            "years": sorted(
                {this_year, year, *Competition.objects.values_list("year", flat=True)}, reverse=True
            ),
        },
    )


def _knowledge_context(request, competition: Competition) -> dict:
    standings = preliminary_standings(competition)
    officer = officer_of(request.user)
    mine = my_row(standings.individuals, officer.pk if officer else None)
    top = standings.individuals[:TOP_INDIVIDUALS]
    return {
        "standings": standings,
        "individuals": top,
        "mine": mine if mine and mine not in top else None,
        "my_officer_id": officer.pk if officer else None,
        "more": max(0, len(standings.individuals) - len(top)),
        "ranked_units": sum(1 for u in standings.units if u.ranked),
    }


def _judged_context(competition: Competition) -> dict:
    rows = judging.entry_standings(competition)
    names = dict(
        Officer.objects.filter(pk__in={o for r in rows for o in r.officer_ids}).values_list(
            "pk", "name"
        )
    )
    entries = [(row, "、".join(names.get(o, "") for o in row.officer_ids)) for row in rows]
    return {"entries": entries, "criteria": list(competition.criteria.all())}


@login_required
def competition_detail(request, competition_id: int):
    competition = competition_or_404(competition_id)
    visible = can_see_rankings(request.user, competition)
    context = {
        "competition": competition,
        "can_manage": can_manage(request.user),
        "is_judge": is_judge(request.user, competition),
        "rankings_visible": visible,
        "drop_from": DROP_FROM,
        "quiz": competition.preliminary_quiz,
    }
    if visible:
        if competition.is_judged:
            context.update(_judged_context(competition))
        elif competition.preliminary_quiz_id:
            context.update(_knowledge_context(request, competition))
    elif competition.is_judged:
        context["criteria"] = list(competition.criteria.all())
    return render(request, "competitions/detail.html", context)


def manager_action(request, competition_id: int, action, success: str):
    competition = competition_or_404(competition_id)
    if not can_manage(request.user):
        raise Http404
    try:
        action(competition=competition, actor=request.user)
    except CompetitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("competitions:detail", competition_id=competition.pk)


@login_required
@require_POST
def release_view(request, competition_id: int):
    return manager_action(
        request, competition_id, release.release_rankings, _("排名已发布，学员现在可以看到")
    )


@login_required
@require_POST
def unrelease_view(request, competition_id: int):
    return manager_action(request, competition_id, release.unrelease_rankings, _("排名已撤回"))


@login_required
def entry_document(request, competition_id: int, entry_id: int):
    entry = get_object_or_404(
        Entry.objects.select_related("competition"), pk=entry_id, competition_id=competition_id
    )
    if not entry.document or not can_read_entry(request.user, entry):
        raise Http404
    response = FileResponse(
        entry.document.open("rb"),
        as_attachment=True,
        filename=entry.document.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    return response
