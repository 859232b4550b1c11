from people.demo import DemoConfig
from people.roles import Role
from quizzes.competitions.models import Competition
from quizzes.finals.demo import load_demo_final
from quizzes.finals.models import Final, RoundQuestion
from quizzes.finals.services.live import perform
from tests.factories import OfficerFactory, UserFactory
from tests.quizzes import bank_factory as bf


def test_demo_final_is_ready_to_be_held(city):
    for unit in ("bureau", "east", "west"):
        for _ in range(3):
            OfficerFactory(unit=city[unit])
    OfficerFactory(unit=city["east_squad"])  # a fourth in 东区 (counted in its subtree)
    UserFactory(username="T001", roles=[Role.TRAINER])
    Competition.objects.create(title="知识竞赛", kind=Competition.Kind.KNOWLEDGE)
    cat = bf.category()
    for n in range(30):
        bf.question("single", cat, stem=f"第{n}题")

    report = load_demo_final(DemoConfig())
    final = Final.objects.get()
    assert [t.name for t in final.teams.order_by("sort_order")] == [
        "市文化市场综合执法局代表队",
        "东区文化执法局代表队",
        "西区文化执法局代表队",
    ]
    assert all(team.members.count() == 3 for team in final.teams.all())
    assert final.hosts.get().username == "T001"
    assert [r.kind for r in final.rounds.order_by("sort_order")] == [
        "compulsory",
        "buzzer",
        "risk",
        "tiebreak",
    ]
    compulsory = RoundQuestion.objects.filter(round__kind="compulsory").order_by("sort_order")
    assert all(q.team_id for q in compulsory[:3])
    assert all("." in q.answer for q in RoundQuestion.objects.all())  # "B. 十五日"
    assert final.screen_token in report.lines[0]
    assert len(report.logins) == 2

    round_id = final.rounds.get(kind="compulsory").pk
    perform(final_id=final.pk, kind="start_round", actor=None, data={"round_id": round_id})
    state = perform(
        final_id=final.pk,
        kind="show_question",
        actor=None,
        data={"question_id": compulsory[0].pk},
    )
    assert state.answering_team == compulsory[0].team_id
    assert "已存在" in load_demo_final(DemoConfig()).lines[0]
