"""Judging a contest: panel judges fill one sheet per entry until the trainer closes judging."""

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.services import audit

from ..errors import CompetitionError
from ..models import Competition, Entry, JudgingCriterion, ScoreMark, ScoreSheet
from ..permissions import can_manage, is_judge
from .scoring import Criterion, EntryRank, EntryScores, MarkError, check_marks, rank_entries
from .scoring import sheet_total as weighted_total


def criteria_of(competition: Competition) -> list[Criterion]:
    return [
        Criterion(id=c.pk, weight=c.weight, max_score=c.max_score)
        for c in JudgingCriterion.objects.filter(competition=competition)
    ]


def _clean_marks(marks: dict, criteria: list[Criterion]) -> dict[int, Decimal]:
    cleaned = {}
    for criterion in criteria:
        try:
            cleaned[criterion.id] = Decimal(str(marks.get(criterion.id))).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            raise CompetitionError(_("每个评分项都须填写分数"), code="missing_mark") from None
    try:
        check_marks(cleaned, criteria)
    except MarkError:
        raise CompetitionError(_("分数须在 0 到该项满分之间"), code="bad_mark") from None
    return cleaned


def submit_sheet(
    *, entry: Entry, judge, marks: dict[int, Decimal], comment: str = "", now=None
) -> ScoreSheet:
    """Save (or replace) the judge's own sheet for the entry."""
    competition = entry.competition
    if not is_judge(judge, competition):
        raise CompetitionError(_("您不是本次评比的评委"), code="not_judge")
    criteria = criteria_of(competition)
    if not criteria:
        raise CompetitionError(_("本次评比尚未设置评分项"), code="no_criteria")
    cleaned = _clean_marks(marks, criteria)
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        if locked.judging_closed:
            raise CompetitionError(_("评分已截止，不能再修改"), code="closed")
        sheet, created = ScoreSheet.objects.update_or_create(
            entry=entry,
            judge=judge,
            defaults={"comment": comment.strip(), "submitted_at": now or timezone.now()},
        )
        sheet.marks.all().delete()
        ScoreMark.objects.bulk_create(
            [ScoreMark(sheet=sheet, criterion_id=cid, mark=mark) for cid, mark in cleaned.items()]
        )
        audit.record(
            actor=judge,
            action="competition.sheet_submitted" if created else "competition.sheet_changed",
            target=sheet,
            entry=entry.pk,
            marks={str(k): str(v) for k, v in cleaned.items()},
        )
    return sheet


def _set_closed(*, competition: Competition, actor, closed: bool) -> Competition:
    if not can_manage(actor):
        raise CompetitionError(_("只有教员和管理员可以截止或重开评分"), code="forbidden")
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        if locked.judging_closed == closed:
            raise CompetitionError(
                _("评分已截止") if closed else _("评分尚未截止"), code="unchanged"
            )
        locked.judging_closed_at = timezone.now() if closed else None
        locked.save(update_fields=["judging_closed_at"])
        audit.record(
            actor=actor,
            action="competition.judging_closed" if closed else "competition.judging_reopened",
            target=locked,
            competition=locked.pk,
        )
    competition.judging_closed_at = locked.judging_closed_at
    return locked


def close_judging(*, competition: Competition, actor) -> Competition:
    return _set_closed(competition=competition, actor=actor, closed=True)


def reopen_judging(*, competition: Competition, actor) -> Competition:
    return _set_closed(competition=competition, actor=actor, closed=False)


def sheet_marks(competition: Competition) -> dict[int, dict[int, dict[int, Decimal]]]:
    """entry id → sheet id → criterion id → mark."""
    marks: dict = defaultdict(lambda: defaultdict(dict))
    rows = ScoreMark.objects.filter(sheet__entry__competition=competition).values_list(
        "sheet__entry_id", "sheet_id", "criterion_id", "mark"
    )
    for entry_id, sheet_id, criterion_id, mark in rows:
        marks[entry_id][sheet_id][criterion_id] = mark
    return marks


def entry_standings(competition: Competition) -> list[EntryRank]:
    criteria = criteria_of(competition)
    marks = sheet_marks(competition)
    entries = (
        Entry.objects.filter(competition=competition)
        .select_related("unit")
        .prefetch_related("officers")
    )
    rows = []
    for entry in entries:
        totals = [weighted_total(m, criteria) for m in marks.get(entry.pk, {}).values()]
        rows.append(
            EntryScores(
                entry_id=entry.pk,
                title=entry.title,
                unit_id=entry.unit_id,
                unit_name=entry.unit.name if entry.unit_id else "",
                officer_ids=tuple(sorted(o.pk for o in entry.officers.all())),
                totals=tuple(t for t in totals if t is not None),
            )
        )
    return rank_entries(rows)
