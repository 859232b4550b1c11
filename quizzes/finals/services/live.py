"""Driving a live final: every action is checked by the rules, logged, audited and broadcast.

The Final row is locked for each action, so concurrent buzzes get consecutive sequence
numbers in the order the database granted the lock: that order is the buzz order.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.errors import DomainError
from people.services import audit

from ..models import Action, Final, Round, RoundQuestion
from .replay import Event, QuestionInfo, RoundInfo, RuleError, Stage, State, TeamInfo, apply, replay

# What the host console may send; team devices send only "buzz" and "pick_risk".
HOST_ACTIONS = {
    "start_round",
    "show_question",
    "start_timer",
    "open_buzzers",
    "judge",
    "reveal",
    "adjust",
    "finish",
    "pick_risk",  # the host may pick for a team whose phone failed
}


class FinalError(DomainError):
    code = "final_error"


def load_stage(final: Final) -> Stage:
    teams = tuple(
        TeamInfo(id=t.id, name=t.name, start_score=t.start_score, order=t.sort_order or 0)
        for t in final.teams.order_by("sort_order", "id")
    )
    rounds = tuple(
        RoundInfo(
            id=r.id,
            kind=r.kind,
            points_right=r.points_right,
            points_wrong=r.points_wrong,
            seconds=r.seconds,
        )
        for r in Round.objects.filter(final=final).order_by("sort_order", "id")
    )
    questions = tuple(
        QuestionInfo(id=q.id, round_id=q.round_id, team_id=q.team_id)
        for q in RoundQuestion.objects.filter(round__final=final).only("id", "round_id", "team_id")
    )
    return Stage(
        teams=teams,
        rounds=rounds,
        questions=questions,
        early_buzz_penalty=final.early_buzz_penalty,
        risk_values=tuple(final.risk_value_list),
    )


def events_of(final: Final) -> list[Event]:
    rows = Action.objects.filter(final=final, undone_at__isnull=True).order_by("seq")
    return [
        Event(seq=a.seq, kind=a.kind, at=a.at, team_id=a.team_id, data=a.data or {}) for a in rows
    ]


def current_state(final: Final, stage: Stage | None = None) -> State:
    return replay(stage or load_stage(final), events_of(final))


def perform(
    *,
    final_id: int,
    kind: str,
    actor,
    team_id: int | None = None,
    data: dict | None = None,
    reason: str = "",
    seen_version: int | None = None,
) -> State:
    """Apply one action; raises FinalError (with the rule's code) if the rules refuse it.

    The host console passes the ``seen_version`` it showed: a click made before the
    console showed the host's own previous action (a double click, a second host's action)
    is refused instead of applied to a state the host did not see. Team actions in between
    do not make it stale, and team devices send none: their order is the rule.
    """
    data = dict(data or {})
    if kind == "adjust":
        data["reason"] = reason
    with transaction.atomic():
        final = Final.objects.select_for_update().get(pk=final_id)
        _check_seen(final, seen_version)
        stage = load_stage(final)
        state = current_state(final, stage)
        last = Action.objects.filter(final=final).aggregate(m=Max("seq"))["m"] or 0
        now = timezone.now()
        event = Event(seq=last + 1, kind=kind, at=now, team_id=team_id, data=data)
        try:
            new_state = apply(stage, state, event)
        except RuleError as error:
            raise FinalError(error.message, code=error.code) from None
        Action.objects.create(
            final=final,
            seq=event.seq,
            kind=kind,
            team_id=team_id,
            data=data,
            reason=reason,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            at=now,
        )
        final.version += 1
        changed = ["version"]
        if seen_version is not None:
            final.host_version = final.version
            changed.append("host_version")
        if final.started_at is None:
            final.started_at = now
            changed.append("started_at")
        if new_state.finished:
            final.finished_at = now
            changed.append("finished_at")
        final.save(update_fields=changed)
        audit.record(
            actor=actor, action=f"final.{kind}", target=final, seq=event.seq, team=team_id, **data
        )
        _broadcast_on_commit(final, stage, new_state)
    return new_state


def undo_last(*, final_id: int, actor, seen_version: int | None = None) -> State:
    """Mark the last action that still counts as undone; the state is replayed without it.

    With ``seen_version``, a second click on 撤销 sent before the console caught up is
    refused rather than undoing one more action.
    """
    with transaction.atomic():
        final = Final.objects.select_for_update().get(pk=final_id)
        _check_seen(final, seen_version)
        action = Action.objects.filter(final=final, undone_at__isnull=True).order_by("-seq").first()
        if action is None:
            raise FinalError(_("没有可以撤销的操作"), code="nothing_to_undo")
        action.undone_at = timezone.now()
        action.undone_by = actor
        action.save(update_fields=["undone_at", "undone_by"])
        stage = load_stage(final)
        state = current_state(final, stage)
        final.version += 1
        final.host_version = final.version
        if not state.finished:
            final.finished_at = None
        final.save(update_fields=["version", "host_version", "finished_at"])
        audit.record(
            actor=actor, action="final.undo", target=final, seq=action.seq, kind=action.kind
        )
        _broadcast_on_commit(final, stage, state)
    return state


def _check_seen(final: Final, seen_version: int | None) -> None:
    if seen_version is not None and seen_version < final.host_version:
        raise FinalError(
            _("比赛状态已更新，请按最新画面重新操作"),
            code="stale_console",
        )


def _broadcast_on_commit(final: Final, stage: Stage, state: State) -> None:
    from .snapshot import broadcast, public_snapshot

    snapshot = public_snapshot(final, stage, state)
    transaction.on_commit(lambda: broadcast(final.id, snapshot))
