"""Answer keys and explanations never reach an officer before the review options allow.

The world's quiz shows scores at once but never its answers or explanations; its questions
carry distinctive explanations and a distinctive reference answer. The live final's question
has a distinctive key and explanation, shown to teams and the screen only once revealed.
"""

import json
import re

import pytest
from django.urls import reverse

from quizzes.finals.services.live import perform
from tests.security.conftest import client_for
from tests.security.world import EXPLANATION, SHORT_REFERENCE

SECRETS = (EXPLANATION, SHORT_REFERENCE)
FINAL_SECRETS = ("FINAL-KEY", "FINAL-EXPLANATION")


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _assert_no_secret(text: str, secrets=SECRETS, where: str = ""):
    """Neither as text nor escaped inside JSON (json_script escapes non-ASCII)."""
    for secret in secrets:
        for form in (secret, json.dumps(secret)[1:-1], secret.split()[0]):
            assert form not in text, f"{where}: {secret!r} is on the page"


def _scripts(html: str) -> list[str]:
    return re.findall(r'<script[^>]+src="([^"]+)"', html)


def test_the_exam_page_and_its_scripts_carry_no_key_or_explanation(world, db):
    client = client_for(world, "officer")
    html = _text(client.get(reverse("quizzes:take", args=[world.attempt.pk])))
    _assert_no_secret(html, where="take page")
    assert "data-correct" not in html and '"answer"' not in html
    for src in _scripts(html):
        response = client.get(src)
        if response.status_code == 200:  # static files served by WhiteNoise in tests
            body = b"".join(response.streaming_content) if response.streaming else response.content
            _assert_no_secret(body.decode("utf-8", "replace"), where=src)


def test_saving_an_answer_answers_with_the_officers_own_response_only(world, db):
    item = next(i for i in world.attempt.items.all() if i.version.payload["kind"] == "single")
    response = client_for(world, "officer").post(
        reverse("quizzes:save", args=[world.attempt.pk]),
        json.dumps({"position": item.position, "response": 0, "seq": 50}),
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200 and body["ok"]
    assert set(body) == {"ok", "position", "seq", "response", "saved_at"}
    assert body["response"] == 0


@pytest.mark.parametrize("name", ["quizzes:mine", "quizzes:notebook"])
def test_exam_lists_and_the_notebook_hide_unreleased_keys(world, db, name):
    _assert_no_secret(_text(client_for(world, "officer").get(reverse(name))), where=name)


def test_the_notebook_holds_no_question_of_an_exam_whose_keys_are_unreleased(world, db):
    """Regression: a question missed in an exam showed its key and explanation in the
    notebook (and could be practised, which checks it) while the exam still hid them."""
    from quizzes.services import notebook

    assert notebook.missed_count(world.officer_a) == 0
    response = client_for(world, "officer").post(reverse("quizzes:notebook_practice"))
    assert response.status_code == 302 and response["Location"] == reverse("quizzes:notebook")


def test_the_notebook_shows_the_key_once_the_exam_releases_it(world, db):
    from quizzes.services import notebook

    world.quiz.show_answers = "immediately"
    world.quiz.save(update_fields=["show_answers"])
    assert notebook.missed_count(world.officer_a) == 1
    html = _text(client_for(world, "officer").get(reverse("quizzes:notebook")))
    assert "现场检查笔录应当采用" in html
    assert EXPLANATION not in html  # explanations are still never shown
    world.quiz.show_explanations = "immediately"
    world.quiz.save(update_fields=["show_explanations"])
    assert EXPLANATION in _text(client_for(world, "officer").get(reverse("quizzes:notebook")))


def test_the_result_and_quiz_pages_hide_keys_the_quiz_never_shows(world, db):
    client = client_for(world, "officer")
    result = _text(client.get(reverse("quizzes:result", args=[world.finished_attempt.pk])))
    _assert_no_secret(result, where="result")
    detail = _text(client.get(reverse("quizzes:detail", args=[world.quiz.pk])))
    _assert_no_secret(detail, where="quiz detail")


def test_a_practice_check_does_show_the_key_so_the_markers_are_real(world, db):
    """The secrets above are the ones a page would show: practice shows them by design."""
    client = client_for(world, "officer")
    practice = world.practice_attempt
    item = practice.items.get()
    client.post(
        reverse("quizzes:save", args=[practice.pk]),
        json.dumps({"position": item.position, "response": 0, "seq": 1}),
        content_type="application/json",
    )
    feedback = _text(client.post(reverse("quizzes:check", args=[practice.pk, item.position])))
    assert EXPLANATION in feedback


def test_admin_choosers_open_to_hr_list_no_keys(world, db):
    client = client_for(world, "city_hr")
    for name in (
        "wagtailsnippetchoosers_quizzes_question:choose_results",
        "wagtailsnippetchoosers_finals_roundquestion:choose_results",
    ):
        html = _text(client.get(reverse(name)))
        _assert_no_secret(html, SECRETS + FINAL_SECRETS, where=name)


# --- The live final ------------------------------------------------------------------------


def _show_question(world):
    host = world.users["trainer"]
    final = world.final
    perform(
        final_id=final.pk, kind="start_round", actor=host, data={"round_id": world.final_round.pk}
    )
    perform(
        final_id=final.pk,
        kind="show_question",
        actor=host,
        data={"question_id": world.final_question.pk},
    )


def _final_views(world):
    final = world.final
    return {
        "team page": ("officer", reverse("finals:team", args=[final.pk])),
        "team state": ("officer", reverse("finals:state", args=[final.pk])),
        "screen": ("anonymous", reverse("finals:screen", args=[final.screen_token])),
        "screen state": ("anonymous", reverse("finals:screen_state", args=[final.screen_token])),
    }


def test_team_devices_and_the_screen_get_no_key_before_the_reveal(world, db):
    _show_question(world)
    for where, (role, url) in _final_views(world).items():
        text = _text(client_for(world, role).get(url))
        stem = "网吧每日营业时间"
        assert stem in text or json.dumps(stem)[1:-1] in text, where  # the question is shown
        _assert_no_secret(text, FINAL_SECRETS, where=where)
    host_page = _text(
        client_for(world, "trainer").get(reverse("finals:host", args=[world.final.pk]))
    )
    assert "FINAL-KEY" in host_page  # the host reads it


def test_the_screen_state_carries_the_key_once_revealed(world, db):
    _show_question(world)
    perform(final_id=world.final.pk, kind="reveal", actor=world.users["trainer"])
    state = _text(client_for(world, "anonymous").get(_final_views(world)["screen state"][1]))
    assert "FINAL-KEY" in state
