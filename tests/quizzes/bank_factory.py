"""Questions and quizzes for attempt tests, built directly (no files, no demo)."""

from decimal import Decimal

from django.utils import timezone

from quizzes.models import CasePart, Category, DrawRule, FixedQuestion, Question, Quiz
from quizzes.services.bank import freeze

SAMPLES = {
    "single": {
        "stem": "对违法行为给予行政处罚的规定必须（ ）。",
        "options": ["公布", "内部掌握", "报上级备案", "经听证"],
        "answer": "A",
    },
    "multiple": {
        "stem": "行政处罚的种类包括哪些？",
        "options": ["警告", "罚款", "没收违法所得", "记过"],
        "answer": "ABC",
    },
    "truefalse": {"stem": "行政机关可以设定行政处罚。", "options": [], "answer": "错"},
    "fill": {
        "stem": "当事人应当自收到行政处罚决定书之日起____日内缴纳罚款。",
        "options": [],
        "answer": "十五|15",
    },
    "short": {
        "stem": "简述行政处罚的听证程序适用范围。",
        "options": [],
        "answer": "较大数额罚款、没收较大数额违法所得等",
    },
}


def category(name: str = "行政处罚法", parent: Category | None = None) -> Category:
    if parent is None:
        return Category.add_root(name=name)
    return Category.objects.get(pk=parent.pk).add_child(name=name)


def question(kind: str, cat: Category, *, points="2", status="active", **changes) -> Question:
    data = {
        **SAMPLES.get(kind, {"stem": "案情：某网吧接纳未成年人。", "options": [], "answer": ""})
    }
    data.update(changes)
    q = Question.objects.create(
        kind=kind,
        category=cat,
        status=status,
        points=Decimal(points),
        explanation=data.pop("explanation", f"{kind} 的解析"),
        rubric=data.pop("rubric", "要点：适用条款、处罚幅度"),
        **data,
    )
    if kind == "case":
        CasePart.objects.create(
            question=q, sort_order=0, kind="single", points=Decimal("2"), **SAMPLES["single"]
        )
        CasePart.objects.create(
            question=q, sort_order=1, kind="short", points=Decimal("3"), **SAMPLES["short"]
        )
    freeze(q)
    return q


def quiz(*, fixed=(), rules=(), **settings) -> Quiz:
    defaults = {
        "title": "全市执法人员法律知识考试",
        "live": True,
        "opens_at": timezone.now() - timezone.timedelta(hours=1),
        "closes_at": timezone.now() + timezone.timedelta(days=1),
        "time_limit_minutes": 30,
        "attempts_allowed": 2,
    }
    defaults.update(settings)
    q = Quiz.objects.create(**defaults)
    for order, entry in enumerate(fixed):
        FixedQuestion.objects.create(quiz=q, question=entry, sort_order=order)
    for order, rule in enumerate(rules):
        DrawRule.objects.create(quiz=q, sort_order=order, **rule)
    return q


def take(quiz, officer, answers):
    """An officer sits the quiz through the services: {position: response}, then submit."""
    from quizzes.services import attempts

    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    for position, response in answers.items():
        attempts.save_answer(
            attempt_id=attempt.pk,
            officer_id=officer.pk,
            position=position,
            response=response,
            seq=1,
        )
    return attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
