"""A small live final: a competition, teams of officers, four rounds with questions, a host."""

from dataclasses import dataclass, field

from people.models import Officer, Unit, User
from people.roles import Role
from quizzes.competitions.models import Competition
from quizzes.finals.models import Final, Round, RoundQuestion, Team
from tests.factories import OfficerFactory, UserFactory, make_unit


@dataclass
class LiveFinal:
    final: Final
    host: User
    teams: list[Team]
    members: list[list[Officer]]
    rounds: dict[str, Round]
    questions: dict[str, list[RoundQuestion]] = field(default_factory=dict)


def build_final(*, teams: int = 3, members: int = 2, unit: Unit | None = None) -> LiveFinal:
    unit = unit or make_unit("决赛测试市", f"F{Unit.objects.count():03d}", kind="service")
    competition = Competition.objects.create(title="文化市场法律法规知识竞赛")
    final = Final.objects.create(
        competition=competition, title="知识竞赛决赛", early_buzz_penalty=10, risk_values="10,20,30"
    )
    host = UserFactory(roles=[Role.TRAINER])
    final.hosts.add(host)
    final.save()
    team_rows, member_rows = [], []
    for n in range(teams):
        team = Team.objects.create(final=final, name=f"第{n + 1}队", sort_order=n, start_score=100)
        officers = [OfficerFactory(unit=unit) for _ in range(members)]
        team.members.set(officers)
        team.save()  # a ParentalManyToManyField is written when its object is saved
        team_rows.append(team)
        member_rows.append(officers)
    rounds = {
        kind: Round.objects.create(
            final=final, kind=kind, sort_order=i, points_right=10, points_wrong=10, seconds=30
        )
        for i, kind in enumerate(["compulsory", "buzzer", "risk", "tiebreak"])
    }
    live = LiveFinal(final, host, team_rows, member_rows, rounds)
    live.questions["compulsory"] = [
        RoundQuestion.objects.create(
            round=rounds["compulsory"],
            team=team,
            sort_order=i,
            stem=f"必答题{i + 1}：行政处罚法规定的听证告知期限是几日？",
            answer="五日",
        )
        for i, team in enumerate(team_rows)
    ]
    for kind in ("buzzer", "risk", "tiebreak"):
        live.questions[kind] = [
            RoundQuestion.objects.create(
                round=rounds[kind],
                sort_order=i,
                stem=f"{kind}题{i + 1}：网吧每日营业时间限于几时至几时？",
                options=["8时至24时", "0时至24时", "6时至22时"],
                answer="A",
                explanation="《互联网上网服务营业场所管理条例》第二十二条",
            )
            for i in range(max(teams, 3))
        ]
    return live
