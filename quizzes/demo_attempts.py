"""Demo attempts: officers who sat the city-wide exam, so analysis pages have content.

Answers go through the same services the exam pages use. Each officer has an "ability";
a question is answered correctly with that probability, otherwise with a plausible wrong
answer, so facility and discrimination come out the way a real cohort's would.
"""

import random
from datetime import timedelta

from django.utils import timezone

from people.demo import DemoConfig, StepReport
from quizzes.models import Attempt
from quizzes.services import attempts, grading
from quizzes.services.keys import parse_key

WRONG_FILL = "不知道"


def _answer(payload: dict, *, right: bool, rng: random.Random):
    kind = payload["kind"]
    options = len(payload.get("options") or ())
    if kind == "case":
        return [
            _answer(part, right=right or rng.random() < 0.5, rng=rng) for part in payload["parts"]
        ]
    key = parse_key(kind, payload["answer"], options)
    if kind == "single":
        if right:
            return key[0]
        return rng.choice([i for i in range(options) if i != key[0]])
    if kind == "multiple":
        if right:
            return list(key)
        return list(key[:-1]) if len(key) > 2 and rng.random() < 0.5 else [0, options - 1]
    if kind == "truefalse":
        return key if right else not key
    if kind == "fill":
        return [accepted[0] if right else WRONG_FILL for accepted in key]
    if kind == "short":
        return "依据相关条款，应责令改正并依法给予行政处罚。" if right else "不清楚"
    return None


def sit_exam(*, quiz, officers, grader, seed: int = 2026) -> dict:
    """Each officer starts, answers and submits; trainers grade most written answers."""
    rng = random.Random(seed)
    started = submitted = graded = 0
    for officer in officers:
        if Attempt.objects.filter(quiz=quiz, officer=officer).exists():
            continue
        ability = min(0.97, max(0.25, rng.gauss(0.72, 0.15)))
        # Within the exam's window (the demo exam opened three days ago), all finished by now.
        begun = timezone.now() - timedelta(hours=rng.randint(2, 60), minutes=rng.randint(0, 59))
        attempt = attempts.start_attempt(quiz=quiz, officer=officer, now=begun, seed=rng.random())
        started += 1
        for seq, item in enumerate(attempt.items.order_by("position"), start=1):
            if rng.random() < 0.03:
                continue  # left blank
            payload = attempts.version_payload(item.version_id)
            response = _answer(payload, right=rng.random() < ability, rng=rng)
            attempts.save_answer(
                attempt_id=attempt.pk,
                officer_id=officer.pk,
                position=item.position,
                response=response,
                seq=seq,
                now=begun + timedelta(seconds=40 * seq),
            )
        finished = begun + timedelta(minutes=rng.randint(25, 55))
        attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk, now=finished)
        submitted += 1
        if rng.random() < 0.85:  # some are left in the grading queue for the demo trainer
            for item in attempt.items.filter(needs_grading=True):
                _grade(item, ability=ability, grader=grader, rng=rng)
            graded += 1
    return {"started": started, "submitted": submitted, "graded": graded}


def _grade(item, *, ability, grader, rng) -> None:
    payload = attempts.version_payload(item.version_id)
    share = max(0.0, min(1.0, rng.gauss(ability, 0.15)))
    if payload["kind"] == "case":
        from quizzes.services.scoring import part_points

        limits = part_points(payload, points=item.points)
        scores = [
            None if part["kind"] != "short" else round(float(limit) * share * 2) / 2
            for part, limit in zip(payload["parts"], limits, strict=True)
        ]
        grading.grade_item(item_id=item.pk, actor=grader, part_scores=scores, feedback="")
    else:
        score = round(float(item.points) * share * 2) / 2
        grading.grade_item(item_id=item.pk, actor=grader, score=score, feedback="")


DEMO_SITTERS = 60


def load_demo_attempts(config: DemoConfig) -> StepReport:
    """The load_demo step: officers of every unit sat the demo city-wide exam."""
    from people.models import Officer, User
    from quizzes.demo import EXAM_TITLE
    from quizzes.models import Quiz

    quiz = Quiz.objects.filter(title=EXAM_TITLE).first()
    if quiz is None or quiz.attempts.exists():
        return StepReport(title="考试答卷", lines=["演示答卷：已存在或无演示考试，未改动"])
    officers = list(
        Officer.objects.filter(status=Officer.Status.ACTIVE).select_related("unit").order_by("pk")
    )
    # Every other officer, so each unit has sitters and some have not taken it yet.
    sitters = officers[::2][:DEMO_SITTERS]
    grader = User.objects.filter(username="T001").first() or config.actor
    result = sit_exam(quiz=quiz, officers=sitters, grader=grader)
    return StepReport(
        title="考试答卷",
        lines=[
            f"演示答卷：{result['submitted']} 人交卷，{result['graded']} 份主观题已评分，"
            f"其余在阅卷队列中"
        ],
    )
