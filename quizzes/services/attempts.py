"""Taking a quiz: start (draw and freeze the paper), save answers, submit, finalise.

Answers are saved one at a time, each committed before the officer's page shows "已保存",
so a crashed server loses nothing that was acknowledged. The deadline is the server's:
an answer arriving after it is refused, and an unfinished attempt is finalised by the
task queued when it started (or by whoever touches it first after its time is up).
"""

import math
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q, sql
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.errors import DomainError
from people.models import Officer
from quizzes.models import Attempt, AttemptItem, Quiz
from quizzes.services import eligibility, paper, scoring
from quizzes.services.paper import version_payload


class AttemptError(DomainError):
    code = "attempt"


def _deadline(quiz: Quiz, started):
    ends = []
    if quiz.timed:
        ends.append(started + timedelta(minutes=quiz.time_limit_minutes))
    if quiz.closes_at and not quiz.is_practice:
        ends.append(quiz.closes_at)
    return min(ends) if ends else None


def current_attempt(quiz: Quiz, officer: Officer) -> Attempt | None:
    return Attempt.objects.filter(
        quiz=quiz, officer=officer, state=Attempt.State.IN_PROGRESS
    ).first()


def start_attempt(*, quiz: Quiz, officer: Officer, now=None, seed=None) -> Attempt:
    """The officer's attempt in progress, or a new one with its paper drawn and frozen.

    Starting twice (a double tap, two tabs) returns the same attempt. Everything is read
    before the write transaction, which only inserts: on SQLite writers queue one at a
    time, so a long transaction held every other start and every answer save waiting.
    Two concurrent starts by one officer both number their attempt n + 1; the unique
    (quiz, officer, number) constraint lets only one of them in, and the other returns it.
    """
    now = now or timezone.now()
    rng = random.Random(seed)
    states = _attempt_states(quiz.pk, officer.pk)
    if Attempt.State.IN_PROGRESS in states:
        existing = current_attempt(quiz, officer)
        if existing is not None and not existing.time_is_up(now):
            return existing
        if existing is not None:
            finalize_if_due(existing.pk, now=now)
    if reason := eligibility.refusal(quiz, officer, now=now, used=len(states)):
        raise AttemptError(reason, code="not_allowed")
    try:
        drawn = paper.draw_for_quiz(quiz, rng=rng)
    except paper.NotEnoughQuestions as error:
        raise AttemptError(str(error), code="bank_too_small") from error
    if not drawn:
        raise AttemptError(_("本考试还没有试题"), code="empty")
    attempt = Attempt(
        quiz=quiz,
        officer=officer,
        number=len(states) + 1,
        practice=quiz.is_practice,
        multiple_scoring=quiz.multiple_scoring,
        started_at=now,
        deadline=_deadline(quiz, now),
    )
    rows, attempt.max_score = paper.paper_rows(drawn, rng=rng, shuffle=quiz.shuffle_options)
    # Everything written is worked out first: the transaction only runs three statements.
    insert_attempt = _insert_statement(attempt)
    insert_items = paper.item_rows_sql(attempt.pk, rows)
    try:
        with transaction.atomic():
            paper.run_statements([*insert_attempt, insert_items])
            if attempt.deadline:
                # In the same transaction: the attempt and its deadline task commit together.
                _schedule_finalize(attempt)
    except IntegrityError:
        other = current_attempt(quiz, officer)
        if other is None:
            raise
        return other  # a concurrent start of the same officer got there first
    attempt._state.adding, attempt._state.db = False, router.db_for_write(Attempt)
    return attempt


def _attempt_states(quiz_id: int, officer_id: int) -> list[str]:
    """The state of each of the officer's attempts at the quiz (written out: every start
    asks, and the ORM's compiling cost more than the query)."""
    connection = connections[router.db_for_read(Attempt)]
    quote, meta = connection.ops.quote_name, Attempt._meta
    sql = "SELECT {} FROM {} WHERE {} = %s AND {} = %s".format(
        quote(meta.get_field("state").column),
        quote(meta.db_table),
        quote(meta.get_field("quiz").column),
        quote(meta.get_field("officer").column),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [quiz_id, officer_id])
        return [state for (state,) in cursor.fetchall()]


def _insert_statement(obj) -> list[tuple[str, tuple]]:
    """The INSERT that saving a new object would run (defaults and pre_save applied)."""
    meta = obj._meta
    query = sql.InsertQuery(type(obj))
    query.insert_values(meta.local_concrete_fields, [obj])
    return query.get_compiler(using=router.db_for_write(type(obj))).as_sql()


def _create_items(attempt, drawn, *, rng, shuffle) -> Decimal:
    """Write the paper of an attempt already saved; returns its maximum score."""
    rows, max_score = paper.paper_rows(drawn, rng=rng, shuffle=shuffle)
    if rows:
        paper.insert_items(attempt, rows)
    return max_score


# Deadlines are finalised in batches: one task per quiz for each FINALIZE_BATCH_SECONDS of
# deadlines, run at the batch's end, instead of one task per attempt. An exam's officers
# start within minutes of each other, so the first start of a batch in each process queues
# its task and the others only check this set.
FINALIZE_BATCH_SECONDS = 5
_finalize_queued: set[tuple[int, datetime]] = set()  # (quiz id, run at), committed


def finalize_batch_end(deadline: datetime) -> datetime:
    """When the task finalising attempts with this deadline runs: the end of its batch."""
    step = FINALIZE_BATCH_SECONDS
    return datetime.fromtimestamp(math.ceil(deadline.timestamp() / step) * step, tz=UTC)


def _schedule_finalize(attempt: Attempt) -> None:
    from quizzes.tasks import finalize_due, finalize_when_time_is_up

    if attempt.quiz_id is None:
        finalize_when_time_is_up.using(run_after=attempt.deadline).enqueue(str(attempt.pk))
        return
    run_at = finalize_batch_end(attempt.deadline)
    key = (attempt.quiz_id, run_at)
    if key in _finalize_queued:
        return
    finalize_due.using(run_after=run_at).enqueue(attempt.quiz_id)
    transaction.on_commit(lambda: _remember_queued(key))


def _remember_queued(key) -> None:
    if len(_finalize_queued) > 1_000:
        past = timezone.now() - timedelta(minutes=1)
        _finalize_queued.difference_update([k for k in _finalize_queued if k[1] < past])
    _finalize_queued.add(key)


_item_versions: dict[tuple, dict[int, int]] = {}


def _paper_versions(attempt_id, owner: Q) -> dict[int, int]:
    """{position: version id} of an attempt's paper, cached per process: a paper is frozen.

    Keyed by the asker too, so another officer never reads it from the cache.
    """
    key = (str(attempt_id), str(owner))
    versions = _item_versions.get(key)
    if versions is None:
        versions = dict(
            AttemptItem.objects.filter(owner, attempt_id=attempt_id).values_list(
                "position", "version_id"
            )
        )
        if versions:
            if len(_item_versions) > 5_000:
                _item_versions.clear()
            _item_versions[key] = versions
    return versions


def save_answer(
    *, attempt_id, position: int, response, seq: int, officer_id=None, user_id=None, now=None
) -> AttemptItem:
    """Store the officer's answer to one question; returns the item as it now stands.

    The attempt's owner is given as `officer_id` or as the logged-in `user_id`.
    `seq` orders the answers a page sends: a save carrying an older seq than the stored
    one (a retried request, a second tab that lagged) is ignored, and the newer answer
    stands. Refused once the attempt has ended or its time is up.

    One conditional UPDATE stores the answer and checks everything at once (owner, attempt
    in progress, deadline not passed, not locked by a practice check, seq not older); only
    when it changes nothing do we read the item to say why.
    """
    now = now or timezone.now()
    if officer_id is not None:
        owner = Q(attempt__officer_id=officer_id)
    else:
        owner = Q(attempt__officer__user_id=user_id)
    version_id = _paper_versions(attempt_id, owner).get(position)
    if version_id is None:
        raise AttemptError(_("没有这道题"), code="not_found")
    try:
        cleaned = scoring.clean_response(version_payload(version_id), response)
    except scoring.InvalidResponse as error:
        _item_as_stored(attempt_id, owner, position, now)  # a closed attempt says so first
        raise AttemptError(_("答案格式不正确"), code="invalid") from error
    updated = _store(attempt_id, position, cleaned, seq, now, officer_id, user_id)
    if updated:
        return AttemptItem(
            attempt_id=attempt_id,
            position=position,
            version_id=version_id,
            response=cleaned,
            response_seq=seq,
            saved_at=now,
        )
    return _item_as_stored(attempt_id, owner, position, now)  # a newer answer stands


def _store(attempt_id, position, response, seq, now, officer_id, user_id) -> int:
    """The answer saving UPDATE: stores only if the owner matches, the attempt is in
    progress and before its deadline, the item is not locked by a practice check (graded)
    and no newer answer is stored. Returns the number of rows changed (0 or 1).

    Written out rather than built by the ORM: compiling this filtered UPDATE cost more
    than the rest of the request, and it is the request an exam sends most. Every value
    is prepared for the database by its field, as the ORM does.
    """
    connection = connections[router.db_for_write(AttemptItem)]
    q = connection.ops.quote_name
    item, attempt = AttemptItem._meta, Attempt._meta

    def column(meta, name):
        return q(meta.get_field(name).column)

    def value(meta, name, python_value):
        return meta.get_field(name).get_db_prep_save(python_value, connection)

    if officer_id is not None:
        owner, owner_id = "", officer_id
    else:
        owner, owner_id = (
            (
                f" IN (SELECT {column(Officer._meta, 'id')} FROM {q(Officer._meta.db_table)}"
                f" WHERE {column(Officer._meta, 'user')} = %s)"
            ),
            user_id,
        )
    sql = (
        f"UPDATE {q(item.db_table)} SET {column(item, 'response')} = %s,"
        f" {column(item, 'response_seq')} = %s, {column(item, 'saved_at')} = %s"
        f" WHERE {column(item, 'attempt')} = %s AND {column(item, 'position')} = %s"
        f" AND {column(item, 'response_seq')} <= %s AND {column(item, 'graded_at')} IS NULL"
        f" AND {column(item, 'attempt')} IN (SELECT {column(attempt, 'id')}"
        f" FROM {q(attempt.db_table)} WHERE {column(attempt, 'id')} = %s"
        f" AND {column(attempt, 'state')} = %s AND ({column(attempt, 'deadline')} IS NULL"
        f" OR {column(attempt, 'deadline')} > %s)"
        f" AND {column(attempt, 'officer')}{owner or ' = %s'})"
    )
    attempt_key = value(item, "attempt", attempt_id)
    params = [
        value(item, "response", response),
        seq,
        value(item, "saved_at", now),
        attempt_key,
        position,
        seq,
        attempt_key,
        Attempt.State.IN_PROGRESS.value,
        value(attempt, "deadline", now),
        owner_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _item_as_stored(attempt_id, owner: Q, position: int, now) -> AttemptItem:
    """The item, once an answer was not stored: raises if the attempt refuses answers."""
    item = (
        AttemptItem.objects.select_related("attempt")
        .filter(owner, attempt_id=attempt_id, position=position)
        .first()
    )
    if item is None:
        raise AttemptError(_("没有这道题"), code="not_found")
    _refuse_if_closed(item.attempt, now)
    if item.attempt.practice and item.graded_at:
        raise AttemptError(_("这道题已核对答案，不能再修改"), code="locked")
    return item


def _refuse_if_closed(attempt: Attempt, now) -> None:
    if attempt.state != Attempt.State.IN_PROGRESS:
        raise AttemptError(_("本次作答已交卷，不能再修改答案"), code="ended")
    if attempt.time_is_up(now):
        finalize_if_due(attempt.pk, now=now)
        raise AttemptError(_("作答时间已到，答案未保存"), code="time_up")


def submit_attempt(*, attempt_id, officer_id: int, now=None) -> Attempt:
    """Hand in the attempt. Submitting again returns the same result (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update().filter(pk=attempt_id, officer_id=officer_id).first()
        )
        if attempt is None:
            raise AttemptError(_("没有这份答卷"), code="not_found")
        if attempt.in_progress:
            ending = Attempt.Ending.TIME_UP if attempt.time_is_up(now) else None
            finalize(attempt, ending=ending or Attempt.Ending.SUBMITTED, now=now)
    return attempt


def finalize_if_due(attempt_id, *, now=None) -> Attempt | None:
    """Finalise an attempt whose time is up; used by the task and on next access."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().filter(pk=attempt_id).first()
        if attempt and attempt.in_progress and attempt.time_is_up(now):
            finalize(attempt, ending=Attempt.Ending.TIME_UP, now=now)
    return attempt


def finalize(attempt: Attempt, *, ending: str, now) -> Attempt:
    """Grade the objective answers; the attempt waits for a trainer if any need one.

    The caller holds the attempt's row lock, so an attempt is finalised once.
    """
    items = list(attempt.items.all())
    for item in items:
        payload = version_payload(item.version_id)
        if attempt.practice and item.graded_at:
            continue  # checked during practice: already graded
        result = scoring.grade(
            payload,
            item.response,
            points=item.points,
            multiple_scoring=attempt.multiple_scoring,
        )
        item.score = result.score
        item.part_scores = [None if s is None else str(s) for s in result.part_scores]
        item.needs_grading = result.pending
        item.graded_at = None if result.pending else now
    AttemptItem.objects.bulk_update(items, ["score", "part_scores", "needs_grading", "graded_at"])
    attempt.ended_at = now
    attempt.ending = ending
    _settle(attempt, items, now=now)
    return attempt


def _settle(attempt: Attempt, items, *, now) -> None:
    """Total the scores; graded once nothing waits for a trainer."""
    from quizzes.services.grading import on_attempt_graded

    if any(item.needs_grading for item in items):
        attempt.state = Attempt.State.GRADING
        attempt.score = None
        attempt.passed = None
    else:
        attempt.state = Attempt.State.GRADED
        attempt.score = sum((item.score or Decimal(0) for item in items), Decimal(0))
        pass_percent = attempt.quiz.pass_percent if attempt.quiz_id else 60
        attempt.passed = scoring.passed(attempt.score, attempt.max_score, pass_percent)
        attempt.graded_at = now
    attempt.save(update_fields=["state", "score", "passed", "graded_at", "ended_at", "ending"])
    if attempt.state == Attempt.State.GRADED:
        on_attempt_graded(attempt)


def check_practice_answer(*, attempt_id, officer_id: int, position: int, now=None):
    """Practice mode's instant feedback: grade one saved answer and lock it."""
    now = now or timezone.now()
    with transaction.atomic():
        item = (
            AttemptItem.objects.select_for_update()
            .select_related("attempt")
            .filter(attempt_id=attempt_id, attempt__officer_id=officer_id, position=position)
            .first()
        )
        if item is None or not item.attempt.practice:
            raise AttemptError(_("没有这道题"), code="not_found")
        if not item.attempt.in_progress:
            raise AttemptError(_("本次练习已结束"), code="ended")
        if item.graded_at is None:
            result = scoring.grade(
                version_payload(item.version_id),
                item.response,
                points=item.points,
                multiple_scoring=item.attempt.multiple_scoring,
            )
            item.score = result.score
            item.part_scores = [None if s is None else str(s) for s in result.part_scores]
            item.needs_grading = False  # practice short answers are self-checked
            item.graded_at = now
            item.save(update_fields=["score", "part_scores", "needs_grading", "graded_at"])
    return item


def answered_count(attempt: Attempt) -> int:
    return attempt.items.filter(response__isnull=False).count()


def expire_overdue(*, quiz_id=None, now=None) -> int:
    """Finalise every attempt whose time is up (of one quiz, or all: a safety net)."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(state=Attempt.State.IN_PROGRESS, deadline__lte=now)
    if quiz_id is not None:
        overdue = overdue.filter(quiz_id=quiz_id)
    count = 0
    for attempt_id in list(overdue.values_list("pk", flat=True)):
        finalize_if_due(attempt_id, now=now)
        count += 1
    return count


__all__ = [
    "AttemptError",
    "check_practice_answer",
    "current_attempt",
    "expire_overdue",
    "finalize_if_due",
    "save_answer",
    "start_attempt",
    "submit_attempt",
    "version_payload",
]
