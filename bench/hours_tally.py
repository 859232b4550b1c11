"""Benchmark: training-hour tallies over 20,000 officers and a million ledger entries.

    .venv/bin/python bench/hours_tally.py [--officers 20000] [--stages 100000,1000000]
        [--runs 7] [--export-runs 1] [--database-url postgres://user@host:port/db]
        [--show-queries] [--keep] [--json]

Builds a fresh database (a temporary SQLite file, or a new database on the PostgreSQL server
that --database-url names, dropped afterwards), migrates it and fills it with bulk inserts:
a unit tree (the root, the city bureau with six divisions and detachments, 15 district
bureaus with 4 squads each: 83 units), 20,000 officers with their users (no password
hashing: an unusable password) and enforcement domains, a city HR user (scope: the root)
and a unit HR user (scope: one district bureau), the year's AnnualProgramme (required
hours, requirements by 职务, a daily cap on online hours, targets for every district bureau),
150 online courses, 40 training classes of 8 sessions and 30 exams.

Then the ledger grows in stages (default 100,000, then 1,000,000 entries in all), every entry
in the tallied year — the worst case for the queries that scan the ledger. Entries are
realistic: officers differ in how active they are (some fall short of the requirement),
online course credits come with the completed enrolment, class credits with the attendance,
exam credits with the graded attempt; collective-study and external entries are manual
(some pending, some rejected, with evidence), and a few credits are reversed by reversing
entries. After each stage `rebuild_year_totals` recomputes OfficerYearHours from the ledger
(the recovery path; timed too), and the bench measures, over --runs runs (p50 / p95):

  unit tree, city HR   tally_units + own_unit_groups (one aggregate query) + unit_targets
                       + tallies.roll_up — what the 单位统计 page runs
                       for the HR whose scope is the root (all 20,000 officers)
  unit tree, unit HR   the same for the HR of one district bureau
  officers, one squad  officer_tallies for one squad (the officer-level page), city HR
  hours_by_month       the month chart: sums the ledger itself
  annual_summary       the work report's figures: scans attendance, attempts and the ledger
  Excel export         every officer in the city HR's scope as an .xlsx workbook
                       (people.services.tally_export; --export-runs runs)

and prints them with SQL queries per call against the goals of the issue: the unit-tree
tally p50 ≤ 1 s, the Excel export of all 20,000 officers ≤ 15 s. The figures are only
comparable on an otherwise idle machine: the load average is printed next to each stage.
"""

import argparse
import bisect
import contextlib
import io
import itertools
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import urllib.parse
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

GOALS = {"tally_p50_s": 1.0, "export_s": 15.0}
DISTRICT_BUREAUS = 15
SQUADS_PER_BUREAU = 4
COURSES = 150
CLASSES = 40
SESSIONS_PER_CLASS = 8
QUIZZES = 30
COMPETITIONS = 6
REVERSED_SHARE = 0.004
BATCH = 20_000  # entries generated (and bulk-inserted in chunks of INSERT_CHUNK) at a time
INSERT_CHUNK = 2_000
# Share of the ledger per kind (reversals come on top, ~0.4% of the approved entries).
KIND_SHARE = {
    "online": 55,
    "class": 22,
    "study": 9,
    "exam": 6,
    "external": 5,
    "competition": 3,
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢"
GIVEN = "伟刚勇毅俊峰强军平东文辉力明永健志兴良海波宁秀娟英华慧美娜静淑惠玉萍红玲芬芳燕春兰"
STUDY_TITLES = ("党组理论学习中心组集体学习", "支部集体学习：新修订法规解读", "案卷评查集中学习")
EXTERNAL_TITLES = ("省厅执法骨干培训班", "国家版权局执法培训", "市委党校专题培训")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officers", type=int, default=20_000)
    parser.add_argument(
        "--stages",
        default="100000,1000000",
        help="ledger sizes to measure at, comma-separated, rising (entries in all)",
    )
    parser.add_argument("--runs", type=int, default=7, help="runs per tally measurement")
    parser.add_argument("--export-runs", type=int, default=1, help="runs of the Excel export")
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL URL: a fresh database is created on that server (default: SQLite)",
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="print each measured call's SQL with timings"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory and database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    args.stages = sorted(int(n.replace("_", "")) for n in args.stages.split(","))
    return args


# ---------------------------------------------------------------- database


class Database:
    """A fresh database: a SQLite file in the work directory, or a new PostgreSQL database."""

    def __init__(self, workdir: Path, server_url: str, keep: bool):
        self.keep = keep
        self.admin_url = None
        if not server_url:
            self.url = f"sqlite:///{workdir / 'hours-tally.sqlite3'}"
            self.vendor = "sqlite"
            return
        parts = urllib.parse.urlsplit(server_url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql"):
            raise SystemExit("--database-url must be a PostgreSQL URL (SQLite is the default)")
        self.vendor = "postgresql"
        self.name = f"{parts.path.lstrip('/') or 'lianbing'}_hours_{secrets.token_hex(4)}"
        self.admin_url = server_url
        self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))

    def create(self) -> None:
        if self.admin_url:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.admin_url and not self.keep:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def configure(workdir: Path, db: Database) -> None:
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "CONN_MAX_AGE"):
        os.environ.pop(key, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lianbing.settings",
        DATABASE_URL=db.url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        PRIVATE_MEDIA_ROOT=str(workdir / "private-media"),
        DEBUG="0",
        HTTPS="0",
    )
    import django

    django.setup()


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# ---------------------------------------------------------------- the organisation


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2, 2))))


def build_units():
    """83 units: returns (root, city bureau, district bureaus, [(unit, weight, leaders)])."""
    from people.models import Unit

    K = Unit.Kind
    root = Unit.add_root(name="全市文化市场综合执法", code="QS", kind=K.SERVICE)
    city = root.add_child(name="市文化市场综合执法局", code="SJ", kind=K.CITY_BUREAU, order=0)
    staffed = [(city, 4, ("局长", "副局长", "副局长"))]
    for n, (name, kind) in enumerate(
        [
            ("办公室", K.DIVISION),
            ("法制处", K.DIVISION),
            ("执法一支队", K.DETACHMENT),
            ("执法二支队", K.DETACHMENT),
            ("执法三支队", K.DETACHMENT),
            ("网络执法支队", K.DETACHMENT),
        ],
        start=1,
    ):
        unit = city.add_child(name=name, code=f"SJ{n:02d}", kind=kind, order=n)
        leaders = ("处长", "副处长") if kind == K.DIVISION else ("支队长", "副支队长")
        staffed.append((unit, 20 if kind == K.DIVISION else 60, leaders))
    bureaus = []
    for b in range(1, DISTRICT_BUREAUS + 1):
        bureau = root.add_child(
            name=f"第{b}区文化执法局", code=f"D{b:02d}", kind=K.DISTRICT_BUREAU, order=b
        )
        bureaus.append(bureau)
        staffed.append((bureau, 8, ("局长", "副局长")))
        for s in range(1, SQUADS_PER_BUREAU + 1):
            squad = bureau.add_child(
                name=f"第{b}区第{s}中队", code=f"D{b:02d}{s:02d}", kind=K.SQUAD, order=s
            )
            staffed.append((squad, 40, ("中队长", "副中队长")))
    return root, city, bureaus, staffed


def build_officers(count: int, staffed, rng: random.Random) -> list[dict]:
    """Officers and their users (unusable password), domains; returns officer facts."""
    from people.models import Domain, Officer, User

    units = [unit for unit, _, _ in staffed]
    weights = list(itertools.accumulate(weight for _, weight, _ in staffed))
    assigned = sorted(bisect.bisect(weights, rng.random() * weights[-1]) for _ in range(count))
    leaders_left = {unit.pk: list(leaders) for unit, _, leaders in staffed}
    staff = ("执法队员", "执法队员", "四级主办", "三级主办", "二级主办", "一级行政执法员", "科员")
    users, officers = [], []
    for n, index in enumerate(assigned):
        unit = units[index]
        number = str(100001 + n)
        name = person_name(rng)
        position = leaders_left[unit.pk].pop(0) if leaders_left[unit.pk] else rng.choice(staff)
        roll = rng.random()
        status = "active" if roll > 0.05 else ("away" if roll > 0.02 else "transferred")
        users.append(
            User(
                username=number,
                password="!bench-unusable",
                last_name=name[0],
                first_name=name[1:],
                must_change_password=False,
            )
        )
        officers.append(
            Officer(
                employee_number=number,
                name=name,
                unit=unit,
                position=position,
                status=status,
                phone=f"139{rng.randrange(10**8):08d}",
            )
        )
    User.objects.bulk_create(users, batch_size=INSERT_CHUNK)
    if users[0].pk is None:  # a backend that does not return ids
        ids = dict(User.objects.values_list("username", "pk"))
        for user in users:
            user.pk = ids[user.username]
    for user, officer in zip(users, officers, strict=True):
        officer.user_id = user.pk
    Officer.objects.bulk_create(officers, batch_size=INSERT_CHUNK)
    if officers[0].pk is None:
        ids = dict(Officer.objects.values_list("employee_number", "pk"))
        for officer in officers:
            officer.pk = ids[officer.employee_number]
    domains = list(Domain.objects.values_list("pk", flat=True))
    through = Officer.domains.through
    links = []
    for officer in officers:
        for domain_id in rng.sample(domains, rng.choice((1, 1, 2, 2, 3))):
            links.append(through(officer_id=officer.pk, domain_id=domain_id))
    through.objects.bulk_create(links, batch_size=INSERT_CHUNK * 2)
    # How active each officer is: lognormal, so a realistic share falls short.
    return [
        {"pk": o.pk, "unit_id": o.unit_id, "activity": min(2.5, rng.lognormvariate(0, 0.45))}
        for o in officers
    ]


def build_staff(root, bureau):
    from django.contrib.auth.models import Group

    from people.models import HRScope, User
    from people.roles import Role

    hr = Group.objects.get(name=Role.HR.value)
    city_hr = User.objects.create(
        username="HR001", password="!bench", last_name="王", first_name="丽娟"
    )
    unit_hr = User.objects.create(
        username="HR101", password="!bench", last_name="刘", first_name="晓燕"
    )
    for user, unit in ((city_hr, root), (unit_hr, bureau)):
        user.groups.add(hr)
        HRScope.objects.create(user=user, unit=unit)
    return city_hr, unit_hr


def build_programme(year: int, bureaus) -> None:
    from people.models import (
        AnnualProgramme,
        CreditRule,
        HourRequirement,
        ProgrammePhase,
        UnitTarget,
    )

    programme = AnnualProgramme.objects.create(
        year=year, title=f"{year}年能力提升年", required_hours=Decimal(40)
    )
    for name, start, end in (
        ("动员部署", date(year, 1, 1), date(year, 4, 30)),
        ("推进实施", date(year, 5, 1), date(year, 11, 30)),
        ("总结表彰", date(year, 12, 1), date(year, 12, 31)),
    ):
        ProgrammePhase.objects.create(programme=programme, name=name, starts_on=start, ends_on=end)
    for position, hours in (
        ("局长", 24),
        ("副局长", 24),
        ("支队长", 30),
        ("副支队长", 30),
        ("中队长", 30),
        ("副中队长", 30),
    ):
        HourRequirement.objects.create(programme=programme, position=position, hours=hours)
    CreditRule.objects.create(programme=programme, kind="online", daily_cap=Decimal(4))
    for n, bureau in enumerate(bureaus):
        UnitTarget.objects.create(
            programme=programme,
            unit=bureau,
            min_average_hours=Decimal(40),
            min_compliance_percent=85 if n % 2 else 90,
        )


def build_sources(year: int, last_day: date, organiser, rng: random.Random) -> dict:
    """Courses, classes with sessions, quizzes: what the credits point at."""
    from django.utils import timezone

    from courses.models import ClassSession, CourseIndexPage, CoursePage, TrainingClass
    from lianbing.models import HomePage
    from quizzes.models import Quiz

    home = HomePage.objects.get()
    index = home.add_child(instance=CourseIndexPage(title="课程中心", slug="courses"))
    courses = []
    for n in range(1, COURSES + 1):
        hours = Decimal(rng.choice(("1.0", "1.5", "2.0", "2.0", "3.0", "4.0")))
        page = index.add_child(
            instance=CoursePage(title=f"法规课程{n}", slug=f"course-{n}", credit_hours=hours)
        )
        courses.append((page.pk, hours, page.title))
    span = (last_day - date(year, 1, 1)).days
    sessions = []
    zone = timezone.get_current_timezone()
    for n in range(1, CLASSES + 1):
        starts = date(year, 1, 5) + timedelta(days=rng.randrange(max(1, span - 10)))
        training_class = TrainingClass.objects.create(
            title=f"执法业务培训班{n}",
            year=year,
            batch=(n - 1) % 6 + 1,
            organiser=organiser,
            starts_on=starts,
            ends_on=starts + timedelta(days=3),
            venue="市执法局培训中心",
        )
        for s in range(SESSIONS_PER_CLASS):
            day = min(last_day, starts + timedelta(days=s // 2))
            begins = datetime.combine(day, datetime.min.time(), tzinfo=zone).replace(
                hour=9 if s % 2 == 0 else 14
            )
            session = ClassSession.objects.create(
                training_class=training_class,
                title=f"第{s + 1}讲",
                starts_at=begins,
                ends_at=begins + timedelta(hours=3),
                hours=Decimal(rng.choice(("2.0", "3.0", "3.0", "4.0"))),
            )
            sessions.append((session.pk, session.hours, day, begins, str(training_class)))
    quizzes = []
    for n in range(1, QUIZZES + 1):
        opens = datetime.combine(
            date(year, 1, 10) + timedelta(days=rng.randrange(max(1, span - 10))),
            datetime.min.time(),
            tzinfo=zone,
        )
        quiz = Quiz.objects.create(
            title=f"执法人员法律知识考试{n}",
            mode=Quiz.Mode.EXAM,
            live=True,
            opens_at=opens,
            closes_at=opens + timedelta(days=7),
            credit_hours=Decimal(rng.choice(("1.0", "2.0"))),
        )
        quizzes.append((quiz.pk, quiz.credit_hours, opens, quiz.title))
    return {"courses": courses, "sessions": sessions, "quizzes": quizzes}


# ---------------------------------------------------------------- the ledger


class RowWriter:
    """Inserts plain rows with executemany: Django's bulk_create builds and compiles a model
    instance per row, which caps a 2-core machine at a few thousand rows a second; a
    million entries would take most of an hour. Values are converted as the model fields
    would store them; omitted columns take the field's default."""

    def __init__(self, model):
        from django.db import connection

        self.model, self.connection = model, connection
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if not (f.primary_key and f.auto_created)]
        if meta.pk.auto_created or meta.pk.get_internal_type() == "BigAutoField":
            # Explicit ids (HourEntry: reversals point at their entries) when given.
            self.fields = [meta.pk, *[f for f in self.fields if f is not meta.pk]]
        self.defaults = {
            f.attname: None
            if f.primary_key or (f.has_default() and callable(f.default))
            else f.get_default()
            for f in self.fields
        }
        self.convert = {f.attname: self._converter(f) for f in self.fields}

    def _converter(self, field):
        kind = field.get_internal_type()
        if self.connection.vendor != "sqlite":
            return None
        if kind == "DateTimeField":
            return self.connection.ops.adapt_datetimefield_value
        if kind == "DateField":
            return lambda value: value.isoformat()
        if kind == "DecimalField":
            return str
        if kind == "UUIDField":
            return lambda value: value.hex
        return None

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        with_pk = self.fields[0].primary_key and self.fields[0].attname in rows[0]
        fields = self.fields if with_pk else [f for f in self.fields if not f.primary_key]
        names = [f.attname for f in fields]
        converters = [self.convert[name] for name in names]
        defaults = [self.defaults[name] for name in names]
        values = []
        for row in rows:
            line = []
            for name, convert, default in zip(names, converters, defaults, strict=True):
                value = row.get(name, default)
                line.append(value if value is None or convert is None else convert(value))
            values.append(line)
        quote = self.connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(self.model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        with self.connection.cursor() as cursor:
            for start in range(0, len(values), INSERT_CHUNK):
                cursor.executemany(sql, values[start : start + INSERT_CHUNK])

    def reset_sequence(self) -> None:
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), [self.model])
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class LedgerFiller:
    """Generates realistic entries (and their enrolments, attendances, attempts) in stages."""

    def __init__(self, officers, sources, staff, year, last_day, rng):
        self.officers = officers
        self.cumulative = list(itertools.accumulate(o["activity"] for o in officers))
        self.sources = sources
        self.year, self.last_day, self.rng = year, last_day, rng
        self.span = (last_day - date(year, 1, 1)).days + 1
        self.used: dict[int, set] = {}  # officer pk -> sources already credited
        self.city_hr, self.unit_hr = staff
        self.kinds = list(KIND_SHARE)
        self.kind_weights = list(itertools.accumulate(KIND_SHARE.values()))
        self.total = 0
        self.manual = 0
        self.next_id = 1
        self.progress = False
        self.started = time.perf_counter()
        from django.utils import timezone

        from courses.models import Attendance, Enrollment
        from people.models import HourEntry
        from quizzes.models import Attempt

        self.zone = timezone.get_current_timezone()
        self.writers = {
            "entries": RowWriter(HourEntry),
            "enrollments": RowWriter(Enrollment),
            "attendances": RowWriter(Attendance),
            "attempts": RowWriter(Attempt),
        }

    def _officer(self) -> dict:
        return self.officers[
            bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])
        ]

    def _day(self) -> date:
        return date(self.year, 1, 1) + timedelta(days=self.rng.randrange(self.span))

    def _fresh(self, officer_pk: int, key: tuple) -> bool:
        used = self.used.setdefault(officer_pk, set())
        if key in used:
            return False
        used.add(key)
        return True

    def _entry(self, extra: dict, now) -> dict | None:
        """One ledger entry as a row (or None if the officer already has that source)."""
        rng = self.rng
        officer = self._officer()
        kind = self.kinds[bisect.bisect(self.kind_weights, rng.random() * self.kind_weights[-1])]
        row = {
            "officer_id": officer["pk"],
            "year": self.year,
            "kind": kind,
            "status": "approved",
            "recorded_at": now,
        }
        if kind == "online":
            pk, hours, title = rng.choice(self.sources["courses"])
            if not self._fresh(officer["pk"], ("course", pk)):
                return None
            day = self._day()
            credited, note = hours, ""
            if rng.random() < 0.02:  # a busy day: the daily cap cut the claim
                credited, note = Decimal("1.0"), "网络课程每日最多计入 4.0 学时"
            at = datetime.combine(day, datetime.min.time(), tzinfo=self.zone) + timedelta(
                hours=rng.randint(8, 22)
            )
            extra["enrollments"].append(
                {
                    "officer_id": officer["pk"],
                    "course_id": pk,
                    "source": "self",
                    "enrolled_at": at - timedelta(days=rng.randint(1, 30)),
                    "completed_at": at,
                    "last_activity_at": at,
                }
            )
            row.update(date=day, claimed_hours=hours, hours=credited, cap_note=note)
            row.update(source_type="course", source_id=str(pk), title=title)
            return row
        if kind == "class":
            pk, hours, day, begins, title = rng.choice(self.sources["sessions"])
            if not self._fresh(officer["pk"], ("session", pk)):
                return None
            extra["attendances"].append(
                {"session_id": pk, "officer_id": officer["pk"], "method": "qr", "at": begins}
            )
            row.update(date=day, claimed_hours=hours, hours=hours)
            row.update(source_type="class_session", source_id=str(pk), title=title)
            return row
        if kind == "exam":
            pk, hours, opens, title = rng.choice(self.sources["quizzes"])
            if not self._fresh(officer["pk"], ("quiz", pk)):
                return None
            started = opens + timedelta(hours=rng.randint(1, 150))
            extra["attempts"].append(
                {
                    "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "quiz_id": pk,
                    "officer_id": officer["pk"],
                    "state": "graded",
                    "started_at": started,
                    "ended_at": started + timedelta(minutes=50),
                    "ending": "submitted",
                    "score": Decimal(rng.randint(60, 100)),
                    "max_score": Decimal(100),
                    "passed": True,
                    "graded_at": started + timedelta(minutes=50),
                }
            )
            day = min(self.last_day, started.astimezone(self.zone).date())
            row.update(date=day, claimed_hours=hours, hours=hours)
            row.update(source_type="quiz", source_id=str(pk), title=title)
            return row
        if kind == "competition":
            n = rng.randrange(COMPETITIONS)
            if not self._fresh(officer["pk"], ("competition", n)):
                return None
            row.update(date=self._day(), claimed_hours=Decimal(4), hours=Decimal(4))
            row.update(source_type="competition", source_id=f"c{n}", title=f"执法技能竞赛{n + 1}")
            return row
        # Manual entries (collective study, external training): evidence, review.
        self.manual += 1
        if kind == "study":
            titles, claimed = STUDY_TITLES, Decimal(rng.choice(("2.0", "3.0", "4.0")))
        else:
            titles, claimed = EXTERNAL_TITLES, Decimal(rng.choice(("8.0", "16.0", "24.0")))
        roll = rng.random()
        status = "approved" if roll < 0.86 else ("pending" if roll < 0.97 else "rejected")
        reviewed = status != "pending"
        row.update(
            date=self._day(),
            claimed_hours=claimed,
            hours=claimed,
            status=status,
            source_type="manual",
            title=rng.choice(titles),
            note="见附件",
            evidence=f"hour-evidence/{self.year}/bench-{self.manual}.pdf",
            recorded_by_id=self.unit_hr.pk,
            reviewed_by_id=self.city_hr.pk if reviewed else None,
            reviewed_at=now if reviewed else None,
            review_note="证明材料不清晰" if status == "rejected" else "",
        )
        return row

    def fill_to(self, target: int) -> None:
        """Insert entries until the ledger holds `target` of them."""
        from django.db import transaction
        from django.utils import timezone

        now = timezone.now()
        while self.total < target:
            want = min(BATCH, target - self.total)
            entries, extra = [], {"enrollments": [], "attendances": [], "attempts": []}
            originals = max(1, want - round(want * REVERSED_SHARE))
            while len(entries) < originals:
                entry = self._entry(extra, now)
                if entry is not None:
                    entry["id"] = self.next_id
                    self.next_id += 1
                    entries.append(entry)
            reversible = [
                e for e in entries
                if e["status"] == "approved" and e["kind"] in ("online", "study", "external")
            ]  # fmt: skip
            for e in self.rng.sample(reversible, min(want - len(entries), len(reversible))):
                entries.append(
                    {
                        **e,
                        "id": self.next_id,
                        "claimed_hours": -e["claimed_hours"],
                        "hours": -e["hours"],
                        "title": f"冲销：{e['title']}",
                        "note": "重复录入",
                        "reverses_id": e["id"],
                        "recorded_by_id": self.city_hr.pk,
                        "reviewed_by_id": None,
                        "reviewed_at": None,
                        "review_note": "",
                    }
                )
                self.next_id += 1
            with transaction.atomic():
                self.writers["entries"].write(entries)
                for name, rows in extra.items():
                    self.writers[name].write(rows)
            before, self.total = self.total, self.total + len(entries)
            if self.progress and self.total // 100_000 != before // 100_000:
                rate = self.total / (time.perf_counter() - self.started)
                print(f"  … {self.total:,} entries ({rate:,.0f}/s)", file=sys.stderr)
        self.writers["entries"].reset_sequence()


# ---------------------------------------------------------------- measurements


def timed_runs(call, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def query_profile(call, show: bool, label: str) -> tuple[int, object]:
    """One untimed run that counts (and with --show-queries prints) the SQL; warms up too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = call()
    if show:
        print(f"--- {label}: {len(queries)} queries", file=sys.stderr)
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"])):
            print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:400]}", file=sys.stderr)
    return len(queries), result


def fresh(user):
    """The user as a new request loads it: no cached roles or scopes."""
    from people.models import User

    return User.objects.get(pk=user.pk)


def unit_tree(user, year: int):
    from people.services import tallies, tally_queries

    units = tally_queries.tally_units(user=user)
    own = tally_queries.own_unit_groups(user=user, year=year)
    targets = tally_queries.unit_targets(year)
    return tallies.roll_up(units, own, targets=targets)


def export_call(user, year: int):
    """The Excel export of every officer in the user's scope, as the officers page runs it:
    officer_tallies, then people.services.tally_export.officers_workbook. Falls back to a
    write-only openpyxl workbook written here if that module is missing (and says so)."""
    from django.utils import timezone

    from people.services import tally_queries

    try:
        from people.services.tally_export import Heading, officers_workbook
    except ImportError:
        return (
            lambda: own_workbook(user=fresh(user), year=year),
            "people.services.tally_export.officers_workbook missing: bench's own openpyxl writer",
        )

    def export():
        rows = tally_queries.officer_tallies(user=fresh(user), year=year)
        heading = Heading(
            title="人员学时统计", year=year, unit_name="全市", exported_at=timezone.now()
        )
        return officers_workbook(heading, rows)

    return export, "officer_tallies + people.services.tally_export.officers_workbook"


def own_workbook(*, user, year: int) -> bytes:
    """Fallback: the officers' tally as a write-only openpyxl workbook."""
    from openpyxl import Workbook

    from people.services import tally_queries

    officers = tally_queries.officer_tallies(user=user, year=year)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("人员学时")
    kinds = list(officers[0].hours_by_kind) if officers else []
    sheet.append(["工号", "姓名", "单位", "职务", *kinds, "合计", "应修", "达标", "差额"])
    for o in officers:
        sheet.append(
            [o.employee_number, o.name, o.unit_name, o.position,
             *(float(o.hours_by_kind[k]) for k in kinds), float(o.total), float(o.required),
             "是" if o.met else "否", float(o.shortfall)]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measure_stage(args, ctx: dict, entries: int) -> dict:
    from django.db import connection
    from django.db.models import Count

    from people.models import HourEntry
    from people.services import tally_queries
    from people.services.ledger import rebuild_year_totals

    year, city_hr, unit_hr, squad = ctx["year"], ctx["city_hr"], ctx["unit_hr"], ctx["squad"]
    load_before = load_average()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    started = time.perf_counter()
    rows = rebuild_year_totals(year=year)
    rebuild_s = time.perf_counter() - started

    runs, small = args.runs, max(1, min(args.runs, 3))
    calls = {
        "unit tree, city HR": (lambda: unit_tree(fresh(city_hr), year), runs),
        "unit tree, unit HR": (lambda: unit_tree(fresh(unit_hr), year), runs),
        "officers, one squad": (
            lambda: tally_queries.officer_tallies(user=fresh(city_hr), year=year, unit=squad),
            runs,
        ),
        "hours_by_month": (
            lambda: tally_queries.hours_by_month(user=fresh(city_hr), year=year),
            small,
        ),
        "annual_summary": (
            lambda: tally_queries.annual_summary(user=fresh(city_hr), year=year),
            small,
        ),
    }
    export, export_label = export_call(city_hr, year)
    calls["Excel export, all"] = (export, args.export_runs)
    results = {}
    for name, (call, n) in calls.items():
        queries, sample = query_profile(call, args.show_queries, f"{entries} entries: {name}")
        times = timed_runs(call, n)
        results[name] = {
            "runs": n,
            "p50_s": round(statistics.median(times), 3),
            "p95_s": round(percentile(times, 0.95), 3),
            "queries": queries,
        }
    results["Excel export, all"]["bytes"] = len(sample)
    counts = dict(HourEntry.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {
        "entries": HourEntry.objects.count(),
        "by_status": counts,
        "reversals": HourEntry.objects.filter(reverses__isnull=False).count(),
        "rebuild_s": round(rebuild_s, 2),
        "rebuild_rows": rows,
        "load_data_s": None,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "export": export_label,
        "results": results,
    }


# ---------------------------------------------------------------- report


def report(args, db: Database, meta: dict, stages: list[dict]) -> None:
    if args.json:
        print(json.dumps({"meta": meta, "stages": stages}, ensure_ascii=False, indent=2))
        return
    print(
        f"hours tally: {db.vendor}, {meta['officers']} officers in {meta['units']} units, "
        f"year {meta['year']}, {os.cpu_count()} CPUs (schema {meta['schema_s']} s, "
        f"organisation {meta['organisation_s']} s)"
    )
    for stage in stages:
        print()
        by_status = ", ".join(f"{k} {v}" for k, v in sorted(stage["by_status"].items()))
        print(
            f"{stage['entries']:,} entries ({by_status}; {stage['reversals']} reversals), "
            f"inserted in {stage['load_data_s']} s; rebuild_year_totals {stage['rebuild_s']} s "
            f"({stage['rebuild_rows']} officers); load average {stage['load_average_before']} "
            f"→ {stage['load_average_after']}"
        )
        header = f"  {'measurement':<22}{'runs':>5}{'p50 s':>9}{'p95 s':>9}{'SQL':>6}  goal"
        print(header)
        print("  " + "-" * (len(header) + 14))
        for name, r in stage["results"].items():
            goal = ""
            if name.startswith("unit tree"):
                met = r["p50_s"] <= GOALS["tally_p50_s"]
                goal = f"p50 ≤ {GOALS['tally_p50_s']:.0f} s  {'MET' if met else 'NOT MET'}"
            elif name.startswith("Excel"):
                met = r["p50_s"] <= GOALS["export_s"]
                goal = f"≤ {GOALS['export_s']:.0f} s  {'MET' if met else 'NOT MET'}"
            print(
                f"  {name:<22}{r['runs']:>5}{r['p50_s']:>9.3f}{r['p95_s']:>9.3f}"
                f"{r['queries']:>6}  {goal}"
            )
        print(f"  export: {stage['export']}")
    if len(stages) > 1:
        first, last = stages[0], stages[-1]
        factor = last["entries"] / first["entries"]
        print()
        print(f"growth from {first['entries']:,} to {last['entries']:,} entries (×{factor:.0f}):")
        for name in first["results"]:
            a, b = first["results"][name]["p50_s"], last["results"][name]["p50_s"]
            print(f"  {name:<22}{a:>8.3f} s → {b:>8.3f} s  ×{b / a if a else 0:.1f}")
        a, b = first["rebuild_s"], last["rebuild_s"]
        print(f"  {'rebuild_year_totals':<22}{a:>8.3f} s → {b:>8.3f} s  ×{b / a if a else 0:.1f}")


# ---------------------------------------------------------------- main


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lianbing-hours-"))
    db = Database(workdir, args.database_url, args.keep)
    created = False
    try:
        db.create()
        created = True
        configure(workdir, db)
        from django.core.management import call_command
        from django.utils import timezone

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        schema_s = round(time.perf_counter() - started, 1)

        rng = random.Random(20261123)
        today = timezone.localdate()
        year = today.year
        started = time.perf_counter()
        from django.db import transaction

        with transaction.atomic():
            root, city, bureaus, staffed = build_units()
            officers = build_officers(args.officers, staffed, rng)
            staff = build_staff(root, bureaus[0])
            build_programme(year, bureaus)
            sources = build_sources(year, today, city, rng)
        organisation_s = round(time.perf_counter() - started, 1)
        squad = staffed[-1][0]  # the last district bureau's last squad
        ctx = {"year": year, "city_hr": staff[0], "unit_hr": staff[1], "squad": squad}
        filler = LedgerFiller(officers, sources, staff, year, today, rng)
        filler.progress = not args.json
        meta = {
            "database": db.vendor,
            "officers": args.officers,
            "units": len(staffed) + 1,
            "year": year,
            "today": str(today),
            "cpus": os.cpu_count(),
            "schema_s": schema_s,
            "organisation_s": organisation_s,
            "goals": GOALS,
        }
        stages = []
        for target in args.stages:
            started = time.perf_counter()
            filler.fill_to(target)
            load_s = round(time.perf_counter() - started, 1)
            stage = measure_stage(args, ctx, target)
            stage["load_data_s"] = load_s
            stages.append(stage)
            if not args.json:
                print(
                    f"[{target:,} entries measured, load average {load_average()}]", file=sys.stderr
                )
        report(args, db, meta, stages)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        try:
            if created:
                db.drop()
        finally:
            if args.keep:
                print(f"kept: {workdir} ({db.url})", file=sys.stderr)
            else:
                import shutil

                shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
