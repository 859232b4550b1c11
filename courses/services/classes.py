"""Offline training classes: roster, QR sign-in, attendance marked by HR, and hours.

Every attendance credits the session's hours to the ledger in the same transaction;
removing a wrong attendance reverses that credit with a reason — never a silent delete.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Attendance, ClassMember, ClassSession, TrainingClass
from courses.services import sign_in
from lianbing.errors import DomainError
from people.models import HourEntry, Officer
from people.services import audit
from people.services.ledger import credit, reverse_entry
from people.utils import can_manage_unit, visible_officers


class ClassError(DomainError):
    pass


def session_key(session: ClassSession) -> str:
    return f"{settings.SECRET_KEY}:{session.secret}"


def sign_in_path(session: ClassSession, *, window: int | None = None) -> str:
    """The path the venue's QR code encodes for the given (default: current) window."""
    from django.urls import reverse

    window = sign_in.current_window() if window is None else window
    code = sign_in.code_for(key=session_key(session), session_id=session.pk, window=window)
    return reverse(
        "classes:check_in", kwargs={"session_id": session.pk, "window": window, "code": code}
    )


def can_manage_class(user, training_class: TrainingClass) -> bool:
    return can_manage_unit(user, training_class.organiser)


def roster_officers(*, units, domains):
    """Officers in post in any chosen unit's subtree or working in any chosen domain."""
    query = Q(pk__in=[])
    for unit in units:
        query |= Q(unit__path__startswith=unit.path)
    if domains:
        query |= Q(domains__in=list(domains))
    return Officer.objects.filter(query, status=Officer.Status.ACTIVE).distinct()


def set_roster(*, actor, training_class: TrainingClass, units, domains) -> int:
    """Add everyone the chosen units and domains cover; returns how many were added.

    Existing members stay (HR may have added people by hand); removals are explicit.
    """
    if not can_manage_class(actor, training_class):
        raise ClassError(_("您无权管理该培训班"), code="forbidden")
    with transaction.atomic():
        training_class.roster_units.set(units)
        training_class.roster_domains.set(domains)
        present = set(training_class.members.values_list("officer_id", flat=True))
        new = [
            ClassMember(training_class=training_class, officer_id=pk)
            for pk in roster_officers(units=units, domains=domains)
            # A unit HR choosing a domain reaches only that domain's officers in its scope.
            .filter(pk__in=visible_officers(actor).values("pk"))
            .values_list("pk", flat=True)
            if pk not in present
        ]
        ClassMember.objects.bulk_create(new, batch_size=1000)
        audit.record(actor=actor, action="class.roster", target=training_class, added=len(new))
    return len(new)


def _attend(*, session: ClassSession, officer_id: int, method: str, actor) -> Attendance:
    attendance = Attendance.objects.create(
        session=session,
        officer_id=officer_id,
        method=method,
        marked_by=actor if method == Attendance.Method.MARKED else None,
    )
    training_class = session.training_class
    credit(
        officer_id=officer_id,
        kind=HourEntry.Kind.CLASS,
        hours=session.hours,
        on=timezone.localdate(session.starts_at),
        source_type=HourEntry.Source.CLASS_SESSION,
        source_id=str(session.pk),
        title=f"{training_class} · {session.title}",
        actor=actor if method == Attendance.Method.MARKED else None,
        renew_reversed=True,
    )
    return attendance


@dataclass(frozen=True)
class CheckIn:
    attendance: Attendance
    already: bool  # scanned before: nothing new was recorded


CHECK_IN_REFUSALS = {
    "forged": gettext_lazy("签到码无效"),
    "expired": gettext_lazy("签到码已过期，请扫描大屏上的最新二维码"),
    "not_officer": gettext_lazy("只有执法人员可以签到"),
    "not_on_roster": gettext_lazy("您不在本培训班的参训名单中"),
}


def check_in_preview(
    *, user, session: ClassSession | None, window: int, code: str
) -> tuple[str, Attendance | None]:
    """What a check-in would meet, without writing: an outcome and any existing attendance.

    Outcomes: "ready", "already", or a key of CHECK_IN_REFUSALS. The phone shows this on
    GET; `check_in` applies the same checks before it writes.
    """
    if session is None:
        return "forged", None
    problem = sign_in.check_code(
        key=session_key(session),
        session_id=session.pk,
        window=window,
        code=code,
        now_window=sign_in.current_window(),
    )
    if problem:
        return problem, None
    officer = Officer.objects.filter(user_id=user.pk).first()
    if officer is None:
        return "not_officer", None
    if not ClassMember.objects.filter(
        training_class_id=session.training_class_id, officer=officer
    ).exists():
        return "not_on_roster", None
    attendance = Attendance.objects.filter(session=session, officer=officer).first()
    return ("already", attendance) if attendance else ("ready", None)


def check_in(*, user, session_id: int, window: int, code: str) -> CheckIn:
    """An officer's phone scanned the venue's code: record attendance and credit hours."""
    session = ClassSession.objects.select_related("training_class").filter(pk=session_id).first()
    outcome, existing = check_in_preview(user=user, session=session, window=window, code=code)
    if outcome in CHECK_IN_REFUSALS:
        raise ClassError(str(CHECK_IN_REFUSALS[outcome]), code=outcome)
    if outcome == "already":
        return CheckIn(attendance=existing, already=True)
    officer_id = Officer.objects.filter(user_id=user.pk).values_list("pk", flat=True).get()
    try:
        with transaction.atomic():
            attendance = _attend(
                session=session, officer_id=officer_id, method=Attendance.Method.QR, actor=user
            )
            audit.record(actor=user, action="class.check_in", target=session, officer=officer_id)
    except IntegrityError:
        # Two scans at once: the other one recorded it.
        return CheckIn(
            attendance=Attendance.objects.get(session=session, officer_id=officer_id),
            already=True,
        )
    return CheckIn(attendance=attendance, already=False)


def mark_attendance(*, actor, session: ClassSession, officer_ids) -> int:
    """HR marks roster members present (paper sign-in sheet); returns how many were new."""
    if not can_manage_class(actor, session.training_class):
        raise ClassError(_("您无权管理该培训班"), code="forbidden")
    wanted = set(officer_ids)
    members = set(
        ClassMember.objects.filter(
            training_class_id=session.training_class_id, officer_id__in=wanted
        ).values_list("officer_id", flat=True)
    )
    if strangers := wanted - members:
        raise ClassError(
            _("%(count)s 人不在参训名单中") % {"count": len(strangers)}, code="not_on_roster"
        )
    with transaction.atomic():
        present = set(session.attendances.values_list("officer_id", flat=True))
        added = 0
        for officer_id in sorted(wanted - present):
            _attend(
                session=session,
                officer_id=officer_id,
                method=Attendance.Method.MARKED,
                actor=actor,
            )
            added += 1
        audit.record(actor=actor, action="class.mark", target=session, added=added)
    return added


def remove_attendance(*, actor, attendance_id: int, reason: str) -> None:
    """Undo a wrong attendance: the record goes, its hours are reversed with the reason."""
    attendance = (
        Attendance.objects.select_related("session__training_class__organiser")
        .filter(pk=attendance_id)
        .first()
    )
    if attendance is None:
        raise ClassError(_("签到记录不存在"), code="not_found")
    if not can_manage_class(actor, attendance.session.training_class):
        raise ClassError(_("您无权管理该培训班"), code="forbidden")
    if not (reason or "").strip():
        raise ClassError(_("请说明撤销签到的理由"), code="no_reason")
    with transaction.atomic():
        entry = HourEntry.objects.filter(
            officer_id=attendance.officer_id,
            source_type=HourEntry.Source.CLASS_SESSION,
            source_id=str(attendance.session_id),
            reverses__isnull=True,
            reversal__isnull=True,
            status=HourEntry.Status.APPROVED,
        ).first()
        if entry is not None:
            reverse_entry(actor=actor, entry_id=entry.pk, reason=reason)
        audit.record(
            actor=actor,
            action="class.unmark",
            target=attendance.session,
            officer=attendance.officer_id,
            reason=reason,
        )
        attendance.delete()
