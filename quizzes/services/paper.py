"""Drawing a paper: which questions an attempt gets, in which order, options shuffled.

`draw` is pure: it takes the candidates each slot may draw from, so the drawing can be
tested on plain data. `slots_for` and `draw_for_quiz` read those candidates from the bank;
`paper_rows` and `insert_items` write the drawn paper as an attempt's items, and
`version_payload` is the per-process cache of frozen question versions they read.

On exam day hundreds of officers start the same quiz within minutes, and every start used
to read the whole bank (5,000 rows) for its draw rules. Each process now keeps a quiz's
rules and their candidates for CANDIDATE_TTL seconds (forgotten at once when this process
saves a question, a category, a quiz or its rules), and checks the questions it actually
drew against the bank in one small query: a question deactivated, re-frozen or moved since
the candidates were read makes the draw start again from fresh candidates. So a paper never
holds a question that is not active or not at its current version; a question activated,
or a rule edited, in another process may take up to CANDIDATE_TTL seconds to apply.
"""

import random
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, router
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from quizzes.models import (
    AttemptItem,
    Category,
    DrawRule,
    FixedQuestion,
    Question,
    QuestionVersion,
    Quiz,
)
from quizzes.services.payload import total_points

CANDIDATE_TTL = 30.0  # seconds


class NotEnoughQuestions(ValueError):
    pass


@dataclass(frozen=True)
class Criteria:
    """What a draw rule asks of a question, to re-check drawn questions against the bank."""

    category_ids: frozenset | None  # None: a fixed question, whatever its category or status
    kind: str = ""
    difficulty: int | None = None
    # The candidates' ids: drawing skips the copy of a pool no earlier slot drew from.
    question_ids: frozenset = frozenset()

    def accepts(self, status, category_id, kind, difficulty) -> bool:
        if self.category_ids is None:
            return True
        return (
            status == Question.Status.ACTIVE
            and category_id in self.category_ids
            and (not self.kind or kind == self.kind)
            and (not self.difficulty or difficulty == self.difficulty)
        )


@dataclass(frozen=True)
class Slot:
    """One source of questions: a fixed question, or a draw rule with its candidates."""

    candidates: list  # [(question_id, version_id)], in a stable order
    count: int
    points: Decimal | None  # None: each question's own points
    label: object = ""  # anything whose str() names the slot; only needed for an error
    criteria: Criteria | None = None  # None: read fresh, nothing to re-check


class _RuleLabel:
    """A draw rule's name, worked out only when a message needs it: translating the kind's
    choices label costs more than the rest of reading a rule."""

    def __init__(self, rule):
        self.rule = rule

    def __str__(self):
        return f"{self.rule.category.name} {self.rule.get_kind_display() or ''}".strip()


@dataclass
class PaperItem:
    question_id: int
    version_id: int
    points: Decimal | None
    option_order: list = field(default_factory=list)
    criteria: Criteria | None = None


def draw(slots: list[Slot], *, rng: random.Random, shuffle: bool) -> list[PaperItem]:
    """Questions for every slot; a question drawn once is never drawn again."""
    taken: set[int] = set()
    paper = []
    for slot in slots:
        pool = slot.candidates
        if taken and not (slot.criteria and taken.isdisjoint(slot.criteria.question_ids)):
            pool = [c for c in pool if c[0] not in taken]
        if len(pool) < slot.count:
            raise NotEnoughQuestions(
                _("“%(rule)s”需要 %(count)d 道题，题库中只有 %(available)d 道可用")
                % {"rule": slot.label, "count": slot.count, "available": len(pool)}
            )
        for question_id, version_id in rng.sample(pool, slot.count):
            taken.add(question_id)
            paper.append(PaperItem(question_id, version_id, slot.points, criteria=slot.criteria))
    if shuffle:
        rng.shuffle(paper)
    return paper


# ---------------------------------------------------------------- candidates from the bank

_candidates: dict[tuple, tuple[float, Criteria, list]] = {}  # by rule parameters
_slots: dict[int, tuple[float, list]] = {}  # by quiz id
_candidates_lock = threading.Lock()


_quizzes: dict[int, tuple[float, object]] = {}  # live quizzes by id, for QUIZ_TTL seconds
QUIZ_TTL = 5.0  # seconds


def forget_candidates(**_kwargs) -> None:
    with _candidates_lock:
        _candidates.clear()
        _slots.clear()
        _quizzes.clear()


def live_quiz(quiz_id: int):
    """The live quiz with this id, or None; kept by each process for QUIZ_TTL seconds.

    Every start of an exam reads the same quiz: a quiz unpublished, closed or moved in
    another process stops new starts there within QUIZ_TTL seconds (in this one at once).
    The instance is shared by this process's threads: read it, never change it.
    """
    now = time.monotonic()
    cached = _quizzes.get(quiz_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    quiz = Quiz.objects.filter(pk=quiz_id, live=True).first()
    if quiz is not None:
        with _candidates_lock:
            _quizzes[quiz_id] = (now + QUIZ_TTL, quiz)
    return quiz


for _model in (Question, QuestionVersion, Category, Quiz, DrawRule, FixedQuestion):
    post_save.connect(forget_candidates, sender=_model, dispatch_uid=f"paper-{_model.__name__}")
    post_delete.connect(forget_candidates, sender=_model, dispatch_uid=f"paper-{_model.__name__}-")


def with_versions(questions) -> list[tuple[int, int]]:
    """(question id, current version id) in id order; freezes questions never frozen."""
    from quizzes.services import bank

    rows = list(questions.order_by("pk").values_list("pk", "current_version_id"))
    missing = [pk for pk, version in rows if version is None]
    if missing:  # saved outside the admin and never frozen
        frozen = {q.pk: bank.freeze(q).pk for q in Question.objects.filter(pk__in=missing)}
        rows = [(pk, version or frozen[pk]) for pk, version in rows]
    return rows


def _rule_candidates(rule, *, fresh: bool) -> tuple[Criteria, list]:
    key = (rule.category_id, rule.include_subcategories, rule.kind, rule.difficulty)
    now = time.monotonic()
    cached = None if fresh else _candidates.get(key)
    if cached is not None and cached[0] > now:
        return cached[1], cached[2]
    categories = [rule.category_id]
    if rule.include_subcategories:
        categories = list(Category.get_tree(rule.category).values_list("pk", flat=True))
    questions = Question.objects.filter(category_id__in=categories, status=Question.Status.ACTIVE)
    if rule.kind:
        questions = questions.filter(kind=rule.kind)
    if rule.difficulty:
        questions = questions.filter(difficulty=rule.difficulty)
    rows = with_versions(questions)
    criteria = Criteria(
        frozenset(categories), rule.kind, rule.difficulty, frozenset(pk for pk, _v in rows)
    )
    with _candidates_lock:
        _candidates[key] = (now + CANDIDATE_TTL, criteria, rows)
    return criteria, rows


def slots_for(quiz, *, fresh: bool = False) -> list[Slot]:
    """The quiz's fixed questions and its draw rules, with their candidates.

    Kept per process like the candidates: a change to a live quiz's rules reaches the other
    processes within CANDIDATE_TTL seconds.
    """
    now = time.monotonic()
    cached = None if fresh else _slots.get(quiz.pk)
    if cached is not None and cached[0] > now:
        return cached[1]
    slots = []
    fixed = list(quiz.fixed_questions.select_related("question").order_by("sort_order"))
    if fixed:
        ids = [entry.question_id for entry in fixed]
        versions = dict(with_versions(Question.objects.filter(pk__in=ids)))
        for entry in fixed:
            candidates = [(entry.question_id, versions[entry.question_id])]
            slots.append(
                Slot(
                    candidates,
                    1,
                    entry.points,
                    label=entry.question,
                    criteria=Criteria(None, question_ids=frozenset([entry.question_id])),
                )
            )
    for rule in quiz.draw_rules.select_related("category").order_by("sort_order"):
        criteria, candidates = _rule_candidates(rule, fresh=fresh)
        slots.append(
            Slot(candidates, rule.count, rule.points, label=_RuleLabel(rule), criteria=criteria)
        )
    with _candidates_lock:
        _slots[quiz.pk] = (now + CANDIDATE_TTL, slots)
    return slots


def _still_drawable(drawn: list[PaperItem]) -> bool:
    """Whether every question drawn from cached candidates is still at the version drawn
    and still meets its rule."""
    checked = {item.question_id: item for item in drawn if item.criteria is not None}
    if not checked:
        return True
    ok = 0
    for pk, status, version_id, category_id, kind, difficulty in _bank_rows(list(checked)):
        item = checked[pk]
        if version_id == item.version_id and item.criteria.accepts(
            status, category_id, kind, difficulty
        ):
            ok += 1
    return ok == len(checked)


_BANK_COLUMNS = ("id", "status", "current_version", "category", "kind", "difficulty")


def _bank_rows(question_ids: list[int]) -> list[tuple]:
    """(id, status, current version, category, kind, difficulty) of these questions.

    Written out: the ORM's compiling of this query cost more than the rest of the draw,
    and every attempt start runs it. All six columns are plain integers or text.
    """
    connection = connections[router.db_for_read(Question)]
    quote, meta = connection.ops.quote_name, Question._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in _BANK_COLUMNS)
    sql = "SELECT {} FROM {} WHERE {} IN ({})".format(
        columns,
        quote(meta.db_table),
        quote(meta.pk.column),
        ", ".join(["%s"] * len(question_ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, question_ids)
        return cursor.fetchall()


def draw_for_quiz(quiz, *, rng: random.Random) -> list[PaperItem]:
    """A paper for the quiz, from cached candidates when they are still right."""
    for fresh in (False, True):
        try:
            drawn = draw(slots_for(quiz, fresh=fresh), rng=rng, shuffle=quiz.shuffle_questions)
        except NotEnoughQuestions:
            if fresh:
                raise
            continue  # the bank may have grown since the candidates were read
        if fresh or _still_drawable(drawn):
            return drawn
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------- writing the paper


class _PayloadCache:
    """Frozen question payloads by version id: versions never change once written, so
    every process may keep them. Called like a function; `many` reads the missing ones of
    a paper in one query."""

    def __init__(self, maxsize: int):
        self.maxsize, self._data = maxsize, {}
        self.shapes: dict[int, tuple] = {}  # what paper_rows needs of each version

    def __call__(self, version_id: int) -> dict:
        payload = self._data.get(version_id)
        if payload is None:
            payload = QuestionVersion.objects.values_list("payload", flat=True).get(pk=version_id)
            self._keep({version_id: payload})
        return payload

    def many(self, version_ids) -> dict:
        found = {pk: self._data.get(pk) for pk in version_ids}
        missing = [pk for pk, payload in found.items() if payload is None]
        if missing:
            read = dict(QuestionVersion.objects.filter(pk__in=missing).values_list("pk", "payload"))
            self._keep(read)
            found.update(read)
        return found

    def _keep(self, payloads: dict) -> None:
        if len(self._data) + len(payloads) > self.maxsize:
            self._data, self.shapes = {}, {}  # crude, but a bank rarely outgrows it
        self._data.update(payloads)

    def cache_clear(self) -> None:
        self._data, self.shapes = {}, {}


version_payload = _PayloadCache(maxsize=20_000)


def paper_rows(drawn, *, rng, shuffle) -> tuple[list[dict], Decimal]:
    """The new items' own values, by field name, and the paper's maximum score."""
    payloads = version_payload.many([entry.version_id for entry in drawn])
    rows = []
    for position, entry in enumerate(drawn, start=1):
        shuffles, counts, points = _shape(entry.version_id, payloads[entry.version_id])
        if isinstance(counts, int):
            order = _order(counts, rng=rng, shuffle=shuffle and shuffles)
        else:  # a case: one order per part
            order = [_order(n, rng=rng, shuffle=shuffle and s) for s, n in counts]
        rows.append(
            {
                "position": position,
                "version": entry.version_id,
                "option_order": order,
                "points": entry.points if entry.points is not None else points,
            }
        )
    return rows, sum((row["points"] for row in rows), Decimal(0))


def _shape(version_id: int, payload: dict) -> tuple:
    """(options shuffle, option count or [(shuffle, count)] per case part, points)."""
    shape = version_payload.shapes.get(version_id)
    if shape is None:

        def options(content):
            return content["kind"] in ("single", "multiple"), len(content.get("options") or ())

        if payload["kind"] == "case":
            counts = [options(part) for part in payload.get("parts") or ()]
            shape = (False, counts, total_points(payload))
        else:
            shape = (*options(payload), total_points(payload))
        version_payload.shapes[version_id] = shape
    return shape


def _order(count: int, *, rng: random.Random, shuffle: bool) -> list[int]:
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
    return order


# What every new item starts with; the columns left out are NULL until answered or graded.
_NEW_ITEM = {"response_seq": 0, "part_scores": [], "needs_grading": False, "feedback": ""}


def item_rows_sql(attempt_id, rows: list[dict]) -> tuple[str, list]:
    """The INSERT of a paper's items: one statement for all rows, and its parameters.

    Worked out before the write transaction, which then only runs it. One statement, not
    one per row: on SQLite the other starts and answer saves wait for this transaction,
    and each row of an executemany hands the GIL over and back, which under load made it
    last many times longer. Each value is prepared for the database by its field as
    bulk_create would (the values every item shares only once); positions and version ids
    are plain integers. Compiling a 50-row INSERT in the ORM took longer than the rest of
    starting an attempt.
    """
    connection = connections[router.db_for_write(AttemptItem)]

    def prepared(name, value):
        return AttemptItem._meta.get_field(name).get_db_prep_save(value, connection)

    shared = {"attempt": attempt_id, **_NEW_ITEM}
    own = list(rows[0])
    columns = [AttemptItem._meta.get_field(name).column for name in [*shared, *own]]
    quote = connection.ops.quote_name
    row_marks = "({})".format(", ".join(["%s"] * len(columns)))
    sql = "INSERT INTO {} ({}) VALUES {}".format(
        quote(AttemptItem._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join([row_marks] * len(rows)),
    )
    head = [prepared(name, value) for name, value in shared.items()]
    params = []
    for row in rows:
        params += head
        params += [row[name] if name in _PLAIN else prepared(name, row[name]) for name in own]
    return sql, params


_PLAIN = {"position", "version"}  # integers: the database takes them as they are


def insert_items(attempt, rows: list[dict]) -> None:
    """Insert a paper's items (see item_rows_sql)."""
    run_statements([item_rows_sql(attempt.pk, rows)])


def run_statements(statements) -> None:
    """Run prepared (sql, params) statements, in order, on the attempts' database."""
    connection = connections[router.db_for_write(AttemptItem)]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
