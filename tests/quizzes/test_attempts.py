"""Taking a quiz through the services: drawing, saving, deadlines, submitting, grading."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.services.learning import officer_of  # noqa: F401  (import check)
from quizzes.models import Attempt, Question
from quizzes.services import attempts, grading
from quizzes.services.attempts import AttemptError
from tests.factories import OfficerFactory
from tests.quizzes import bank_factory as bf

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(city):
    return OfficerFactory(unit=city["east_squad"])


@pytest.fixture
def bank():
    cat = bf.category()
    return {
        "category": cat,
        "questions": [
            bf.question(kind, cat) for kind in ("single", "multiple", "truefalse", "fill")
        ]
        + [
            bf.question("single", cat, stem=f"第{i}道单选题", options=["甲", "乙", "丙"])
            for i in range(6)
        ],
    }


def test_start_draws_the_rule_count_and_freezes_the_paper(officer, bank):
    quiz = bf.quiz(
        rules=[{"category": bank["category"], "kind": "single", "count": 5, "points": Decimal("2")}]
    )
    attempt = attempts.start_attempt(quiz=quiz, officer=officer, seed=1)
    items = list(attempt.items.order_by("position"))
    assert len(items) == 5
    assert {item.version.payload["kind"] for item in items} == {"single"}
    assert attempt.max_score == Decimal("10")
    assert len({item.version.question_id for item in items}) == 5
    # Editing a drawn question later does not change what this attempt was given.
    question = items[0].version.question
    question.stem = "改写后的题干"
    question.save()
    from quizzes.services.bank import freeze

    freeze(question)
    items[0].refresh_from_db()
    assert items[0].version.payload["stem"] != "改写后的题干"


def test_starting_twice_returns_the_attempt_in_progress(officer, bank):
    quiz = bf.quiz(fixed=bank["questions"][:3])
    first = attempts.start_attempt(quiz=quiz, officer=officer)
    assert attempts.start_attempt(quiz=quiz, officer=officer).pk == first.pk
    assert Attempt.objects.filter(quiz=quiz, officer=officer).count() == 1


def test_a_rule_larger_than_the_bank_refuses_to_start(officer, bank):
    quiz = bf.quiz(rules=[{"category": bank["category"], "kind": "fill", "count": 3}])
    with pytest.raises(AttemptError) as error:
        attempts.start_attempt(quiz=quiz, officer=officer)
    assert error.value.code == "bank_too_small"
    assert not Attempt.objects.exists()


def test_draft_and_needs_review_questions_are_never_drawn(officer, bank):
    cat = bank["category"]
    Question.objects.filter(kind="multiple").update(status=Question.Status.NEEDS_REVIEW)
    bf.question("multiple", cat, status="draft")
    quiz = bf.quiz(rules=[{"category": cat, "kind": "multiple", "count": 1}])
    with pytest.raises(AttemptError):
        attempts.start_attempt(quiz=quiz, officer=officer)


def _item(attempt, kind):
    return next(i for i in attempt.items.all() if i.version.payload["kind"] == kind)


def test_a_late_arriving_older_answer_does_not_replace_a_newer_one(officer, bank):
    quiz = bf.quiz(fixed=bank["questions"][:1], shuffle_options=False)
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    attempts.save_answer(
        attempt_id=attempt.pk, officer_id=officer.pk, position=1, response=2, seq=200
    )
    # The other tab's answer was given earlier and arrives later: the newer one stands.
    item = attempts.save_answer(
        attempt_id=attempt.pk, officer_id=officer.pk, position=1, response=0, seq=100
    )
    assert item.response == 2 and item.response_seq == 200


def test_answers_after_the_deadline_are_refused_and_the_attempt_is_finalised(officer, bank):
    quiz = bf.quiz(fixed=bank["questions"][:2], time_limit_minutes=10)
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    later = attempt.deadline + timedelta(seconds=1)
    with pytest.raises(AttemptError) as error:
        attempts.save_answer(
            attempt_id=attempt.pk, officer_id=officer.pk, position=1, response=0, seq=1, now=later
        )
    assert error.value.code == "time_up"
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert attempt.ending == Attempt.Ending.TIME_UP
    assert not attempt.items.filter(response__isnull=False).exists()


def test_the_deadline_is_capped_by_the_quiz_closing_time(officer, bank):
    closes = timezone.now() + timedelta(minutes=5)
    quiz = bf.quiz(fixed=bank["questions"][:1], time_limit_minutes=60, closes_at=closes)
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    assert attempt.deadline == closes


def test_double_submit_yields_one_result(officer, bank):
    quiz = bf.quiz(fixed=bank["questions"][:4], shuffle_options=False, shuffle_questions=False)
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    attempts.save_answer(
        attempt_id=attempt.pk, officer_id=officer.pk, position=1, response=0, seq=1
    )
    first = attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
    ended_at = first.ended_at
    second = attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
    assert second.ended_at == ended_at and second.score == first.score == Decimal("2")
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_objective_answers_are_graded_at_submit(officer, bank):
    single, multiple, truefalse, fill = bank["questions"][:4]
    quiz = bf.quiz(fixed=[single, multiple, truefalse, fill], shuffle_questions=False)
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    answers = {1: 0, 2: [0, 1], 3: False, 4: ["１５ "]}  # full-width digits and a space
    for position, response in answers.items():
        attempts.save_answer(
            attempt_id=attempt.pk,
            officer_id=officer.pk,
            position=position,
            response=response,
            seq=1,
        )
    attempt = attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
    scores = dict(attempt.items.values_list("position", "score"))
    assert scores == {1: Decimal("2"), 2: Decimal("0"), 3: Decimal("2"), 4: Decimal("2")}
    assert attempt.score == Decimal("6") and attempt.state == Attempt.State.GRADED


def test_partial_credit_for_multiple_choice_when_the_quiz_says_so(officer, bank):
    quiz = bf.quiz(fixed=[bank["questions"][1]], multiple_scoring="partial")
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    attempts.save_answer(
        attempt_id=attempt.pk, officer_id=officer.pk, position=1, response=[0, 1], seq=1
    )
    attempt = attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
    assert attempt.score == Decimal("1.33")


def test_short_answers_wait_for_a_trainer_then_the_attempt_is_totalled(officer, bank):
    short = bf.question("short", bank["category"], points="5")
    quiz = bf.quiz(fixed=[bank["questions"][0], short], shuffle_questions=False)
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    attempts.save_answer(
        attempt_id=attempt.pk, officer_id=officer.pk, position=1, response=0, seq=1
    )
    attempts.save_answer(
        attempt_id=attempt.pk, officer_id=officer.pk, position=2, response="涉及较大数额罚款", seq=1
    )
    attempt = attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
    assert attempt.state == Attempt.State.GRADING and attempt.score is None
    item = attempt.items.get(position=2)
    trainer = OfficerFactory(unit=officer.unit).user
    with pytest.raises(AttemptError):
        grading.grade_item(item_id=item.pk, actor=trainer, score="6")  # above the item's 5
    grading.grade_item(item_id=item.pk, actor=trainer, score="4", feedback="要点基本齐全")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED and attempt.score == Decimal("6")
    assert attempt.passed is True


def test_case_questions_grade_objective_parts_and_wait_for_the_short_part(officer, bank):
    case = bf.question("case", bank["category"])
    quiz = bf.quiz(fixed=[case], shuffle_options=False)
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    attempts.save_answer(
        attempt_id=attempt.pk,
        officer_id=officer.pk,
        position=1,
        response=[0, "应当责令停业整顿"],
        seq=1,
    )
    attempt = attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
    item = attempt.items.get()
    assert item.needs_grading and item.part_scores == ["2.00", None]
    grading.grade_item(item_id=item.pk, actor=officer.user, part_scores=[None, "2.5"])
    attempt.refresh_from_db()
    assert attempt.score == Decimal("4.50")


def test_attempts_allowed_are_enforced(officer, bank):
    quiz = bf.quiz(fixed=bank["questions"][:1], attempts_allowed=1)
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
    with pytest.raises(AttemptError) as error:
        attempts.start_attempt(quiz=quiz, officer=officer)
    assert error.value.code == "not_allowed"


def test_only_the_audience_may_start(city, bank):
    quiz = bf.quiz(fixed=bank["questions"][:1], audience_everyone=False)
    quiz.audience_units.add(city["east"])
    quiz.save()  # parental many-to-many changes are written on save
    insider = OfficerFactory(unit=city["east_squad"])
    outsider = OfficerFactory(unit=city["west"])
    assert attempts.start_attempt(quiz=quiz, officer=insider)
    with pytest.raises(AttemptError):
        attempts.start_attempt(quiz=quiz, officer=outsider)


def test_an_officer_cannot_answer_another_officers_attempt(city, bank):
    quiz = bf.quiz(fixed=bank["questions"][:1])
    owner = OfficerFactory(unit=city["east"])
    intruder = OfficerFactory(unit=city["east"])
    attempt = attempts.start_attempt(quiz=quiz, officer=owner)
    with pytest.raises(AttemptError) as error:
        attempts.save_answer(
            attempt_id=attempt.pk, officer_id=intruder.pk, position=1, response=0, seq=1
        )
    assert error.value.code == "not_found"
    with pytest.raises(AttemptError):
        attempts.submit_attempt(attempt_id=attempt.pk, officer_id=intruder.pk)


def test_grading_methods_combine_attempts(officer, bank):
    quiz = bf.quiz(
        fixed=bank["questions"][:2],
        attempts_allowed=3,
        grading_method="average",
        shuffle_questions=False,
        shuffle_options=False,
    )
    for response in (0, 1):
        attempt = attempts.start_attempt(quiz=quiz, officer=officer)
        attempts.save_answer(
            attempt_id=attempt.pk, officer_id=officer.pk, position=1, response=response, seq=1
        )
        attempts.submit_attempt(attempt_id=attempt.pk, officer_id=officer.pk)
    assert grading.quiz_grade(quiz, officer) == Decimal("25.00")
    quiz.grading_method = "highest"
    assert grading.quiz_grade(quiz, officer) == Decimal("50.00")


def test_questions_taken_out_after_the_rules_were_read_are_never_drawn(city, bank):
    """The candidates of a rule are kept per process; what is drawn is checked again."""
    quiz = bf.quiz(rules=[{"category": bank["category"], "kind": "single", "count": 3}])
    attempts.start_attempt(quiz=quiz, officer=OfficerFactory(unit=city["east"]))
    # An amendment flags questions with a queryset update: no signal reaches the cache.
    singles = Question.objects.filter(kind="single").order_by("pk")
    flagged = list(singles.values_list("pk", flat=True)[:4])
    Question.objects.filter(pk__in=flagged).update(status=Question.Status.NEEDS_REVIEW)
    for n in range(4):
        attempt = attempts.start_attempt(
            quiz=quiz, officer=OfficerFactory(unit=city["east"]), seed=n
        )
        drawn = set(attempt.items.values_list("version__question_id", flat=True))
        assert len(drawn) == 3 and not drawn & set(flagged)


def test_a_concurrent_start_of_the_same_officer_returns_the_attempt_it_made(officer, bank):
    from quizzes.services import eligibility

    quiz = bf.quiz(fixed=bank["questions"][:2])
    first = attempts.start_attempt(quiz=quiz, officer=officer)
    # The second request read the officer's attempts before the first one committed: it
    # numbers its attempt 1 too, the unique constraint refuses it, and it returns the first.
    real_states, calls = attempts._attempt_states, []

    def read_before_the_first_committed(quiz_id, officer_id):
        calls.append(1)
        return [] if len(calls) == 1 else real_states(quiz_id, officer_id)

    attempts._attempt_states = read_before_the_first_committed
    try:
        second = attempts.start_attempt(quiz=quiz, officer=officer)
    finally:
        attempts._attempt_states = real_states
    assert second.pk == first.pk
    assert eligibility.attempts_used(quiz, officer) == 1


def test_saving_as_a_user_checks_the_attempt_is_theirs(city, bank):
    quiz = bf.quiz(fixed=bank["questions"][:1], shuffle_options=False)
    owner = OfficerFactory(unit=city["east"])
    intruder = OfficerFactory(unit=city["east"])
    attempt = attempts.start_attempt(quiz=quiz, officer=owner)
    with pytest.raises(AttemptError) as error:
        attempts.save_answer(
            attempt_id=attempt.pk, user_id=intruder.user_id, position=1, response=0, seq=1
        )
    assert error.value.code == "not_found"
    item = attempts.save_answer(
        attempt_id=attempt.pk, user_id=owner.user_id, position=1, response=1, seq=1
    )
    assert item.response == 1
    stored = attempt.items.get(position=1)
    assert (stored.response, stored.response_seq) == (1, 1) and stored.saved_at is not None


def test_a_checked_practice_answer_cannot_be_changed(officer, bank):
    quiz = bf.quiz(fixed=bank["questions"][:1], mode="practice", shuffle_options=False)
    attempt = attempts.start_attempt(quiz=quiz, officer=officer)
    attempts.save_answer(
        attempt_id=attempt.pk, officer_id=officer.pk, position=1, response=0, seq=1
    )
    attempts.check_practice_answer(attempt_id=attempt.pk, officer_id=officer.pk, position=1)
    with pytest.raises(AttemptError) as error:
        attempts.save_answer(
            attempt_id=attempt.pk, officer_id=officer.pk, position=1, response=1, seq=2
        )
    assert error.value.code == "locked"
    assert attempt.items.get(position=1).response == 0


def test_attempts_whose_deadlines_fall_in_the_same_seconds_share_one_finalize_task(
    city, bank, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    closes = timezone.now() + timedelta(minutes=20)
    quiz = bf.quiz(fixed=bank["questions"][:2], time_limit_minutes=60, closes_at=closes)
    officers = [OfficerFactory(unit=city["east_squad"]) for _ in range(3)]
    started = []
    for officer in officers:
        with django_capture_on_commit_callbacks(execute=True):  # each start commits
            started.append(attempts.start_attempt(quiz=quiz, officer=officer))

    tasks = list(DBTaskResult.objects.filter(task_path="quizzes.tasks.finalize_due"))
    assert len(tasks) == 1  # one task for the three officers, not one each
    assert tasks[0].run_after == attempts.finalize_batch_end(closes)
    assert tasks[0].run_after >= max(a.deadline for a in started)
    assert tasks[0].args_kwargs["args"] == [quiz.pk]


def test_the_batch_task_finalises_every_attempt_of_its_quiz_whose_time_is_up(city, bank):
    from quizzes.tasks import finalize_due

    quiz = bf.quiz(fixed=bank["questions"][:2], time_limit_minutes=10)
    other = bf.quiz(fixed=bank["questions"][:2], time_limit_minutes=10)
    due = [
        attempts.start_attempt(quiz=quiz, officer=OfficerFactory(unit=city["east_squad"]))
        for _ in range(2)
    ]
    elsewhere = attempts.start_attempt(quiz=other, officer=OfficerFactory(unit=city["east_squad"]))
    Attempt.objects.filter(pk__in=[a.pk for a in due + [elsewhere]]).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )

    assert finalize_due.call(quiz.pk) == 2
    states = dict(Attempt.objects.values_list("pk", "state"))
    assert {states[a.pk] for a in due} == {Attempt.State.GRADED}
    assert states[elsewhere.pk] == Attempt.State.IN_PROGRESS  # another quiz's task ends it


def test_a_batch_end_is_never_before_the_deadline():
    from datetime import UTC, datetime

    for seconds in (0, 0.001, 4.999, 5, 7.5):
        deadline = datetime(2026, 12, 7, 9, 0, tzinfo=UTC) + timedelta(seconds=seconds)
        end = attempts.finalize_batch_end(deadline)
        assert deadline <= end < deadline + timedelta(seconds=attempts.FINALIZE_BATCH_SECONDS)
