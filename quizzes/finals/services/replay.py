"""The rules of a live final, as a pure reducer over its action log (no ORM here).

`replay(stage, events)` folds the accepted, not-undone actions into the stage state; the
services call `apply` on the state with a new action first, so an action the rules refuse
is never written. The rules:

- 必答 compulsory: the question's team (or the next team in turn) answers; right scores
  `points_right`, wrong scores nothing.
- 抢答 buzzer and 加赛 tiebreak: the host opens the buzzers; the first buzz the server accepts
  answers; right +`points_right`, wrong −`points_wrong`. A buzz while the question is shown
  but the buzzers are not open costs `early_buzz_penalty` and voids the question. A buzz
  when no question is shown does nothing. In a tiebreak only the tied teams may buzz.
- 风险 risk: the turn order is the ranking when the round starts (higher score first, then
  team order); the team whose turn it is picks one of the stated values, then answers its
  question: right +value, wrong −value.
- The host may adjust a score with a reason; the last action can be undone, repeatedly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

COMPULSORY, BUZZER, RISK, TIEBREAK = "compulsory", "buzzer", "risk", "tiebreak"
BUZZ_KINDS = (BUZZER, TIEBREAK)

# Phases of the current question.
IDLE = "idle"  # no question shown (between questions, or a round just started)
SHOWN = "shown"  # the question is on screen; buzzers closed
BUZZING = "buzzing"  # buzzers open, nobody has buzzed yet
ANSWERING = "answering"  # a team is answering
JUDGED = "judged"  # the host said right or wrong
VOID = "void"  # voided by an early buzz
CLOSED = "closed"  # answer revealed without a judgement (nobody buzzed)


class RuleError(Exception):
    """An action the rules do not allow now; `code` is stable, `message` is for the host."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str
    start_score: Decimal
    order: int


@dataclass(frozen=True)
class RoundInfo:
    id: int
    kind: str
    points_right: int
    points_wrong: int
    seconds: int


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    round_id: int
    team_id: int | None = None


@dataclass(frozen=True)
class Stage:
    """What the rules need to know about a final: its teams, rounds and questions."""

    teams: tuple[TeamInfo, ...]
    rounds: tuple[RoundInfo, ...]
    questions: tuple[QuestionInfo, ...]
    early_buzz_penalty: int = 10
    risk_values: tuple[int, ...] = (10, 20, 30)

    def team(self, team_id) -> TeamInfo:
        for team in self.teams:
            if team.id == team_id:
                return team
        raise RuleError("unknown_team", "没有这个参赛队")

    def round(self, round_id) -> RoundInfo:
        for info in self.rounds:
            if info.id == round_id:
                return info
        raise RuleError("unknown_round", "没有这个环节")

    def question(self, question_id) -> QuestionInfo:
        for info in self.questions:
            if info.id == question_id:
                return info
        raise RuleError("unknown_question", "没有这道题")


@dataclass(frozen=True)
class Event:
    seq: int
    kind: str
    at: datetime
    team_id: int | None = None
    data: dict = field(default_factory=dict)


@dataclass
class State:
    scores: dict[int, Decimal]
    round_id: int | None = None
    round_kind: str | None = None
    question_id: int | None = None
    phase: str = IDLE
    answering_team: int | None = None
    buzz_order: list[int] = field(default_factory=list)
    timer_ends_at: datetime | None = None
    # Risk round: the turn order fixed at its start, and the value each team picked.
    turn_order: list[int] = field(default_factory=list)
    risk_picks: dict[int, int] = field(default_factory=dict)
    # Tiebreak: the teams allowed to buzz.
    contenders: list[int] = field(default_factory=list)
    done_teams: list[int] = field(default_factory=list)
    asked: list[int] = field(default_factory=list)
    revealed: bool = False
    last_result: dict | None = None
    finished: bool = False
    seq: int = 0

    def ranking(self, teams: tuple[TeamInfo, ...]) -> list[tuple[int, int]]:
        """[(rank, team_id)] by score, higher first; equal scores share a rank."""
        ordered = sorted(teams, key=lambda t: (-self.scores[t.id], t.order, t.id))
        ranks, previous = [], None
        for position, team in enumerate(ordered, start=1):
            score = self.scores[team.id]
            rank = ranks[-1][0] if previous is not None and score == previous else position
            ranks.append((rank, team.id))
            previous = score
        return ranks


def initial_state(stage: Stage) -> State:
    return State(scores={team.id: Decimal(team.start_score) for team in stage.teams})


def replay(stage: Stage, events) -> State:
    # Accepted events passed the rules when they were logged: fold them in place, no copies.
    state = initial_state(stage)
    for event in events:
        _apply_in_place(stage, state, event)
    return state


def apply(stage: Stage, state: State, event: Event) -> State:
    """The state after `event`; raises RuleError if the rules refuse it. `state` is kept."""
    new = copy.deepcopy(state)
    _apply_in_place(stage, new, event)
    return new


def _apply_in_place(stage: Stage, state: State, event: Event) -> None:
    if state.finished:
        raise RuleError("finished", "比赛已结束")
    handler = _HANDLERS.get(event.kind)
    if handler is None:
        raise RuleError("unknown_action", "未知操作")
    handler(stage, state, event)
    state.seq = event.seq


def _score(state: State, team_id: int, delta) -> None:
    state.scores[team_id] += Decimal(delta)


def _require_round(state: State) -> None:
    if state.round_id is None:
        raise RuleError("no_round", "请先进入一个环节")


def _require_question_open(state: State) -> None:
    if state.question_id is None or state.phase in (IDLE, JUDGED, VOID, CLOSED):
        raise RuleError("no_question", "当前没有正在作答的题目")


def _start_round(stage: Stage, state: State, event: Event) -> None:
    if state.phase in (SHOWN, BUZZING, ANSWERING):
        raise RuleError("question_open", "本题尚未判定")
    info = stage.round(event.data.get("round_id"))
    state.round_id, state.round_kind = info.id, info.kind
    state.question_id, state.phase, state.answering_team = None, IDLE, None
    state.buzz_order, state.timer_ends_at, state.revealed = [], None, False
    state.risk_picks, state.done_teams, state.last_result = {}, [], None
    state.turn_order = [team_id for _rank, team_id in state.ranking(stage.teams)]
    state.contenders = []
    if info.kind == TIEBREAK:
        contenders = [int(t) for t in event.data.get("teams") or []]
        if len(contenders) < 2:
            raise RuleError("tiebreak_teams", "加赛至少需要两支队伍")
        for team_id in contenders:
            stage.team(team_id)
        state.contenders = contenders


def next_turn(state: State) -> int | None:
    """The team whose risk turn it is (the turn order fixed when the round started)."""
    for team_id in state.turn_order:
        if team_id not in state.done_teams:
            return team_id
    return None


def _show_question(stage: Stage, state: State, event: Event) -> None:
    _require_round(state)
    if state.phase in (SHOWN, BUZZING, ANSWERING):
        raise RuleError("question_open", "本题尚未判定")
    question = stage.question(event.data.get("question_id"))
    if question.round_id != state.round_id:
        raise RuleError("wrong_round", "这道题不属于当前环节")
    if question.id in state.asked:
        raise RuleError("asked", "这道题已经出过")
    answering = None
    if state.round_kind == COMPULSORY:
        answering = question.team_id or next_turn(state)
    elif state.round_kind == RISK:
        answering = next_turn(state)
        if answering is None:
            raise RuleError("no_turn", "各队风险题均已答完")
        if answering not in state.risk_picks:
            raise RuleError("no_pick", "请先由本轮答题队选择风险分值")
    state.question_id, state.answering_team = question.id, answering
    state.phase = SHOWN if answering is None else ANSWERING
    state.buzz_order, state.timer_ends_at = [], None
    state.revealed, state.last_result = False, None
    state.asked.append(question.id)


def _start_timer(stage: Stage, state: State, event: Event) -> None:
    _require_question_open(state)
    seconds = stage.round(state.round_id).seconds
    state.timer_ends_at = event.at + timedelta(seconds=seconds)


def _open_buzzers(stage: Stage, state: State, event: Event) -> None:
    if state.round_kind not in BUZZ_KINDS:
        raise RuleError("not_buzzer_round", "只有抢答题和加赛题可以开放抢答")
    if state.phase != SHOWN:
        raise RuleError("not_shown", "请先出示题目")
    state.phase = BUZZING
    state.timer_ends_at = event.at + timedelta(seconds=stage.round(state.round_id).seconds)


def _buzz(stage: Stage, state: State, event: Event) -> None:
    team_id = event.team_id
    stage.team(team_id)
    if state.round_kind not in BUZZ_KINDS or state.phase in (IDLE, JUDGED, VOID, CLOSED):
        raise RuleError("no_question", "现在不能抢答")
    if state.contenders and team_id not in state.contenders:
        raise RuleError("not_contender", "本队不参加这轮加赛")
    if team_id in state.buzz_order:
        raise RuleError("already_buzzed", "本队已经抢答")
    state.buzz_order.append(team_id)
    if state.phase == SHOWN:
        # Too early: the penalty, and nobody answers this question.
        _score(state, team_id, -stage.early_buzz_penalty)
        state.phase, state.answering_team, state.timer_ends_at = VOID, None, None
        state.last_result = {"team": team_id, "early": True}
    elif state.phase == BUZZING:
        state.phase, state.answering_team = ANSWERING, team_id
        state.timer_ends_at = event.at + timedelta(seconds=stage.round(state.round_id).seconds)
    # In ANSWERING later buzzes are only recorded: the order shows who came next.


def _pick_risk(stage: Stage, state: State, event: Event) -> None:
    if state.round_kind != RISK:
        raise RuleError("not_risk_round", "只有风险题环节选择分值")
    if state.phase in (SHOWN, BUZZING, ANSWERING):
        raise RuleError("question_open", "本题尚未判定")
    turn = next_turn(state)
    if event.team_id != turn:
        raise RuleError("not_your_turn", "还没轮到本队选择")
    value = event.data.get("value")
    if value not in stage.risk_values:
        raise RuleError("bad_value", "分值不在可选范围内")
    if turn in state.risk_picks:
        raise RuleError("already_picked", "本队已经选择了分值")
    state.risk_picks[turn] = value


def _judge(stage: Stage, state: State, event: Event) -> None:
    _require_question_open(state)
    team_id = state.answering_team
    if team_id is None:
        raise RuleError("nobody_answering", "没有队伍在作答")
    correct = bool(event.data.get("correct"))
    info = stage.round(state.round_id)
    if info.kind == COMPULSORY:
        delta = info.points_right if correct else 0
    elif info.kind == RISK:
        value = state.risk_picks[team_id]
        delta = value if correct else -value
    else:
        delta = info.points_right if correct else -info.points_wrong
    _score(state, team_id, delta)
    state.phase, state.revealed, state.timer_ends_at = JUDGED, True, None
    state.last_result = {"team": team_id, "correct": correct, "delta": str(Decimal(delta))}
    if info.kind in (COMPULSORY, RISK):
        state.done_teams.append(team_id)


def _reveal(stage: Stage, state: State, event: Event) -> None:
    if state.question_id is None:
        raise RuleError("no_question", "当前没有题目")
    state.revealed, state.timer_ends_at = True, None
    if state.phase in (SHOWN, BUZZING):
        state.phase = CLOSED
    elif state.phase == ANSWERING:
        raise RuleError("answering", "请先判定作答队的答案")


def _adjust(stage: Stage, state: State, event: Event) -> None:
    stage.team(event.team_id)
    if not str(event.data.get("reason", "")).strip():
        raise RuleError("reason_required", "调整分数必须填写原因")
    try:
        delta = Decimal(str(event.data.get("delta")))
    except (ArithmeticError, ValueError):
        raise RuleError("bad_delta", "分数调整须为数字") from None
    if not delta.is_finite() or delta == 0:
        raise RuleError("bad_delta", "分数调整须为非零数字")
    _score(state, event.team_id, delta)


def _finish(stage: Stage, state: State, event: Event) -> None:
    if state.phase in (SHOWN, BUZZING, ANSWERING):
        raise RuleError("question_open", "本题尚未判定")
    state.finished = True
    state.timer_ends_at = None


_HANDLERS = {
    "start_round": _start_round,
    "show_question": _show_question,
    "start_timer": _start_timer,
    "open_buzzers": _open_buzzers,
    "buzz": _buzz,
    "pick_risk": _pick_risk,
    "judge": _judge,
    "reveal": _reveal,
    "adjust": _adjust,
    "finish": _finish,
}
