"""Driving a final through the services: the log, undo, audit, buzz order, standings."""

import threading

import pytest
from django.db import close_old_connections, connection

from people.models import AuditEntry
from quizzes.finals.models import Action, Final
from quizzes.finals.services.live import FinalError, current_state, perform, undo_last
from quizzes.finals.services.standings import final_standings
from tests.quizzes.finals.factory import build_final


@pytest.fixture
def live(db):
    return build_final()


def act(live, kind, team=None, **data):
    return perform(
        final_id=live.final.pk,
        kind=kind,
        actor=live.host,
        team_id=team.pk if team else None,
        data=data,
        reason=data.pop("reason", "") if kind == "adjust" else "",
    )


def open_buzzer_question(live):
    act(live, "start_round", round_id=live.rounds["buzzer"].pk)
    act(live, "show_question", question_id=live.questions["buzzer"][0].pk)
    act(live, "open_buzzers")


def test_every_action_is_logged_and_audited_in_order(live):
    open_buzzer_question(live)
    assert list(Action.objects.filter(final=live.final).values_list("seq", "kind")) == [
        (1, "start_round"),
        (2, "show_question"),
        (3, "open_buzzers"),
    ]
    assert AuditEntry.objects.filter(action="final.open_buzzers", actor=live.host).count() == 1
    live.final.refresh_from_db()
    assert live.final.started_at is not None and live.final.version == 3


def test_a_refused_action_writes_nothing(live):
    with pytest.raises(FinalError) as error:
        act(live, "judge", correct=True)
    assert error.value.code == "no_question"
    assert not Action.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="final.").exists()


def test_undo_removes_the_last_action_and_can_be_repeated(live):
    team = live.teams[0]
    act(live, "adjust", team, delta="5", reason="计分笔误更正")
    act(live, "adjust", team, delta="3", reason="再次更正")
    assert current_state(live.final).scores[team.pk] == 108
    undo_last(final_id=live.final.pk, actor=live.host)
    assert current_state(live.final).scores[team.pk] == 105
    undo_last(final_id=live.final.pk, actor=live.host)
    assert current_state(live.final).scores[team.pk] == 100
    with pytest.raises(FinalError):
        undo_last(final_id=live.final.pk, actor=live.host)
    assert Action.objects.filter(undone_by=live.host).count() == 2
    assert AuditEntry.objects.filter(action="final.undo").count() == 2
    # New actions never reuse an undone action's sequence number.
    act(live, "adjust", team, delta="1", reason="第三次")
    assert Action.objects.order_by("-seq").first().seq == 3


def test_undoing_a_judgement_reopens_the_question(live):
    open_buzzer_question(live)
    act(live, "buzz", live.teams[1])
    act(live, "judge", correct=False)
    assert current_state(live.final).scores[live.teams[1].pk] == 90
    state = undo_last(final_id=live.final.pk, actor=live.host)
    assert state.phase == "answering" and state.scores[live.teams[1].pk] == 100


def test_finishing_and_undoing_the_finish(live):
    act(live, "finish")
    live.final.refresh_from_db()
    assert live.final.finished_at is not None
    undo_last(final_id=live.final.pk, actor=live.host)
    live.final.refresh_from_db()
    assert live.final.finished_at is None


def test_standings_rank_by_score_with_members_for_awards(live):
    act(live, "adjust", live.teams[2], delta="20", reason="必答题")
    act(live, "adjust", live.teams[0], delta="10", reason="必答题")
    standings = final_standings(live.final)
    assert [(s.rank, s.team_id) for s in standings] == [
        (1, live.teams[2].pk),
        (2, live.teams[0].pk),
        (3, live.teams[1].pk),
    ]
    assert standings[0].officer_ids == tuple(sorted(o.pk for o in live.members[2]))
    assert standings[0].score == 120


@pytest.mark.django_db(transaction=True)
def test_concurrent_buzzes_get_one_answering_team_and_a_strict_order():
    live = build_final(teams=6, members=1)
    open_buzzer_question(live)
    barrier = threading.Barrier(len(live.teams))
    errors = []

    def buzz(team):
        try:
            barrier.wait()
            perform(final_id=live.final.pk, kind="buzz", actor=None, team_id=team.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=buzz, args=(team,)) for team in live.teams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    state = current_state(Final.objects.get(pk=live.final.pk))
    buzzes = list(
        Action.objects.filter(final=live.final, kind="buzz")
        .order_by("seq")
        .values_list("seq", "team_id")
    )
    # Six buzzes, consecutive sequence numbers, each team once, the first one answering.
    assert [seq for seq, _team in buzzes] == list(range(4, 10))
    assert sorted(team for _seq, team in buzzes) == sorted(t.pk for t in live.teams)
    assert state.buzz_order == [team for _seq, team in buzzes]
    assert state.answering_team == buzzes[0][1]


def _console(live, kind, seen, **data):
    return perform(final_id=live.final.pk, kind=kind, actor=live.host, data=data, seen_version=seen)


def test_a_team_buzz_between_two_host_clicks_does_not_make_the_second_stale(live):
    _console(live, "start_round", 0, round_id=live.rounds["buzzer"].pk)
    _console(live, "show_question", 1, question_id=live.questions["buzzer"][0].pk)
    _console(live, "open_buzzers", 2)
    # The console shows version 3; a team buzzes (version 4) before the host judges.
    perform(final_id=live.final.pk, kind="buzz", actor=None, team_id=live.teams[0].pk)
    _console(live, "judge", 3, correct=True)
    # The same judge click again, from the console that still shows version 3: refused.
    with pytest.raises(FinalError) as error:
        _console(live, "judge", 3, correct=True)
    assert error.value.code == "stale_console"
    assert Action.objects.filter(final=live.final, kind="judge").count() == 1
