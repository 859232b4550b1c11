"""What devices and the big screen are shown: the stage state without anything secret.

The answer and the explanation of the current question are included only once it has been
judged or revealed; the host console reads them from the server-rendered page instead.
"""

from __future__ import annotations

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from ..models import Final, Round, RoundQuestion, Team
from .replay import Stage, State, next_turn

logger = logging.getLogger(__name__)


def group_name(final_id: int) -> str:
    return f"final-{final_id}"


def _number(value) -> int | float:
    return int(value) if value == int(value) else float(value)


def public_snapshot(final: Final, stage: Stage, state: State) -> dict:
    teams = {t.id: t for t in Team.objects.filter(final=final).select_related("unit")}
    ranks = dict((team_id, rank) for rank, team_id in state.ranking(stage.teams))
    round_ = Round.objects.filter(pk=state.round_id).first() if state.round_id else None
    question = None
    if state.question_id:
        row = RoundQuestion.objects.filter(pk=state.question_id).first()
        if row is not None:
            question = {
                "id": row.id,
                "stem": row.stem,
                "options": row.options or [],
                "answer": row.answer if state.revealed else None,
                "explanation": row.explanation if state.revealed else None,
            }
    return {
        "final": final.id,
        "title": final.title,
        "version": final.version,
        "seq": state.seq,
        "server_time": timezone.now().isoformat(),
        "finished": state.finished,
        "round": (
            {"id": round_.id, "kind": round_.kind, "title": str(round_), "seconds": round_.seconds}
            if round_
            else None
        ),
        "question": question,
        "phase": state.phase,
        "answering_team": state.answering_team,
        "buzz_order": list(state.buzz_order),
        "timer_ends_at": state.timer_ends_at.isoformat() if state.timer_ends_at else None,
        "turn_order": list(state.turn_order) if state.round_kind == "risk" else [],
        "next_turn": next_turn(state) if state.round_kind == "risk" else None,
        "risk_values": list(stage.risk_values),
        "risk_picks": {str(k): v for k, v in state.risk_picks.items()},
        "contenders": list(state.contenders),
        "last_result": state.last_result,
        "teams": [
            {
                "id": info.id,
                "name": info.name,
                "unit": teams[info.id].unit.name if teams[info.id].unit_id else "",
                "score": _number(state.scores[info.id]),
                "rank": ranks[info.id],
            }
            for info in stage.teams
        ],
    }


def current_snapshot(final: Final) -> dict:
    """The public snapshot as of now, replayed from the log."""
    from .live import current_state, load_stage

    stage = load_stage(final)
    return public_snapshot(final, stage, current_state(final, stage))


def broadcast(final_id: int, snapshot: dict) -> None:
    """Send the snapshot to every connected device; a failure never undoes the action."""
    layer = get_channel_layer()
    if layer is None:
        return
    # Encoded once here, not once per connected device.
    text = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
    try:
        async_to_sync(layer.group_send)(group_name(final_id), {"type": "final.state", "text": text})
    except Exception:  # the action is committed; devices catch up on their next message
        logger.exception("broadcast of final %s failed", final_id)
