"""Scoring: pure functions from a frozen payload and a response to points. No ORM here.

Responses are stored in the question's own option order (the page shows shuffled options
but posts original indices, which say nothing about correctness):
  single → int | None; multiple → [int]; truefalse → bool | None; fill → [str];
  short → str; case → [response of each part].
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from quizzes.services.keys import normalise_text, parse_key
from quizzes.services.payload import total_points

ALL_OR_NOTHING = "all_or_nothing"
PARTIAL = "partial"
CENT = Decimal("0.01")
MAX_TEXT = 5000


class InvalidResponse(ValueError):
    pass


@dataclass(frozen=True)
class Grade:
    score: Decimal | None  # None while a trainer still has to grade some of it
    pending: bool
    part_scores: list = field(default_factory=list)


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clean_response(payload: dict, response):
    """The response in its stored shape, or InvalidResponse (a forged or broken request)."""
    kind = payload["kind"]
    if response is None:
        return None
    options = len(payload.get("options") or ())
    if kind == "single":
        if isinstance(response, bool) or not isinstance(response, int):
            raise InvalidResponse("single choice expects an option index")
        if not 0 <= response < options:
            raise InvalidResponse("no such option")
        return response
    if kind == "multiple":
        if not isinstance(response, list) or any(
            isinstance(i, bool) or not isinstance(i, int) for i in response
        ):
            raise InvalidResponse("multiple choice expects a list of option indices")
        if any(not 0 <= i < options for i in response):
            raise InvalidResponse("no such option")
        return sorted(set(response))
    if kind == "truefalse":
        if not isinstance(response, bool):
            raise InvalidResponse("true/false expects a boolean")
        return response
    if kind == "fill":
        blanks = len(parse_key("fill", payload["answer"]))
        if not isinstance(response, list) or len(response) != blanks:
            raise InvalidResponse(f"fill-in expects {blanks} answers")
        if any(not isinstance(a, str) or len(a) > 200 for a in response):
            raise InvalidResponse("fill-in answers are short texts")
        return [a.strip() for a in response]
    if kind == "short":
        if not isinstance(response, str) or len(response) > MAX_TEXT:
            raise InvalidResponse(f"short answers are texts of at most {MAX_TEXT} characters")
        return response
    if kind == "case":
        parts = payload.get("parts") or []
        if not isinstance(response, list) or len(response) != len(parts):
            raise InvalidResponse(f"a case expects {len(parts)} part answers")
        return [clean_response(part, r) for part, r in zip(parts, response, strict=True)]
    raise InvalidResponse(f"unknown kind {kind!r}")


def fraction_correct(payload: dict, response, *, multiple_scoring: str = ALL_OR_NOTHING):
    """Share of the points an objective response earns (0..1), or None for short answers."""
    kind = payload["kind"]
    if kind == "short":
        return None
    if response is None:
        return Decimal(0)
    key = parse_key(kind, payload["answer"], len(payload.get("options") or ()))
    if kind == "single":
        return Decimal(1) if (response,) == key else Decimal(0)
    if kind == "multiple":
        chosen = set(response)
        correct = set(key)
        if chosen == correct:
            return Decimal(1)
        if multiple_scoring == PARTIAL and chosen and chosen <= correct:
            # 少选: a share per correct option chosen; 错选 (any wrong option): nothing.
            return Decimal(len(chosen)) / Decimal(len(correct))
        return Decimal(0)
    if kind == "truefalse":
        return Decimal(1) if response is key else Decimal(0)
    if kind == "fill":
        right = sum(
            1
            for given, accepted in zip(response, key, strict=False)
            if normalise_text(given) in {normalise_text(a) for a in accepted}
        )
        # Each blank counts alike: two of three blanks right earn two thirds.
        return Decimal(right) / Decimal(len(key))
    raise InvalidResponse(f"no objective grading for {kind!r}")


def grade(payload: dict, response, *, points: Decimal, multiple_scoring: str = ALL_OR_NOTHING):
    """Points for a response; short answers (and case parts that are) stay pending."""
    points = Decimal(points)
    if payload["kind"] == "case":
        parts = payload.get("parts") or []
        whole = total_points(payload)
        scale = points / whole if whole else Decimal(0)
        responses = response if isinstance(response, list) else [None] * len(parts)
        part_scores = []
        for part, part_response in zip(parts, responses, strict=False):
            share = fraction_correct(part, part_response, multiple_scoring=multiple_scoring)
            part_points = Decimal(part["points"]) * scale
            part_scores.append(None if share is None else _quantize(part_points * share))
        pending = any(score is None for score in part_scores)
        total = None if pending else _quantize(sum(part_scores, Decimal(0)))
        return Grade(total, pending, part_scores)
    share = fraction_correct(payload, response, multiple_scoring=multiple_scoring)
    if share is None:
        if response in (None, ""):
            return Grade(Decimal("0.00"), False)  # nothing written: nothing to grade
        return Grade(None, True)
    return Grade(_quantize(points * share), False)


def manual_total(payload: dict, part_scores: Sequence, *, points: Decimal) -> Decimal:
    """A case's total once a trainer has scored its pending parts."""
    if any(score is None for score in part_scores):
        raise ValueError("some parts are still ungraded")
    return _quantize(sum((Decimal(str(s)) for s in part_scores), Decimal(0)))


def part_points(payload: dict, *, points: Decimal) -> list[Decimal]:
    """What each part of a case is worth on this paper (its points scaled to the item's)."""
    whole = total_points(payload)
    scale = Decimal(points) / whole if whole else Decimal(0)
    return [_quantize(Decimal(p["points"]) * scale) for p in payload.get("parts") or ()]


def percent(score: Decimal, max_score: Decimal) -> Decimal:
    if not max_score:
        return Decimal(0)
    return _quantize(Decimal(score) * 100 / Decimal(max_score))


def passed(score: Decimal, max_score: Decimal, pass_percent: int) -> bool:
    return percent(score, max_score) >= Decimal(pass_percent)


def combine_attempts(method: str, scores: Sequence[Decimal]) -> Decimal | None:
    """The quiz grade from graded attempt scores in the order they were taken."""
    scores = [Decimal(s) for s in scores if s is not None]
    if not scores:
        return None
    if method == "highest":
        return max(scores)
    if method == "last":
        return scores[-1]
    if method == "first":
        return scores[0]
    if method == "average":
        return _quantize(sum(scores, Decimal(0)) / len(scores))
    raise ValueError(f"unknown grading method {method!r}")
