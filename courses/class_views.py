"""Offline training classes (脱产培训班): HR pages, the venue screen and QR sign-in.

Every HR page reaches classes only through `_classes(user)`, the classes whose organiser is
in the user's scope, so a forged id is a 404. The services record attendance and credit the
hours; these views move forms and results between the browser and them.
"""

import time

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.class_forms import (
    AddMemberForm,
    ClassFilterForm,
    MarkAttendanceForm,
    RemoveAttendanceForm,
    RosterForm,
    TrainingClassForm,
    session_formset,
)
from courses.models import Attendance, ClassMember, ClassSession, TrainingClass
from courses.services import sign_in
from courses.services.classes import (
    ClassError,
    check_in,
    check_in_preview,
    mark_attendance,
    remove_attendance,
    set_roster,
    sign_in_path,
)
from people.hr_views import hr_required
from people.models import HourEntry
from people.services import audit
from people.utils import visible_units

PAGE_SIZE = 30


# --- scope ----------------------------------------------------------------------------------


def _classes(user):
    return TrainingClass.objects.filter(organiser__in=visible_units(user))


def _class_or_404(request, class_id) -> TrainingClass:
    return get_object_or_404(_classes(request.user).select_related("organiser"), pk=class_id)


def _session_or_404(request, session_id) -> ClassSession:
    return get_object_or_404(
        ClassSession.objects.filter(training_class__in=_classes(request.user)).select_related(
            "training_class__organiser"
        ),
        pk=session_id,
    )


def _count(queryset, field: str):
    """A correlated COUNT per row: joining members, sessions and attendances would multiply."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def _with_counts(classes):
    return classes.annotate(
        roster_size=_count(ClassMember.objects.all(), "training_class"),
        session_count=_count(ClassSession.objects.all(), "training_class"),
        attended=_count(Attendance.objects.all(), "session__training_class"),
    )


def _posted(request):
    # Not `request.POST or None`: an empty POST (nothing ticked) must still be validated.
    return request.POST if request.method == "POST" else None


def _rate(attended: int, expected: int) -> float | None:
    return round(100 * attended / expected, 1) if expected else None


# --- class list, form and detail --------------------------------------------------------------


@hr_required
def class_list(request):
    visible = _classes(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    form = ClassFilterForm(request.GET or None, years=years)
    classes = _with_counts(visible.select_related("organiser", "domain"))
    if form.is_valid() and form.cleaned_data["year"]:
        classes = classes.filter(year=form.cleaned_data["year"])
    page = Paginator(classes.order_by("-year", "-starts_on", "-batch", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for item in page:
        item.rate = _rate(item.attended, item.roster_size * item.session_count)
    return render(request, "classes/class_list.html", {"form": form, "page": page})


def _save_class(request, form, formset, *, created: bool) -> TrainingClass:
    with transaction.atomic():
        training_class = form.save(commit=False)
        if created:
            training_class.created_by = request.user
        training_class.save()
        formset.instance = training_class
        formset.save()
        audit.record(
            actor=request.user,
            action="class.create" if created else "class.edit",
            target=training_class,
        )
    return training_class


def _class_form_page(request, training_class: TrainingClass | None):
    created = training_class is None
    instance = training_class or TrainingClass(year=timezone.localdate().year)
    Formset = session_formset()
    form = TrainingClassForm(_posted(request), instance=instance, user=request.user)
    formset = Formset(_posted(request), instance=instance, prefix="sessions")
    if request.method == "POST":
        # The sessions are checked against the class's dates as submitted.
        if form.is_valid():
            formset.class_dates = (form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
        if form.is_valid() and formset.is_valid():
            saved = _save_class(request, form, formset, created=created)
            if created:
                text = _("已创建培训班“%(name)s”，请确定参训名单。")
            else:
                text = _("已保存培训班“%(name)s”。")
            messages.success(request, text % {"name": saved})
            target = "classes:roster" if created else "classes:detail"
            return redirect(target, class_id=saved.pk)
    context = {"form": form, "formset": formset, "training_class": training_class}
    return render(request, "classes/class_form.html", context)


@hr_required
def class_create(request):
    return _class_form_page(request, None)


@hr_required
def class_edit(request, class_id):
    return _class_form_page(request, _class_or_404(request, class_id))


@hr_required
def class_detail(request, class_id):
    training_class = _class_or_404(request, class_id)
    sessions = training_class.sessions.annotate(attended=Count("attendances"))
    roster_size = training_class.members.count()
    for session in sessions:
        session.rate = _rate(session.attended, roster_size)
    context = {
        "training_class": training_class,
        "sessions": sessions,
        "roster_size": roster_size,
        "roster_units": training_class.roster_units.order_by("path"),
        "roster_domains": training_class.roster_domains.all(),
    }
    return render(request, "classes/class_detail.html", context)


# --- roster ---------------------------------------------------------------------------------


@hr_required
def roster(request, class_id):
    training_class = _class_or_404(request, class_id)
    form = RosterForm(_posted(request), user=request.user, training_class=training_class)
    if request.method == "POST" and form.is_valid():
        try:
            added = set_roster(
                actor=request.user,
                training_class=training_class,
                units=form.cleaned_data["units"],
                domains=form.cleaned_data["domains"],
            )
        except ClassError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("已按所选单位和执法领域加入 %(count)d 人。") % {"count": added}
            )
            return redirect("classes:roster", class_id=training_class.pk)
    return _roster_page(request, training_class, roster_form=form)


def _roster_page(request, training_class, *, roster_form=None, add_form=None):
    members = training_class.members.select_related("officer__unit").order_by(
        "officer__unit__path", "officer__employee_number"
    )
    # Only attendances of this class's sessions count against removing someone.
    attended = set(
        Attendance.objects.filter(session__training_class=training_class).values_list(
            "officer_id", flat=True
        )
    )
    for member in members:
        member.has_attendance = member.officer_id in attended
    context = {
        "training_class": training_class,
        "roster_form": roster_form or RosterForm(user=request.user, training_class=training_class),
        "add_form": add_form or AddMemberForm(user=request.user, training_class=training_class),
        "members": members,
    }
    return render(request, "classes/roster.html", context)


@hr_required
@require_POST
def roster_add(request, class_id):
    training_class = _class_or_404(request, class_id)
    form = AddMemberForm(request.POST, user=request.user, training_class=training_class)
    if not form.is_valid():
        return _roster_page(request, training_class, add_form=form)
    member = form.save()
    messages.success(
        request,
        _("已将 %(name)s（%(number)s）加入参训名单。")
        % {"name": member.officer.name, "number": member.officer.employee_number},
    )
    return redirect("classes:roster", class_id=training_class.pk)


@hr_required
@require_POST
def roster_remove(request, class_id, officer_id):
    training_class = _class_or_404(request, class_id)
    member = get_object_or_404(
        training_class.members.select_related("officer"), officer_id=officer_id
    )
    officer = member.officer
    if Attendance.objects.filter(
        session__training_class=training_class, officer_id=officer.pk
    ).exists():
        messages.error(
            request,
            _("%(name)s 已有签到记录，请先在签到表中撤销签到，再移出名单。")
            % {"name": officer.name},
        )
        return redirect("classes:roster", class_id=training_class.pk)
    with transaction.atomic():
        member.delete()
        audit.record(
            actor=request.user,
            action="class.member_remove",
            target=training_class,
            officer=officer.pk,
        )
    messages.success(request, _("已将 %(name)s 移出参训名单。") % {"name": officer.name})
    return redirect("classes:roster", class_id=training_class.pk)


# --- venue screen ---------------------------------------------------------------------------


def _venue_state(request, session: ClassSession) -> dict:
    """What the projector shows now: the current window's code and the live count."""
    now = time.time()
    window = sign_in.window_at(now)
    url = request.build_absolute_uri(sign_in_path(session, window=window))
    svg = segno.make(url, error="m").svg_inline(scale=1, omitsize=True, border=2)
    return {
        "url": url,
        "svg": svg,
        "window": window,
        "seconds_left": max(1, round((window + 1) * sign_in.WINDOW_SECONDS - now)),
        "signed_in": session.attendances.count(),
        "expected": session.training_class.members.count(),
    }


@hr_required
@never_cache
def venue(request, session_id):
    session = _session_or_404(request, session_id)
    context = {
        "session": session,
        "training_class": session.training_class,
        "state": _venue_state(request, session),
        "refresh_seconds": 4,
    }
    return render(request, "classes/venue.html", context)


@hr_required
@never_cache
@require_GET
def venue_state(request, session_id):
    session = _session_or_404(request, session_id)
    return JsonResponse(_venue_state(request, session))


# --- attendance sheet -----------------------------------------------------------------------


@hr_required
@require_http_methods(["GET", "POST"])
def attendance_sheet(request, session_id):
    session = _session_or_404(request, session_id)
    form = MarkAttendanceForm(_posted(request), session=session)
    if request.method == "POST" and form.is_valid():
        try:
            added = mark_attendance(
                actor=request.user,
                session=session,
                officer_ids=[officer.pk for officer in form.cleaned_data["officers"]],
            )
        except ClassError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已为 %(count)d 人补记签到，每人计入 %(hours)s 学时。")
                % {"count": added, "hours": session.hours},
            )
            return redirect("classes:attendance", session_id=session.pk)
    attendances = {a.officer_id: a for a in session.attendances.select_related("marked_by")}
    rows = [
        (member, attendances.get(member.officer_id))
        for member in session.training_class.members.select_related("officer__unit").order_by(
            "officer__unit__path", "officer__employee_number"
        )
    ]
    context = {
        "session": session,
        "training_class": session.training_class,
        "form": form,
        "rows": rows,
        "signed_in": len(attendances),
    }
    return render(request, "classes/attendance.html", context)


@hr_required
@require_POST
def attendance_remove(request, attendance_id):
    attendance = get_object_or_404(
        Attendance.objects.filter(session__training_class__in=_classes(request.user)),
        pk=attendance_id,
    )
    form = RemoveAttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
    else:
        try:
            remove_attendance(
                actor=request.user, attendance_id=attendance.pk, reason=form.cleaned_data["reason"]
            )
        except ClassError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已撤销签到，相应学时已冲销。"))
    return redirect("classes:attendance", session_id=attendance.session_id)


# --- officers' sign-in ----------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def check_in_page(request, session_id, window, code):
    """What the phone opens from the QR code: GET confirms, only POST (with CSRF) signs in."""
    session = ClassSession.objects.select_related("training_class").filter(pk=session_id).first()
    message = ""
    if request.method == "POST":
        try:
            result = check_in(user=request.user, session_id=session_id, window=window, code=code)
        except ClassError as exc:
            outcome, attendance, message = exc.code, None, exc.message
        else:
            outcome = "already" if result.already else "success"
            attendance = result.attendance
    else:
        outcome, attendance = check_in_preview(
            user=request.user, session=session, window=window, code=code
        )
    if outcome == "forged":
        # A made-up or tampered URL: say so, but show nothing of the session.
        context = {"outcome": outcome}
        return render(request, "classes/check_in.html", context, status=404)
    context = {
        "outcome": outcome,
        "message": message,
        "session": session,
        "training_class": session.training_class,
        "attendance": attendance,
    }
    if outcome == "success":
        # What the ledger credited: the year's caps may have granted less than the session.
        context["entry"] = (
            HourEntry.objects.filter(
                officer_id=attendance.officer_id,
                source_type=HourEntry.Source.CLASS_SESSION,
                source_id=str(session.pk),
                reverses__isnull=True,
            )
            .order_by("-pk")
            .first()
        )
    return render(request, "classes/check_in.html", context)
