"""The load_demo step for live finals: the knowledge competition's final, ready to be held.

Six teams of three officers from six units, hosted by the demo trainer T001, with a
compulsory round (one question per team), a buzzer round, a risk round and a tiebreak,
their questions taken from the demo bank's single-choice questions with their keys.
"""

from people.demo import DemoConfig, DemoLogin, StepReport

TITLE = "知识竞赛现场决赛"
TEAMS = 6
MEMBERS = 3
ROUNDS = [
    # kind, title, right, wrong, seconds, questions
    ("compulsory", "第一轮 必答题", 10, 0, 30, TEAMS),
    ("buzzer", "第二轮 抢答题", 10, 10, 20, 8),
    ("risk", "第三轮 风险题", 0, 0, 60, TEAMS),
    ("tiebreak", "加赛题", 10, 10, 20, 3),
]


def _questions(count: int):
    from quizzes.models import Question
    from quizzes.models.bank import Kind

    return list(
        Question.objects.filter(kind=Kind.SINGLE, status="active")
        .exclude(options=[])
        .order_by("id")[:count]
    )


def _readable_answer(question) -> str:
    """ "B" → "B. 十五日": the host reads the key aloud."""
    letter = question.answer.strip().upper()
    index = ord(letter) - ord("A") if len(letter) == 1 else -1
    if 0 <= index < len(question.options):
        return f"{letter}. {question.options[index]}"
    return question.answer


def _teams_from_units():
    """Three active officers from each of six units, one team per unit."""
    from people.models import Officer, Unit

    picked = []
    for unit in Unit.objects.filter(depth=2).order_by("path"):
        officers = list(
            Officer.objects.filter(
                unit__path__startswith=unit.path, status=Officer.Status.ACTIVE
            ).order_by("employee_number")[:MEMBERS]
        )
        if len(officers) == MEMBERS:
            picked.append((unit, officers))
        if len(picked) == TEAMS:
            break
    return picked


def load_demo_final(config: DemoConfig) -> StepReport:
    from people.models import User
    from quizzes.competitions.models import Competition

    from .models import Final, Round, RoundQuestion, Team

    report = StepReport(title="现场决赛")
    if Final.objects.filter(title=TITLE).exists():
        report.lines.append("演示决赛：已存在，未改动")
        return report
    competition = (
        Competition.objects.filter(kind=Competition.Kind.KNOWLEDGE).order_by("-year", "id").first()
    )
    teams = _teams_from_units()
    # One compulsory and one risk question per team.
    counts = [len(teams) if count == TEAMS else count for *_rest, count in ROUNDS]
    needed = sum(counts)
    questions = _questions(needed)
    host = User.objects.filter(username="T001").first() or config.actor
    if competition is None or len(teams) < 2 or len(questions) < needed or host is None:
        report.lines.append("演示决赛：缺少竞赛、单位、教员或题库，未创建")
        return report
    final = Final.objects.create(competition=competition, title=TITLE)
    final.hosts.add(host)
    final.save()
    team_rows = []
    for order, (unit, officers) in enumerate(teams):
        team = Team.objects.create(
            final=final, name=f"{unit.name}代表队", unit=unit, sort_order=order, start_score=100
        )
        team.members.set(officers)
        team.save()
        team_rows.append((team, officers))
    pool = iter(questions)
    rounds = zip(ROUNDS, counts, strict=True)
    for order, ((kind, title, right, wrong, seconds, _n), count) in enumerate(rounds):
        round_ = Round.objects.create(
            final=final,
            kind=kind,
            title=title,
            sort_order=order,
            points_right=right,
            points_wrong=wrong,
            seconds=seconds,
        )
        for n in range(count):
            question = next(pool)
            RoundQuestion.objects.create(
                round=round_,
                sort_order=n,
                team=team_rows[n][0] if kind == "compulsory" else None,
                stem=question.stem,
                options=question.options,
                answer=_readable_answer(question),
                explanation=question.explanation,
                source=question,
            )
    report.lines.append(
        f"{TITLE}：{len(team_rows)} 支代表队，每队 {MEMBERS} 人；主持人 {host.username}；"
        f"大屏幕 /finals/screen/{final.screen_token}/"
    )
    for team, officers in team_rows[:2]:
        officer = officers[0]
        report.logins.append(
            DemoLogin(
                role="决赛队员",
                username=officer.user.username,
                name=officer.name,
                scope=team.name,
                note="首页“现场决赛”进入答题器",
            )
        )
    return report
