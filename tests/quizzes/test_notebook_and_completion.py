"""The wrong-answer notebook, amendments flagging questions, and courses requiring a quiz."""

import pytest
from django.urls import reverse

from courses.services import learning
from quizzes.models import Attempt, Question
from quizzes.services import notebook
from tests.courses.course_factory import build_course, import_tiny_regulation
from tests.factories import PASSWORD, OfficerFactory
from tests.quizzes import bank_factory as bf
from tests.quizzes.bank_factory import take

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited_bank():
    articles = import_tiny_regulation()
    cat = bf.category()
    second = bf.question("single", cat)
    third = bf.question("truefalse", cat)
    second.cited_articles.add(articles["第二条"])
    third.cited_articles.add(articles["第三条"])
    for question in (second, third):
        question.save()
        from quizzes.services.bank import freeze

        freeze(question)
    return {"articles": articles, "second": second, "third": third}


def test_missed_questions_are_grouped_by_regulation_and_article(city, cited_bank):
    officer = OfficerFactory(unit=city["east"])
    quiz = bf.quiz(
        fixed=[cited_bank["second"], cited_bank["third"]],
        shuffle_questions=False,
        shuffle_options=False,
        show_answers="immediately",
    )
    take(quiz, officer, {1: 1, 2: True})  # both wrong
    groups = notebook.grouped(officer)
    assert [g.title for g in groups] == ["测试市文化市场管理条例"]
    assert sorted(a.label for a in groups[0].articles) == [
        "《测试市文化市场管理条例》第三条",
        "《测试市文化市场管理条例》第二条",
    ]


def test_answering_right_later_takes_a_question_out_of_the_notebook(city, cited_bank):
    officer = OfficerFactory(unit=city["east"])
    quiz = bf.quiz(
        fixed=[cited_bank["second"]],
        attempts_allowed=2,
        shuffle_options=False,
        show_answers="immediately",
    )
    take(quiz, officer, {1: 1})
    assert notebook.missed_count(officer) == 1
    take(quiz, officer, {1: 0})
    assert notebook.missed_count(officer) == 0


def test_practice_from_the_notebook_draws_the_missed_questions(client, city, cited_bank):
    officer = OfficerFactory(unit=city["east"])
    quiz = bf.quiz(
        fixed=[cited_bank["second"], cited_bank["third"]],
        shuffle_options=False,
        shuffle_questions=False,
        show_answers="immediately",
    )
    take(quiz, officer, {1: 1, 2: False})  # only the first is wrong
    officer.user.must_change_password = False
    officer.user.save()
    client.login(username=officer.user.username, password=PASSWORD)
    page = client.get(reverse("quizzes:notebook")).content.decode()
    assert "第二条" in page and "第三条" not in page
    response = client.post(reverse("quizzes:notebook_practice"))
    practice = Attempt.objects.get(quiz=None, officer=officer)
    assert response.url == reverse("quizzes:take", args=[practice.pk])
    drawn = set(practice.items.values_list("version__question_id", flat=True))
    assert cited_bank["second"].pk in drawn


def test_another_officers_notebook_is_never_shown(client, city, cited_bank):
    victim = OfficerFactory(unit=city["east"])
    quiz = bf.quiz(fixed=[cited_bank["second"]], shuffle_options=False, show_answers="immediately")
    take(quiz, victim, {1: 1})
    other = OfficerFactory(unit=city["east"])
    other.user.must_change_password = False
    other.user.save()
    client.login(username=other.user.username, password=PASSWORD)
    assert "第二条" not in client.get(reverse("quizzes:notebook")).content.decode()


def test_an_amendment_flags_questions_citing_the_changed_article(cited_bank):
    import_tiny_regulation(amended=True)  # 第二条 → 第三条, 第四条 removed
    second = Question.objects.get(pk=cited_bank["second"].pk)
    assert second.status == Question.Status.NEEDS_REVIEW
    from courses.services.amendments import open_flags_for

    assert open_flags_for(second).exists()


def test_a_course_requiring_a_quiz_completes_only_when_it_is_passed(city):
    articles = import_tiny_regulation()
    course, lessons = build_course(lessons=1, cited=[articles["第三条"]])
    officer = OfficerFactory(unit=city["east"])
    enrollment = learning.enroll(officer=officer, course=course, actor=officer.user)
    cat = bf.category()
    quiz = bf.quiz(
        fixed=[bf.question("single", cat)],
        course=course,
        required_for_completion=True,
        attempts_allowed=2,
        shuffle_options=False,
    )
    learning.mark_lesson_done(officer=officer, lesson=lessons[0])
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    take(quiz, officer, {1: 1})  # failed
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    take(quiz, officer, {1: 0})  # passed
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
