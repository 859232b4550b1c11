"""Awards: from a final ranking to award levels, certificates in bulk, and training hours.

Levels follow ranks, not positions: with counts {first: 1, second: 2, third: 3} ranks 1 get
一等奖, ranks 2–3 二等奖, ranks 4–6 三等奖, so entrants sharing a rank share a level (and a
tie at a boundary may give a level to more entrants than its count). The best-ranked units
get 优秀组织奖.

Granting writes one Award per officer (a team's prize: one per member) and per unit,
issues the certificates of the awards not granted yet through the certificates' bulk job,
and credits the competition's hours to every participant through the ledger. Granting
again adds nothing: granted awards are kept, held certificates are skipped by the bulk
job, and the ledger credits a source once per officer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import BulkIssueJob, Certificate, CertificateTemplate, Kind, Source
from certificates.services.bulk import start_bulk_issue
from certificates.services.data import hours_text
from people.models import Officer
from people.models.ledger import HourKind, SourceType
from people.services import audit, ledger

from ..errors import CompetitionError
from ..models import Award, Competition, Entry
from ..permissions import can_manage
from .preliminary import participant_ids
from .ranking import IndividualRank, UnitRank
from .scoring import EntryRank

DEFAULT_COUNTS = {"first": 1, "second": 2, "third": 3}
PERSON_LEVELS = (Award.Level.FIRST, Award.Level.SECOND, Award.Level.THIRD)


@dataclass(frozen=True)
class RankedRow:
    """A row of any final ranking: an individual, an entry or a team."""

    rank: int | None
    officer_ids: tuple[int, ...]
    unit_id: int | None
    label: str = ""


@dataclass(frozen=True)
class AwardProposal:
    level: str
    rank: int | None
    officer_ids: tuple[int, ...]
    unit_id: int | None
    label: str = ""


@dataclass
class GrantResult:
    awards: int = 0
    jobs: list[BulkIssueJob] = field(default_factory=list)
    hours_credited: int = 0


def source_id(competition: Competition) -> str:
    return f"competition:{competition.pk}"


# --- Ranking rows from each kind of ranking ---------------------------------------------------


def rows_from_individuals(rows: Sequence[IndividualRank]) -> list[RankedRow]:
    return [RankedRow(rank=r.rank, officer_ids=(r.officer_id,), unit_id=r.unit_id) for r in rows]


def rows_from_units(rows: Sequence[UnitRank]) -> list[RankedRow]:
    return [RankedRow(rank=r.rank, officer_ids=(), unit_id=r.unit_id) for r in rows if r.ranked]


def rows_from_entries(rows: Sequence[EntryRank]) -> list[RankedRow]:
    return [
        RankedRow(rank=r.rank, officer_ids=r.officer_ids, unit_id=r.unit_id, label=r.title)
        for r in rows
        if r.rank is not None
    ]


def rows_from_final(final) -> list[RankedRow]:
    """A live final's teams, from the finals app's standings (imported only when used)."""
    from quizzes.finals.services.standings import final_standings

    return [
        RankedRow(rank=s.rank, officer_ids=tuple(s.officer_ids), unit_id=s.unit_id, label=s.name)
        for s in final_standings(final)
    ]


def units_by_best_row(rows: Sequence[RankedRow]) -> list[RankedRow]:
    """Units ranked by their best-ranked row, for contests without a unit ranking."""
    best: dict[int, int] = {}
    for row in rows:
        if row.unit_id is not None and row.rank is not None:
            best[row.unit_id] = min(row.rank, best.get(row.unit_id, row.rank))
    ordered = sorted(best.items(), key=lambda item: item[1])
    result, previous, rank = [], None, 0
    for position, (unit_id, best_rank) in enumerate(ordered, start=1):
        if best_rank != previous:
            rank, previous = position, best_rank
        result.append(RankedRow(rank=rank, officer_ids=(), unit_id=unit_id))
    return result


# --- Proposing (pure) ---------------------------------------------------------------------------


def level_for(rank: int | None, counts: dict[str, int]) -> str | None:
    if rank is None:
        return None
    limit = 0
    for level in PERSON_LEVELS:
        limit += max(0, int(counts.get(level, 0)))
        if rank <= limit:
            return level
    return None


def propose_awards(
    *,
    rows: Sequence[RankedRow],
    counts: dict[str, int] | None = None,
    unit_rows: Sequence[RankedRow] = (),
    organisation_units: int = 0,
) -> list[AwardProposal]:
    counts = DEFAULT_COUNTS if counts is None else counts
    proposals, seen = [], set()
    for row in sorted(rows, key=lambda r: (r.rank is None, r.rank or 0)):
        level = level_for(row.rank, counts)
        officers = tuple(o for o in row.officer_ids if o not in seen)
        if level is None or not officers:
            continue
        seen.update(officers)
        proposals.append(
            AwardProposal(
                level=level,
                rank=row.rank,
                officer_ids=officers,
                unit_id=row.unit_id,
                label=row.label,
            )
        )
    ranked_units = [r for r in unit_rows if r.rank is not None and r.unit_id is not None]
    for row in sorted(ranked_units, key=lambda r: r.rank):
        if row.rank > organisation_units:
            break
        proposals.append(
            AwardProposal(
                level=Award.Level.ORGANISATION,
                rank=row.rank,
                officer_ids=(),
                unit_id=row.unit_id,
                label=row.label,
            )
        )
    return proposals


# --- Granting -------------------------------------------------------------------------------


def _credit_day(competition: Competition) -> date:
    today = timezone.localdate()
    return today if today.year == competition.year else date(competition.year, 12, 31)


def _write_awards(competition: Competition, proposals: Sequence[AwardProposal]) -> None:
    """Create the proposed awards; an award already granted is never changed."""
    officers = Officer.objects.in_bulk(
        [o for p in proposals for o in p.officer_ids], field_name="pk"
    )
    for proposal in proposals:
        values = {"level": proposal.level, "rank": proposal.rank, "label": proposal.label[:200]}
        if proposal.level == Award.Level.ORGANISATION:
            targets = [{"officer": None, "unit_id": proposal.unit_id}]
        else:
            targets = [
                {"officer_id": o}
                for o in proposal.officer_ids
                if o in officers  # an officer deleted since the ranking was read is skipped
            ]
        for target in targets:
            unit_id = proposal.unit_id
            if "officer_id" in target and unit_id is None:
                unit_id = officers[target["officer_id"]].unit_id
            award = Award.objects.filter(competition=competition, **target).first()
            if award is None:
                Award.objects.create(
                    competition=competition, **{**target, **values, "unit_id": unit_id}
                )
            elif award.granted_at is None:
                Award.objects.filter(pk=award.pk).update(**values)


def _issue(competition, awards, template, actor, now) -> BulkIssueJob | None:
    if not awards:
        return None
    recipients = []
    for award in awards:
        fields = {
            "competition": competition.title,
            "award": award.get_level_display(),
            "hours": hours_text(competition.credit_hours),
        }
        key = "unit_id" if award.officer_id is None else "officer_id"
        recipients.append(
            {key: award.unit_id if award.officer_id is None else award.officer_id, "fields": fields}
        )
    job = start_bulk_issue(
        template=template,
        recipients=recipients,
        title=competition.title,
        actor=actor,
        source_type=Source.COMPETITION,
        source_id=source_id(competition),
    )
    Award.objects.filter(pk__in=[a.pk for a in awards]).update(
        granted_at=now, granted_by=actor, bulk_job=job
    )
    return job


def all_participants(competition: Competition) -> set[int]:
    """Preliminary participants, entry authors, live-final team members and award winners."""
    from quizzes.finals.models import Team

    ids = participant_ids(competition)
    ids |= set(
        Team.members.through.objects.filter(team__final__competition=competition).values_list(
            "officer_id", flat=True
        )
    )
    ids |= set(
        Entry.officers.through.objects.filter(entry__competition=competition).values_list(
            "officer_id", flat=True
        )
    )
    ids |= set(
        Award.objects.filter(competition=competition)
        .exclude(officer=None)
        .values_list("officer_id", flat=True)
    )
    return ids


def credit_participants(*, competition: Competition, actor) -> int:
    """Credit the competition's hours to every participant; returns how many were new."""
    if competition.credit_hours <= 0:
        return 0
    credited = 0
    on = _credit_day(competition)
    for officer_id in sorted(all_participants(competition)):
        entry = ledger.credit(
            officer_id=officer_id,
            kind=HourKind.COMPETITION,
            hours=competition.credit_hours,
            on=on,
            source_type=SourceType.COMPETITION,
            source_id=source_id(competition),
            title=competition.title,
            actor=actor,
        )
        credited += entry is not None
    return credited


def _templates(template, unit_template, organisation: bool):
    if template.kind != Kind.AWARD:
        raise CompetitionError(_("请选择“获奖证书”类型的模板"), code="wrong_template")
    if not organisation:
        return template, None
    unit_template = unit_template or CertificateTemplate.active_for(Kind.UNIT_AWARD)
    if unit_template is None or unit_template.kind != Kind.UNIT_AWARD:
        raise CompetitionError(
            _("颁发优秀组织奖须有“优秀组织奖”类型的模板"), code="no_unit_template"
        )
    return template, unit_template


def grant_awards(
    *,
    competition: Competition,
    awards: Sequence[AwardProposal],
    template: CertificateTemplate,
    actor,
    unit_template: CertificateTemplate | None = None,
) -> GrantResult:
    if not can_manage(actor):
        raise CompetitionError(_("只有教员和管理员可以颁奖"), code="forbidden")
    organisation = any(p.level == Award.Level.ORGANISATION for p in awards)
    template, unit_template = _templates(template, unit_template, organisation)
    now = timezone.now()
    result = GrantResult()
    with transaction.atomic():
        competition = Competition.objects.select_for_update().get(pk=competition.pk)
        _write_awards(competition, awards)
        pending = list(
            Award.objects.filter(competition=competition, granted_at=None).order_by("rank", "pk")
        )
        people = [a for a in pending if a.officer_id is not None]
        units = [a for a in pending if a.officer_id is None]
        for group, chosen in ((people, template), (units, unit_template)):
            job = _issue(competition, group, chosen, actor, now)
            if job is not None:
                result.jobs.append(job)
        result.awards = len(pending)
        result.hours_credited = credit_participants(competition=competition, actor=actor)
        audit.record(
            actor=actor,
            action="competition.awards_granted",
            target=competition,
            competition=competition.pk,
            awards=result.awards,
            jobs=[job.pk for job in result.jobs],
            hours_credited=result.hours_credited,
        )
    return result


def link_certificates(*, competition: Competition) -> int:
    """Point granted awards at the certificates their bulk jobs have issued since."""
    linked = 0
    waiting = Award.objects.filter(competition=competition, certificate=None).exclude(bulk_job=None)
    for award in waiting:
        certificates = Certificate.objects.filter(bulk_job_id=award.bulk_job_id)
        if award.officer_id is not None:
            certificate = certificates.filter(officer_id=award.officer_id).first()
            if certificate is None:  # held from an earlier job of the same competition
                certificate = Certificate.objects.filter(
                    officer_id=award.officer_id,
                    source_type=Source.COMPETITION,
                    source_id=source_id(competition),
                    status=Certificate.Status.VALID,
                ).first()
        else:
            certificate = certificates.filter(officer=None, unit_id=award.unit_id).first()
        if certificate is not None:
            Award.objects.filter(pk=award.pk).update(certificate=certificate)
            linked += 1
    return linked
