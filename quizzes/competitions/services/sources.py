"""The rankings awards can be given from: the preliminary, a judged contest, a live final."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..errors import CompetitionError
from ..models import Competition
from .awards import (
    RankedRow,
    rows_from_entries,
    rows_from_final,
    rows_from_individuals,
    rows_from_units,
    units_by_best_row,
)
from .judging import entry_standings
from .preliminary import preliminary_standings

PRELIMINARY, ENTRIES = "preliminary", "entries"


def _finals(competition: Competition):
    try:
        return list(competition.finals.order_by("pk"))
    except AttributeError:  # the finals app is not installed
        return []


def ranking_sources(competition: Competition) -> list[tuple[str, str]]:
    sources = []
    for final in _finals(competition):
        sources.append((f"final:{final.pk}", _("现场决赛：%(title)s") % {"title": final.title}))
    if competition.is_judged:
        sources.append((ENTRIES, _("评比作品排名")))
    elif competition.preliminary_quiz_id:
        sources.append((PRELIMINARY, _("初赛个人排名")))
    return sources


def rows_for(competition: Competition, source: str) -> tuple[list[RankedRow], list[RankedRow]]:
    """The ranking rows and the unit rows (for 优秀组织奖) of a source."""
    if source == PRELIMINARY:
        standings = preliminary_standings(competition)
        return rows_from_individuals(standings.individuals), rows_from_units(standings.units)
    if source == ENTRIES:
        rows = rows_from_entries(entry_standings(competition))
        return rows, units_by_best_row(rows)
    if source.startswith("final:"):
        final = next((f for f in _finals(competition) if f"final:{f.pk}" == source), None)
        if final is not None:
            rows = rows_from_final(final)
            if competition.preliminary_quiz_id:  # 优秀组织奖 by the preliminary's unit ranking
                return rows, rows_from_units(preliminary_standings(competition).units)
            return rows, units_by_best_row(rows)
    raise CompetitionError(_("没有这个排名"), code="unknown_source")
