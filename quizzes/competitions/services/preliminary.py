"""Loading a knowledge competition's preliminary from the quiz engine for the pure rankings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from people.models import Officer, Unit
from quizzes.models import Attempt
from quizzes.services.scoring import percent

from ..models import Competition
from .ranking import (
    IndividualRank,
    ParticipantResult,
    UnitMember,
    UnitRank,
    best_attempt,
    rank_individuals,
    rank_units,
    unit_at_depth,
)


@dataclass
class PreliminaryStandings:
    individuals: list[IndividualRank] = field(default_factory=list)
    units: list[UnitRank] = field(default_factory=list)
    pending: int = 0  # attempts submitted but still waiting for a grader

    @property
    def participant_ids(self) -> set[int]:
        return {row.officer_id for row in self.individuals}


def best_scores(competition: Competition) -> dict[int, tuple]:
    """officer id → (percent, seconds, submitted_at) of their best graded attempt."""
    if competition.preliminary_quiz_id is None:
        return {}
    attempts = defaultdict(list)
    rows = Attempt.objects.filter(
        quiz_id=competition.preliminary_quiz_id, practice=False, state=Attempt.State.GRADED
    ).values_list("officer_id", "score", "max_score", "started_at", "ended_at")
    for officer_id, score, max_score, started, ended in rows:
        ended = ended or started
        seconds = max(0, int((ended - started).total_seconds()))
        attempts[officer_id].append((percent(score or 0, max_score), seconds, ended))
    return {officer_id: best_attempt(tries) for officer_id, tries in attempts.items()}


def participant_ids(competition: Competition) -> set[int]:
    """Officers with a finished (graded or awaiting grading) attempt at the preliminary."""
    if competition.preliminary_quiz_id is None:
        return set()
    return set(
        Attempt.objects.filter(quiz_id=competition.preliminary_quiz_id, practice=False)
        .exclude(state=Attempt.State.IN_PROGRESS)
        .values_list("officer_id", flat=True)
    )


def individual_results(best: dict[int, tuple]) -> list[ParticipantResult]:
    officers = Officer.objects.filter(pk__in=best).values_list(
        "pk", "name", "unit_id", "unit__name"
    )
    return [
        ParticipantResult(
            officer_id=pk,
            name=name,
            unit_id=unit_id,
            unit_name=unit_name,
            score=best[pk][0],
            seconds=best[pk][1],
            submitted_at=best[pk][2],
        )
        for pk, name, unit_id, unit_name in officers
    ]


def unit_members(competition: Competition, best: dict[int, tuple]) -> list[UnitMember]:
    """Every active officer under a unit at the ranking depth, with their best score."""
    depth = competition.ranking_unit_depth
    units = {u.path: u for u in Unit.objects.filter(depth=depth).only("pk", "path", "name")}
    members = []
    active = Officer.objects.filter(status=Officer.Status.ACTIVE).order_by()
    for officer_id, path in active.values_list("pk", "unit__path"):
        unit = units.get(unit_at_depth(path, depth=depth, steplen=Unit.steplen))
        if unit is None:
            continue  # an officer of a unit above the ranking depth belongs to no ranked unit
        score = best.get(officer_id)
        members.append(
            UnitMember(
                unit_id=unit.pk,
                unit_name=unit.name,
                officer_id=officer_id,
                best_score=score[0] if score else None,
            )
        )
    return members


def preliminary_standings(competition: Competition) -> PreliminaryStandings:
    best = best_scores(competition)
    pending = 0
    if competition.preliminary_quiz_id:
        pending = Attempt.objects.filter(
            quiz_id=competition.preliminary_quiz_id, state=Attempt.State.GRADING
        ).count()
    return PreliminaryStandings(
        individuals=rank_individuals(individual_results(best)),
        units=rank_units(
            unit_members(competition, best),
            min_participation_percent=competition.min_participation_percent,
        ),
        pending=pending,
    )
