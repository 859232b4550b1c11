"""Drawing a paper: which questions an attempt gets, in which order, options shuffled.

`draw` is pure: callers pass the candidates each rule may draw from, so the ORM queries
stay in `quizzes.services.attempts` and the drawing can be tested on plain data.
"""

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _


class NotEnoughQuestions(ValueError):
    pass


@dataclass(frozen=True)
class Slot:
    """One source of questions: a fixed question, or a draw rule with its candidates."""

    candidates: list  # [(question_id, version_id)], in a stable order
    count: int
    points: Decimal | None  # None: each question's own points
    label: str = ""


@dataclass
class PaperItem:
    question_id: int
    version_id: int
    points: Decimal | None
    option_order: list = field(default_factory=list)


def draw(slots: list[Slot], *, rng: random.Random, shuffle: bool) -> list[PaperItem]:
    """Questions for every slot; a question drawn once is never drawn again."""
    taken: set[int] = set()
    paper = []
    for slot in slots:
        pool = [c for c in slot.candidates if c[0] not in taken]
        if len(pool) < slot.count:
            raise NotEnoughQuestions(
                _("“%(rule)s”需要 %(count)d 道题，题库中只有 %(available)d 道可用")
                % {"rule": slot.label, "count": slot.count, "available": len(pool)}
            )
        for question_id, version_id in rng.sample(pool, slot.count):
            taken.add(question_id)
            paper.append(PaperItem(question_id, version_id, slot.points))
    if shuffle:
        rng.shuffle(paper)
    return paper


def option_order(payload: dict, *, rng: random.Random, shuffle: bool) -> list:
    """Display order of the options (original indices); a case gets one list per part."""
    if payload["kind"] == "case":
        return [option_order(part, rng=rng, shuffle=shuffle) for part in payload.get("parts") or ()]
    order = list(range(len(payload.get("options") or ())))
    if shuffle and payload["kind"] in ("single", "multiple"):
        rng.shuffle(order)
    return order
