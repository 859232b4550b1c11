"""Factories for quiz tests; each section belongs to the tests that use it."""

from decimal import Decimal

from django.utils import timezone

from quizzes.models import Attempt, AttemptItem, Category, Question, Quiz
from quizzes.services import scoring
from quizzes.services.bank import freeze

# --- Quiz analysis: questions, quizzes and finished attempts built directly ---------------
# (Rows are written as the attempt services would leave them, without calling those services.)


def analysis_version(kind="single", *, points="1", **content):
    """A frozen question version of the given kind (sample content unless overridden)."""
    samples = {
        "single": {"stem": "罚款决定应（ ）。", "options": ["口头", "书面", "电话"], "answer": "B"},
        "multiple": {"stem": "处罚种类？", "options": ["警告", "罚款", "记过"], "answer": "AB"},
        "truefalse": {"stem": "行政机关可以设定行政处罚。", "options": [], "answer": "错"},
    }
    data = {**samples.get(kind, {"stem": f"{kind} 题", "options": [], "answer": ""}), **content}
    category = Category.objects.filter(depth=1, name="分析测试").first()
    category = category or Category.add_root(name="分析测试")
    question = Question.objects.create(
        kind=kind, category=category, status="active", points=Decimal(points), **data
    )
    return freeze(question)


def analysis_quiz(**fields):
    return Quiz.objects.create(**{"title": "执法人员法律知识考试", "live": True, **fields})


def analysis_attempt(quiz, officer, answers, *, number=1, state="graded"):
    """A finished attempt: answers are (version, response) or (version, response, score).

    Scores default to what scoring.grade gives; the attempt's score, max score and passed are
    their sum and the quiz's pass line (left empty while the attempt awaits grading).
    """
    attempt = Attempt.objects.create(
        quiz=quiz, officer=officer, number=number, state=state, ended_at=timezone.now()
    )
    total, max_score = Decimal(0), Decimal(0)
    for position, (version, response, *given) in enumerate(answers, start=1):
        points = Decimal(version.payload["points"])
        score = given[0] if given else scoring.grade(version.payload, response, points=points).score
        score = None if score is None else Decimal(str(score))
        AttemptItem.objects.create(
            attempt=attempt,
            position=position,
            version=version,
            points=points,
            response=response,
            score=score,
            needs_grading=score is None,
        )
        total += score or 0
        max_score += points
    attempt.max_score = max_score
    if state == Attempt.State.GRADED:
        attempt.score = total
        attempt.passed = scoring.passed(total, max_score, quiz.pass_percent)
        attempt.graded_at = timezone.now()
    attempt.save()
    return attempt
