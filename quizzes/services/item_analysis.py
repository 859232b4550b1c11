"""Quiz analysis: score distribution, results by unit, and classical item analysis.

Pure functions over plain data, no ORM (`analysis_queries` gathers the rows), so every
figure can be checked by hand. The definitions, as the report page and export explain them:

- 得分率 (percent): score ÷ max score × 100 — papers drawn by rules may differ in max score.
- Officer result: an officer's graded attempts combined by the quiz's 多次作答取分 (highest,
  first, last or average of the percents); passed when it reaches the pass line. The
  distribution, summary and unit figures count officers, not attempts.
- Facility index (难度系数), as Moodle defines it: the mean share of the item's points the
  attempts earned, 0..1 — 1 means everyone got full marks, so higher is easier.
- Discrimination index (区分度), as Moodle defines it — the one shown and flagged: the
  Pearson correlation between the item's score share and the share of the rest of the paper
  (the attempt without this item), i.e. the corrected point-biserial, −1..1. Leaving the item
  out of the total keeps it from correlating with itself, which matters on short papers.
- Upper–lower index (高低分组区分度), classical D: among the attempts that drew the item,
  ranked by total share, the mean item share of the top 27 % minus that of the bottom 27 %.
  Ties at a group boundary are broken by attempt key, so the figure is reproducible.

Rates and shares are percentages (0–100); facility and discrimination keep the ranges of
their definitions. Undefined figures are None, never 0: no attempts, a single attempt, or no
spread (everyone scoring the same: zero standard deviation, so no correlation). Items are
grouped by question version: a question edited between attempts was a different question.
A case question counts as one item, scored by its total; its parts have no option counts.
"""

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import sqrt

from django.utils.translation import gettext_lazy as _

from quizzes.models.bank import Kind
from quizzes.services.keys import LETTERS, InvalidKey, format_true_false, parse_key
from quizzes.services.scoring import combine_attempts, percent

TOO_EASY = 0.9  # facility above: nearly everyone gets it
TOO_HARD = 0.2  # facility below: nearly nobody does
POOR_DISCRIMINATION = 0.2
# Below this many answers a correlation is mostly noise: shown, but not flagged.
MIN_SAMPLE = 10
GROUP_SHARE = 0.27

EASY, HARD, POOR, NEGATIVE = "easy", "hard", "poor", "negative"
FLAG_LABELS = {NEGATIVE: _("区分度为负"), POOR: _("区分度低"), HARD: _("过难"), EASY: _("过易")}
# Sorting "by flags" puts the most worrying first, in this order.
FLAG_SEVERITY = {flag: rank for rank, flag in enumerate(FLAG_LABELS)}


@dataclass(frozen=True)
class AttemptRow:
    """A finished attempt; `graded` False means it still waits for a trainer."""

    key: str
    officer: int
    number: int
    score: Decimal | None
    max_score: Decimal
    graded: bool
    unit_key: str = ""  # sorts units in tree order (the unit's path)
    unit_label: str = ""


@dataclass(frozen=True)
class ItemRow:
    """One question of a finished attempt; `score` None while a trainer still has to grade it."""

    attempt: str
    version: int
    question: int
    version_number: int
    position: int
    payload: dict
    points: Decimal
    response: object
    score: Decimal | None


@dataclass(frozen=True)
class OfficerResult:
    officer: int
    unit_key: str
    unit_label: str
    percent: float
    passed: bool


@dataclass(frozen=True)
class Summary:
    officers: int
    attempts: int  # graded attempts
    pending: int  # attempts waiting for a trainer: not in the figures below
    mean: float | None
    median: float | None
    std: float | None  # sample standard deviation; None below two results
    minimum: float | None
    maximum: float | None
    passed: int
    pass_rate: float | None


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    count: int
    share: float | None

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}"


@dataclass(frozen=True)
class UnitRow:
    key: str
    label: str
    count: int
    mean: float
    passed: int
    pass_rate: float


@dataclass(frozen=True)
class OptionCount:
    letter: str
    text: str
    count: int
    share: float | None  # % of the times drawn; a 多选 answer counts for each option it chose
    correct: bool


@dataclass(frozen=True)
class ItemStats:
    version: int
    question: int
    version_number: int
    kind: str
    stem: str
    position: int  # the position it was most often shown at
    drawn: int
    scored: int
    unanswered: int
    mean_score: float | None
    mean_points: float
    facility: float | None
    discrimination: float | None
    upper_lower: float | None
    options: tuple[OptionCount, ...]
    flags: tuple[str, ...]

    @property
    def labelled_flags(self) -> list[tuple[str, str]]:
        return [(flag, str(FLAG_LABELS[flag])) for flag in self.flags]

    @property
    def kind_label(self) -> str:
        return str(dict(Kind.choices).get(self.kind, self.kind))

    @property
    def small_sample(self) -> bool:
        return self.scored < MIN_SAMPLE


@dataclass(frozen=True)
class Analysis:
    summary: Summary
    bands: list[Band]
    units: list[UnitRow]
    items: list[ItemStats]


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation coefficient; None with fewer than two pairs or no spread in either."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx < 1e-12 or syy < 1e-12:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return max(-1.0, min(1.0, sxy / sqrt(sxx * syy)))


def officer_results(
    attempts: Iterable[AttemptRow], *, grading_method: str, pass_percent: int
) -> list[OfficerResult]:
    """Each officer's quiz result from their graded attempts, in the order they took them."""
    by_officer = defaultdict(list)
    for attempt in attempts:
        if attempt.graded and attempt.score is not None:
            by_officer[attempt.officer].append(attempt)
    results = []
    for officer, rows in by_officer.items():
        rows.sort(key=lambda row: row.number)
        # Percents, not scores: papers drawn by rules need not have the same max score.
        combined = combine_attempts(grading_method, [percent(r.score, r.max_score) for r in rows])
        passed = combined >= Decimal(pass_percent)
        unit = rows[-1]
        results.append(
            OfficerResult(officer, unit.unit_key, unit.unit_label, float(combined), passed)
        )
    return results


def summarise(results: Sequence[OfficerResult], attempts: Sequence[AttemptRow]) -> Summary:
    percents = [r.percent for r in results]
    passed = sum(1 for r in results if r.passed)
    return Summary(
        officers=len(results),
        attempts=sum(1 for a in attempts if a.graded and a.score is not None),
        pending=sum(1 for a in attempts if not a.graded),
        mean=_mean(percents),
        median=statistics.median(percents) if percents else None,
        std=statistics.stdev(percents) if len(percents) > 1 else None,
        minimum=min(percents, default=None),
        maximum=max(percents, default=None),
        passed=passed,
        pass_rate=passed * 100 / len(results) if results else None,
    )


def score_distribution(percents: Sequence[float]) -> list[Band]:
    """Ten bands, 0–9 … 90–100: each holds [low, low + 10) %, the last also 100 %."""
    counts = Counter(min(max(int(p // 10), 0), 9) for p in percents)
    total = len(percents)
    shares = [counts[b] * 100 / total if total else None for b in range(10)]
    return [Band(b * 10, 100 if b == 9 else b * 10 + 9, counts[b], shares[b]) for b in range(10)]


def by_unit(results: Iterable[OfficerResult]) -> list[UnitRow]:
    """Count, mean percent and pass rate for each officer's own unit, in tree order."""
    groups = defaultdict(list)
    for result in results:
        groups[(result.unit_key, result.unit_label)].append(result)
    rows = []
    for (key, label), members in sorted(groups.items()):
        count, passed = len(members), sum(1 for m in members if m.passed)
        mean = sum(m.percent for m in members) / count
        rows.append(UnitRow(key, label, count, mean, passed, passed * 100 / count))
    return rows


def is_blank(response) -> bool:
    """Unanswered: nothing saved, an empty text, or nothing in any blank, option or part."""
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    if isinstance(response, list):
        return all(is_blank(r) for r in response)
    return False  # False (判断 "错") and 0 (option A) are answers


def _correct(payload: dict, option_count: int = 0):
    try:
        return parse_key(payload["kind"], payload.get("answer", ""), option_count)
    except InvalidKey:
        return None  # a broken key: the options are still worth counting


def _choices(payload: dict) -> tuple[list[str], list[str], set[int]] | None:
    """Labels, texts and correct indices of a choice or true/false question, else None."""
    kind = payload.get("kind")
    if kind == "truefalse":
        # Stored as True/False; shown as the two words, which need no text of their own.
        key = _correct(payload)
        correct = set() if key is None else {0 if key else 1}
        return [format_true_false(True), format_true_false(False)], ["", ""], correct
    if kind in ("single", "multiple"):
        options = [str(text) for text in payload.get("options") or ()]
        labels = [LETTERS[i] if i < len(LETTERS) else str(i + 1) for i in range(len(options))]
        return labels, options, set(_correct(payload, len(options)) or ())
    return None


def option_counts(payload: dict, responses: Sequence) -> tuple[OptionCount, ...]:
    """How often each option was chosen, in the question's own order (responses are stored
    in original indices however the page shuffled them); () for other kinds."""
    choices = _choices(payload)
    if choices is None:
        return ()
    labels, texts, correct = choices
    counts = Counter()
    for response in responses:
        if isinstance(response, bool):
            counts[0 if response else 1] += 1
        elif isinstance(response, int):
            counts[response] += 1
        elif isinstance(response, list):
            counts.update(i for i in set(response) if isinstance(i, int))
    drawn = len(responses)
    return tuple(
        OptionCount(
            letter=labels[index],
            text=text,
            count=counts[index],
            share=counts[index] * 100 / drawn if drawn else None,
            correct=index in correct,
        )
        for index, text in enumerate(texts)
    )


def item_flags(facility: float | None, discrimination: float | None, sample: int) -> tuple:
    flags = []
    if discrimination is not None and sample >= MIN_SAMPLE:
        if discrimination < 0:
            flags.append(NEGATIVE)
        elif discrimination < POOR_DISCRIMINATION:
            flags.append(POOR)
    if facility is not None:
        if facility < TOO_HARD:
            flags.append(HARD)
        elif facility > TOO_EASY:
            flags.append(EASY)
    return tuple(flags)


def upper_lower_index(observations: Sequence[tuple[float, float, str]]) -> float | None:
    """Classical D from (total share, item share, attempt key) of each attempt with the item."""
    n = len(observations)
    if n < 2:
        return None
    ranked = sorted(observations, key=lambda o: (o[0], o[2]))
    if ranked[0][0] == ranked[-1][0]:
        return None  # everyone has the same total: there are no upper and lower groups
    size = max(1, int(GROUP_SHARE * n + 0.5))
    lower = [o[1] for o in ranked[:size]]
    upper = [o[1] for o in ranked[-size:]]
    return sum(upper) / size - sum(lower) / size


def _totals(items: Iterable[ItemRow]) -> dict[str, tuple[float, float]]:
    """Each attempt's scored points and the points they were out of (pending items left out)."""
    totals = defaultdict(lambda: [0.0, 0.0])
    for item in items:
        if item.score is not None:
            totals[item.attempt][0] += float(item.score)
            totals[item.attempt][1] += float(item.points)
    return {key: (score, points) for key, (score, points) in totals.items()}


def _item_stats(rows: list[ItemRow], totals: dict[str, tuple[float, float]]) -> ItemStats:
    first = rows[0]
    scored = [r for r in rows if r.score is not None and r.points > 0]
    shares = [float(r.score) / float(r.points) for r in scored]
    item_shares, rest_shares, groups = [], [], []
    for row, share in zip(scored, shares, strict=True):
        total, out_of = totals[row.attempt]
        groups.append((total / out_of, share, row.attempt))
        rest_points = out_of - float(row.points)
        if rest_points > 0:  # a one-question paper has no rest to correlate with
            item_shares.append(share)
            rest_shares.append((total - float(row.score)) / rest_points)
    facility = _mean(shares)
    discrimination = pearson(item_shares, rest_shares)
    positions = Counter(r.position for r in rows)
    return ItemStats(
        version=first.version,
        question=first.question,
        version_number=first.version_number,
        kind=first.payload.get("kind", ""),
        stem=first.payload.get("stem", ""),
        position=min(positions, key=lambda p: (-positions[p], p)),
        drawn=len(rows),
        scored=len(scored),
        unanswered=sum(1 for r in rows if is_blank(r.response)),
        mean_score=_mean([float(r.score) for r in scored]),
        mean_points=sum(float(r.points) for r in rows) / len(rows),
        facility=facility,
        discrimination=discrimination,
        upper_lower=upper_lower_index(groups),
        options=option_counts(first.payload, [r.response for r in rows]),
        flags=item_flags(facility, discrimination, len(item_shares)),
    )


def item_analysis(items: Sequence[ItemRow]) -> list[ItemStats]:
    """Statistics for every question version drawn, in position order.

    Each item only counts the attempts that drew it (rules draw different questions for
    different officers); attempt totals come from the scored items, so an attempt still
    being graded contributes what is already scored.
    """
    totals = _totals(items)
    groups = defaultdict(list)
    for item in items:
        groups[item.version].append(item)
    return sort_items([_item_stats(rows, totals) for rows in groups.values()])


def sort_items(items: Iterable[ItemStats], by: str = "position") -> list[ItemStats]:
    """By position (then question), or by flags: the most worrying first, unflagged last."""

    def key(item):
        severity = min((FLAG_SEVERITY[f] for f in item.flags), default=len(FLAG_SEVERITY))
        return (severity if by == "flags" else 0, item.position, item.question, item.version_number)

    return sorted(items, key=key)


def analyse(attempts, items, *, grading_method: str, pass_percent: int) -> Analysis:
    """Everything the report shows, from a quiz's finished attempts and their items."""
    results = officer_results(attempts, grading_method=grading_method, pass_percent=pass_percent)
    return Analysis(
        summary=summarise(results, attempts),
        bands=score_distribution([r.percent for r in results]),
        units=by_unit(results),
        items=item_analysis(items),
    )
