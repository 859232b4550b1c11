"""A small service with a year of training, hand-counted, for the tally page and export tests.

    全市 (C00)
    ├── 市局 (C01) └── 一支队 (C0101): c1 科员 [文物] online 45 (Sep), competition 4 (comp-2, Oct)
    ├── 东区局 (D01): e3 科员 — nothing; e4 调离 with online 10 (never counted)
    │   └── 东区一中队 (D0101): e1 中队长 (30 required) [网吧与网络, 演艺娱乐]
    │                              online 12 (Mar), class 3+3 (May), competition 4 (comp-1, Jun)
    │                           e2 执法队员 [网吧与网络] study 40 (Apr), class 3 (May)
    └── 西区局 (D02): w1 执法队员 [新闻出版] class 4 (May), exam 2 (Jul), external 40 (Aug),
                     competition 4 (comp-1, Jun)

Classes: 东区 class (2 sessions × 3h): e1 both, e2 the first; 西区 class (1 × 4h): w1.
Exams (June): Q1 e1 pass, e2 fail, w1 pass; Q2 e2 fail then pass, c1 fail; a practice quiz e1.
Programme: 40 required, 中队长 30; 东区局 target: average 30, 50% meeting the requirement.

Hand counts —
  whole city: 5 officers, 164 hours, average 32.8, 3 met (60.0%), 4 participated (80.0%);
    classes 2, person-times 3, class hours 13; exams 2, 5 sittings, 3 passed (60.0%);
    competitions 2, 3 participants; by month 3:12 4:40 5:13 6:8 7:2 8:40 9:45 10:4.
  东区局 (its HR): 3 officers, 65 hours, average 21.7, 1 met (33.3%), 2 participated (66.7%);
    classes 1, person-times 2, class hours 9; exams 2, 3 sittings, 2 passed (66.7%);
    competitions 1, 1 participant; by month 3:12 4:40 5:9 6:4.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from courses.models import ClassMember, ClassSession, TrainingClass
from courses.services.classes import mark_attendance
from people.models import HourEntry, Officer, UnitTarget
from people.services.ledger import credit
from quizzes.models import Attempt, Quiz
from tests.factories import OfficerFactory, make_hr
from tests.people.ledger_factory import make_programme
from tests.quizzes.factories import analysis_attempt, analysis_quiz, analysis_version

YEAR = 2026
D = Decimal
Kind, Source = HourEntry.Kind, HourEntry.Source


def hours(officer, kind, amount, month, day=5, *, source=Source.COURSE, source_id=None):
    credit(
        officer_id=officer.pk,
        kind=kind,
        hours=amount,
        on=date(YEAR, month, day),
        source_type=source,
        source_id=source_id or f"{kind}-{officer.pk}-{month}-{day}",
        title=f"{kind} {month}月",
    )


def training_class(organiser, title, sessions, session_hours, day):
    klass = TrainingClass.objects.create(
        title=title,
        year=YEAR,
        organiser=organiser,
        starts_on=date(YEAR, 5, day),
        ends_on=date(YEAR, 5, day + sessions),
        venue="培训室",
    )
    result = []
    for n in range(sessions):
        start = timezone.make_aware(datetime(YEAR, 5, day + n, 9))
        result.append(
            ClassSession.objects.create(
                training_class=klass,
                title=f"第{n + 1}讲",
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                hours=D(session_hours),
            )
        )
    return klass, result


def sit(quiz, officer, passed: bool, number=1):
    version = analysis_version()
    return analysis_attempt(quiz, officer, [(version, "B", 1 if passed else 0)], number=number)


def build_service(city) -> dict:
    programme = make_programme(YEAR, required=40, by_position={"中队长": 30})
    UnitTarget.objects.create(
        programme=programme, unit=city["east"], min_average_hours=D(30), min_compliance_percent=50
    )
    people = {
        "e1": OfficerFactory(
            unit=city["east_squad"],
            employee_number="31001",
            name="东区甲",
            position="中队长",
            domains=["internet", "performance"],
        ),
        "e2": OfficerFactory(
            unit=city["east_squad"],
            employee_number="31002",
            name="东区乙",
            position="执法队员",
            domains=["internet"],
        ),
        "e3": OfficerFactory(
            unit=city["east"], employee_number="31003", name="东区丙", position="科员"
        ),
        "e4": OfficerFactory(
            unit=city["east"], employee_number="31004", name="东区调离", position="科员"
        ),
        "w1": OfficerFactory(
            unit=city["west"],
            employee_number="32001",
            name="西区丁",
            position="执法队员",
            domains=["press"],
        ),
        "c1": OfficerFactory(
            unit=city["detachment"],
            employee_number="33001",
            name="支队戊",
            position="科员",
            domains=["relics"],
        ),
    }
    p = people
    hours(p["e1"], Kind.ONLINE, 12, 3)
    hours(p["e2"], Kind.STUDY, 40, 4)
    hours(p["e4"], Kind.ONLINE, 10, 3)
    hours(p["w1"], Kind.EXAM, 2, 7, source=Source.QUIZ)
    hours(p["w1"], Kind.EXTERNAL, 40, 8)
    hours(p["c1"], Kind.ONLINE, 45, 9)
    for name, contest, month in (("e1", "comp-1", 6), ("w1", "comp-1", 6), ("c1", "comp-2", 10)):
        hours(p[name], Kind.COMPETITION, 4, month, source=Source.COMPETITION, source_id=contest)
    Officer.objects.filter(pk=p["e4"].pk).update(status=Officer.Status.TRANSFERRED)

    city_hr = make_hr(city["root"], username="HR-CITY")
    east_class, (first, second) = training_class(city["east"], "东区执法业务培训班", 2, 3, 18)
    west_class, (west_session,) = training_class(city["west"], "西区执法业务培训班", 1, 4, 25)
    for klass, members in ((east_class, ("e1", "e2")), (west_class, ("w1",))):
        for name in members:
            ClassMember.objects.create(training_class=klass, officer=p[name])
    mark_attendance(actor=city_hr, session=first, officer_ids=[p["e1"].pk, p["e2"].pk])
    mark_attendance(actor=city_hr, session=second, officer_ids=[p["e1"].pk])
    mark_attendance(actor=city_hr, session=west_session, officer_ids=[p["w1"].pk])

    q1, q2 = analysis_quiz(title="第一次考试"), analysis_quiz(title="第二次考试")
    practice = analysis_quiz(title="练习", mode=Quiz.Mode.PRACTICE)
    sit(q1, p["e1"], True)
    sit(q1, p["e2"], False)
    sit(q1, p["w1"], True)
    sit(q2, p["e2"], False)
    sit(q2, p["e2"], True, number=2)
    sit(q2, p["c1"], False)
    Attempt.objects.filter(pk=sit(practice, p["e1"], True).pk).update(practice=True)
    # Exams count in the year they were handed in (ended_at), as their hours do.
    Attempt.objects.update(
        started_at=timezone.make_aware(datetime(YEAR, 6, 15, 10)),
        ended_at=timezone.make_aware(datetime(YEAR, 6, 15, 10, 50)),
    )
    return {"people": people, "city_hr": city_hr, "east_hr": make_hr(city["east"])}
