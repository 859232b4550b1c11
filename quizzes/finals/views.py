"""Pages of a live final: the host console, a team's phone and the big screen.

Every state change is an HTTP POST (CSRF-checked) into `services.live`; the WebSocket only
carries the resulting snapshots. The host console is rendered on the server because it
shows the answer; team devices and the screen render the public snapshot.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .models import Action, Final, Round, Team
from .services.live import (
    HOST_ACTIONS,
    FinalError,
    current_state,
    load_stage,
    perform,
    undo_last,
)
from .services.snapshot import current_snapshot, public_snapshot
from .services.standings import final_standings
from .utils import can_host, finals_for, team_of

PHASE_LABELS = {
    "idle": gettext_lazy("待出题"),
    "shown": gettext_lazy("已出题"),
    "buzzing": gettext_lazy("抢答中"),
    "answering": gettext_lazy("作答中"),
    "judged": gettext_lazy("已判定"),
    "void": gettext_lazy("本题作废"),
    "closed": gettext_lazy("已公布答案"),
}


def _hosted_final(request, final_id: int) -> Final:
    final = get_object_or_404(Final, pk=final_id)
    if not can_host(request.user, final):
        raise PermissionDenied
    return final


@login_required
def final_list(request):
    finals = finals_for(request.user).select_related("competition")
    rows = [
        {"final": f, "host": can_host(request.user, f), "team": team_of(request.user, f)}
        for f in finals
    ]
    return render(request, "finals/list.html", {"rows": rows})


@login_required
def host_console(request, final_id: int):
    final = _hosted_final(request, final_id)
    return render(request, "finals/host.html", _host_context(final))


@login_required
@require_GET
def host_panel(request, final_id: int):
    final = _hosted_final(request, final_id)
    return render(request, "finals/_host_panel.html", _host_context(final))


def _host_context(final: Final, error: str = "", state=None) -> dict:
    stage = load_stage(final)
    if state is None:
        state = current_state(final, stage)
    snapshot = public_snapshot(final, stage, state)
    rounds = list(Round.objects.filter(final=final).prefetch_related("questions__team"))
    current_round = next((r for r in rounds if r.id == state.round_id), None)
    question = None
    if state.question_id and current_round:
        question = next(
            (q for q in current_round.questions.all() if q.id == state.question_id), None
        )
    teams = {t["id"]: t for t in snapshot["teams"]}
    tied = _tied_groups(snapshot["teams"])
    return {
        "final": final,
        "state": state,
        "snapshot": snapshot,
        "rounds": rounds,
        "current_round": current_round,
        "question": question,
        "asked": set(state.asked),
        "teams": snapshot["teams"],
        "answering": teams.get(state.answering_team),
        "buzz_teams": [teams[t] for t in state.buzz_order],
        "next_turn": teams.get(snapshot["next_turn"]),
        "tied": tied,
        "actions": Action.objects.filter(final=final)
        .select_related("team", "actor")
        .order_by("-seq")[:15],
        "answering_pick": state.risk_picks.get(state.answering_team),
        "next_pick": state.risk_picks.get(snapshot["next_turn"]),
        "phase_label": PHASE_LABELS.get(state.phase, state.phase),
        "error": error,
    }


def _tied_groups(teams: list[dict]) -> list[list[dict]]:
    by_rank: dict[int, list[dict]] = {}
    for team in teams:
        by_rank.setdefault(team["rank"], []).append(team)
    return [group for _rank, group in sorted(by_rank.items()) if len(group) > 1]


@login_required
@require_POST
def host_act(request, final_id: int):
    final = _hosted_final(request, final_id)
    kind = request.POST.get("kind", "")
    error, state = "", None
    try:
        seen = request.POST.get("seen_version")
        seen = _int(seen, "seen_version") if seen not in (None, "") else None
        if kind == "undo":
            state = undo_last(final_id=final.pk, actor=request.user, seen_version=seen)
        elif kind in HOST_ACTIONS:
            team_id, data, reason = _action_input(final, kind, request.POST)
            state = perform(
                final_id=final.pk,
                kind=kind,
                actor=request.user,
                team_id=team_id,
                data=data,
                reason=reason,
                seen_version=seen,
            )
        else:
            raise FinalError(_("未知操作"), code="unknown_action")
    except FinalError as exc:
        error = exc.message
    if request.headers.get("HX-Request"):
        final.refresh_from_db(fields=["version", "started_at", "finished_at"])
        if not error:
            # The console reloads its panel when the broadcast reaches its own WebSocket (or
            # after a short wait if that socket is down), so the 200 devices are not kept
            # waiting while the host's panel is rendered here.
            response = HttpResponse(status=204)
            response["X-Final-Version"] = str(final.version)
            return response
        context = _host_context(final, error, state)
        return render(request, "finals/_host_panel.html", context)
    if error:
        messages.error(request, error)
    return redirect("finals:host", final_id=final.pk)


def _int(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise FinalError(_("缺少或无效的参数：%(f)s") % {"f": field}, code="bad_input") from None


def _action_input(final: Final, kind: str, post) -> tuple[int | None, dict, str]:
    team_id, data, reason = None, {}, ""
    if kind == "start_round":
        data["round_id"] = _int(post.get("round_id"), "round_id")
        if post.getlist("teams"):
            data["teams"] = [_int(t, "teams") for t in post.getlist("teams")]
    elif kind == "show_question":
        data["question_id"] = _int(post.get("question_id"), "question_id")
    elif kind == "judge":
        data["correct"] = post.get("correct") == "1"
    elif kind == "adjust":
        team_id = _int(post.get("team_id"), "team_id")
        data["delta"] = post.get("delta", "").strip()
        reason = post.get("reason", "").strip()[:200]
    elif kind == "pick_risk":
        team_id = _int(post.get("team_id"), "team_id")
        data["value"] = _int(post.get("value"), "value")
    if team_id is not None and not Team.objects.filter(final=final, pk=team_id).exists():
        raise Http404
    return team_id, data, reason


@login_required
def team_device(request, final_id: int):
    final = get_object_or_404(Final, pk=final_id)
    team = team_of(request.user, final)
    if team is None:
        raise PermissionDenied
    return render(
        request,
        "finals/team.html",
        {"final": final, "team": team, "snapshot": current_snapshot(final)},
    )


@login_required
@require_POST
def team_act(request, final_id: int):
    final = get_object_or_404(Final, pk=final_id)
    team = team_of(request.user, final)
    if team is None:
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    try:
        if kind == "buzz":
            state = perform(final_id=final.pk, kind="buzz", actor=request.user, team_id=team.pk)
        elif kind == "pick_risk":
            value = _int(request.POST.get("value"), "value")
            state = perform(
                final_id=final.pk,
                kind="pick_risk",
                actor=request.user,
                team_id=team.pk,
                data={"value": value},
            )
        else:
            raise FinalError(_("未知操作"), code="unknown_action")
    except FinalError as exc:
        return JsonResponse({"ok": False, "code": exc.code, "message": exc.message}, status=409)
    position = state.buzz_order.index(team.pk) + 1 if team.pk in state.buzz_order else None
    return JsonResponse({"ok": True, "seq": state.seq, "buzz_position": position})


@login_required
@require_GET
def state(request, final_id: int):
    final = get_object_or_404(Final, pk=final_id)
    if not (can_host(request.user, final) or team_of(request.user, final)):
        raise PermissionDenied
    return JsonResponse(current_snapshot(final))


def _screen_final(token: str) -> Final:
    return get_object_or_404(Final, screen_token=token)


@require_GET
def screen(request, token: str):
    final = _screen_final(token)
    return render(
        request, "finals/screen.html", {"final": final, "snapshot": current_snapshot(final)}
    )


@require_GET
def screen_state(request, token: str):
    return JsonResponse(current_snapshot(_screen_final(token)))


@login_required
def results(request, final_id: int):
    final = get_object_or_404(Final, pk=final_id)
    if not (can_host(request.user, final) or team_of(request.user, final)):
        raise PermissionDenied
    return render(
        request, "finals/results.html", {"final": final, "standings": final_standings(final)}
    )
