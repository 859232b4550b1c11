"""The demo question bank and quizzes (quizzes.demo), built on the real regulation texts."""

import time
from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Regulation
from courses.services.regulation_import import import_regulation
from people.demo import DemoConfig
from quizzes import demo
from quizzes.models import Question, Quiz
from quizzes.services.attempts import start_attempt
from quizzes.services.keys import content_problems
from quizzes.services.payload import total_points
from tests.courses.conftest import regulation_text
from tests.factories import OfficerFactory, make_unit

CORE_FILES = (
    # The demo imports the older text first; questions must cite the text in force.
    "previous/internet-access-service-premises-regulations.2022-03-29.md",
    "internet-access-service-premises-regulations.md",
    "administrative-penalty-law.md",
    "copyright-law.md",
    "cultural-relics-protection-law.md",
    "publication-administration-regulations.md",
    "printing-industry-regulations.md",
    "radio-television-regulations.md",
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def core_regulations():
    for name in CORE_FILES:
        import_regulation(text=regulation_text(name), source_name=name)
    return set(demo.LAWS.values())


def part_dicts(question):
    return [
        {
            "kind": p.kind,
            "stem": p.stem,
            "options": p.options,
            "answer": p.answer,
            "points": p.points,
        }
        for p in question.parts.all()
    ]


def test_demo_bank_covers_the_core_regulations_with_sound_questions(core_regulations):
    started = time.monotonic()
    result = demo.build_demo_questions()
    elapsed = time.monotonic() - started
    print(f"demo bank: {result} in {elapsed:.1f}s")

    assert not result["skipped"] and result["created"] >= 300
    assert elapsed < 20
    questions = list(
        Question.objects.prefetch_related("cited_articles__revision__regulation", "parts")
    )
    assert len(questions) == result["created"]
    kinds = Counter(q.kind for q in questions)
    assert kinds == Counter(result["by_kind"])
    assert set(kinds) == {"single", "multiple", "truefalse", "fill", "short", "case"}
    assert kinds["short"] >= 15 and kinds["case"] >= 8
    assert {q.difficulty for q in questions} == {1, 2, 3}
    current = set(Regulation.objects.values_list("current_revision_id", flat=True))
    for question in questions:
        assert question.status == Question.Status.ACTIVE
        cited = list(question.cited_articles.all())
        assert cited, question
        assert all(a.revision.regulation.title in core_regulations for a in cited), question
        assert all(a.revision_id in current for a in cited), question
        assert not content_problems(
            kind=question.kind,
            stem=question.stem,
            options=question.options,
            answer=question.answer,
            points=question.points,
            parts=part_dicts(question),
        ), question
        assert question.current_version_id is not None
        assert "《" in question.explanation and "条" in question.explanation, question
        if question.kind == "short":
            assert question.answer and question.rubric
        if question.kind == "case":
            parts = question.parts.all()
            assert 2 <= len(parts) <= 4
            assert len({p.kind for p in parts}) >= 3
            assert question.rubric and all(p.explanation for p in parts)
            payload = question.current_version.payload
            assert total_points(payload) == Decimal("15") == question.points
    drafted = [q for q in questions if q.source == Question.Source.DRAFTED]
    assert len(drafted) >= 200 and all("条文生成" in q.tags.names() for q in drafted[:20])
    by_regulation = Counter(q.cited_articles.all()[0].revision.regulation.title for q in questions)
    assert set(by_regulation) == core_regulations
    assert min(by_regulation.values()) >= 40
    # Every question sits in its regulation's tree, in the chapter of its first article.
    roots = demo.root_categories()
    assert set(roots) == set(demo.LAWS)
    assert roots["网吧"].get_children().filter(name="第三章 经营").exists()

    again = demo.build_demo_questions()
    assert again["skipped"] and Question.objects.count() == len(questions)


def test_demo_exam_draws_a_100_point_paper_and_practice_is_open(core_regulations):
    report = demo.load_question_bank(DemoConfig())
    assert report.title == "题库与考试" and "新建" in report.lines[0]

    exam = Quiz.objects.get(title=demo.EXAM_TITLE)
    assert exam.mode == Quiz.Mode.EXAM and exam.live and exam.time_limit_minutes == 60
    assert exam.is_open() and exam.closes_at > timezone.now()
    rules = list(exam.draw_rules.select_related("category"))
    assert {r.category.name for r in rules} == {
        t.removeprefix("中华人民共和国") for t in demo.LAWS.values()
    }
    assert {r.kind for r in rules} == {"single", "multiple", "truefalse", "fill", "short", "case"}
    practice = Quiz.objects.get(title=demo.PRACTICE_TITLE)
    assert practice.is_practice and practice.is_open()

    officer = OfficerFactory(unit=make_unit("全市文化市场综合执法", "QS"))
    attempt = start_attempt(quiz=exam, officer=officer, seed=1)
    assert attempt.items.count() == sum(r.count for r in rules) == 65
    assert attempt.max_score == Decimal("100")
    assert start_attempt(quiz=practice, officer=officer, seed=2).items.count() == 16

    again = demo.load_question_bank(DemoConfig())
    assert "未重复创建" in again.lines[0] and again.lines[1] == "考试与练习：已存在"
    assert Quiz.objects.count() == 2


def test_demo_officers_sit_the_exam_and_leave_work_for_the_trainer(core_regulations, city):
    from quizzes.demo_attempts import sit_exam
    from quizzes.models import Attempt
    from tests.factories import UserFactory

    demo.build_demo_questions()
    demo.build_demo_exam()
    exam = Quiz.objects.get(title=demo.EXAM_TITLE)
    officers = [OfficerFactory(unit=city[name]) for name in ("east", "west", "bureau") * 3]
    result = sit_exam(quiz=exam, officers=officers, grader=UserFactory(roles=["教员"]))
    assert result["submitted"] == 9
    attempts = Attempt.objects.filter(quiz=exam)
    assert attempts.filter(state=Attempt.State.GRADED).count() == result["graded"]
    assert attempts.filter(state=Attempt.State.GRADING).count() == 9 - result["graded"]
    scores = [a.score for a in attempts.filter(state=Attempt.State.GRADED)]
    assert len(set(scores)) > 1  # abilities differ, so the analysis has a spread
    assert sit_exam(quiz=exam, officers=officers, grader=None)["started"] == 0
