"""The training-hour ledger: credits, caps, manual entries, approval and reversal."""

from datetime import date
from decimal import Decimal

import pytest

from people.models import AuditEntry, HourEntry, OfficerYearHours
from people.services.ledger import (
    LedgerError,
    credit,
    rebuild_year_totals,
    record_manual_entry,
    reverse_entry,
    review_entry,
)
from tests.factories import OfficerFactory, make_hr
from tests.people.ledger_factory import evidence, make_programme

D = Decimal
ONLINE = HourEntry.Kind.ONLINE


def _credit(officer, hours, *, on=date(2026, 3, 2), source="1", kind=ONLINE):
    return credit(
        officer_id=officer.pk,
        kind=kind,
        hours=hours,
        on=on,
        source_type=HourEntry.Source.COURSE,
        source_id=source,
        title=f"课程{source}",
    )


def _total(officer, year=2026):
    row = OfficerYearHours.objects.filter(officer=officer, year=year).first()
    return row.total if row else D(0)


def _ledger_sum(officer, year=2026):
    return sum(
        (e.hours for e in HourEntry.objects.filter(officer=officer, year=year, status="approved")),
        D(0),
    )


@pytest.fixture
def officer(city):
    return OfficerFactory(unit=city["east_squad"])


@pytest.fixture
def hr_pair(city):
    return make_hr(city["east"]), make_hr(city["root"])


def test_credit_is_written_once_per_source(officer):
    assert _credit(officer, "2.0").hours == D("2.0")
    assert _credit(officer, "2.0") is None
    assert HourEntry.objects.filter(officer=officer).count() == 1
    assert _total(officer) == D("2.0")
    assert AuditEntry.objects.filter(action="hours.credit").count() == 1


def test_daily_cap_on_online_hours_credits_only_what_fits(officer):
    make_programme(2026, caps={ONLINE: ("4", None)})
    first = _credit(officer, "3", source="1")
    second = _credit(officer, "3", source="2")
    third = _credit(officer, "3", source="3")
    next_day = _credit(officer, "3", source="4", on=date(2026, 3, 3))
    assert [first.hours, second.hours, third.hours, next_day.hours] == [
        D(3),
        D(1),
        D(0),
        D(3),
    ]
    assert second.claimed_hours == D(3)
    assert "每日最多计入 4.0 学时" in second.cap_note
    assert _total(officer) == D(7)


def test_annual_cap_and_other_years_are_independent(officer):
    make_programme(2026, caps={HourEntry.Kind.STUDY: (None, "5")})
    study = HourEntry.Kind.STUDY
    a = _credit(officer, "4", source="a", kind=study)
    b = _credit(officer, "4", source="b", kind=study, on=date(2026, 5, 1))
    c = _credit(officer, "4", source="c", kind=study, on=date(2027, 1, 5))
    assert (a.hours, b.hours, c.hours) == (D(4), D(1), D(4))
    assert "全年最多计入" in b.cap_note


def test_manual_entry_counts_only_after_another_hr_approves(officer, hr_pair):
    unit_hr, city_hr = hr_pair
    entry = record_manual_entry(
        actor=unit_hr,
        officer_id=officer.pk,
        kind=HourEntry.Kind.EXTERNAL,
        hours="6",
        on=date(2026, 4, 1),
        title="省厅执法培训",
        evidence=evidence(),
    )
    assert entry.status == "pending" and _total(officer) == 0
    with pytest.raises(LedgerError) as own:
        review_entry(actor=unit_hr, entry_id=entry.pk, approve=True)
    assert own.value.code == "own_entry"
    review_entry(actor=city_hr, entry_id=entry.pk, approve=True)
    assert _total(officer) == D(6)
    with pytest.raises(LedgerError) as again:
        review_entry(actor=city_hr, entry_id=entry.pk, approve=True)
    assert again.value.code == "not_pending"
    assert _total(officer) == D(6)


def test_rejected_manual_entry_needs_a_reason_and_never_counts(officer, hr_pair):
    unit_hr, city_hr = hr_pair
    entry = record_manual_entry(
        actor=unit_hr,
        officer_id=officer.pk,
        kind=HourEntry.Kind.STUDY,
        hours="2",
        on=date(2026, 4, 1),
        title="集体学习",
        evidence=evidence(),
    )
    with pytest.raises(LedgerError):
        review_entry(actor=city_hr, entry_id=entry.pk, approve=False, note="  ")
    review_entry(actor=city_hr, entry_id=entry.pk, approve=False, note="材料不清晰")
    assert HourEntry.objects.get(pk=entry.pk).status == "rejected"
    assert _total(officer) == 0


def test_manual_entry_refused_without_evidence_or_outside_scope(city, officer):
    west_hr = make_hr(city["west"])
    kwargs = dict(
        officer_id=officer.pk,
        kind=HourEntry.Kind.STUDY,
        hours="2",
        on=date(2026, 4, 1),
        title="集体学习",
    )
    with pytest.raises(LedgerError) as missing:
        record_manual_entry(actor=make_hr(city["east"]), **kwargs)
    assert missing.value.code == "no_evidence"
    with pytest.raises(LedgerError) as foreign:
        record_manual_entry(actor=west_hr, evidence=evidence(), **kwargs)
    assert foreign.value.code == "forbidden"
    assert not HourEntry.objects.exists()


@pytest.mark.parametrize("hours", ["0", "-1", "abc", "201"])
def test_manual_entry_refuses_impossible_hours(officer, hr_pair, hours):
    with pytest.raises(LedgerError) as error:
        record_manual_entry(
            actor=hr_pair[0],
            officer_id=officer.pk,
            kind=HourEntry.Kind.STUDY,
            hours=hours,
            on=date(2026, 4, 1),
            title="集体学习",
            evidence=evidence(),
        )
    assert error.value.code == "bad_hours"


def test_reversal_subtracts_once_and_keeps_the_original(officer, hr_pair):
    entry = _credit(officer, "2.5")
    reversal = reverse_entry(actor=hr_pair[0], entry_id=entry.pk, reason="重复计入")
    assert reversal.hours == D("-2.5") and reversal.reverses_id == entry.pk
    assert HourEntry.objects.filter(pk=entry.pk, hours=D("2.5")).exists()
    assert _total(officer) == 0 == _ledger_sum(officer)
    for target in (entry, reversal):
        with pytest.raises(LedgerError):
            reverse_entry(actor=hr_pair[0], entry_id=target.pk, reason="再次")
    assert _total(officer) == 0


def test_reversal_needs_a_reason_and_scope(city, officer):
    entry = _credit(officer, "2")
    with pytest.raises(LedgerError) as no_reason:
        reverse_entry(actor=make_hr(city["east"]), entry_id=entry.pk, reason="")
    assert no_reason.value.code == "no_reason"
    with pytest.raises(LedgerError) as foreign:
        reverse_entry(actor=make_hr(city["west"]), entry_id=entry.pk, reason="越权")
    assert foreign.value.code == "forbidden"
    assert _total(officer) == D(2)


def test_reversed_automatic_credit_is_not_credited_again(officer, hr_pair):
    entry = _credit(officer, "2")
    reverse_entry(actor=hr_pair[0], entry_id=entry.pk, reason="作弊")
    assert _credit(officer, "2") is None
    assert _total(officer) == 0


def test_running_totals_equal_a_rebuild_from_the_ledger(officer, hr_pair):
    make_programme(2026, caps={ONLINE: ("4", None)})
    for n in range(5):
        _credit(officer, "3", source=str(n), on=date(2026, 3, 1 + n // 2))
    reverse_entry(
        actor=hr_pair[0], entry_id=HourEntry.objects.order_by("id").first().pk, reason="错误"
    )
    before = OfficerYearHours.objects.get(officer=officer, year=2026)
    assert rebuild_year_totals(year=2026) == 1
    after = OfficerYearHours.objects.get(officer=officer, year=2026)
    assert (before.total, before.online, before.entries) == (
        after.total,
        after.online,
        after.entries,
    )
    assert after.total == _ledger_sum(officer)


def test_rebuild_command_checks_and_repairs_totals(officer):
    from io import StringIO

    from django.core.management import CommandError, call_command

    _credit(officer, "2")
    OfficerYearHours.objects.filter(officer=officer).update(total=D(9))
    with pytest.raises(CommandError, match="1 人的汇总与台账不一致"):
        call_command("rebuild_hour_totals", "--year", "2026", "--check")
    call_command("rebuild_hour_totals", "--year", "2026", stdout=StringIO())
    out = StringIO()
    call_command("rebuild_hour_totals", "--year", "2026", "--check", stdout=out)
    assert "一致" in out.getvalue() and _total(officer) == D(2)
