"""Who may drive, play and watch a final, and what each page gives away."""

import pytest
from django.urls import reverse

from people.roles import Role
from quizzes.finals.models import Action
from quizzes.finals.services.live import current_state
from tests.factories import PASSWORD, UserFactory
from tests.quizzes.finals.factory import build_final


@pytest.fixture
def live(db):
    return build_final()


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def host_act(client, live, **fields):
    return client.post(reverse("finals:host_act", args=[live.final.pk]), fields)


def console_act(client, live, **fields):
    """An action as the console's htmx sends it: the answer is the panel, or 204."""
    return client.post(
        reverse("finals:host_act", args=[live.final.pk]), fields, HTTP_HX_REQUEST="true"
    )


def test_host_drives_the_final_from_the_console(client, live):
    login(client, live.host)
    page = client.get(reverse("finals:host", args=[live.final.pk]))
    assert page.status_code == 200
    host_act(client, live, kind="start_round", round_id=live.rounds["compulsory"].pk)
    question = live.questions["compulsory"][0]
    response = host_act(client, live, kind="show_question", question_id=question.pk)
    assert response.status_code == 302
    console = client.get(reverse("finals:host", args=[live.final.pk])).content.decode()
    assert question.answer in console  # the host reads the key
    assert Action.objects.filter(final=live.final).count() == 2


@pytest.mark.parametrize("who", ["trainer", "member", "anonymous"])
def test_only_the_host_can_drive_the_final(client, live, who):
    if who == "trainer":
        login(client, UserFactory(roles=[Role.TRAINER]))
    elif who == "member":
        login(client, live.members[0][0].user)
    response = host_act(client, live, kind="start_round", round_id=live.rounds["buzzer"].pk)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login" in response["Location"]
    assert not Action.objects.exists()
    page = client.get(reverse("finals:host", args=[live.final.pk]))
    assert page.status_code in (302, 403)
    panel = client.get(reverse("finals:host_panel", args=[live.final.pk]))
    assert panel.status_code in (302, 403)


def test_an_administrator_may_drive_any_final(client, live):
    login(client, UserFactory(roles=[Role.ADMINISTRATOR]))
    host_act(client, live, kind="start_round", round_id=live.rounds["buzzer"].pk)
    assert Action.objects.count() == 1


def test_htmx_action_returns_the_panel_with_the_rules_refusal(client, live):
    login(client, live.host)
    response = console_act(client, live, kind="judge", correct="1")
    assert response.status_code == 200
    assert "当前没有正在作答的题目" in response.content.decode()
    assert not Action.objects.exists()


def test_a_second_click_from_a_console_that_is_behind_is_refused_not_applied(client, live):
    login(client, live.host)
    team = live.teams[0]
    seen = live.final.version
    adjust = {"kind": "adjust", "team_id": team.pk, "delta": "5", "reason": "计分更正"}
    host_act(client, live, seen_version=seen, **adjust)
    # The same click again (a double tap) still carries the version the console showed.
    response = console_act(client, live, seen_version=seen, **adjust)
    assert "比赛状态已更新" in response.content.decode()
    assert current_state(live.final).scores[team.pk] == 105
    assert Action.objects.count() == 1


def test_a_double_click_on_undo_undoes_one_action(client, live):
    login(client, live.host)
    team = live.teams[0]
    for delta in ("5", "3"):
        live.final.refresh_from_db()
        host_act(
            client,
            live,
            kind="adjust",
            team_id=team.pk,
            delta=delta,
            reason="更正",
            seen_version=live.final.version,
        )
    live.final.refresh_from_db()
    seen = live.final.version
    host_act(client, live, kind="undo", seen_version=seen)
    host_act(client, live, kind="undo", seen_version=seen)
    assert current_state(live.final).scores[team.pk] == 105
    assert Action.objects.filter(undone_at__isnull=False).count() == 1


def test_a_forged_console_version_is_named_in_the_refusal(client, live):
    login(client, live.host)
    response = console_act(client, live, kind="undo", seen_version="abc")
    assert "seen_version" in response.content.decode()
    assert not Action.objects.exists()


def test_adjusting_without_a_reason_is_refused(client, live):
    login(client, live.host)
    host_act(client, live, kind="adjust", team_id=live.teams[0].pk, delta="5", reason="")
    assert not Action.objects.exists()
    host_act(client, live, kind="adjust", team_id=live.teams[0].pk, delta="5", reason="计分更正")
    assert current_state(live.final).scores[live.teams[0].pk] == 105


def test_team_member_buzzes_for_their_own_team_only(client, live):
    from quizzes.finals.services.live import perform

    for kind, data in [
        ("start_round", {"round_id": live.rounds["buzzer"].pk}),
        ("show_question", {"question_id": live.questions["buzzer"][0].pk}),
        ("open_buzzers", {}),
    ]:
        perform(final_id=live.final.pk, kind=kind, actor=live.host, data=data)
    login(client, live.members[1][1].user)
    assert client.get(reverse("finals:team", args=[live.final.pk])).status_code == 200
    reply = client.post(reverse("finals:team_act", args=[live.final.pk]), {"kind": "buzz"})
    assert reply.status_code == 200 and reply.json()["buzz_position"] == 1
    again = client.post(reverse("finals:team_act", args=[live.final.pk]), {"kind": "buzz"})
    assert again.status_code == 409 and again.json()["code"] == "already_buzzed"
    assert current_state(live.final).answering_team == live.teams[1].pk


def test_team_actions_cannot_drive_the_host_console(client, live):
    login(client, live.members[0][0].user)
    reply = client.post(reverse("finals:team_act", args=[live.final.pk]), {"kind": "finish"})
    assert reply.status_code == 409
    assert not Action.objects.exists()


def test_an_outsider_has_no_team_device_and_cannot_buzz(client, live):
    other = build_final(teams=2, members=1)
    login(client, other.members[0][0].user)
    assert client.get(reverse("finals:team", args=[live.final.pk])).status_code == 403
    reply = client.post(reverse("finals:team_act", args=[live.final.pk]), {"kind": "buzz"})
    assert reply.status_code == 403
    assert client.get(reverse("finals:state", args=[live.final.pk])).status_code == 403


def test_screen_needs_the_token_not_a_login(client, live):
    assert client.get(reverse("finals:screen", args=[live.final.screen_token])).status_code == 200
    assert client.get(reverse("finals:screen", args=["guessed-token"])).status_code == 404


def test_the_answer_is_not_sent_to_devices_before_it_is_revealed(client, live):
    from quizzes.finals.services.live import perform

    question = live.questions["buzzer"][0]
    perform(
        final_id=live.final.pk,
        kind="start_round",
        actor=live.host,
        data={"round_id": live.rounds["buzzer"].pk},
    )
    perform(
        final_id=live.final.pk,
        kind="show_question",
        actor=live.host,
        data={"question_id": question.pk},
    )
    screen = reverse("finals:screen_state", args=[live.final.screen_token])
    shown = client.get(screen).json()
    assert shown["question"]["stem"] == question.stem
    assert shown["question"]["answer"] is None
    assert question.explanation not in client.get(screen).content.decode()
    page = client.get(reverse("finals:screen", args=[live.final.screen_token])).content.decode()
    assert question.explanation not in page
    perform(final_id=live.final.pk, kind="reveal", actor=live.host)
    assert client.get(screen).json()["question"]["answer"] == question.answer


def test_forged_team_in_an_adjustment_is_not_found(client, live):
    other = build_final(teams=2, members=1)
    login(client, live.host)
    response = host_act(
        client, live, kind="adjust", team_id=other.teams[0].pk, delta="5", reason="伪造"
    )
    assert response.status_code == 404
    assert not Action.objects.exists()


def test_dashboard_leads_team_members_to_their_device_until_the_final_ends(client, live):
    from django.utils import timezone

    device = reverse("finals:team", args=[live.final.pk])
    login(client, live.members[0][0].user)
    assert device in client.get(reverse("dashboard")).content.decode()
    live.final.finished_at = timezone.now()
    live.final.save()
    assert device not in client.get(reverse("dashboard")).content.decode()
    outsider = build_final(teams=2, members=1)
    login(client, outsider.members[0][0].user)
    assert device not in client.get(reverse("dashboard")).content.decode()
