from people.demo import DemoConfig
from people.roles import Role
from quizzes.competitions.demo import JUDGED_TITLE, KNOWLEDGE_TITLE, load_demo_competitions
from quizzes.competitions.models import Competition, ScoreSheet
from quizzes.competitions.services.judging import entry_standings
from quizzes.competitions.services.preliminary import preliminary_standings
from quizzes.demo import EXAM_TITLE
from quizzes.models import Quiz
from tests.factories import UserFactory
from tests.quizzes.competitions.factory import officers, sat


def test_demo_step_builds_a_released_competition_and_a_judged_contest(city):
    quiz = Quiz.objects.create(title=EXAM_TITLE, live=True)
    for username in ("T001", "T002", "T003", "T004", "T005"):
        UserFactory(username=username, roles=[Role.TRAINER])
    people = officers(city["east_squad"], 3) + officers(city["west"], 3)
    knowledge = Competition(preliminary_quiz=quiz)
    for officer, score in zip(people, [90, 80, 70, 60, 50, 40], strict=True):
        sat(knowledge, officer, score)

    report = load_demo_competitions(DemoConfig())
    assert len(report.lines) == 2
    competition = Competition.objects.get(title=KNOWLEDGE_TITLE)
    assert competition.rankings_released and competition.preliminary_quiz == quiz
    assert len(preliminary_standings(competition).individuals) == 6

    contest = Competition.objects.get(title=JUDGED_TITLE)
    assert contest.judges.count() == 5 and contest.criteria.count() == 4
    assert ScoreSheet.objects.filter(entry__competition=contest).count() == 30
    rows = entry_standings(contest)
    assert all(row.rank and row.sheets == 5 and len(row.dropped) == 2 for row in rows)
    assert all(entry.document for entry in contest.entries.all())
    assert "已存在" in load_demo_competitions(DemoConfig()).lines[0]
