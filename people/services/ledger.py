"""Writing the training-hour ledger: automatic credits, manual entries, approval, reversal.

Every change locks the officer's row, so the year's caps and running totals are computed
against a stable ledger, writes its audit entry, and raises `LedgerError` with a code.
Other apps credit hours through `credit` (courses, classes, exams — and competitions,
which call it with kind COMPETITION and their own source).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.errors import DomainError
from people.models import AnnualProgramme, CreditRule, HourEntry, Officer, OfficerYearHours
from people.models.ledger import KIND_FIELDS, HourKind
from people.roles import is_administrator
from people.services import audit
from people.services.credit_rules import capped_hours
from people.utils import can_manage_unit

MAX_ENTRY_HOURS = Decimal(200)


class LedgerError(DomainError):
    pass


def _lock_officer(officer_id: int) -> Officer:
    # of=("self",): Officer's default ordering joins its unit, which must not be locked too.
    return (
        Officer.objects.select_for_update(of=("self",))
        .select_related("unit")
        .order_by()
        .get(pk=officer_id)
    )


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as error:
        raise LedgerError(_("学时必须是数字"), code="bad_hours") from error
    if hours <= 0 or hours > MAX_ENTRY_HOURS:
        raise LedgerError(
            _("学时须大于 0 且不超过 %(max)s") % {"max": MAX_ENTRY_HOURS}, code="bad_hours"
        )
    return hours


def _credit_rule(year: int, kind: str) -> CreditRule | None:
    return CreditRule.objects.filter(programme__year=year, kind=kind).first()


def _cap(entry: HourEntry) -> None:
    """Set entry.hours from its claim under the year's rule for its kind."""
    rule = _credit_rule(entry.year, entry.kind)
    if rule is None:
        entry.hours, entry.cap_note = entry.claimed_hours, ""
        return
    approved = HourEntry.objects.filter(
        officer_id=entry.officer_id,
        year=entry.year,
        kind=entry.kind,
        status=HourEntry.Status.APPROVED,
    )
    used_today = approved.filter(date=entry.date).aggregate(s=Sum("hours"))["s"] or Decimal(0)
    used_year = approved.aggregate(s=Sum("hours"))["s"] or Decimal(0)
    credited = capped_hours(
        entry.claimed_hours,
        daily_cap=rule.daily_cap,
        annual_cap=rule.annual_cap,
        used_today=used_today,
        used_this_year=used_year,
    )
    entry.hours = credited.hours
    entry.cap_note = ""
    if credited.limited_by == "daily_cap":
        entry.cap_note = _("%(kind)s每日最多计入 %(cap)s 学时") % {
            "kind": entry.get_kind_display(),
            "cap": rule.daily_cap,
        }
    elif credited.limited_by == "annual_cap":
        entry.cap_note = _("%(kind)s全年最多计入 %(cap)s 学时") % {
            "kind": entry.get_kind_display(),
            "cap": rule.annual_cap,
        }


def _add_to_totals(entry: HourEntry) -> None:
    """Add an approved entry to the officer's year totals (the caller holds the lock)."""
    totals, _created = OfficerYearHours.objects.get_or_create(
        officer_id=entry.officer_id, year=entry.year
    )
    field = KIND_FIELDS[HourKind(entry.kind)]
    OfficerYearHours.objects.filter(pk=totals.pk).update(
        **{field: F(field) + entry.hours},
        total=F("total") + entry.hours,
        entries=F("entries") + 1,
    )


def credit(
    *,
    officer_id: int,
    kind: str,
    hours,
    on: date,
    source_type: str,
    source_id: str,
    title: str,
    actor=None,
    renew_reversed: bool = False,
) -> HourEntry | None:
    """Credit hours for something the officer did; once per source (None if already done).

    Approved at once: the platform itself witnessed it (a completion, an attendance, an
    exam). A source whose credit was reversed is credited again only with
    `renew_reversed` (an attendance removed by mistake and marked again); a reversed exam
    credit stays reversed whatever the officer does next.
    """
    claimed = Decimal(str(hours)).quantize(Decimal("0.1"))
    if claimed <= 0:
        return None
    with transaction.atomic():
        _lock_officer(officer_id)
        already = HourEntry.objects.filter(
            officer_id=officer_id,
            source_type=source_type,
            source_id=str(source_id),
            reverses__isnull=True,
        )
        if renew_reversed:
            already = already.filter(reversal__isnull=True)
        if already.exists():
            return None
        entry = HourEntry(
            officer_id=officer_id,
            year=on.year,
            date=on,
            kind=kind,
            claimed_hours=claimed,
            status=HourEntry.Status.APPROVED,
            source_type=source_type,
            source_id=str(source_id),
            title=title[:200],
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _cap(entry)
        entry.save()
        _add_to_totals(entry)
        audit.record(
            actor=actor,
            action="hours.credit",
            target=entry,
            entry=entry.pk,
            hours=str(entry.hours),
            source=f"{source_type}:{source_id}",
        )
    return entry


def _check_scope(actor, officer: Officer) -> None:
    if not can_manage_unit(actor, officer.unit):
        raise LedgerError(_("您无权管理该人员的学时"), code="forbidden")


def record_manual_entry(
    *,
    actor,
    officer_id: int,
    kind: str,
    hours,
    on: date,
    title: str,
    note: str = "",
    evidence=None,
) -> HourEntry:
    """HR records hours earned elsewhere, with evidence; they count once approved."""
    if kind not in HourKind.values:
        raise LedgerError(_("未知的学时类别"), code="bad_kind")
    claimed = _hours(hours)
    if on > timezone.localdate():
        raise LedgerError(_("日期不能晚于今天"), code="bad_date")
    if not (title or "").strip():
        raise LedgerError(_("请填写培训内容"), code="no_title")
    if not evidence:
        raise LedgerError(_("人工录入学时须上传证明材料"), code="no_evidence")
    with transaction.atomic():
        officer = _lock_officer(officer_id)
        _check_scope(actor, officer)
        entry = HourEntry.objects.create(
            officer=officer,
            year=on.year,
            date=on,
            kind=kind,
            claimed_hours=claimed,
            hours=claimed,
            status=HourEntry.Status.PENDING,
            source_type=HourEntry.Source.MANUAL,
            title=title.strip()[:200],
            note=note.strip(),
            evidence=evidence,
            recorded_by=actor,
        )
        audit.record(
            actor=actor, action="hours.manual", target=entry, entry=entry.pk, hours=str(claimed)
        )
    return entry


def _locked_entry(entry_id: int) -> HourEntry:
    entry = HourEntry.objects.filter(pk=entry_id).only("officer_id").first()
    if entry is None:
        raise LedgerError(_("学时记录不存在"), code="not_found")
    _lock_officer(entry.officer_id)
    return HourEntry.objects.select_related("officer__unit").get(pk=entry_id)


def review_entry(*, actor, entry_id: int, approve: bool, note: str = "") -> HourEntry:
    """Approve or reject a pending manual entry; nobody approves their own."""
    note = (note or "").strip()
    if not approve and not note:
        raise LedgerError(_("退回时请说明理由"), code="no_reason")
    with transaction.atomic():
        entry = _locked_entry(entry_id)
        _check_scope(actor, entry.officer)
        if entry.status != HourEntry.Status.PENDING:
            raise LedgerError(_("该记录已审核"), code="not_pending")
        if entry.recorded_by_id == actor.pk and not is_administrator(actor):
            raise LedgerError(_("不能审核自己录入的学时"), code="own_entry")
        entry.reviewed_by, entry.reviewed_at, entry.review_note = actor, timezone.now(), note
        if approve:
            entry.status = HourEntry.Status.APPROVED
            _cap(entry)
        else:
            entry.status = HourEntry.Status.REJECTED
        entry.save()
        if approve:
            _add_to_totals(entry)
        audit.record(
            actor=actor,
            action="hours.approve" if approve else "hours.reject",
            target=entry,
            entry=entry.pk,
            hours=str(entry.hours),
            note=note,
        )
    return entry


def reverse_entry(*, actor, entry_id: int, reason: str) -> HourEntry:
    """Cancel an approved entry by a reversing entry that subtracts the same hours."""
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(_("冲销须说明理由"), code="no_reason")
    with transaction.atomic():
        entry = _locked_entry(entry_id)
        _check_scope(actor, entry.officer)
        if entry.status != HourEntry.Status.APPROVED:
            raise LedgerError(_("只能冲销已确认的记录"), code="not_approved")
        if entry.is_reversal:
            raise LedgerError(_("冲销记录不能再冲销"), code="is_reversal")
        if HourEntry.objects.filter(reverses=entry).exists():
            raise LedgerError(_("该记录已被冲销"), code="already_reversed")
        reversal = HourEntry.objects.create(
            officer_id=entry.officer_id,
            year=entry.year,
            date=entry.date,
            kind=entry.kind,
            claimed_hours=-entry.claimed_hours,
            hours=-entry.hours,
            status=HourEntry.Status.APPROVED,
            source_type=entry.source_type,
            source_id=entry.source_id,
            title=_("冲销：%(title)s") % {"title": entry.title},
            note=reason,
            reverses=entry,
            recorded_by=actor,
        )
        _add_to_totals(reversal)
        audit.record(
            actor=actor,
            action="hours.reverse",
            target=entry,
            entry=entry.pk,
            reversal=reversal.pk,
            reason=reason,
        )
    return reversal


def rebuild_year_totals(*, year: int) -> int:
    """Recompute every officer's totals for the year from the ledger; returns rows written."""
    sums: dict[int, dict] = {}
    rows = (
        HourEntry.objects.filter(year=year, status=HourEntry.Status.APPROVED)
        .order_by()
        .values_list("officer_id", "kind")
        .annotate(total=Sum("hours"), n=Count("id"))
    )
    for officer_id, kind, total, n in rows:
        row = sums.setdefault(officer_id, {"total": Decimal(0), "entries": 0})
        row[KIND_FIELDS[HourKind(kind)]] = total
        row["total"] += total
        row["entries"] += n
    with transaction.atomic():
        OfficerYearHours.objects.filter(year=year).delete()
        OfficerYearHours.objects.bulk_create(
            [OfficerYearHours(officer_id=o, year=year, **v) for o, v in sums.items()],
            batch_size=2000,
        )
    return len(sums)


def programme_for(year: int) -> AnnualProgramme | None:
    return AnnualProgramme.objects.filter(year=year).prefetch_related("requirements").first()
