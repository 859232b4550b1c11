"""Gathering the rows the tallies add up, within what the user may see.

Every function takes the requesting user and narrows through `people.utils`, so no page or
export can count an officer outside the user's scope. Hours come from `OfficerYearHours`
(one row per officer and year) rather than from the ledger itself, which is what keeps a
city-wide tally fast at a million ledger entries.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from people.models import Domain, HourEntry, Officer, OfficerYearHours, Unit
from people.models.ledger import KIND_FIELDS
from people.services.credit_rules import required_hours
from people.services.ledger import programme_for
from people.services.tallies import AnnualSummary, GroupTally, OfficerTally, UnitInfo, overall
from people.utils import visible_officers, visible_units

DEFAULT_REQUIRED = Decimal(40)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year's first and next year's first instant in the service's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(datetime(year, 1, 1).date(), time.min, tzinfo=zone)
    end = datetime.combine(datetime(year + 1, 1, 1).date(), time.min, tzinfo=zone)
    return start, end


def scoped_officers(*, user, unit: Unit | None = None):
    """Officers counted in tallies: visible to the user, in the unit's subtree, not 调离."""
    # By units, not visible_officers: an HR user's own record outside its scope is not
    # part of the units it reports on.
    officers = Officer.objects.filter(unit__in=visible_units(user)).exclude(
        status=Officer.Status.TRANSFERRED
    )
    if unit is not None:
        officers = officers.filter(unit__path__startswith=unit.path)
    return officers


def requirement_rule(year: int) -> tuple[Decimal, dict[str, Decimal]]:
    programme = programme_for(year)
    if programme is None:
        return DEFAULT_REQUIRED, {}
    return programme.required_hours, {r.position: r.hours for r in programme.requirements.all()}


def _count_by_officer(queryset, field: str = "officer_id") -> dict[int, int]:
    return dict(queryset.order_by().values_list(field).annotate(n=Count("id")))


def officer_tallies(
    *, user, year: int, unit: Unit | None = None, activity: bool = True
) -> list[OfficerTally]:
    """One row per officer in scope, with hours by kind and their year's activity.

    `activity=False` skips the courses, exams and certificates counts (left at 0), which
    the unit and domain tallies do not show and which cost most of a city-wide query.
    """
    from courses.models import Enrollment
    from quizzes.models import Attempt

    officers = scoped_officers(user=user, unit=unit)
    officer_ids = officers.values("pk")
    rows = list(
        officers.order_by("unit__path", "employee_number").values_list(
            "pk", "employee_number", "name", "unit_id", "unit__path", "unit__name", "position"
        )
    )
    fields = list(KIND_FIELDS.values())
    hours = {
        row[0]: row[1:]
        for row in OfficerYearHours.objects.filter(year=year, officer_id__in=officer_ids)
        .order_by()
        .values_list("officer_id", *fields)
    }
    domains: dict[int, list[int]] = defaultdict(list)
    through = Officer.domains.through.objects.filter(officer_id__in=officer_ids)
    for officer_id, domain_id in through.values_list("officer_id", "domain_id"):
        domains[officer_id].append(domain_id)
    start, end = year_bounds(year)
    courses = taken = passed = certificates = {}
    if activity:
        courses = _count_by_officer(
            Enrollment.objects.filter(
                officer_id__in=officer_ids, completed_at__gte=start, completed_at__lt=end
            )
        )
        exams = Attempt.objects.filter(
            officer_id__in=officer_ids,
            practice=False,
            state=Attempt.State.GRADED,
            # Counted in the year it was handed in, as its hours are (the ledger's date).
            ended_at__gte=start,
            ended_at__lt=end,
        ).order_by()
        taken = dict(exams.values_list("officer_id").annotate(n=Count("quiz_id", distinct=True)))
        passed = dict(
            exams.filter(passed=True)
            .values_list("officer_id")
            .annotate(n=Count("quiz_id", distinct=True))
        )
        certificates = certificate_counts(officer_ids=officer_ids, start=start, end=end)
    default, by_position = requirement_rule(year)
    zero = (Decimal(0),) * len(fields)
    result = []
    for pk, number, name, unit_id, path, unit_name, position in rows:
        kind_hours = dict(zip(KIND_FIELDS.keys(), hours.get(pk, zero), strict=True))
        result.append(
            OfficerTally(
                officer_id=pk,
                employee_number=number,
                name=name,
                unit_id=unit_id,
                unit_path=path,
                unit_name=unit_name,
                position=position,
                domain_ids=tuple(domains.get(pk, ())),
                hours_by_kind={str(k): v for k, v in kind_hours.items()},
                required=required_hours(position, default=default, by_position=by_position),
                courses_completed=courses.get(pk, 0),
                exams_taken=taken.get(pk, 0),
                exams_passed=passed.get(pk, 0),
                certificates=certificates.get(pk, 0),
            )
        )
    return result


def own_unit_groups(*, user, year: int, unit: Unit | None = None) -> dict[str, GroupTally]:
    """Each unit's own officers (not its subtree) added up in one SQL query, by unit path.

    The city-wide unit tally needs only sums and counts per unit, so the database does the
    per-officer work: 20,000 officers become about a hundred rows. `met` compares each
    officer's total with their requirement (by 职务) in the same statement.
    """
    default, by_position = requirement_rule(year)
    required = Case(
        *(When(position=position, then=Value(hours)) for position, hours in by_position.items()),
        default=Value(default),
        output_field=DecimalField(max_digits=8, decimal_places=1),
    )
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=8, decimal_places=1))
    total = Coalesce(F("hours__total"), zero)
    sums = {field: Sum(Coalesce(F(f"hours__{field}"), zero)) for field in KIND_FIELDS.values()}
    rows = (
        scoped_officers(user=user, unit=unit)
        .annotate(hours=FilteredRelation("year_hours", condition=Q(year_hours__year=year)))
        .order_by()
        .values("unit__path")
        .annotate(
            headcount=Count("pk"),
            total_hours=Sum(total),
            met=Sum(Case(When(GreaterThanOrEqual(total, required), then=1), default=0)),
            participants=Sum(Case(When(GreaterThan(total, zero), then=1), default=0)),
            **sums,
        )
    )
    groups = {}
    for row in rows:
        group = GroupTally(key=None, name="")
        group.headcount = row["headcount"]
        group.total_hours = _decimal(row["total_hours"])
        group.met = row["met"] or 0
        group.participants = row["participants"] or 0
        group.hours_by_kind = {
            str(kind): _decimal(row[field]) for kind, field in KIND_FIELDS.items()
        }
        groups[row["unit__path"]] = group
    return groups


def _decimal(value) -> Decimal:
    # SQLite returns sums of decimals as floats or strings; one decimal place is exact here.
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def certificate_counts(*, officer_ids, start, end) -> dict[int, int]:
    """Certificates issued in the year per officer (the certificates app fills this in)."""
    try:
        from certificates.models import Certificate
    except ImportError:
        return {}
    return _count_by_officer(
        Certificate.objects.filter(
            officer_id__in=officer_ids, issued_at__gte=start, issued_at__lt=end
        ).exclude(status="revoked")
    )


def tally_units(*, user, unit: Unit | None = None) -> list[UnitInfo]:
    units = visible_units(user)
    if unit is not None:
        units = units.filter(path__startswith=unit.path)
    return [UnitInfo(pk, path, name) for pk, path, name in units.values_list("pk", "path", "name")]


def unit_targets(year: int) -> dict[int, tuple[Decimal | None, int | None]]:
    programme = programme_for(year)
    if programme is None:
        return {}
    return {
        t.unit_id: (t.min_average_hours, t.min_compliance_percent)
        for t in programme.unit_targets.all()
    }


def domain_choices() -> list[tuple[int, str]]:
    return list(Domain.objects.values_list("pk", "name"))


def hours_by_month(*, user, year: int, unit: Unit | None = None) -> dict[int, Decimal]:
    entries = HourEntry.objects.filter(
        year=year,
        status=HourEntry.Status.APPROVED,
        officer__in=scoped_officers(user=user, unit=unit),
    )
    return dict(
        entries.order_by()
        .annotate(month=ExtractMonth("date"))
        .values_list("month")
        .annotate(total=Sum("hours"))
    )


def annual_summary(*, user, year: int, unit: Unit | None = None) -> AnnualSummary:
    """The work report's figures for the year, counted over the user's scope."""
    from courses.models import Attendance
    from quizzes.models import Attempt, Quiz

    officers = scoped_officers(user=user, unit=unit)
    start, end = year_bounds(year)
    attendances = Attendance.objects.filter(
        officer__in=officers, session__starts_at__gte=start, session__starts_at__lt=end
    ).order_by()
    classes_held = attendances.values("session__training_class").distinct().count()
    person_times = attendances.values_list("session__training_class", "officer").distinct().count()
    class_hours = HourEntry.objects.filter(
        officer__in=officers,
        year=year,
        status=HourEntry.Status.APPROVED,
        kind=HourEntry.Kind.CLASS,
    ).aggregate(s=Sum("hours"))["s"] or Decimal(0)
    exam_attempts = Attempt.objects.filter(
        officer__in=officers,
        practice=False,
        state=Attempt.State.GRADED,
        ended_at__gte=start,
        ended_at__lt=end,
        quiz__mode=Quiz.Mode.EXAM,
    ).order_by()
    exams_held = exam_attempts.values("quiz").distinct().count()
    # A participant is one officer in one exam; passed if any of their attempts passed.
    per_sitting = Counter()
    for quiz_id, officer_id, passed in exam_attempts.values_list("quiz", "officer", "passed"):
        per_sitting[(quiz_id, officer_id)] |= bool(passed)
    competitions = HourEntry.objects.filter(
        officer__in=officers,
        year=year,
        status=HourEntry.Status.APPROVED,
        source_type=HourEntry.Source.COMPETITION,
        reverses__isnull=True,
        reversal__isnull=True,
    ).order_by()
    everyone = overall(officer_tallies(user=user, year=year, unit=unit, activity=False))
    return AnnualSummary(
        year=year,
        classes_held=classes_held,
        person_times=person_times,
        class_hours=class_hours,
        exams_held=exams_held,
        exam_participants=len(per_sitting),
        exam_passed=sum(per_sitting.values()),
        competitions=competitions.values("source_id").distinct().count(),
        competition_participants=competitions.values_list("source_id", "officer")
        .distinct()
        .count(),
        officers=everyone.headcount,
        total_hours=everyone.total_hours,
        average_hours=everyone.average_hours,
        met=everyone.met,
    )


def officer_ledger(*, officer: Officer, year: int):
    """An officer's entries for the year, newest first (the caller checked the scope)."""
    return (
        HourEntry.objects.filter(officer=officer, year=year)
        .select_related("recorded_by", "reviewed_by", "reverses")
        .annotate(reversed_by=Count("reversal"))
        .order_by("-date", "-id")
    )


def pending_entries(*, user):
    return (
        HourEntry.objects.filter(
            status=HourEntry.Status.PENDING, officer__in=visible_officers(user)
        )
        .exclude(officer__user_id=user.pk)
        .select_related("officer__unit", "recorded_by")
        .order_by("recorded_at")
    )


@dataclass(frozen=True)
class YearProgress:
    year: int
    total: Decimal
    required: Decimal
    by_kind: dict[str, Decimal]

    @property
    def met(self) -> bool:
        return self.total >= self.required

    @property
    def shortfall(self) -> Decimal:
        return max(self.required - self.total, Decimal(0))

    @property
    def percent(self) -> int:
        if self.required <= 0:
            return 100
        return min(100, int(self.total * 100 / self.required))


def year_progress(*, officer: Officer, year: int) -> YearProgress:
    """One officer's hours against their requirement (the caller checked who may see it)."""
    totals = OfficerYearHours.objects.filter(officer=officer, year=year).first()
    default, by_position = requirement_rule(year)
    return YearProgress(
        year=year,
        total=totals.total if totals else Decimal(0),
        required=required_hours(officer.position, default=default, by_position=by_position),
        by_kind={
            str(kind): (getattr(totals, field) if totals else Decimal(0))
            for kind, field in KIND_FIELDS.items()
        },
    )
