"""Offline training classes: roster, QR check-in, attendance marked and removed by HR, hours."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Attendance, ClassMember, ClassSession, TrainingClass
from courses.services import sign_in
from courses.services.classes import (
    ClassError,
    check_in,
    mark_attendance,
    remove_attendance,
    session_key,
    set_roster,
)
from people.models import Domain, HourEntry, Officer, OfficerYearHours
from tests.factories import OfficerFactory, make_hr

D = Decimal


def make_class(organiser, *, title="文化市场执法业务培训班", batch=1, hours="3", sessions=1):
    """A class organised by a unit, on 2026-05-18, with one or more sessions."""
    training_class = TrainingClass.objects.create(
        title=title,
        year=2026,
        batch=batch,
        organiser=organiser,
        starts_on=date(2026, 5, 18),
        ends_on=date(2026, 5, 20),
        venue="市局三楼培训室",
    )
    for n in range(sessions):
        start = timezone.make_aware(datetime(2026, 5, 18 + n, 9))
        ClassSession.objects.create(
            training_class=training_class,
            title=f"第{n + 1}讲 行政处罚程序",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            hours=D(hours),
        )
    return training_class


def enrol(training_class, *officers):
    for officer in officers:
        ClassMember.objects.create(training_class=training_class, officer=officer)


def scan(session, *, window=None, code=None, session_id=None):
    """The (session_id, window, code) a phone would open for `session` now (or at `window`)."""
    window = sign_in.current_window() if window is None else window
    if code is None:
        code = sign_in.code_for(key=session_key(session), session_id=session.pk, window=window)
    return {"session_id": session_id or session.pk, "window": window, "code": code}


def class_hours(officer, year=2026) -> Decimal:
    totals = OfficerYearHours.objects.filter(officer=officer, year=year).first()
    return totals.offline_class if totals else D(0)


@pytest.fixture
def east_class(city):
    training_class = make_class(city["east"])
    officer = OfficerFactory(unit=city["east_squad"], employee_number="40001")
    enrol(training_class, officer)
    return {
        "class": training_class,
        "session": training_class.sessions.get(),
        "officer": officer,
        "hr": make_hr(city["east"]),
    }


def test_a_valid_scan_records_attendance_and_credits_the_sessions_hours_once(east_class):
    session, officer = east_class["session"], east_class["officer"]

    result = check_in(user=officer.user, **scan(session))

    assert result.already is False
    assert result.attendance.method == Attendance.Method.QR
    assert result.attendance.marked_by is None
    entry = HourEntry.objects.get(officer=officer)
    assert entry.kind == HourEntry.Kind.CLASS and entry.hours == D(3)
    assert entry.date == date(2026, 5, 18)  # the session's day, not the day of the scan
    assert entry.source_type == HourEntry.Source.CLASS_SESSION
    assert entry.source_id == str(session.pk)
    assert class_hours(officer) == D(3)


def test_scanning_twice_records_nothing_new(east_class):
    session, officer = east_class["session"], east_class["officer"]
    first = check_in(user=officer.user, **scan(session))

    again = check_in(user=officer.user, **scan(session))

    assert again.already is True and again.attendance.pk == first.attendance.pk
    assert Attendance.objects.filter(officer=officer).count() == 1
    assert HourEntry.objects.filter(officer=officer).count() == 1
    assert class_hours(officer) == D(3)


def test_a_code_from_the_window_before_last_is_still_accepted(east_class):
    session, officer = east_class["session"], east_class["officer"]
    window = sign_in.current_window() - sign_in.MAX_AGE_WINDOWS

    assert check_in(user=officer.user, **scan(session, window=window)).already is False


def test_an_expired_code_is_refused_and_credits_nothing(east_class):
    session, officer = east_class["session"], east_class["officer"]
    old = sign_in.current_window() - sign_in.MAX_AGE_WINDOWS - 1

    with pytest.raises(ClassError) as refused:
        check_in(user=officer.user, **scan(session, window=old))

    assert refused.value.code == "expired"
    assert not Attendance.objects.exists() and not HourEntry.objects.exists()


def test_another_sessions_code_is_refused_as_forged(east_class, city):
    officer = east_class["officer"]
    other = make_class(city["east"], title="另一个班").sessions.get()
    enrol(other.training_class, officer)
    # The code shown for `other`, sent with this session's id.
    forged = scan(other, session_id=east_class["session"].pk)

    with pytest.raises(ClassError) as refused:
        check_in(user=officer.user, **forged)

    assert refused.value.code == "forged"
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("code", ["000000000000", "", "ZZZ"])
def test_a_made_up_code_is_refused_as_forged(east_class, code):
    with pytest.raises(ClassError) as refused:
        check_in(user=east_class["officer"].user, **scan(east_class["session"], code=code))
    assert refused.value.code == "forged"


def test_a_missing_session_is_refused_as_forged(east_class):
    with pytest.raises(ClassError) as refused:
        check_in(user=east_class["officer"].user, session_id=999_999, window=1, code="x")
    assert refused.value.code == "forged"


def test_an_officer_not_on_the_roster_is_refused(east_class, city):
    stranger = OfficerFactory(unit=city["east_squad"])

    with pytest.raises(ClassError) as refused:
        check_in(user=stranger.user, **scan(east_class["session"]))

    assert refused.value.code == "not_on_roster"
    assert not HourEntry.objects.exists()


def test_a_user_without_an_officer_profile_cannot_check_in(east_class):
    with pytest.raises(ClassError) as refused:
        check_in(user=east_class["hr"], **scan(east_class["session"]))
    assert refused.value.code == "not_officer"


def test_marking_credits_hours_and_removing_reverses_them(east_class):
    session, officer, hr = east_class["session"], east_class["officer"], east_class["hr"]

    assert mark_attendance(actor=hr, session=session, officer_ids=[officer.pk]) == 1
    attendance = Attendance.objects.get(session=session, officer=officer)
    assert attendance.method == Attendance.Method.MARKED and attendance.marked_by == hr
    assert class_hours(officer) == D(3)
    # Marking again is harmless: nothing new.
    assert mark_attendance(actor=hr, session=session, officer_ids=[officer.pk]) == 0

    remove_attendance(actor=hr, attendance_id=attendance.pk, reason="误勾选")

    assert not Attendance.objects.filter(pk=attendance.pk).exists()
    assert class_hours(officer) == D(0)
    reversal = HourEntry.objects.get(officer=officer, reverses__isnull=False)
    assert reversal.hours == D(-3) and reversal.note == "误勾选"
    # Marked again after the mistake: credited again.
    mark_attendance(actor=hr, session=session, officer_ids=[officer.pk])
    assert class_hours(officer) == D(3)


def test_removing_a_scanned_attendance_reverses_its_hours_too(east_class):
    session, officer, hr = east_class["session"], east_class["officer"], east_class["hr"]
    attendance = check_in(user=officer.user, **scan(session)).attendance

    remove_attendance(actor=hr, attendance_id=attendance.pk, reason="代签，经核实未到场")

    assert class_hours(officer) == D(0)


def test_removing_needs_a_reason(east_class):
    session, officer, hr = east_class["session"], east_class["officer"], east_class["hr"]
    mark_attendance(actor=hr, session=session, officer_ids=[officer.pk])
    attendance = Attendance.objects.get()

    with pytest.raises(ClassError) as refused:
        remove_attendance(actor=hr, attendance_id=attendance.pk, reason="   ")

    assert refused.value.code == "no_reason"
    assert Attendance.objects.filter(pk=attendance.pk).exists()
    assert class_hours(officer) == D(3)


def test_marking_someone_off_the_roster_is_refused(east_class, city):
    stranger = OfficerFactory(unit=city["east_squad"])
    with pytest.raises(ClassError) as refused:
        mark_attendance(
            actor=east_class["hr"], session=east_class["session"], officer_ids=[stranger.pk]
        )
    assert refused.value.code == "not_on_roster"
    assert not Attendance.objects.exists()


def test_hr_of_another_unit_can_neither_mark_remove_nor_set_the_roster(east_class, city):
    west_hr = make_hr(city["west"])
    session, officer = east_class["session"], east_class["officer"]
    with pytest.raises(ClassError) as refused:
        mark_attendance(actor=west_hr, session=session, officer_ids=[officer.pk])
    assert refused.value.code == "forbidden"

    mark_attendance(actor=east_class["hr"], session=session, officer_ids=[officer.pk])
    with pytest.raises(ClassError) as refused:
        remove_attendance(actor=west_hr, attendance_id=Attendance.objects.get().pk, reason="x")
    assert refused.value.code == "forbidden"

    with pytest.raises(ClassError) as refused:
        set_roster(actor=west_hr, training_class=east_class["class"], units=[], domains=[])
    assert refused.value.code == "forbidden"
    assert class_hours(officer) == D(3)


def test_roster_by_unit_takes_the_subtree_and_only_officers_in_post(city):
    hr = make_hr(city["east"])
    training_class = make_class(city["east"])
    squad = OfficerFactory(unit=city["east_squad"])
    bureau = OfficerFactory(unit=city["east"])
    away = OfficerFactory(unit=city["east_squad"], status=Officer.Status.AWAY)
    OfficerFactory(unit=city["west"])

    added = set_roster(actor=hr, training_class=training_class, units=[city["east"]], domains=[])

    assert added == 2
    members = set(training_class.members.values_list("officer_id", flat=True))
    assert members == {squad.pk, bureau.pk}
    assert away.pk not in members
    assert list(training_class.roster_units.all()) == [city["east"]]


def test_roster_by_domain_and_keeping_hand_added_members(city):
    hr = make_hr(city["root"])
    training_class = make_class(city["bureau"])
    internet = Domain.objects.get(code="internet")
    netbar = OfficerFactory(unit=city["east_squad"], domains=["internet"])
    press = OfficerFactory(unit=city["west"], domains=["press"])
    by_hand = OfficerFactory(unit=city["detachment"])
    enrol(training_class, by_hand)

    added = set_roster(actor=hr, training_class=training_class, units=[], domains=[internet])

    assert added == 1
    members = set(training_class.members.values_list("officer_id", flat=True))
    assert members == {netbar.pk, by_hand.pk}
    assert press.pk not in members
    # Setting the roster again adds nobody twice.
    assert set_roster(actor=hr, training_class=training_class, units=[], domains=[internet]) == 0


def test_a_unit_hr_choosing_a_domain_reaches_only_officers_in_its_scope(city):
    hr = make_hr(city["east"])
    training_class = make_class(city["east"])
    OfficerFactory(unit=city["west"], domains=["internet"])
    inside = OfficerFactory(unit=city["east_squad"], domains=["internet"])

    set_roster(
        actor=hr,
        training_class=training_class,
        units=[],
        domains=[Domain.objects.get(code="internet")],
    )

    assert set(training_class.members.values_list("officer_id", flat=True)) == {inside.pk}
