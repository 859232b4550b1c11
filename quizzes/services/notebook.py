"""The wrong-answer notebook (错题本): what an officer last got wrong, by regulation and
article, and practice papers drawn from their weakest articles.

A question stays in the notebook while the officer's latest graded answer to it is wrong;
answering it right later (in practice or an exam) takes it out.
"""

import random
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes.models import Attempt, AttemptItem, Question
from quizzes.services import paper
from quizzes.services.attempts import AttemptError, _create_items, version_payload

PRACTICE_SIZE = 20
NO_ARTICLE = gettext_lazy("未关联法条")


@dataclass
class Missed:
    question_id: int
    version_id: int
    times_missed: int
    last_item_id: int
    explanation_released: bool = True


@dataclass
class ArticleGroup:
    label: str
    article_id: int | None
    missed: list = field(default_factory=list)  # [(Missed, payload)]


@dataclass
class RegulationGroup:
    title: str
    articles: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(a.missed) for a in self.articles)


def _releases(attempt_ids) -> dict:
    """What each attempt's review options release now: the notebook shows a key (and
    practises the question) only once the exam it was missed in shows its answers.
    Practice shows everything, also while the paper is still open."""
    from quizzes.services.grading import Release, release_for

    now = timezone.now()
    attempts = Attempt.objects.filter(pk__in=set(attempt_ids)).select_related("quiz")
    return {
        attempt.pk: Release(True, True, True) if attempt.practice else release_for(attempt, now=now)
        for attempt in attempts
    }


def latest_results(officer) -> dict[int, Missed | None]:
    """Per question: a Missed entry if the latest graded answer was wrong, else None.
    Answers whose keys are not released yet count for nothing."""
    rows = list(
        AttemptItem.objects.filter(
            attempt__officer=officer, graded_at__isnull=False, score__isnull=False
        )
        .order_by("graded_at", "pk")
        .values_list("pk", "version__question_id", "version_id", "score", "points", "attempt_id")
    )
    releases = _releases(row[5] for row in rows)
    misses: Counter = Counter()
    latest: dict[int, Missed | None] = {}
    for item_id, question_id, version_id, score, points, attempt_id in rows:
        release = releases[attempt_id]
        if not release.answers:
            continue
        if score < points:
            misses[question_id] += 1
            latest[question_id] = Missed(
                question_id, version_id, misses[question_id], item_id, release.explanations
            )
        else:
            latest[question_id] = None
    return latest


def missed_questions(officer) -> list[Missed]:
    return [m for m in latest_results(officer).values() if m is not None]


def missed_count(officer) -> int:
    return len(missed_questions(officer))


def _regulation_of(label: str) -> str:
    return label.split("》")[0].lstrip("《") if "》" in label else label


def grouped(officer) -> list[RegulationGroup]:
    """The notebook by regulation, then article; most-missed articles first."""
    by_article: dict[tuple, ArticleGroup] = {}
    for missed in missed_questions(officer):
        payload = version_payload(missed.version_id)
        articles = payload.get("articles") or [{"id": None, "label": NO_ARTICLE}]
        for article in articles:
            key = (article["id"], str(article["label"]))
            group = by_article.setdefault(key, ArticleGroup(key[1], article["id"]))
            group.missed.append((missed, payload))
    regulations: dict[str, RegulationGroup] = {}
    for group in sorted(by_article.values(), key=lambda g: (-len(g.missed), g.label)):
        title = _regulation_of(group.label)
        regulations.setdefault(title, RegulationGroup(title)).articles.append(group)
    return sorted(regulations.values(), key=lambda r: (-r.count, r.title))


def weakest_articles(officer, *, limit: int = 5) -> list[int]:
    weights: Counter = Counter()
    for missed in missed_questions(officer):
        for article in version_payload(missed.version_id).get("articles") or ():
            weights[article["id"]] += missed.times_missed
    return [article_id for article_id, _count in weights.most_common(limit)]


def start_practice(*, officer, size: int = PRACTICE_SIZE, seed=None) -> Attempt:
    """A practice paper: the missed questions first, then others citing the same articles."""
    rng = random.Random(seed)
    missed = missed_questions(officer)
    if not missed:
        raise AttemptError(_("错题本是空的，没有可练习的题目"), code="empty")
    article_ids = weakest_articles(officer)
    missed_ids = {m.question_id for m in missed}
    ranked = sorted(missed, key=lambda m: -m.times_missed)[:size]
    related = list(
        Question.objects.filter(
            cited_articles__in=article_ids,
            status=Question.Status.ACTIVE,
            current_version__isnull=False,
        )
        .exclude(pk__in=missed_ids)
        .distinct()
        .order_by("pk")
        .values_list("pk", "current_version_id")
    )
    extra = rng.sample(related, min(len(related), max(0, size - len(ranked))))
    drawn = [paper.PaperItem(m.question_id, _current_or(m), None) for m in ranked]
    drawn += [paper.PaperItem(pk, version, None) for pk, version in extra]
    rng.shuffle(drawn)
    with transaction.atomic():
        attempt = Attempt.objects.create(
            quiz=None,
            officer=officer,
            practice=True,
            multiple_scoring="all_or_nothing",
            started_at=timezone.now(),
        )
        attempt.max_score = _create_items(attempt, drawn, rng=rng, shuffle=True)
        attempt.save(update_fields=["max_score"])
    return attempt


def _current_or(missed: Missed) -> int:
    """Practise the question as it reads now, if it is still in use."""
    question = (
        Question.objects.filter(pk=missed.question_id)
        .values_list("status", "current_version_id")
        .first()
    )
    if question and question[0] == Question.Status.ACTIVE and question[1]:
        return question[1]
    return missed.version_id
