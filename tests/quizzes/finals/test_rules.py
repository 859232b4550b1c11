"""The scoring rules of a live final, on the pure reducer (no database)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from quizzes.finals.services.replay import (
    ANSWERING,
    BUZZING,
    CLOSED,
    JUDGED,
    SHOWN,
    VOID,
    Event,
    QuestionInfo,
    RoundInfo,
    RuleError,
    Stage,
    TeamInfo,
    apply,
    initial_state,
    replay,
)

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
A, B, C = 1, 2, 3
COMPULSORY, BUZZER, RISK, TIEBREAK = 10, 20, 30, 40

STAGE = Stage(
    teams=(
        TeamInfo(A, "一队", Decimal(100), 0),
        TeamInfo(B, "二队", Decimal(100), 1),
        TeamInfo(C, "三队", Decimal(100), 2),
    ),
    rounds=(
        RoundInfo(COMPULSORY, "compulsory", 10, 0, 30),
        RoundInfo(BUZZER, "buzzer", 10, 10, 20),
        RoundInfo(RISK, "risk", 0, 0, 60),
        RoundInfo(TIEBREAK, "tiebreak", 10, 10, 20),
    ),
    questions=(
        QuestionInfo(101, COMPULSORY, A),
        QuestionInfo(102, COMPULSORY, B),
        QuestionInfo(201, BUZZER),
        QuestionInfo(202, BUZZER),
        QuestionInfo(301, RISK),
        QuestionInfo(302, RISK),
        QuestionInfo(303, RISK),
        QuestionInfo(401, TIEBREAK),
    ),
    early_buzz_penalty=15,
    risk_values=(10, 20, 30),
)


def run(*steps):
    """Steps are (kind, team, data); returns the state after all of them."""
    events = [
        Event(seq=n, kind=kind, at=T0 + timedelta(seconds=n), team_id=team, data=data)
        for n, (kind, team, data) in enumerate(steps, start=1)
    ]
    return replay(STAGE, events)


def step(kind, team=None, **data):
    return (kind, team, data)


def scores(state):
    return {team: int(score) for team, score in state.scores.items()}


def test_teams_start_with_their_stated_score():
    assert scores(initial_state(STAGE)) == {A: 100, B: 100, C: 100}


def test_compulsory_question_scores_for_its_own_team_and_a_wrong_answer_costs_nothing():
    state = run(
        step("start_round", round_id=COMPULSORY),
        step("show_question", question_id=101),
        step("judge", correct=True),
        step("show_question", question_id=102),
        step("judge", correct=False),
    )
    assert scores(state) == {A: 110, B: 100, C: 100}
    assert state.phase == JUDGED and state.last_result["team"] == B


def test_a_question_cannot_be_shown_twice():
    with pytest.raises(RuleError) as error:
        run(
            step("start_round", round_id=COMPULSORY),
            step("show_question", question_id=101),
            step("judge", correct=True),
            step("show_question", question_id=101),
        )
    assert error.value.code == "asked"


def test_first_buzz_after_opening_answers_and_right_and_wrong_both_score():
    state = run(
        step("start_round", round_id=BUZZER),
        step("show_question", question_id=201),
        step("open_buzzers"),
        step("buzz", C),
        step("buzz", A),
    )
    assert state.phase == ANSWERING and state.answering_team == C
    assert state.buzz_order == [C, A]
    right = apply(STAGE, state, Event(99, "judge", T0, data={"correct": True}))
    wrong = apply(STAGE, state, Event(99, "judge", T0, data={"correct": False}))
    assert scores(right)[C] == 110
    assert scores(wrong)[C] == 90
    assert scores(wrong)[A] == 100


def test_early_buzz_is_penalised_and_voids_the_question():
    state = run(
        step("start_round", round_id=BUZZER),
        step("show_question", question_id=201),
        step("buzz", B),
    )
    assert state.phase == VOID
    assert scores(state) == {A: 100, B: 85, C: 100}
    with pytest.raises(RuleError):
        apply(STAGE, state, Event(9, "open_buzzers", T0))
    with pytest.raises(RuleError):
        apply(STAGE, state, Event(9, "judge", T0, data={"correct": True}))


def test_a_buzz_with_no_question_shown_is_refused_without_penalty():
    state = run(step("start_round", round_id=BUZZER))
    with pytest.raises(RuleError) as error:
        apply(STAGE, state, Event(2, "buzz", T0, team_id=A))
    assert error.value.code == "no_question"
    assert scores(state) == {A: 100, B: 100, C: 100}


def test_a_team_buzzes_once_per_question():
    state = run(
        step("start_round", round_id=BUZZER),
        step("show_question", question_id=201),
        step("open_buzzers"),
        step("buzz", A),
    )
    with pytest.raises(RuleError) as error:
        apply(STAGE, state, Event(9, "buzz", T0, team_id=A))
    assert error.value.code == "already_buzzed"


def test_nobody_buzzing_closes_the_question_with_the_answer_shown():
    state = run(
        step("start_round", round_id=BUZZER),
        step("show_question", question_id=201),
        step("open_buzzers"),
        step("reveal"),
    )
    assert state.phase == CLOSED and state.revealed
    assert scores(state) == {A: 100, B: 100, C: 100}


def test_buzzers_open_only_in_buzzer_rounds_and_after_the_question_is_shown():
    with pytest.raises(RuleError):
        run(step("start_round", round_id=BUZZER), step("open_buzzers"))
    with pytest.raises(RuleError):
        run(
            step("start_round", round_id=COMPULSORY),
            step("show_question", question_id=101),
            step("open_buzzers"),
        )


def test_risk_turns_follow_the_ranking_at_the_start_of_the_round():
    # B leads, then A; C last.
    state = run(
        step("adjust", B, delta="20", reason="上一环节"),
        step("adjust", A, delta="10", reason="上一环节"),
        step("start_round", round_id=RISK),
    )
    assert state.turn_order == [B, A, C]
    with pytest.raises(RuleError) as error:
        apply(STAGE, state, Event(9, "pick_risk", T0, team_id=A, data={"value": 10}))
    assert error.value.code == "not_your_turn"


def test_risk_value_is_added_when_right_and_deducted_when_wrong():
    state = run(
        step("start_round", round_id=RISK),
        step("pick_risk", A, value=30),
        step("show_question", question_id=301),
        step("judge", correct=False),
        step("pick_risk", B, value=20),
        step("show_question", question_id=302),
        step("judge", correct=True),
    )
    assert scores(state) == {A: 70, B: 120, C: 100}
    assert state.turn_order[2] == C and state.phase == JUDGED


def test_risk_question_needs_the_teams_pick_first_and_only_stated_values():
    state = run(step("start_round", round_id=RISK))
    with pytest.raises(RuleError) as error:
        apply(STAGE, state, Event(9, "show_question", T0, data={"question_id": 301}))
    assert error.value.code == "no_pick"
    with pytest.raises(RuleError) as error:
        apply(STAGE, state, Event(9, "pick_risk", T0, team_id=A, data={"value": 25}))
    assert error.value.code == "bad_value"


def test_tiebreak_lets_only_the_tied_teams_buzz():
    state = run(
        step("adjust", C, delta="-10", reason="犯规"),
        step("start_round", round_id=TIEBREAK, teams=[A, B]),
        step("show_question", question_id=401),
        step("open_buzzers"),
    )
    with pytest.raises(RuleError) as error:
        apply(STAGE, state, Event(9, "buzz", T0, team_id=C))
    assert error.value.code == "not_contender"
    after = apply(STAGE, state, Event(9, "buzz", T0, team_id=B))
    after = apply(STAGE, after, Event(10, "judge", T0, data={"correct": True}))
    assert [team for _rank, team in after.ranking(STAGE.teams)] == [B, A, C]
    assert after.ranking(STAGE.teams)[0][0] == 1 and after.ranking(STAGE.teams)[1][0] == 2


def test_tiebreak_needs_two_teams():
    with pytest.raises(RuleError) as error:
        run(step("start_round", round_id=TIEBREAK, teams=[A]))
    assert error.value.code == "tiebreak_teams"


def test_equal_scores_share_a_rank():
    state = run(step("adjust", C, delta="5", reason="加分"))
    assert state.ranking(STAGE.teams) == [(1, C), (2, A), (2, B)]


def test_adjusting_a_score_needs_a_reason_and_a_number():
    with pytest.raises(RuleError) as error:
        run(step("adjust", A, delta="5", reason=" "))
    assert error.value.code == "reason_required"
    with pytest.raises(RuleError) as error:
        run(step("adjust", A, delta="五", reason="笔误"))
    assert error.value.code == "bad_delta"
    assert scores(run(step("adjust", A, delta="-2.5", reason="笔误"))) == {A: 97, B: 100, C: 100}


def test_timer_runs_from_the_action_for_the_rounds_seconds():
    state = run(
        step("start_round", round_id=BUZZER),
        step("show_question", question_id=201),
        step("open_buzzers"),
    )
    assert state.phase == BUZZING
    assert state.timer_ends_at == T0 + timedelta(seconds=3 + 20)


def test_nothing_is_accepted_after_the_final_is_finished():
    state = run(step("finish"))
    with pytest.raises(RuleError) as error:
        apply(STAGE, state, Event(2, "adjust", T0, team_id=A, data={"delta": "1", "reason": "x"}))
    assert error.value.code == "finished"


def test_an_open_question_must_be_judged_before_moving_on():
    with pytest.raises(RuleError) as error:
        run(
            step("start_round", round_id=COMPULSORY),
            step("show_question", question_id=101),
            step("start_round", round_id=BUZZER),
        )
    assert error.value.code == "question_open"
    state = run(step("start_round", round_id=BUZZER), step("show_question", question_id=201))
    assert state.phase == SHOWN
