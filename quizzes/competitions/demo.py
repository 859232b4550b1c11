"""The load_demo step for competitions: a knowledge competition whose preliminary is the demo
city-wide exam (its attempts are the preliminary's), rankings released; and a judged contest
优秀执法文书评选 with weighted criteria, entries from the districts and sheets from 5 judges
(the demo trainers), still open for judging."""

import random
from decimal import Decimal

from django.core.files.base import ContentFile

from people.demo import DemoConfig, StepReport

KNOWLEDGE_TITLE = "2026年全市文化市场执法知识竞赛"
JUDGED_TITLE = "优秀执法文书评选"
CRITERIA = [("事实认定", 30), ("法律适用", 30), ("程序规范", 20), ("文书格式与说理", 20)]
ENTRY_TITLES = [
    "关于某网吧接纳未成年人案的行政处罚决定书",
    "关于某演出场所擅自变更演出内容案的行政处罚决定书",
    "关于某书店销售非法出版物案的行政处罚决定书",
    "关于某游艺厅设置含赌博功能游戏机案的行政处罚决定书",
    "关于某文物保护单位建设控制地带违法施工案的责令改正通知书",
    "关于某网络直播平台传播违规节目案的行政处罚决定书",
]
JUDGES = ("T001", "T002", "T003", "T004", "T005")


def _knowledge(config: DemoConfig) -> str:
    from quizzes.demo import EXAM_TITLE
    from quizzes.models import Quiz

    from .models import Competition
    from .services.release import release_rankings

    quiz = Quiz.objects.filter(title=EXAM_TITLE).first()
    if quiz is None:
        return "知识竞赛：无演示考试，未创建"
    competition = Competition.objects.create(
        title=KNOWLEDGE_TITLE,
        kind=Competition.Kind.KNOWLEDGE,
        description="初赛在线进行，试卷由题库随机抽取；按个人成绩和单位成绩分别排名，优胜者进入现场决赛。",
        preliminary_quiz=quiz,
        min_participation_percent=30,
        credit_hours=Decimal(2),
        created_by=config.actor,
    )
    release_rankings(competition=competition, actor=_manager(config))
    return f"知识竞赛：{KNOWLEDGE_TITLE}（初赛为演示考试，排名已发布）"


def _manager(config: DemoConfig):
    from people.models import User

    return User.objects.filter(username="T001").first() or config.actor


def _judged(config: DemoConfig) -> str:
    from people.models import Officer, Unit, User

    from .models import Competition, Entry, JudgingCriterion
    from .services.judging import submit_sheet

    competition = Competition.objects.create(
        title=JUDGED_TITLE,
        kind=Competition.Kind.JUDGED,
        description="各单位报送本年度制作的行政执法文书，由评委会按评分表评审。",
        credit_hours=Decimal(1),
        created_by=config.actor,
    )
    criteria = [
        JudgingCriterion.objects.create(
            competition=competition, name=name, weight=Decimal(weight), max_score=10, order=i
        )
        for i, (name, weight) in enumerate(CRITERIA)
    ]
    judges = list(User.objects.filter(username__in=JUDGES))
    competition.judges.set(judges)
    units = list(Unit.objects.filter(depth=2).order_by("path"))
    rng = random.Random(2026)
    entries = []
    for number, title in enumerate(ENTRY_TITLES):
        unit = units[number % len(units)] if units else None
        authors = list(
            Officer.objects.filter(unit__path__startswith=unit.path, status="active")[:2]
            if unit
            else []
        )
        entry = Entry.objects.create(competition=competition, title=title, unit=unit)
        entry.document.save(
            f"文书{number + 1}.txt",
            ContentFile(f"{title}\n\n（演示作品：正文略）\n".encode()),
            save=True,
        )
        entry.officers.set(authors)
        entries.append((entry, rng.uniform(6.0, 9.5)))
    for judge in judges:
        for entry, quality in entries:
            marks = {
                c.pk: Decimal(str(round(min(10, max(0, rng.gauss(quality, 0.8))) * 2) / 2))
                for c in criteria
            }
            submit_sheet(entry=entry, judge=judge, marks=marks, comment="")
    return (
        f"评比：{JUDGED_TITLE}，{len(entries)} 件作品，{len(judges)} 位评委已评分"
        "（评委为演示教员，排名未发布）"
    )


def load_demo_competitions(config: DemoConfig) -> StepReport:
    from .models import Competition

    if Competition.objects.filter(title__in=[KNOWLEDGE_TITLE, JUDGED_TITLE]).exists():
        return StepReport(title="竞赛与评比", lines=["演示竞赛：已存在，未改动"])
    return StepReport(title="竞赛与评比", lines=[_knowledge(config), _judged(config)])
