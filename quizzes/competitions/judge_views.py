"""The judging panel's pages: the entries to score and one sheet per entry; closing judging."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import CompetitionError
from .forms import SheetForm
from .models import Entry, ScoreSheet
from .permissions import is_judge
from .services import judging
from .services.scoring import DROP_FROM
from .views import competition_or_404, manager_action


def _panel_competition(request, competition_id: int):
    competition = competition_or_404(competition_id)
    if not competition.is_judged or not is_judge(request.user, competition):
        raise Http404  # not a judge of this contest: it does not exist for them
    return competition


@login_required
def judge_entries(request, competition_id: int):
    competition = _panel_competition(request, competition_id)
    entries = list(
        Entry.objects.filter(competition=competition).select_related("unit").order_by("pk")
    )
    mine = {s.entry_id: s for s in ScoreSheet.objects.filter(entry__in=entries, judge=request.user)}
    return render(
        request,
        "competitions/judge_entries.html",
        {
            "competition": competition,
            "rows": [(entry, mine.get(entry.pk)) for entry in entries],
            "done": len(mine),
            "drop_from": DROP_FROM,
        },
    )


@login_required
def judge_sheet(request, competition_id: int, entry_id: int):
    competition = _panel_competition(request, competition_id)
    entry = get_object_or_404(
        Entry.objects.select_related("unit"), pk=entry_id, competition=competition
    )
    criteria = list(competition.criteria.all())
    sheet = ScoreSheet.objects.filter(entry=entry, judge=request.user).first()
    initial = {}
    if sheet is not None:
        initial = {f"mark_{m.criterion_id}": m.mark for m in sheet.marks.all()}
        initial["comment"] = sheet.comment
    form = SheetForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and not competition.judging_closed and form.is_valid():
        try:
            judging.submit_sheet(
                entry=entry,
                judge=request.user,
                marks=form.marks(),
                comment=form.cleaned_data["comment"],
            )
        except CompetitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("评分已保存：%(title)s") % {"title": entry.title})
            return redirect("competitions:judge", competition_id=competition.pk)
    if competition.judging_closed:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "competitions/judge_sheet.html",
        {"competition": competition, "entry": entry, "form": form, "sheet": sheet},
    )


@login_required
@require_POST
def close_judging_view(request, competition_id: int):
    return manager_action(request, competition_id, judging.close_judging, _("评分已截止"))


@login_required
@require_POST
def reopen_judging_view(request, competition_id: int):
    return manager_action(request, competition_id, judging.reopen_judging, _("评分已重新开放"))
