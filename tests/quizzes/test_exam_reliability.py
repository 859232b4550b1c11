"""Exam reliability with real processes: gunicorn, `manage.py db_worker`, and a database file.

Nothing here goes through pytest-django's test database or Django's test client: the module
builds its own database (a SQLite file, or a new database on the PostgreSQL server that
DATABASE_URL names), serves it with gunicorn, talks to it over HTTP with `requests`, and
reads the rows back with plain sqlite3/psycopg connections.

- A server killed with SIGKILL while answers are being saved loses no acknowledged answer.
- Two simultaneous submits give one result, the same on both responses.
- Two tabs saving the same question out of order end with the highest seq's answer.
- The deadline is the worker's: an attempt is finalised by `db_worker` without any request,
  and an answer arriving after it is refused with 409.

The schema is created from the models (`migrate --run-syncdb` with migrations disabled, as
pytest's --nomigrations does): running the real migrations takes 20 s on SQLite and 50 s on
PostgreSQL here. Set RELIABILITY_MIGRATE=1 to run the real migrations instead.

    .venv/bin/pytest -m reliability
"""

import contextlib
import itertools
import json
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Reliability#2026"
OFFICERS = ("crash", "submit", "tabs", "deadline")
TIMEOUT = 10  # seconds for one HTTP request
# --preload: the app is imported once and forked, so a (re)start takes seconds, not ten.
GUNICORN = "--chdir site --workers 2 --threads 4 --preload --no-control-socket"
WORKER = "db_worker --no-startup-delay --no-reload --interval 0.2"

# Runs in a subprocess with the server's environment: schema, cache table, officers, quizzes.
SETUP = r"""
import json, os
import django

django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

if os.environ.get("RELIABILITY_MIGRATE") == "1":
    call_command("migrate", verbosity=0, interactive=False)
else:
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
call_command("createcachetable", verbosity=0)

from people.models import Officer, Unit, User
from tests.quizzes import bank_factory as bf

unit = Unit.add_root(name="全市文化市场综合执法", code="C00", kind="service")
for name in json.loads(os.environ["RELIABILITY_OFFICERS"]):
    user = User.objects.create_user(
        username=f"R-{name}", password=os.environ["RELIABILITY_PASSWORD"],
        must_change_password=False,
    )
    Officer.objects.create(user=user, employee_number=f"R-{name}", name=name, unit=unit)
cat = bf.category()
ordered = {"shuffle_questions": False, "attempts_allowed": 1}
quizzes = {
    "crash": bf.quiz(
        title="断电演练", **ordered,
        fixed=[bf.question("short", cat, stem=f"简答题{n}") for n in range(1, 9)],
    ),
    "submit": bf.quiz(
        title="重复交卷", **ordered, fixed=[bf.question("single", cat) for _ in range(4)]
    ),
    "tabs": bf.quiz(title="两个标签页", **ordered, fixed=[bf.question("single", cat)]),
    "deadline": bf.quiz(
        title="到时交卷", **ordered,
        fixed=[bf.question("truefalse", cat), bf.question("single", cat)],
    ),
}
print(json.dumps({name: quiz.pk for name, quiz in quizzes.items()}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Database:
    """The module's own database, and plain connections to read it behind the server's back."""

    def __init__(self, workdir: Path):
        url = os.environ.get("DATABASE_URL", "")
        parts = urllib.parse.urlsplit(url)
        self.postgres = parts.scheme in ("postgres", "postgresql", "pgsql")
        if self.postgres:
            self.admin_url = url
            self.name = f"lianbing_reliability_{os.getpid()}_{secrets.token_hex(3)}"
            self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))
            self._admin(f'CREATE DATABASE "{self.name}"')
        else:
            self.path = workdir / "exam.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    @contextlib.contextmanager
    def connect(self):
        if self.postgres:
            import psycopg

            conn = psycopg.connect(self.url, autocommit=True)
        else:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()

    def rows(self, sql: str, *params) -> list[tuple]:
        """`sql` uses %s placeholders on both databases."""
        with self.connect() as conn:
            if not self.postgres:
                sql = sql.replace("%s", "?")
            return list(conn.execute(sql, params).fetchall())

    def uuid(self, value: str):
        """How Django stores a UUIDField: a uuid column, or 32 hex digits on SQLite."""
        return uuid.UUID(value) if self.postgres else uuid.UUID(value).hex

    def datetime(self, value: datetime):
        """How Django stores an aware datetime on SQLite: UTC text without the offset."""
        return value if self.postgres else str(value.astimezone(UTC).replace(tzinfo=None))

    def json(self, value):
        """A JSONField's value: psycopg decodes jsonb itself, SQLite gives the text."""
        return value if self.postgres or value is None else json.loads(value)


class Process:
    """A child process in its own process group, so a kill takes its workers with it."""

    def __init__(self, name: str, command: list[str], env: dict, workdir: Path):
        self.name, self.command, self.env = name, command, env
        self.log_path = workdir / f"{name}.log"
        self.popen = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL to the whole group: a crash, not a shutdown (no worker finishes a request)."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self.popen = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


class ExamSite:
    """A database, a gunicorn server on it, a task worker, and HTTP helpers for officers."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.db = Database(workdir)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key
            not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        self.env.update(
            # The real settings with fast password hashing and static files without a
            # manifest (no collectstatic), as the rest of the suite uses them.
            DJANGO_SETTINGS_MODULE="tests.settings",
            DATABASE_URL=self.db.url,
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            HTTPS="0",
            MEDIA_ROOT=str(workdir / "media"),
            PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "site")]),
            RELIABILITY_OFFICERS=json.dumps(OFFICERS),
            RELIABILITY_PASSWORD=PASSWORD,
        )
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = Process(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                *GUNICORN.split(),
                "--bind",
                f"127.0.0.1:{self.port}",
            ]
            + ["lianbing.wsgi:application"],
            self.env,
            workdir,
        )
        self.worker = Process(
            "db_worker", [sys.executable, "manage.py", *WORKER.split()], self.env, workdir
        )
        self.quizzes: dict[str, int] = {}

    def set_up(self) -> None:
        result = subprocess.run(
            [sys.executable, "-c", SETUP],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        self.quizzes = json.loads(result.stdout.strip().splitlines()[-1])

    def start_server(self) -> None:
        self.server.start()
        self.wait_for_server()

    def wait_for_server(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.server.popen.poll() is None, f"gunicorn exited:\n{self.server.log()}"
            try:
                if requests.get(f"{self.base}/accounts/login/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        pytest.fail(f"gunicorn did not answer within 60 s:\n{self.server.log()}")

    def tear_down(self) -> None:
        self.server.kill()
        self.worker.kill()
        self.db.drop()

    # ---- an officer's browser

    def login(self, officer: str) -> requests.Session:
        browser = requests.Session()
        url = f"{self.base}/accounts/login/"
        browser.get(url, timeout=TIMEOUT).raise_for_status()
        response = browser.post(
            url,
            data={
                "username": f"R-{officer}",
                "password": PASSWORD,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert response.status_code == 302, response.text[-2000:]
        return browser

    def start(self, browser: requests.Session, quiz: str) -> str:
        response = self.post(browser, f"/exams/{self.quizzes[quiz]}/start/", redirects=False)
        assert response.status_code == 302, response.text[-2000:]
        match = re.fullmatch(r"/exams/attempt/([0-9a-f-]{36})/", response.headers["Location"])
        assert match, response.headers["Location"]
        return match.group(1)

    def post(self, browser, path: str, body=None, redirects=True, timeout=TIMEOUT):
        return browser.post(
            self.base + path,
            data=None if body is None else json.dumps(body),
            headers={
                "X-CSRFToken": browser.cookies["csrftoken"],
                "Content-Type": "application/json",
            },
            allow_redirects=redirects,
            timeout=timeout,
        )

    def save(self, browser, attempt: str, position: int, response, seq: int, timeout=TIMEOUT):
        body = {"position": position, "response": response, "seq": seq}
        return self.post(browser, f"/exams/attempt/{attempt}/save/", body, timeout=timeout)

    def take_page(self, browser, attempt: str) -> str:
        response = browser.get(f"{self.base}/exams/attempt/{attempt}/", timeout=TIMEOUT)
        assert response.status_code == 200 and response.url.endswith(f"/attempt/{attempt}/")
        return response.text

    def items(self, attempt: str) -> dict[int, tuple]:
        rows = self.db.rows(
            "SELECT position, response, response_seq FROM quizzes_attemptitem"
            " WHERE attempt_id = %s",
            self.db.uuid(attempt),
        )
        return {position: (self.db.json(response), seq) for position, response, seq in rows}


def second_tab(browser: requests.Session) -> requests.Session:
    """Another requests.Session with the same cookies: one per thread."""
    other = requests.Session()
    other.cookies.update(browser.cookies)
    return other


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    exam_site = ExamSite(tmp_path_factory.mktemp("exam-reliability"))
    try:
        exam_site.server.start()  # gunicorn imports the project while the database is built
        exam_site.set_up()
        exam_site.wait_for_server()
        yield exam_site
    finally:
        exam_site.tear_down()


def test_a_sigkilled_server_loses_no_acknowledged_answer(site):
    browser = site.login("crash")
    attempt = site.start(browser, "crash")
    sent: dict[int, tuple[int, str]] = {}  # seq → (position, answer text)
    acknowledged: dict[int, int] = {}  # position → highest seq answered 200
    refused, lock, seqs = [], threading.Lock(), itertools.count(1)
    in_flight, saved = [0], [0]
    stop = threading.Event()

    def officer_typing(n: int) -> None:
        tab, rng = second_tab(browser), random.Random(n)
        while not stop.is_set():
            position = rng.randint(1, 8)
            with lock:
                seq = next(seqs)
                sent[seq] = (position, f"第{position}题第{seq}稿：依法责令改正，并处罚款。")
                in_flight[0] += 1
            try:
                response = site.save(tab, attempt, position, sent[seq][1], seq, timeout=5)
            except requests.RequestException:
                return  # the server is gone: this save was never acknowledged
            finally:
                with lock:
                    in_flight[0] -= 1
            if response.status_code != 200 or response.json()["seq"] < seq:
                refused.append((seq, response.status_code, response.text[:200]))
                return
            with lock:
                acknowledged[position] = max(acknowledged.get(position, 0), seq)
                saved[0] += 1

    threads = [threading.Thread(target=officer_typing, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 15
    while (len(acknowledged) < 8 or saved[0] < 40) and time.monotonic() < deadline:
        time.sleep(0.05)  # every question answered, well into the stream of saves
    busy = in_flight[0]
    site.server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=15)
    assert not refused, refused
    assert busy > 0, "no save was in flight when the server was killed"
    assert len(acknowledged) == 8, f"only positions {sorted(acknowledged)} were acknowledged"

    site.start_server()
    stored = site.items(attempt)
    for position, seq in acknowledged.items():
        answer, stored_seq = stored[position]
        # The acknowledged answer, or a newer one whose response the kill swallowed.
        assert stored_seq >= seq, (position, stored_seq, seq)
        assert sent[stored_seq] == (position, answer)
    page = site.take_page(browser, attempt)
    shown = dict(re.findall(r'<textarea[^>]*name="q-(\d+)"[^>]*>([^<]*)</textarea>', page))
    assert {int(p): text for p, text in shown.items()} == {p: a for p, (a, _) in stored.items()}
    # The restarted server carries on with the same session.
    last = next(seqs)
    assert site.save(browser, attempt, 1, "重启后继续作答", last).json()["seq"] == last


def test_a_double_submit_yields_one_result(site):
    browser = site.login("submit")
    attempt = site.start(browser, "submit")
    for position in (1, 2, 3, 4):  # option 0 ("A") is the key: two right, two wrong
        answer = 0 if position <= 2 else 1
        assert site.save(browser, attempt, position, answer, 1).status_code == 200
    barrier, responses = threading.Barrier(2), []

    def submit():
        tab = second_tab(browser)
        barrier.wait()
        responses.append(site.post(tab, f"/exams/attempt/{attempt}/submit/", timeout=20))

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    scores = []
    for response in responses:
        assert response.status_code == 200 and response.url.endswith("/result/"), response.url
        scores.append(re.search(r'data-testid="score">([\d.]+)<', response.text).group(1))
    assert scores == ["4.0", "4.0"]
    rows = site.db.rows(
        "SELECT a.id, a.state, a.ending, a.score, a.ended_at FROM quizzes_attempt a"
        " JOIN people_officer o ON o.id = a.officer_id WHERE o.employee_number = %s",
        "R-submit",
    )
    assert len(rows) == 1
    _, state, ending, score, ended_at = rows[0]
    assert (state, ending, float(score)) == ("graded", "submitted", 4.0)
    # One grading: the attempt and every item carry the same timestamp.
    graded = site.db.rows(
        "SELECT DISTINCT graded_at FROM quizzes_attemptitem WHERE attempt_id = %s",
        site.db.uuid(attempt),
    )
    assert graded == [(ended_at,)]
    # Submitting again changes nothing.
    again = site.post(browser, f"/exams/attempt/{attempt}/submit/")
    assert re.search(r'data-testid="score">([\d.]+)<', again.text).group(1) == "4.0"
    ended = site.db.rows(
        "SELECT ended_at FROM quizzes_attempt WHERE id = %s", site.db.uuid(attempt)
    )
    assert ended == [(ended_at,)]


def test_two_tabs_saving_one_question_keep_the_highest_seq(site):
    first, second = site.login("tabs"), site.login("tabs")
    attempt = site.start(first, "tabs")
    assert site.start(second, "tabs") == attempt  # the second tab joins the same attempt
    # Interleaved, out of order: a stale save is answered with the answer that stands.
    steps = [(first, 2, 0, 2), (second, 5, 1, 5), (first, 3, 2, 5), (second, 4, 3, 5)]
    steps += [(first, 7, 3, 7), (second, 6, 0, 7)]
    for tab, seq, answer, standing in steps:
        response = site.save(tab, attempt, 1, answer, seq)
        assert response.status_code == 200 and response.json()["seq"] == standing, (seq, answer)
    assert site.items(attempt)[1] == (3, 7)

    # Both tabs at once, each with its own seqs in a shuffled order.
    failures = []

    def tab_saving(tab, seqs):
        tab = second_tab(tab)
        for seq in seqs:
            response = site.save(tab, attempt, 1, seq % 4, seq)
            if response.status_code != 200 or response.json()["seq"] < seq:
                failures.append((seq, response.status_code, response.text[:200]))

    evens, odds = list(range(10, 60, 2)), list(range(11, 60, 2))
    random.Random(1).shuffle(evens)
    random.Random(2).shuffle(odds)
    threads = [
        threading.Thread(target=tab_saving, args=(first, evens)),
        threading.Thread(target=tab_saving, args=(second, odds)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, failures
    assert site.items(attempt)[1] == (59 % 4, 59)
    for tab in (first, second):
        page = site.take_page(tab, attempt)
        assert re.findall(r'name="q-1" value="(\d+)" checked', page) == [str(59 % 4)]


def test_the_worker_finalises_at_the_deadline_and_later_answers_are_refused(site):
    site.worker.start()  # boots while the deadline approaches
    browser = site.login("deadline")
    # The exam closes a few seconds from now: the attempt's deadline, and its task's run_after.
    closes_at = datetime.now(UTC) + timedelta(seconds=6)
    with site.db.connect() as conn:
        sql = "UPDATE quizzes_quiz SET closes_at = %s WHERE id = %s"
        conn.execute(
            sql if site.db.postgres else sql.replace("%s", "?"),
            (site.db.datetime(closes_at), site.quizzes["deadline"]),
        )
    attempt = site.start(browser, "deadline")
    assert site.save(browser, attempt, 1, True, 1).status_code == 200  # "对": wrong
    assert site.save(browser, attempt, 2, 0, 1).status_code == 200  # "A": right

    # No request from here on: only the worker can end the attempt.
    deadline = time.monotonic() + 25
    while time.monotonic() < deadline:
        state, ending, score = site.db.rows(
            "SELECT state, ending, score FROM quizzes_attempt WHERE id = %s",
            site.db.uuid(attempt),
        )[0]
        if state != "in_progress":
            break
        time.sleep(0.2)
    assert state == "graded", f"not finalised by the worker:\n{site.worker.log()}"
    assert ending == "time_up" and float(score) == 2.0
    assert datetime.now(UTC) >= closes_at

    late = site.save(browser, attempt, 1, False, 2)
    assert late.status_code == 409 and late.json()["code"] in ("ended", "time_up")
    assert site.items(attempt)[1] == (True, 1)
