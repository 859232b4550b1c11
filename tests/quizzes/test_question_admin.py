"""Trainers in the Wagtail admin: writing questions, categories, grading, proctoring."""

import json

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Category, Question
from quizzes.services import attempts
from tests.factories import PASSWORD, OfficerFactory, UserFactory
from tests.quizzes import bank_factory as bf

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/snippets/quizzes/question/add/"


@pytest.fixture
def trainer(client):
    user = UserFactory(roles=["教员"])
    user.must_change_password = False
    user.save()
    assert client.login(username=user.username, password=PASSWORD)
    return user


def question_form(category, **changes):
    data = {
        "category": category.pk,
        "status": "active",
        "kind": "single",
        "points": "2",
        "stem": "网吧经营单位接纳未成年人进入营业场所的，由谁责令改正？",
        "option_a": "文化和旅游主管部门",
        "option_b": "市场监督管理部门",
        "option_c": "公安机关",
        "answer": "A",
        "explanation": "依据第三十一条。",
        "rubric": "",
        "difficulty": "2",
        "tags": "网吧,未成年人",
        "parts-TOTAL_FORMS": "0",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_trainer_writes_a_question_the_way_the_template_does_and_it_is_frozen(client, trainer):
    category = bf.category()
    response = client.post(ADD_URL, question_form(category))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get()
    assert question.options == ["文化和旅游主管部门", "市场监督管理部门", "公安机关"]
    assert question.current_version.payload["answer"] == "A"
    assert sorted(question.tags.names()) == ["未成年人", "网吧"]
    assert question.created_by == trainer


def test_an_answer_that_is_not_an_option_is_refused_naming_the_field(client, trainer):
    category = bf.category()
    response = client.post(ADD_URL, question_form(category, answer="E"))
    assert response.status_code == 200
    assert "答案“E”不是已有的选项" in response.content.decode()
    assert not Question.objects.exists()


def test_a_case_question_keeps_its_sub_questions(client, trainer):
    category = bf.category()
    data = question_form(
        category,
        kind="case",
        stem="某网吧接纳未成年人……",
        answer="",
        option_a="",
        option_b="",
        option_c="",
        rubric="认定事实、适用条款、处罚幅度",
    )
    data.update(
        {
            "parts-TOTAL_FORMS": "2",
            "parts-0-kind": "truefalse",
            "parts-0-stem": "该网吧的行为违法。",
            "parts-0-answer": "对",
            "parts-0-points": "2",
            "parts-0-ORDER": "1",
            "parts-1-kind": "short",
            "parts-1-stem": "应如何处罚？",
            "parts-1-answer": "责令改正，给予警告",
            "parts-1-points": "4",
            "parts-1-ORDER": "2",
        }
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    payload = Question.objects.get().current_version.payload
    assert [p["kind"] for p in payload["parts"]] == ["truefalse", "short"]


def test_officers_cannot_open_the_question_bank(client, city):
    officer = OfficerFactory(unit=city["east"])
    officer.user.must_change_password = False
    officer.user.save()
    client.login(username=officer.user.username, password=PASSWORD)
    assert client.get(ADD_URL).status_code in (302, 403)
    assert client.get(reverse("quiz_admin:grading")).status_code in (302, 403)


def test_a_category_is_placed_under_its_parent(client, trainer):
    parent = bf.category("著作权法")
    response = client.post(
        "/admin/snippets/quizzes/category/add/",
        {"name": "侵权责任", "parent": parent.pk, "order": 0},
    )
    assert response.status_code == 302
    assert Category.objects.get(name="侵权责任").full_name == "著作权法 / 侵权责任"


def test_grading_queue_grades_a_short_answer_and_totals_the_attempt(client, trainer, city):
    cat = bf.category()
    quiz = bf.quiz(fixed=[bf.question("short", cat, points="5")])
    officer = OfficerFactory(unit=city["east"])
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    attempts.save_answer(
        attempt_id=attempt.pk, officer_id=officer.pk, position=1, response="应当举行听证", seq=1
    )
    attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
    queue = client.get(reverse("quiz_admin:grading")).content.decode()
    assert officer.name in queue
    item = attempt.items.get()
    page = client.get(reverse("quiz_admin:grade", args=[item.pk])).content.decode()
    assert "应当举行听证" in page
    response = client.post(
        reverse("quiz_admin:grade", args=[item.pk]), {"score_1": "3.5", "feedback": "要点不全"}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED and str(attempt.score) == "3.50"


def test_the_proctor_sees_focus_losses_but_scores_are_untouched(client, trainer, city):
    cat = bf.category()
    quiz = bf.quiz(fixed=[bf.question("single", cat)])
    officer = OfficerFactory(unit=city["east"])
    officer.user.must_change_password = False
    officer.user.save()
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    other = client.__class__()
    other.login(username=officer.user.username, password=PASSWORD)
    other.post(
        reverse("quizzes:event", args=[attempt.pk]),
        data=json.dumps({"kind": "hidden"}),
        content_type="application/json",
    )
    page = client.get(reverse("quiz_admin:proctor", args=[quiz.pk])).content.decode()
    assert 'data-testid="away-count">1<' in page
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.IN_PROGRESS


def test_legal_basis_is_typed_like_the_template_and_resolved_to_current_articles(client, trainer):
    from tests.courses.course_factory import import_tiny_regulation

    articles = import_tiny_regulation()
    category = bf.category()
    response = client.post(
        ADD_URL, question_form(category, citations="《测试市文化市场管理条例》第二条；第三条")
    )
    assert response.status_code == 302
    assert set(Question.objects.get().cited_articles.all()) == {
        articles["第二条"],
        articles["第三条"],
    }


def test_an_unknown_article_in_the_legal_basis_is_refused(client, trainer):
    from tests.courses.course_factory import import_tiny_regulation

    import_tiny_regulation()
    response = client.post(
        ADD_URL, question_form(bf.category(), citations="《测试市文化市场管理条例》第九十九条")
    )
    assert response.status_code == 200
    assert "现行文本中没有" in response.content.decode()
    assert not Question.objects.exists()


def test_the_preview_shows_the_question_as_officers_see_it_and_the_key_below(client, trainer):
    question = bf.question("single", bf.category(), explanation="依据第四条。")
    url = f"/admin/snippets/quizzes/question/preview/{question.pk}/"
    data = question_form(question.category, stem=question.stem, answer="C")
    assert client.post(url, data).json()["is_valid"] is True
    html = client.get(url).content.decode()
    assert question.stem in html and "阅卷后可见" in html
