"""Loading the preliminary from the quiz engine into the rankings."""

from decimal import Decimal

from people.models import Officer
from quizzes.competitions.services.preliminary import participant_ids, preliminary_standings
from tests.quizzes.competitions.factory import officers, preliminary, sat


def test_units_at_the_ranking_depth_count_their_subtree(city):
    competition = preliminary(ranking_unit_depth=2, min_participation_percent=20)
    bureau = officers(city["detachment"], 2)  # under 市局 (depth 2)
    east = officers(city["east"], 1) + officers(city["east_squad"], 3)  # 东区局 and its squad
    west = officers(city["west"], 10)
    away = officers(city["west"], 2, status=Officer.Status.TRANSFERRED)
    sat(competition, bureau[0], 60)
    sat(competition, bureau[0], 90, number=2)  # the best attempt counts
    sat(competition, bureau[1], 70)
    sat(competition, east[3], 100, minutes=10)
    sat(competition, west[0], 50, max_score=50)  # 100%
    sat(competition, away[0], 99)  # took part, then transferred: not eligible any more
    sat(competition, west[1], 0, state="grading")  # waiting for a grader

    standings = preliminary_standings(competition)
    units = {row.unit_name: row for row in standings.units}
    assert (units["市文化市场综合执法局"].average, units["市文化市场综合执法局"].participation) == (
        Decimal("80.00"),
        Decimal("100.0"),
    )
    assert (units["东区文化执法局"].participants, units["东区文化执法局"].eligible) == (1, 4)
    west_row = units["西区文化执法局"]
    assert (west_row.participants, west_row.eligible, west_row.below_threshold) == (1, 10, True)
    assert west_row.rank is None
    assert [row.unit_name for row in standings.units if row.ranked] == [
        "东区文化执法局",
        "市文化市场综合执法局",
    ]
    # Individuals: everyone with a graded attempt, their best; the transferred officer too.
    assert [(r.name, r.score, r.rank) for r in standings.individuals][:3] == [
        (east[3].name, Decimal("100.00"), 1),
        (west[0].name, Decimal("100.00"), 2),
        (away[0].name, Decimal("99.00"), 3),
    ]
    assert standings.pending == 1
    assert west[1].pk in participant_ids(competition)
