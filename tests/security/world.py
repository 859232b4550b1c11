"""One small service with an object of every kind the project's URLs take.

    全市 (city HR)
    ├── 东区 district 1: officer A, its unit HR, officer A's records
    └── 西区 district 2: officer B, its unit HR

Besides them: a trainer (course author, quiz grader, competition judge, final host) and an
administrator. Every object a URL names belongs to officer A or to district 1, so the other
district's HR and officer B are the ones who must be refused.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from people.models import HourEntry, Officer, Unit, User
from people.roles import Role
from tests.factories import OfficerFactory, UserFactory, make_hr, make_unit

ROLES = (
    "anonymous",
    "officer",  # officer A, the owner of the records
    "other_officer",  # officer B, another district's officer
    "other_hr",  # HR of district 2: another unit's HR
    "unit_hr",  # HR of district 1, officer A's unit
    "city_hr",
    "trainer",
    "admin",
)

EXPLANATION = "EXPLANATION-MARK 解析：依据第三条，只有书面形式才符合要求。"
SHORT_REFERENCE = "REFERENCE-MARK 参考答案：应当制作现场检查笔录并由当事人签名"


@dataclass
class World:
    city: Unit
    east: Unit
    west: Unit
    users: dict[str, User | None]
    officer_a: Officer
    officer_b: Officer
    objects: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def build_world() -> World:
    city = make_unit("全市文化市场综合执法", "S00", kind="service")
    east = make_unit("东区文化执法局", "S01", parent=_fresh(city), kind="district_bureau")
    west = make_unit("西区文化执法局", "S02", parent=_fresh(city), kind="district_bureau")
    city, east, west = _fresh(city), _fresh(east), _fresh(west)

    officer_a = OfficerFactory(unit=east, employee_number="71001", name="甲警官")
    officer_b = OfficerFactory(unit=west, employee_number="72001", name="乙警官")
    trainer = UserFactory(username="T7001", roles=[Role.TRAINER])
    admin = UserFactory(
        username="A7001", roles=[Role.ADMINISTRATOR], is_superuser=True, is_staff=True
    )
    users = {
        "anonymous": None,
        "officer": officer_a.user,
        "other_officer": officer_b.user,
        "other_hr": make_hr(west, username="H7002"),
        "unit_hr": make_hr(east, username="H7001"),
        "city_hr": make_hr(city, username="H7000"),
        "trainer": trainer,
        "admin": admin,
    }
    world = World(city, east, west, users, officer_a, officer_b)
    o = world.objects
    _courses(world, o, trainer)
    _quizzes(world, o)
    _hours(world, o)
    _classes(world, o)
    _certificates(world, o)
    _competitions(world, o, trainer)
    _finals(world, o, trainer)
    return world


def _courses(world: World, o: dict, trainer: User) -> None:
    from courses.models import Regulation, StudyNote
    from courses.services import learning
    from tests.courses.course_factory import build_course, import_tiny_regulation

    articles = import_tiny_regulation(amended=True)
    o["article"] = articles["第三条"]
    o["regulation"] = Regulation.objects.get(pk=o["article"].revision.regulation_id)
    course, lessons = build_course(lessons=2, cited=[o["article"]])
    course.trainers.add(trainer)
    o["course"], o["lesson"] = course, lessons[0]
    o["lesson_path"] = lessons[0].get_url()
    learning.enroll(officer=world.officer_a, course=course)
    o["note"] = learning.save_note(officer=world.officer_a, lesson=lessons[0], text="甲的笔记")
    assert StudyNote.objects.filter(officer=world.officer_a).exists()

    from wagtail.documents.models import Document

    document = Document(title="课件")
    document.file.save("security-slides.pdf", ContentFile(b"%PDF-1.4 slides"), save=False)
    document.save()
    o["document"], o["document_path"] = document, document.url


def _quizzes(world: World, o: dict) -> None:
    from quizzes.models import Attempt, AttemptItem
    from quizzes.services import attempts, paper
    from quizzes.services.attempts import _create_items
    from tests.quizzes import bank_factory

    cat = bank_factory.category("安全测试题库")
    single = bank_factory.question(
        "single",
        cat,
        stem="现场检查笔录应当采用（ ）形式。",
        options=["口头", "书面", "录音", "电话"],
        answer="B",
        explanation=EXPLANATION,
    )
    short = bank_factory.question(
        "short", cat, stem="简述现场检查的程序。", answer=SHORT_REFERENCE, explanation=EXPLANATION
    )
    o["questions"] = [single, short]
    # Keys and explanations are never shown to the officer by this quiz.
    quiz = bank_factory.quiz(
        fixed=[single, short],
        attempts_allowed=3,
        show_answers="never",
        show_explanations="never",
        show_score="immediately",
    )
    o["quiz"] = quiz
    # A finished attempt waiting for a trainer to grade its written answer…
    first = attempts.start_attempt(quiz=quiz, officer=world.officer_a)
    for item in first.items.all():
        wrong = 0 if item.version.payload["kind"] == "single" else "出示证件，制作笔录"
        attempts.save_answer(
            attempt_id=first.pk,
            officer_id=world.officer_a.pk,
            position=item.position,
            response=wrong,  # option 0 is 口头: wrong, so the question is missed
            seq=1,
        )
    o["finished_attempt"] = attempts.submit_attempt(
        attempt_id=first.pk, officer_id=world.officer_a.pk
    )
    o["grading_item"] = AttemptItem.objects.filter(attempt=first, needs_grading=True).first()
    # …one in progress…
    o["attempt"] = attempts.start_attempt(quiz=quiz, officer=world.officer_a)
    # …and a practice paper (the only kind that checks an answer at once).
    practice = Attempt.objects.create(
        quiz=None,
        officer=world.officer_a,
        practice=True,
        multiple_scoring="all_or_nothing",
        started_at=timezone.now(),
    )
    drawn = [paper.PaperItem(single.pk, single.current_version_id, None)]
    practice.max_score = _create_items(practice, drawn, rng=random.Random(1), shuffle=False)
    practice.save(update_fields=["max_score"])
    o["practice_attempt"] = practice


def _hours(world: World, o: dict) -> None:
    from people.services.ledger import record_manual_entry

    o["hour_entry"] = record_manual_entry(
        actor=world.users["unit_hr"],
        officer_id=world.officer_a.pk,
        kind=HourEntry.Kind.EXTERNAL,
        hours=Decimal("2"),
        on=timezone.localdate() - datetime.timedelta(days=3),
        title="省厅执法骨干培训班",
        evidence=SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence", "application/pdf"),
    )


def _classes(world: World, o: dict) -> None:
    from courses.models import Attendance
    from courses.services.classes import sign_in_path
    from tests.courses.test_class_services import enrol, make_class

    training_class = make_class(world.east)
    enrol(training_class, world.officer_a)
    session = training_class.sessions.get()
    o["training_class"], o["session"] = training_class, session
    o["attendance"] = Attendance.objects.create(
        session=session, officer=world.officer_a, method=Attendance.Method.MARKED
    )
    o["check_in_path"] = sign_in_path(session)


def _certificates(world: World, o: dict) -> None:
    from certificates.services.bulk import start_bulk_issue
    from certificates.services.issue import issue_certificate
    from certificates.services.pdfs import ensure_pdf
    from tests.certificates.conftest import make_template

    template = make_template("course")
    certificate = issue_certificate(
        kind="course",
        title="文化市场管理条例精讲",
        officer=world.officer_a,
        template=template,
        fields={"course": "文化市场管理条例精讲", "hours": "3"},
        render=False,
    )
    ensure_pdf(certificate)  # once here, not in every download test
    o["certificate"] = certificate
    o["bulk_job"] = start_bulk_issue(
        template=template,
        recipients=[{"officer_id": world.officer_a.pk}],
        title="批量颁发",
        actor=world.users["unit_hr"],
    )


def _competitions(world: World, o: dict, trainer: User) -> None:
    from quizzes.competitions.models import Competition, Entry, JudgingCriterion

    competition = Competition.objects.create(
        title="优秀执法文书评选", kind=Competition.Kind.JUDGED, year=timezone.localdate().year
    )
    JudgingCriterion.objects.create(
        competition=competition, name="规范性", weight=Decimal(100), max_score=Decimal(10), order=0
    )
    competition.judges.set([trainer])
    entry = Entry.objects.create(competition=competition, title="甲的处罚决定书", unit=world.east)
    entry.document.save("甲的文书.pdf", ContentFile(b"%PDF-1.4 entry"), save=True)
    entry.officers.set([world.officer_a])
    o["competition"], o["entry"] = competition, entry


def _finals(world: World, o: dict, trainer: User) -> None:
    from quizzes.finals.models import Final, Round, RoundQuestion, Team

    final = Final.objects.create(
        competition=o["competition"], title="知识竞赛决赛", risk_values="10,20,30"
    )
    final.hosts.add(trainer)
    final.save()
    team = Team.objects.create(final=final, name="东区队", sort_order=0, start_score=100)
    team.members.set([world.officer_a])
    team.save()
    other = Team.objects.create(final=final, name="西区队", sort_order=1, start_score=100)
    other.members.set([world.officer_b])
    other.save()
    buzzer = Round.objects.create(
        final=final, kind="buzzer", sort_order=0, points_right=10, points_wrong=10, seconds=30
    )
    question = RoundQuestion.objects.create(
        round=buzzer,
        sort_order=0,
        stem="网吧每日营业时间限于几时至几时？",
        options=["8时至24时", "0时至24时", "6时至22时"],
        answer="FINAL-KEY-8时至24时",
        explanation="FINAL-EXPLANATION-第二十二条",
    )
    o["final"], o["team"], o["other_team"] = final, team, other
    o["final_round"], o["final_question"] = buzzer, question
