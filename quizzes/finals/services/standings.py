"""The ranking of a final, for the scoreboard's last screen and for awards."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..models import Final, Team
from .live import current_state, load_stage


@dataclass(frozen=True)
class Standing:
    rank: int
    team_id: int
    name: str
    unit_id: int | None
    officer_ids: tuple[int, ...]
    score: Decimal


def final_standings(final: Final) -> list[Standing]:
    """Teams by final score, higher first; equal scores share a rank (a tiebreak splits them)."""
    stage = load_stage(final)
    state = current_state(final, stage)
    teams = {t.id: t for t in Team.objects.filter(final=final).prefetch_related("members")}
    return [
        Standing(
            rank=rank,
            team_id=team_id,
            name=teams[team_id].name,
            unit_id=teams[team_id].unit_id,
            officer_ids=tuple(sorted(m.pk for m in teams[team_id].members.all())),
            score=state.scores[team_id],
        )
        for rank, team_id in state.ranking(stage.teams)
    ]
