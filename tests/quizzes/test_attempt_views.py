"""The officer's exam pages over HTTP: ownership, no leaked keys, saving, results."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, IntegrityEvent
from quizzes.services import attempts
from tests.factories import PASSWORD, OfficerFactory
from tests.quizzes import bank_factory as bf

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(city):
    cat = bf.category()
    questions = [
        bf.question("single", cat, explanation="解析：依据第四条，规定必须公布。"),
        bf.question("fill", cat, explanation="解析：十五日内缴纳。"),
        bf.question("case", cat),
    ]
    return bf.quiz(fixed=questions, show_answers="after_close", show_explanations="after_close")


def login(client, officer):
    officer.user.must_change_password = False
    officer.user.save()
    assert client.login(username=officer.user.username, password=PASSWORD)
    return client


def start(client, quiz) -> Attempt:
    response = client.post(reverse("quizzes:start", args=[quiz.pk]))
    assert response.status_code == 302
    return Attempt.objects.latest("started_at")


def save(client, attempt, position, response, seq=1):
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps({"position": position, "response": response, "seq": seq}),
        content_type="application/json",
    )


def test_the_exam_page_never_contains_keys_explanations_or_rubrics(client, city, exam):
    officer = OfficerFactory(unit=city["east"])
    login(client, officer)
    attempt = start(client, exam)
    html = client.get(reverse("quizzes:take", args=[attempt.pk])).content.decode()
    assert "对违法行为给予行政处罚的规定必须" in html  # the question is there
    for secret in ("解析：依据第四条", "十五|15", "十五", "要点：适用条款", "较大数额罚款、没收"):
        assert secret not in html
    assert "correct" not in html.lower()


def test_an_officer_cannot_open_read_or_answer_another_officers_attempt(client, city, exam):
    owner = OfficerFactory(unit=city["east"])
    attempt = attempts.start_attempt(quiz=exam, officer=owner)
    login(client, OfficerFactory(unit=city["east"]))
    for name in ("take", "result"):
        assert client.get(reverse(f"quizzes:{name}", args=[attempt.pk])).status_code == 404
    assert save(client, attempt, 1, 0).status_code == 404
    assert client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
    assert (
        client.post(
            reverse("quizzes:event", args=[attempt.pk]), data="{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert not attempt.items.filter(response__isnull=False).exists()


def test_saving_answers_acknowledges_and_survives_a_reload(client, city, exam):
    officer = OfficerFactory(unit=city["east"])
    login(client, officer)
    attempt = start(client, exam)
    item = attempt.items.get(version__payload__kind="single")
    option = item.option_order[2]
    response = save(client, attempt, item.position, option)
    assert response.status_code == 200 and response.json()["ok"]
    html = client.get(reverse("quizzes:take", args=[attempt.pk])).content.decode()
    assert f'value="{option}" checked' in html


def test_a_forged_answer_is_refused_and_changes_nothing(client, city, exam):
    officer = OfficerFactory(unit=city["east"])
    login(client, officer)
    attempt = start(client, exam)
    item = attempt.items.get(version__payload__kind="single")
    assert save(client, attempt, item.position, 99).status_code == 400
    assert save(client, attempt, 999, 0).status_code == 404
    bad = client.post(
        reverse("quizzes:save", args=[attempt.pk]), data="not json", content_type="application/json"
    )
    assert bad.status_code == 400
    item.refresh_from_db()
    assert item.response is None


def test_answers_after_the_deadline_get_a_refusal(client, city, exam):
    officer = OfficerFactory(unit=city["east"])
    login(client, officer)
    attempt = start(client, exam)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now())
    response = save(client, attempt, 1, 0)
    assert response.status_code == 409 and response.json()["code"] == "time_up"
    assert Attempt.objects.get(pk=attempt.pk).state != Attempt.State.IN_PROGRESS


def test_result_shows_keys_only_once_the_quiz_has_closed(client, city, exam):
    officer = OfficerFactory(unit=city["east"])
    login(client, officer)
    attempt = start(client, exam)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "解析：依据第四条" not in html and "正确答案和各题得分将在考试关闭后公布" in html
    exam.closes_at = timezone.now()
    exam.save()
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "解析：依据第四条" in html


MARK = re.compile(r"<span>[\d.]+ / [\d.]+</span>")  # a question's own mark on the result


def test_a_released_score_gives_no_per_question_marks_until_the_keys_are_released(client, city):
    """A true/false question marked 0 / 1 tells its key: the total score may be released at
    once, the marks per question only with the answers."""
    cat = bf.category()
    quiz = bf.quiz(
        fixed=[bf.question("truefalse", cat), bf.question("single", cat)],
        shuffle_questions=False,
        show_score="immediately",
        show_answers="after_close",
    )
    login(client, OfficerFactory(unit=city["east"]))
    attempt = start(client, quiz)
    save(client, attempt, 1, True)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED

    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert 'data-testid="score"' in html  # the total is released
    assert not MARK.findall(html)  # no question's own mark
    assert "正确答案和各题得分将在考试关闭后公布" in html

    quiz.closes_at = timezone.now()
    quiz.save()
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert MARK.findall(html) == ["<span>0 / 2</span>", "<span>0 / 2</span>"]


def test_a_quiz_that_never_shows_answers_says_so_on_the_result(client, city, exam):
    exam.show_answers = "never"
    exam.show_explanations = "never"
    exam.save()
    login(client, OfficerFactory(unit=city["east"]))
    attempt = start(client, exam)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    exam.closes_at = timezone.now()
    exam.save()
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "本考试不公布正确答案和各题得分" in html and "将在考试关闭后公布" not in html


def test_the_exam_page_speaks_the_officers_language_down_to_the_question_types(client, city, exam):
    login(client, OfficerFactory(unit=city["east"]))
    attempt = start(client, exam)
    url = reverse("quizzes:take", args=[attempt.pk])
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "单选题" in chinese and "案例分析题" in chinese
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Single choice" in english and "Case analysis" in english
    assert "单选题" not in english and "案例分析题" not in english


def test_focus_loss_is_recorded_and_nothing_else_happens(client, city, exam):
    officer = OfficerFactory(unit=city["east"])
    login(client, officer)
    attempt = start(client, exam)
    response = client.post(
        reverse("quizzes:event", args=[attempt.pk]),
        data=json.dumps({"kind": "hidden", "away_seconds": 12}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert IntegrityEvent.objects.get(attempt=attempt).kind == "hidden"
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.IN_PROGRESS


def test_practice_check_reveals_the_key_for_that_question_only(client, city):
    cat = bf.category()
    quiz = bf.quiz(
        fixed=[bf.question("single", cat), bf.question("truefalse", cat)],
        mode="practice",
        time_limit_minutes=0,
        shuffle_questions=False,
    )
    officer = OfficerFactory(unit=city["east"])
    login(client, officer)
    attempt = start(client, quiz)
    save(client, attempt, 1, attempt.items.get(position=1).option_order.index(0) * 0)
    html = client.post(reverse("quizzes:check", args=[attempt.pk, 1])).content.decode()
    assert "正确答案" in html and "single 的解析" in html
    assert save(client, attempt, 1, 1).status_code == 409  # checked answers are locked
    assert (
        "truefalse 的解析"
        not in client.get(reverse("quizzes:take", args=[attempt.pk])).content.decode()
    )
    assert attempt.items.get(position=1).score == Decimal("2.00")
