"""Demo data: a year of training records (学时) for the demo organisation.

DEMO ONLY. Everything goes through the real services, so the ledger, the officers' running
totals, attendance and enrolments agree exactly as they would in production:

- the year's programme (能力提升年): phases, required hours, requirements by 职务, a daily cap
  on online hours, targets for two district bureaus;
- offline training classes in batches (轮训班 第一期…第四期 by unit, a 专题班 by domain), their
  sessions spread over the months so far, rosters by `set_roster` and attendance marked by
  HR through `mark_attendance` (each attendance credits the session's hours);
- online courses completed over the months: an enrolment, then `course_completed`, whose
  receiver (courses.hours) credits the course's hours under the daily cap;
- a few manual entries by HR with evidence (集体学习, 外部培训): approved, pending, one
  rejected, one reversed with a reason, and one attendance removed by mistake;
- exam hours for the officers who passed the demo city-wide exam.

Officers differ in diligence (seeded), so some meet the requirement and some fall clearly
short. Deterministic for a given date and idempotent: nothing happens when the year's
programme already exists. Dates never lie in the future (`timezone.localdate()`).
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from people.demo import DEMO_SEED, DemoConfig, StepReport
from people.models import (
    AnnualProgramme,
    CreditRule,
    Domain,
    HourEntry,
    HourRequirement,
    Officer,
    ProgrammePhase,
    Unit,
    UnitTarget,
    User,
)
from people.services.ledger import record_manual_entry, reverse_entry, review_entry

REQUIRED_HOURS = Decimal(40)
ONLINE_DAILY_CAP = Decimal(4)
REQUIREMENTS = {  # 职务 → required hours (leaders carry a lighter training load)
    "局长": Decimal(24),
    "副局长": Decimal(24),
    "支队长": Decimal(30),
    "副支队长": Decimal(30),
    "中队长": Decimal(30),
    "副中队长": Decimal(30),
}
TARGETS = {"SN": (Decimal(40), 90), "HD": (Decimal(38), 85)}  # unit code → (average, % met)
ROTATION_TITLE = "全市文化市场综合执法人员轮训班"
ROTATION_BATCHES = (  # 第N期: the units it trains (with their subtrees)
    ("SJ",),
    ("SN", "SB", "LC", "LS"),
    ("HD", "CY", "JM"),
    ("JZ", "PD", "LX"),
)
TOPIC_TITLE = "网络文化市场执法专题培训班"
TOPIC_DOMAIN = "internet"
# Full-time (脱产) days: one 课次 of 6 学时 a day, signed in once.
ROTATION_SESSIONS = (  # (day, start hour, hours, title)
    (0, 9, Decimal(6), "行政处罚法与文化市场执法程序"),
    (1, 9, Decimal(6), "执法文书制作与典型案例评析"),
    (2, 9, Decimal(6), "现场检查、证据收集与模拟执法"),
)
TOPIC_SESSIONS = ((0, 9, Decimal(6), "网络表演、网络游戏监管与电子证据固定"),)
VENUE = "市文化市场综合执法局培训中心"
EVIDENCE = b"%PDF-1.4\n% demo evidence: notice and sign-in sheet\n%%EOF\n"
EXAM_CREDIT_HOURS = Decimal(2)
ONLINE_GOAL_HOURS = 30  # online hours the most diligent officer aims at by year end


@dataclass
class Tallies:
    classes: int = 0
    sessions: int = 0
    attendances: int = 0
    courses_completed: int = 0
    exam_credits: int = 0
    manual_approved: int = 0
    manual_pending: int = 0
    manual_rejected: int = 0
    reversed: int = 0


def _programme_title(year: int) -> str:
    return _("%(year)s年度文化市场综合执法队伍能力提升年") % {"year": year}


def _last_day(today: date) -> date:
    """The last day records may fall on: yesterday (today if the year just began)."""
    return max(date(today.year, 1, 1), today - timedelta(days=1))


def _day_at(year_start: date, last_day: date, share: float) -> date:
    return year_start + timedelta(days=int((last_day - year_start).days * share))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _create_programme(year: int) -> AnnualProgramme:
    programme = AnnualProgramme.objects.create(
        year=year,
        title=_programme_title(year),
        required_hours=REQUIRED_HOURS,
        description=_(
            "全体执法人员全年应修满 40 学时，其中网络课程每日最多计入 4 学时；"
            "领导干部按职务要求执行。各单位分期分批组织轮训，年底总结表彰。"
        ),
    )
    phases = (
        (_("动员部署"), date(year, 1, 1), date(year, 4, 30), _("制定方案，动员部署，启动网络学习")),
        (_("推进实施"), date(year, 5, 1), date(year, 11, 30), _("分期分批轮训，集中学习与考试")),
        (_("总结表彰"), date(year, 12, 1), date(year, 12, 31), _("统计学时，总结经验，表彰先进")),
    )  # fmt: skip
    for order, (name, starts, ends, description) in enumerate(phases):
        ProgrammePhase.objects.create(
            programme=programme,
            name=name,
            starts_on=starts,
            ends_on=ends,
            description=description,
            sort_order=order,
        )
    for order, (position, hours) in enumerate(REQUIREMENTS.items()):
        HourRequirement.objects.create(
            programme=programme, position=position, hours=hours, sort_order=order
        )
    CreditRule.objects.create(
        programme=programme, kind=HourEntry.Kind.ONLINE, daily_cap=ONLINE_DAILY_CAP
    )
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=TARGETS)}
    for order, (code, (average, compliance)) in enumerate(TARGETS.items()):
        if code in units:
            UnitTarget.objects.create(
                programme=programme,
                unit=units[code],
                min_average_hours=average,
                min_compliance_percent=compliance,
                sort_order=order,
            )
    return programme


def _diligence(rng: random.Random, officers: list[Officer]) -> dict[int, float]:
    """How much of the year's offer each officer took up: most do well, a tail falls short."""
    result = {}
    for officer in officers:
        value = rng.betavariate(5, 2)
        if officer.status == Officer.Status.AWAY:
            value *= 0.3  # away for much of the year
        result[officer.pk] = value
    return result


def _run_class(
    *,
    actor,
    title: str,
    batch: int,
    organiser: Unit,
    starts_on: date,
    sessions: tuple,
    units=(),
    domains=(),
    diligence: dict[int, float],
    rng: random.Random,
    tally: Tallies,
):
    """A class with its sessions and roster; most members attend most sessions."""
    from courses.models import ClassSession, TrainingClass
    from courses.services.classes import mark_attendance, set_roster

    last_session_day = starts_on + timedelta(days=max(day for day, *_rest in sessions))
    training_class = TrainingClass.objects.create(
        title=title,
        year=starts_on.year,
        batch=batch,
        domain=domains[0] if len(domains) == 1 else None,
        organiser=organiser,
        starts_on=starts_on,
        ends_on=last_session_day,
        venue=VENUE,
        description=_("脱产集中培训，按课次签到计学时。"),
        created_by=actor,
    )
    set_roster(actor=actor, training_class=training_class, units=units, domains=domains)
    members = sorted(training_class.members.values_list("officer_id", flat=True))
    # Some members could not come at all (duty, leave); the rest miss a session now and then.
    coming = [pk for pk in members if rng.random() < 0.6 + 0.4 * diligence.get(pk, 0.5)]
    tally.classes += 1
    for day, hour, hours, session_title in sessions:
        starts_at = _at(starts_on + timedelta(days=day), hour)
        if starts_at > timezone.now():
            continue  # only on the year's first days: nothing is recorded ahead of time
        session = ClassSession.objects.create(
            training_class=training_class,
            title=session_title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=8),
            hours=hours,
        )
        tally.sessions += 1
        present = [pk for pk in coming if rng.random() < 0.75 + 0.25 * diligence.get(pk, 0.5)]
        tally.attendances += mark_attendance(actor=actor, session=session, officer_ids=present)
    return training_class


def _classes(*, actor, year: int, last_day: date, diligence, rng, tally: Tallies) -> list:
    units = {unit.code: unit for unit in Unit.objects.all()}
    organiser = units.get("SJ") or Unit.get_first_root_node()
    year_start = date(year, 1, 1)
    batches = [codes for codes in ROTATION_BATCHES if all(code in units for code in codes)]
    count = len(batches) + 1
    classes = []
    for index, codes in enumerate(batches):
        # Spread over the months so far; three days each, all before `last_day`.
        starts = _day_at(year_start, last_day, (index + 0.6) / (count + 0.2))
        starts = max(year_start, min(starts, last_day - timedelta(days=2)))
        classes.append(
            _run_class(
                actor=actor,
                title=ROTATION_TITLE,
                batch=index + 1,
                organiser=organiser,
                starts_on=starts,
                sessions=ROTATION_SESSIONS,
                units=[units[code] for code in codes],
                diligence=diligence,
                rng=rng,
                tally=tally,
            )
        )
    topic_domain = Domain.objects.filter(code=TOPIC_DOMAIN).first()
    if topic_domain is not None:
        classes.append(
            _run_class(
                actor=actor,
                title=TOPIC_TITLE,
                batch=1,
                organiser=organiser,
                starts_on=_day_at(year_start, last_day, (count - 0.4) / (count + 0.2)),
                sessions=TOPIC_SESSIONS,
                domains=[topic_domain],
                diligence=diligence,
                rng=rng,
                tally=tally,
            )
        )
    return classes


def _online(*, officers, year: int, last_day: date, diligence, rng, tally: Tallies) -> None:
    """Courses completed over the months, each credited by the completion signal.

    The enrolments are written directly (as if self-enrolled, with their past dates);
    `course_completed` is then sent for each, as `evaluate_completion` does, so the hours
    reach the ledger through courses.hours and `ledger.credit` (daily cap included).
    """
    from courses.models import CoursePage, Enrollment
    from courses.signals import course_completed

    courses = list(CoursePage.objects.live().filter(credit_hours__gt=0).order_by("path"))
    if not courses:
        return
    taken = set(Enrollment.objects.values_list("officer_id", "course_id"))
    year_start = date(year, 1, 1)
    span = (last_day - year_start).days
    now = timezone.now()
    enrollments = []
    for officer in officers:
        goal = Decimal(ONLINE_GOAL_HOURS * diligence[officer.pk] + rng.gauss(0, 3))
        earned = Decimal(0)
        for course in rng.sample(courses, len(courses)):
            if earned >= goal:
                break
            if (officer.pk, course.pk) in taken:
                continue
            day = year_start + timedelta(days=rng.randint(min(span, 7), span))
            completed = min(_at(day, rng.choice((12, 19, 20, 21)), rng.randrange(60)), now)
            enrollments.append(
                Enrollment(
                    officer=officer,
                    course=course,
                    source=Enrollment.Source.SELF,
                    enrolled_at=completed - timedelta(days=rng.randint(1, 20)),
                    completed_at=completed,
                    last_activity_at=completed,
                )
            )
            earned += course.credit_hours
    Enrollment.objects.bulk_create(enrollments, batch_size=500)
    if enrollments and enrollments[0].pk is None:  # a backend that returns no ids
        ids = dict(
            ((o, c), pk)
            for o, c, pk in Enrollment.objects.values_list("officer_id", "course_id", "pk")
        )
        for enrollment in enrollments:
            enrollment.pk = ids[(enrollment.officer_id, enrollment.course_id)]
    for enrollment in sorted(enrollments, key=lambda e: (e.completed_at, e.officer_id)):
        course_completed.send(sender=Enrollment, enrollment=enrollment)
        tally.courses_completed += 1


def _exam_credits(tally: Tallies) -> None:
    """The demo city-wide exam counts 2 hours for those who passed it."""
    from quizzes.demo import EXAM_TITLE
    from quizzes.models import Attempt, Quiz
    from quizzes.services.grading import _credit_exam_hours

    quiz = Quiz.objects.filter(title=EXAM_TITLE).first()
    if quiz is None:
        return
    if quiz.credit_hours <= 0:
        quiz.credit_hours = EXAM_CREDIT_HOURS
        quiz.save(update_fields=["credit_hours"])
    before = HourEntry.objects.filter(source_type=HourEntry.Source.QUIZ).count()
    graded = Attempt.objects.filter(quiz=quiz, state=Attempt.State.GRADED, passed=True)
    for attempt in graded.order_by("ended_at", "pk"):
        _credit_exam_hours(attempt, quiz)
    tally.exam_credits += HourEntry.objects.filter(source_type=HourEntry.Source.QUIZ).count() - (
        before
    )


@dataclass(frozen=True)
class ManualSpec:
    recorder: str  # username of the HR who records it
    unit_code: str  # whose officer (the n-th active officer of that unit)
    nth: int
    kind: str
    hours: str
    share: float  # when in the year so far
    title: str
    outcome: str  # approve | pending | reject | reverse
    reviewer: str = ""
    reason: str = ""  # of the rejection or reversal


STUDY, EXTERNAL = HourEntry.Kind.STUDY, HourEntry.Kind.EXTERNAL
MANUAL = (
    ManualSpec("HR101", "SN01", 0, STUDY, "3", 0.25, "中队集体学习：新修订《行政处罚法》专题",
               "approve", "HR001"),
    ManualSpec("HR101", "SN01", 1, STUDY, "3", 0.25, "中队集体学习：新修订《行政处罚法》专题",
               "approve", "HR001"),
    ManualSpec("HR101", "SN02", 0, STUDY, "2", 0.55, "集体学习：演出市场执法典型案例",
               "approve", "HR001"),
    ManualSpec("HR001", "SJ03", 0, EXTERNAL, "24", 0.45, "省文化和旅游厅执法骨干培训班",
               "approve", "admin"),
    ManualSpec("HR001", "SJ06", 1, EXTERNAL, "16", 0.7, "国家版权局网络版权执法培训",
               "approve", "admin"),
    ManualSpec("HR102", "HD01", 0, STUDY, "2", 0.92, "集体学习：文物安全执法要点",
               "pending"),
    ManualSpec("HR102", "HD02", 1, EXTERNAL, "8", 0.95, "市委党校依法行政专题培训",
               "pending"),
    ManualSpec("HR001", "SJ04", 2, EXTERNAL, "16", 0.96, "省文化市场执法技能竞赛集训",
               "pending"),
    ManualSpec("HR101", "SN02", 2, EXTERNAL, "12", 0.6, "区级业务培训（自行参加）",
               "reject", "HR001", "证明材料只有通知，缺少签到表和结业证明，请补充后重新录入"),
    ManualSpec("HR001", "LC01", 0, EXTERNAL, "16", 0.5, "省厅执法案卷评查培训",
               "reverse", "admin", "与第二期轮训班为同一培训，重复录入，予以冲销"),
)  # fmt: skip


def _manual(*, year: int, last_day: date, tally: Tallies) -> None:
    staff = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    year_start = date(year, 1, 1)
    for spec in MANUAL:
        recorder, reviewer = staff.get(spec.recorder), staff.get(spec.reviewer)
        officer = (
            Officer.objects.filter(unit__code=spec.unit_code, status=Officer.Status.ACTIVE)
            .order_by("employee_number")[spec.nth : spec.nth + 1]
            .first()
        )
        if recorder is None or officer is None or (spec.outcome != "pending" and not reviewer):
            continue
        entry = record_manual_entry(
            actor=recorder,
            officer_id=officer.pk,
            kind=spec.kind,
            hours=spec.hours,
            on=_day_at(year_start, last_day, spec.share),
            title=spec.title,
            note=_("附培训通知和签到表"),
            evidence=ContentFile(EVIDENCE, name=f"{spec.title[:20]}.pdf"),
        )
        if spec.outcome == "pending":
            tally.manual_pending += 1
            continue
        if spec.outcome == "reject":
            review_entry(actor=reviewer, entry_id=entry.pk, approve=False, note=spec.reason)
            tally.manual_rejected += 1
            continue
        review_entry(actor=reviewer, entry_id=entry.pk, approve=True)
        tally.manual_approved += 1
        if spec.outcome == "reverse":
            reverse_entry(actor=reviewer, entry_id=entry.pk, reason=spec.reason)
            tally.reversed += 1


def _usernames() -> set[str]:
    return {name for spec in MANUAL for name in (spec.recorder, spec.reviewer) if name}


def _remove_one_attendance(*, actor, classes, tally: Tallies) -> None:
    """HR removes an attendance marked by mistake: the credit is reversed with the reason."""
    from courses.models import Attendance
    from courses.services.classes import remove_attendance

    if not classes:
        return
    attendance = (
        Attendance.objects.filter(session__training_class=classes[0]).order_by("pk").first()
    )
    if attendance is not None:
        remove_attendance(
            actor=actor, attendance_id=attendance.pk, reason=_("误签：当天请假未参加培训")
        )
        tally.attendances -= 1
        tally.reversed += 1


def _describe(year: int, tally: Tallies) -> list[str]:
    from people.services.tally_queries import officer_tallies

    admin = (
        User.objects.filter(is_superuser=True).first()
        or User.objects.filter(username="admin").first()
    )
    lines = [
        f"{_programme_title(year)}：应修 {REQUIRED_HOURS} 学时，网络课程每日最多计入 "
        f"{ONLINE_DAILY_CAP} 学时",
        f"培训班 {tally.classes} 期，课次 {tally.sessions} 个，签到 {tally.attendances} 人次",
        f"网络课程结业 {tally.courses_completed} 门次，考试计学时 {tally.exam_credits} 人",
        f"人工录入学时：已确认 {tally.manual_approved}，待审核 {tally.manual_pending}，"
        f"退回 {tally.manual_rejected}；冲销 {tally.reversed} 条",
    ]
    if admin is not None:
        rows = officer_tallies(user=admin, year=year)
        met = sum(row.met for row in rows)
        lines.append(f"达标 {met} 人，未达标 {len(rows) - met} 人（共 {len(rows)} 人）")
    return lines


def load_demo_hours(config: DemoConfig) -> StepReport:
    """The load_demo step: this year's programme and a year of training records so far."""
    title = "年度培训计划与学时"
    today = timezone.localdate()
    year = today.year
    if AnnualProgramme.objects.filter(year=year).exists():
        return StepReport(title=title, lines=[f"{year}年度培训计划已存在，未改动"])
    city_hr = User.objects.filter(username="HR001").first() or config.actor
    officers = list(
        Officer.objects.exclude(status=Officer.Status.TRANSFERRED).order_by("employee_number")
    )
    if city_hr is None or not officers:
        return StepReport(title=title, lines=["没有演示组织机构或人事账号，跳过学时演示数据"])
    rng = random.Random(f"{DEMO_SEED}-hours-{year}")
    last_day = _last_day(today)
    tally = Tallies()
    with transaction.atomic():
        _create_programme(year)
        diligence = _diligence(rng, officers)
        classes = _classes(
            actor=city_hr, year=year, last_day=last_day, diligence=diligence, rng=rng, tally=tally
        )
        _online(
            officers=[o for o in officers if o.status == Officer.Status.ACTIVE]
            + [o for o in officers if o.status == Officer.Status.AWAY],
            year=year,
            last_day=last_day,
            diligence=diligence,
            rng=rng,
            tally=tally,
        )
        _exam_credits(tally)
        _manual(year=year, last_day=last_day, tally=tally)
        _remove_one_attendance(actor=city_hr, classes=classes, tally=tally)
    return StepReport(title=title, lines=_describe(year, tally))
