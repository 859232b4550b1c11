"""Benchmark: exam day against a real gunicorn server, next to a bare Django view.

    .venv/bin/python bench/exam_day.py [--clients 64] [--duration 20]
        [--database-url postgres://user@host:port/db] [--workers 2] [--threads 2]
        [--worker-class gthread] [--conn-max-age SECONDS] [--schema migrate|syncdb]
        [--think SECONDS] [--show-queries] [--json]

Builds a fresh database (a temporary SQLite file, or a new database on the PostgreSQL server
that --database-url names, dropped afterwards), migrates it, fills a 5,000-question bank
(bulk inserts: six kinds in ten categories, each question frozen to a version), a quiz whose
draw rules draw 50 questions, and one logged-in session per officer (session rows written
directly: no password hashing). Then it starts gunicorn with bench/bench_settings.py (the
production settings, the project's URLs plus /bench/bare/) and measures, with `--clients`
concurrent keep-alive connections from an asyncio HTTP client in this process:

  bare view     GET /bench/bare/ (full middleware stack, session and user loaded)
  attempt start POST /exams/<quiz>/start/, each officer once (draws and freezes 50 questions)
  answer save   POST /exams/attempt/<id>/save/, each client to its own attempt, seq rising

All three run against the same server process. For each it prints throughput, p50/p95/p99
latency, errors (any unexpected status or dropped connection), "database is locked" errors
found in the server log, SQL queries per request and single-request time (both measured
in-process through the full stack), server CPU time per request, and the ratio to the bare
view. Goals (issue): save ≥ 0.6× bare, start ≥ 0.3× bare, p99 ≤ 250 ms, no errors.

Clients send their next request as soon as the last one is answered (a closed loop), so
this measures throughput at saturation, where latency is clients / throughput (Little's
law): 64 clients at p99 ≤ 250 ms need well over 256 req/s. --think adds a random pause
between a client's requests to measure latency at a given load instead.

The server is set up as docs/deploy.md advises for SQLite on one machine: a gthread worker per
core with two threads each. With four threads a thread holding the database's writer lock
waited longer for the GIL between its statements, and every writer waited with it: attempt
start p99 rose from about 190-210 ms to 230-310 ms on the same machine. And each worker
listens on a socket of its own (--reuse-port), so the kernel spreads the clients' connections
over the workers: on one shared socket the worker that woke first took them, and since a
client keeps its connection, one worker served ~40 of the 64 clients all run long (their
mean latency 200 ms against 110 ms for the others; start p99 250-260 ms instead of ~200).

The figures are only comparable on an otherwise idle machine: the CPU line under the table
shows what other processes used during each scenario.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT), str(ROOT / "site"), str(BENCH)]

BANK_SIZE = 5_000
PAPER_SIZE = 50
CATEGORIES = [
    "行政处罚法",
    "行政许可法",
    "文物保护法",
    "著作权法",
    "网络安全法",
    "娱乐场所管理条例",
    "互联网上网服务营业场所管理条例",
    "营业性演出管理条例",
    "出版管理条例",
    "执法程序规范",
]
# Share of the bank per kind, and how many questions of each kind the paper draws (50).
KIND_SHARE = {"single": 40, "multiple": 20, "truefalse": 20, "fill": 10, "short": 5, "case": 5}
PAPER_RULES = {"single": 20, "multiple": 10, "truefalse": 10, "fill": 5, "short": 3, "case": 2}
GOALS = {"answer save": (0.6, 250.0), "attempt start": (0.3, 250.0)}
CSRF_CHARS = string.ascii_letters + string.digits
THINK = {"mean": 0.0}  # --think: seconds between a client's requests (0: closed loop)


async def think(deadline: float) -> bool:
    """Pause like an officer reading the next question; False once the slice is over."""
    if THINK["mean"]:
        pause = random.expovariate(1 / THINK["mean"])
        await asyncio.sleep(min(pause, max(0.0, deadline - time.perf_counter())))
    return time.perf_counter() < deadline


# ---------------------------------------------------------------- database and data


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=64, help="concurrent connections")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="the scenarios take turns in this many slices of duration / rounds seconds",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL URL: a fresh database is created on that server (default: SQLite)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="threads per gthread worker (2: the SQLite set-up of docs/deploy.md)",
    )
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="CONN_MAX_AGE for gunicorn (default: the settings', 60 s)",
    )
    parser.add_argument(
        "--officers",
        type=int,
        default=0,
        help="officers with a session (default: clients × 150; each starts one attempt)",
    )
    parser.add_argument(
        "--schema",
        choices=("migrate", "syncdb"),
        default="migrate",
        help="migrate (real migrations) or syncdb (tables from the models; faster on PostgreSQL)",
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per scenario")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause (s, exponential) between a client's requests: latency at a given load "
        "instead of throughput at saturation (ratios are then not goals)",
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="print the SQL of each scenario"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory and database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    args.officers = args.officers or args.clients * 150
    return args


class Database:
    """A fresh database: a SQLite file in the work directory, or a new PostgreSQL database."""

    def __init__(self, workdir: Path, server_url: str, keep: bool):
        self.keep = keep
        self.admin_url = None
        if not server_url:
            self.url = f"sqlite:///{workdir / 'exam-day.sqlite3'}"
            self.vendor = "sqlite"
            return
        parts = urllib.parse.urlsplit(server_url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql"):
            raise SystemExit("--database-url must be a PostgreSQL URL (SQLite is the default)")
        self.vendor = "postgresql"
        self.name = f"{parts.path.lstrip('/') or 'lianbing'}_exam_day_{secrets.token_hex(4)}"
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


def configure(workdir: Path, db: Database, secret_key: str) -> dict:
    """Set up Django in this process; returns the environment gunicorn gets too."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "CONN_MAX_AGE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        DATABASE_URL=db.url,
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        DEBUG="0",
        HTTPS="0",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "site"), str(BENCH)]),
    )
    (workdir / "static").mkdir(exist_ok=True)
    os.environ.update(env)
    import django

    django.setup()
    return env


def create_schema(mode: str) -> None:
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    if mode == "syncdb":
        settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
        call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


def question_fields(kind: str, n: int, rng: random.Random) -> dict:
    """Realistic-looking content for question n of a kind, with a valid key."""
    if kind == "single":
        return {
            "stem": f"第{n}题：对违法行为给予行政处罚的规定必须（ ）。",
            "options": [f"选项{letter}：第{n}题的说法" for letter in "ABCD"],
            "answer": rng.choice("ABCD"),
        }
    if kind == "multiple":
        letters = sorted(rng.sample("ABCDE", rng.randint(2, 4)))
        return {
            "stem": f"第{n}题：下列属于行政处罚种类的有（ ）。",
            "options": [f"选项{letter}：第{n}题的说法" for letter in "ABCDE"],
            "answer": "".join(letters),
        }
    if kind == "truefalse":
        return {"stem": f"第{n}题：行政机关可以自行设定行政处罚。", "options": [], "answer": "错"}
    if kind == "fill":
        return {
            "stem": f"第{n}题：当事人应当自收到决定书之日起____日内缴纳____。",
            "options": [],
            "answer": "十五|15；罚款",
        }
    if kind == "short":
        return {
            "stem": f"第{n}题：简述听证程序的适用范围。",
            "options": [],
            "answer": "较大数额罚款、没收较大数额违法所得、吊销许可证件等。",
        }
    return {"stem": f"第{n}题：案情：某网吧接纳未成年人上网，执法人员现场检查……", "options": []}


def build_bank(rng: random.Random):
    """5,000 active questions with current versions, bulk-inserted; returns the root category."""
    from quizzes.models import CasePart, Category, Question, QuestionVersion
    from quizzes.services.payload import content_payload, payload_hash

    root = Category.add_root(name="执法知识题库")
    categories = []
    for order, name in enumerate(CATEGORIES):
        root = Category.objects.get(pk=root.pk)
        categories.append(root.add_child(name=name, order=order))
    full_names = {c.pk: f"{root.name} / {c.name}" for c in categories}

    kinds = [kind for kind, share in KIND_SHARE.items() for _ in range(share)]
    questions = []
    for n in range(1, BANK_SIZE + 1):
        kind = kinds[n % len(kinds)]
        questions.append(
            Question(
                kind=kind,
                category=categories[n % len(categories)],
                difficulty=rng.randint(1, 3),
                status=Question.Status.ACTIVE,
                points=Decimal(rng.choice(("1", "2"))),
                explanation=f"第{n}题的解析：依据相关条文。",
                rubric="要点：适用条款、处罚幅度" if kind in ("short", "case") else "",
                source=Question.Source.IMPORT,
                **question_fields(kind, n, rng),
            )
        )
    Question.objects.bulk_create(questions, batch_size=500)

    parts_of: dict[int, list] = {}
    parts = []
    for q in questions:
        if q.kind == "case":
            single = CasePart(
                question=q, sort_order=0, kind="single", points=Decimal("2"),
                **question_fields("single", q.pk, rng),
            )  # fmt: skip
            short = CasePart(
                question=q, sort_order=1, kind="short", points=Decimal("3"),
                **question_fields("short", q.pk, rng),
            )  # fmt: skip
            parts += [single, short]
            parts_of[q.pk] = [single, short]
    CasePart.objects.bulk_create(parts, batch_size=500)

    versions = []
    for q in questions:
        payload = content_payload(q)
        payload.update(
            difficulty=int(q.difficulty),
            category=full_names[q.category_id],
            tags=[],
            articles=[],
            parts=[content_payload(p) for p in parts_of.get(q.pk, ())],
        )
        versions.append(
            QuestionVersion(
                question=q, number=1, payload=payload, content_hash=payload_hash(payload)
            )
        )
    QuestionVersion.objects.bulk_create(versions, batch_size=500)
    for q, version in zip(questions, versions, strict=True):
        q.current_version = version
    Question.objects.bulk_update(questions, ["current_version"], batch_size=500)
    return Category.objects.get(pk=root.pk)


def build_quiz(root):
    from django.utils import timezone

    from quizzes.models import DrawRule, Quiz

    now = timezone.now()
    quiz = Quiz.objects.create(
        title="全市执法人员法律知识考试（压力测试）",
        live=True,
        opens_at=now - timezone.timedelta(hours=1),
        closes_at=now + timezone.timedelta(days=1),
        time_limit_minutes=90,
        attempts_allowed=1,
        audience_everyone=True,
    )
    for order, (kind, count) in enumerate(PAPER_RULES.items()):
        DrawRule.objects.create(
            quiz=quiz, sort_order=order, category=root, include_subcategories=True,
            kind=kind, count=count,
        )  # fmt: skip
    assert sum(PAPER_RULES.values()) == PAPER_SIZE
    return quiz


def build_officers(count: int) -> list[dict]:
    """Officers with a live session each: session rows written directly, no hashing."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from people.models import Officer, Unit, User

    unit = Unit.add_root(name="全市文化市场综合执法", code="BENCH", kind="service")
    users = [
        User(
            username=f"B{n:05d}",
            password="!bench-no-password",
            last_name="压",
            first_name=f"测{n}",
            must_change_password=False,
        )
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=500)
    Officer.objects.bulk_create(
        [
            Officer(user=u, employee_number=u.username, name=f"考生{n}", unit=unit)
            for n, u in enumerate(users)
        ],
        batch_size=500,
    )
    store, expires = SessionStore(), timezone.now() + timezone.timedelta(hours=8)
    sessions, logins = [], []
    for user in users:
        key = get_random_string(32, string.ascii_lowercase + string.digits)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        csrf = get_random_string(32, CSRF_CHARS)
        logins.append(
            {"user_id": user.pk, "cookie": f"sessionid={key}; csrftoken={csrf}", "csrf": csrf}
        )
    Session.objects.bulk_create(sessions, batch_size=500)
    return logins


def random_response(payload: dict, rng: random.Random):
    """A valid answer to a frozen question (original option indices)."""
    kind = payload["kind"]
    if kind == "single":
        return rng.randrange(len(payload["options"]))
    if kind == "multiple":
        return sorted(rng.sample(range(len(payload["options"])), rng.randint(1, 3)))
    if kind == "truefalse":
        return rng.random() < 0.5
    if kind == "fill":
        return [rng.choice(("十五", "15", "罚款", "三十")) for _ in payload["answer"].split("；")]
    if kind == "short":
        return "依据《行政处罚法》第六十三条，" + "应当告知听证权利。" * rng.randint(1, 4)
    return [random_response(part, rng) for part in payload.get("parts") or ()]


# ---------------------------------------------------------------- the server


class Server:
    def __init__(self, args, env: dict, workdir: Path):
        self.port = free_port()
        self.log_path = workdir / "gunicorn.log"
        self.args, self.env, self.process = args, {**env}, None
        if args.conn_max_age is not None:
            self.env["CONN_MAX_AGE"] = str(args.conn_max_age)

    @property
    def workers(self) -> list[str]:
        """The worker flags: printed with the figures and passed to gunicorn."""
        flags = ["--worker-class", self.args.worker_class, "--workers", str(self.args.workers)]
        if self.args.worker_class == "gthread":
            flags += ["--threads", str(self.args.threads)]
        return [*flags, "--reuse-port"]

    @property
    def config(self) -> str:
        return " ".join(self.workers)

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "--chdir", "site",
            "--bind", f"127.0.0.1:{self.port}",
            *self.workers,
            "--no-control-socket", "--timeout", "120", "--graceful-timeout", "5",
            "--backlog", "4096", "--log-level", "warning",
            "lianbing.wsgi:application",
        ]  # fmt: skip
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log_path}\n{self.log_text()}")
            try:
                url = f"http://127.0.0.1:{self.port}/bench/bare/"
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within 90 s\n{self.log_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
        self.log.close()

    def log_text(self, start: int = 0) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(start)
            return log.read().decode(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CpuMeter:
    """CPU seconds used by the server, by this process, and by everything else (/proc).

    The ratios only mean something if the machine is otherwise idle: "other" shows how much
    of it went to processes that are not part of the benchmark.
    """

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, server_pid: int, postgres: bool):
        self.server_pid, self.postgres = server_pid, postgres

    @staticmethod
    def _process(pid, children=False) -> float:
        """utime + stime, plus those of its exited children (PostgreSQL's backends)."""
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        ticks = int(fields[11]) + int(fields[12])
        if children:
            ticks += int(fields[13]) + int(fields[14])
        return ticks / CpuMeter.TICK

    def _server_pids(self) -> list[int]:
        pids = [self.server_pid]
        try:
            children = Path(f"/proc/{self.server_pid}/task/{self.server_pid}/children")
            pids += [int(pid) for pid in children.read_text().split()]
        except OSError:
            pass
        return pids

    def sample(self) -> dict:
        try:
            cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
            user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, cpu[:8])
            busy = (user + nice + system + irq + softirq + steal) / self.TICK
        except (OSError, ValueError):
            busy = 0.0
        return {
            "busy": busy,
            "server": sum(self._process(pid) for pid in self._server_pids()),
            "client": self._process("self"),
            "postgres": sum(self._process(pid, True) for pid in self._postgres_pids()),
        }

    def _postgres_pids(self) -> list[int]:
        """Every PostgreSQL process on the machine (its backends run on the same cores)."""
        if not self.postgres:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if (entry / "comm").read_text().strip() == "postgres":
                        pids.append(int(entry.name))
                except OSError:
                    continue
        return pids

    @staticmethod
    def used(before: dict, after: dict) -> dict:
        """CPU seconds between two samples: ours, PostgreSQL's, and everybody else's."""
        used = {key: after[key] - before[key] for key in before}
        other = max(0.0, used["busy"] - used["server"] - used["client"] - used["postgres"])
        return {
            "server": used["server"],
            "client": used["client"],
            "postgres": used["postgres"],
            "other": other,
        }


# ---------------------------------------------------------------- the HTTP client


class NoResponse(ConnectionError):
    """The connection closed before a single byte of the response arrived."""


class Connection:
    """One keep-alive HTTP/1.1 connection: the smallest client that keeps up on 2 cores."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, cookie: str, csrf: str = "", body=b""):
        """Like a browser, sends again once on a fresh connection if a reused one was closed
        by the server (gunicorn's keep-alive timeout) before it answered."""
        reused = self.writer is not None
        try:
            return await self._request(method, path, cookie, csrf, body)
        except NoResponse:
            if not reused:
                raise
            return await self._request(method, path, cookie, csrf, body)

    async def _request(self, method, path, cookie, csrf, body):
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{self.port}",
            f"Cookie: {cookie}",
            "Accept: application/json, text/html",
            f"Content-Length: {len(body)}",
        ]
        if body:
            head.append("Content-Type: application/json")
        if csrf:
            head.append(f"X-CSRFToken: {csrf}")
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            try:
                header = await self.reader.readuntil(b"\r\n\r\n")
            except (OSError, asyncio.IncompleteReadError) as error:
                if getattr(error, "partial", b"") == b"":
                    raise NoResponse(f"{method} {path}: closed before answering") from None
                raise
            lines = header.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            if headers.get("transfer-encoding", "").lower() == "chunked":
                content = b""
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    chunk = await self.reader.readexactly(size + 2)
                    if size == 0:
                        break
                    content += chunk[:-2]
            else:
                content = await self.reader.readexactly(int(headers.get("content-length", 0)))
            if headers.get("connection", "").lower() == "close":
                self.close()
            return status, headers, content
        except NoResponse:
            self.close()
            raise
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            self.close()
            raise ConnectionError(f"{method} {path}: connection lost") from None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Phase:
    name: str
    latencies: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    elapsed: float = 0.0
    cpu_seconds: dict = field(default_factory=dict)
    locked: int = 0
    server_errors: int = 0
    queries: int | None = None
    inprocess_ms: float | None = None
    note: str = ""

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def cpu(self) -> dict:
        """Cores used on average while this scenario ran."""
        if not self.elapsed:
            return {}
        return {key: round(value / self.elapsed, 2) for key, value in self.cpu_seconds.items()}

    def summary(self, bare_rps: float | None) -> dict:
        ok = sorted(self.latencies)
        rps = len(ok) / self.elapsed if self.elapsed else 0.0

        def pct(p):
            return ok[min(len(ok) - 1, int(round(p / 100 * len(ok))) - 1)] * 1000 if ok else None

        row = {
            "scenario": self.name,
            "requests": len(ok),
            "errors": sum(self.errors.values()),
            "error_kinds": self.errors,
            "database_locked": self.locked,
            "server_errors_logged": self.server_errors,
            "seconds": round(self.elapsed, 2),
            "throughput_rps": round(rps, 1),
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "mean_ms": statistics.fmean(ok) * 1000 if ok else None,
            "max_ms": ok[-1] * 1000 if ok else None,
            "cpu_cores": self.cpu,
            # Server CPU per answered request: less sensitive to other load than req/s.
            "server_cpu_ms": round(self.cpu_seconds["server"] / len(ok) * 1000, 2)
            if ok and self.cpu_seconds
            else None,
            "sql_per_request": self.queries,
            "inprocess_ms": self.inprocess_ms,
            "ratio_to_bare": round(rps / bare_rps, 2) if bare_rps else None,
            "note": self.note,
        }
        goal = GOALS.get(self.name)
        if goal:
            ratio_goal, p99_goal = goal
            if THINK["mean"]:  # not saturated: throughput follows the offered load
                ratio_goal = 0.0
            row["goal"] = f"≥{ratio_goal}× bare, p99≤{p99_goal:.0f}ms, 0 errors"
            row["met"] = bool(
                ok
                and row["ratio_to_bare"] is not None
                and row["ratio_to_bare"] >= ratio_goal
                and row["p99_ms"] <= p99_goal
                and row["errors"] == 0
                and self.locked == 0
            )
        return row


async def run_phase(phase: Phase, clients: list, duration: float, meter: CpuMeter) -> None:
    """Run every client coroutine until the deadline; each returns when its work runs out.

    A phase may run several times (one slice per round): its figures add up.
    """
    started, cpu = time.perf_counter(), meter.sample()
    deadline = started + duration
    await asyncio.gather(*(client(phase, deadline) for client in clients))
    phase.elapsed += time.perf_counter() - started
    for key, value in meter.used(cpu, meter.sample()).items():
        phase.cpu_seconds[key] = phase.cpu_seconds.get(key, 0.0) + value


def bare_client(port: int, login: dict):
    conn = Connection(port)

    async def client(phase: Phase, deadline: float):
        while time.perf_counter() < deadline:
            if not await think(deadline):
                break
            t0 = time.perf_counter()
            try:
                status, _, _ = await conn.request("GET", "/bench/bare/", login["cookie"])
            except ConnectionError:
                phase.error("connection")
                continue
            if status == 200:
                phase.latencies.append(time.perf_counter() - t0)
            else:
                phase.error(str(status))
        conn.close()

    return client


START_REDIRECT = re.compile(r"/exams/attempt/([0-9a-f-]{36})/$")


def start_client(port: int, quiz_id: int, queue: deque, started: list):
    conn = Connection(port)

    async def client(phase: Phase, deadline: float):
        while time.perf_counter() < deadline and queue:
            if not await think(deadline) or not queue:
                break
            login = queue.popleft()
            t0 = time.perf_counter()
            try:
                status, headers, _ = await conn.request(
                    "POST", f"/exams/{quiz_id}/start/", login["cookie"], login["csrf"]
                )
            except ConnectionError:
                phase.error("connection")
                continue
            match = START_REDIRECT.search(headers.get("location", ""))
            if status == 302 and match:
                phase.latencies.append(time.perf_counter() - t0)
                started.append((login, match.group(1)))
            else:
                phase.error(f"{status} {headers.get('location', '')}"[:60])
        conn.close()

    return client


def save_client(port: int, login: dict, attempt_id: str, items: list, seed: int):
    conn, rng = Connection(port), random.Random(seed)
    path = f"/exams/attempt/{attempt_id}/save/"
    state = {"seq": 0}

    async def client(phase: Phase, deadline: float):
        while time.perf_counter() < deadline:
            if not await think(deadline):
                break
            position, payload = rng.choice(items)
            state["seq"] += 1
            body = json.dumps(
                {
                    "position": position,
                    "response": random_response(payload, rng),
                    "seq": state["seq"],
                },
                ensure_ascii=False,
            ).encode()
            t0 = time.perf_counter()
            try:
                status, _, content = await conn.request(
                    "POST", path, login["cookie"], login["csrf"], body
                )
            except ConnectionError:
                phase.error("connection")
                continue
            if status == 200 and json.loads(content).get("seq") == state["seq"]:
                phase.latencies.append(time.perf_counter() - t0)
            else:
                phase.error(f"{status} {content[:40].decode(errors='replace')}")
        conn.close()

    return client


# ---------------------------------------------------------------- in-process profiling


def profile_requests(quiz_id: int, logins: list, attempt: tuple, show: bool) -> dict:
    """SQL queries and service time per request, through the full stack in this process."""
    from django.db import connection
    from django.test import Client

    def client_for(login):
        client = Client()
        for part in login["cookie"].split("; "):
            name, value = part.split("=", 1)
            client.cookies[name] = value
        return client

    def measure(name, send, repeat):
        send()  # warm: caches, imports
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        # Not CaptureQueriesContext: the request_started signal empties the query log.
        with connection.execute_wrapper(count):
            send()
        if show:
            print(f"-- {name}: {len(queries)} queries", file=sys.stderr)
            for sql in queries:
                print("   ", sql[:200], file=sys.stderr)
        started = time.perf_counter()
        for _ in range(repeat):
            send()
        return len(queries), (time.perf_counter() - started) / repeat * 1000

    out = {}
    bare = client_for(logins[0])
    out["bare view"] = measure(
        "bare view", lambda: check(bare.get("/bench/bare/"), 200), repeat=200
    )
    spare = iter(logins)

    def one_start():
        login = next(spare)
        response = client_for(login).post(
            f"/exams/{quiz_id}/start/", HTTP_X_CSRFTOKEN=login["csrf"]
        )
        check(response, 302)

    out["attempt start"] = measure("attempt start", one_start, repeat=10)
    login, attempt_id, items = attempt
    saver, rng, seq = client_for(login), random.Random(1), [10**9]
    questions = itertools.cycle(items)

    def one_save():
        position, payload = next(questions)
        seq[0] += 1
        response = saver.post(
            f"/exams/attempt/{attempt_id}/save/",
            data={"position": position, "response": random_response(payload, rng), "seq": seq[0]},
            content_type="application/json",
            HTTP_X_CSRFTOKEN=login["csrf"],
        )
        check(response, 200)

    for _ in items:  # every question's frozen version in this process's cache
        one_save()
    out["answer save"] = measure("answer save", one_save, repeat=200)
    connection.close()
    return out


def check(response, status):
    if response.status_code != status:
        raise SystemExit(f"in-process request answered {response.status_code}, not {status}")


def attempts_with_items(attempt_ids: list[str]) -> dict:
    from quizzes.models import AttemptItem

    items: dict[str, list] = {}
    rows = AttemptItem.objects.filter(attempt_id__in=attempt_ids).values_list(
        "attempt_id", "position", "version__payload"
    )
    for attempt_id, position, payload in rows:
        items.setdefault(str(attempt_id), []).append((position, payload))
    return items


# ---------------------------------------------------------------- main


def main():
    args = parse_args()
    THINK["mean"] = args.think
    timings = {}
    workdir = Path(tempfile.mkdtemp(prefix="lianbing-exam-day-"))
    db = Database(workdir, args.database_url, args.keep)
    server = None
    try:
        db.create()
        env = configure(workdir, db, secrets.token_urlsafe(50))
        t0 = time.perf_counter()
        create_schema(args.schema)
        timings["schema_s"] = round(time.perf_counter() - t0, 1)
        rng = random.Random(20260612)
        t0 = time.perf_counter()
        root = build_bank(rng)
        quiz = build_quiz(root)
        spare_logins = build_officers(args.officers + args.clients * 2 + 20)
        timings["data_s"] = round(time.perf_counter() - t0, 1)
        warm_logins = spare_logins[: args.clients * 2]
        profile_logins = spare_logins[args.clients * 2 : args.clients * 2 + 20]
        logins = spare_logins[args.clients * 2 + 20 :]

        from django.db import connection

        connection.close()  # the server gets the database to itself
        server = Server(args, env, workdir)
        server.start()
        results = asyncio.run(measure(args, server, quiz.pk, logins, warm_logins))

        # SQL per request and single-request service time, in this process (server idle).
        started = results.pop("_started")
        sample_login, sample_attempt = started[0]
        items = attempts_with_items([sample_attempt])[sample_attempt]
        profile = profile_requests(
            quiz.pk, profile_logins, (sample_login, sample_attempt, items), args.show_queries
        )
        for name, (queries, ms) in profile.items():
            results[name].queries, results[name].inprocess_ms = queries, round(ms, 2)
        report(args, server, db, results, timings)
    finally:
        if server is not None:
            server.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        try:
            db.drop()
        finally:
            if args.keep:
                print(f"kept: {workdir} ({db.url})", file=sys.stderr)
            else:
                import shutil

                shutil.rmtree(workdir, ignore_errors=True)


async def measure(args, server: Server, quiz_id: int, logins: list, warm_logins: list) -> dict:
    """Warm up, then measure the three scenarios in interleaved slices (--rounds of each).

    Interleaving puts the bare view and the scenarios under the same conditions: on a
    virtual machine the speed of a core drifts, and a ratio of two figures measured a minute
    apart would mostly measure that drift.
    """
    meter = CpuMeter(server.process.pid, postgres=bool(args.database_url))
    port, clients = server.port, args.clients
    results = {name: Phase(name) for name in ("bare view", "attempt start", "answer save")}
    warm_up = Phase("warm-up")

    # The attempts the save clients answer, one per client: also warms up attempt start.
    prepared, prepared_queue = [], deque(warm_logins[:clients])
    starters = [start_client(port, quiz_id, prepared_queue, prepared) for _ in range(clients)]
    think_time, THINK["mean"] = THINK["mean"], 0.0  # as fast as it goes
    await run_phase(warm_up, starters, 600, meter)
    THINK["mean"] = think_time
    if len(prepared) < clients:
        raise SystemExit(f"only {len(prepared)} of {clients} attempts started: {warm_up.errors}")
    items = await asyncio.to_thread(attempts_with_items, [a for _, a in prepared])

    # (a) the bare view, with the officers' cookies (session and user are loaded).
    bare = [bare_client(port, logins[n % len(logins)]) for n in range(clients)]
    # (b) attempt start: every officer once.
    queue, started = deque(logins), []
    starters = [start_client(port, quiz_id, queue, started) for _ in range(clients)]
    # (c) answer save: each client to its own attempt, seq rising across slices.
    savers = [
        save_client(port, login, attempt_id, items[attempt_id], seed=n)
        for n, (login, attempt_id) in enumerate(prepared)
    ]
    scenarios = [("bare view", bare), ("attempt start", starters), ("answer save", savers)]
    for _, scenario_clients in scenarios:
        if scenario_clients is not starters:
            await run_phase(warm_up, scenario_clients, args.warmup, meter)
    for _ in range(args.rounds):
        for name, scenario_clients in scenarios:
            result = results[name]
            log_start = server.log_size()
            await run_phase(result, scenario_clients, args.duration / args.rounds, meter)
            log = server.log_text(log_start)
            result.locked += log.count("django.db.utils.OperationalError: database is locked")
            result.server_errors += log.count("Traceback")
            await asyncio.sleep(0.2)
    if not queue:
        results["attempt start"].note = "ran out of officers: raise --officers"
    results["_started"] = prepared
    return results


def report(args, server: Server, db: Database, results: dict, timings: dict) -> None:
    bare_rps = len(results["bare view"].latencies) / results["bare view"].elapsed
    rows = [
        results[name].summary(None if name == "bare view" else bare_rps)
        for name in ("bare view", "attempt start", "answer save")
    ]
    meta = {
        "database": db.vendor,
        "server": f"gunicorn {server.config} --no-control-socket",
        "conn_max_age": args.conn_max_age,
        "clients": args.clients,
        "think_s": args.think,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "bank_questions": BANK_SIZE,
        "paper_questions": PAPER_SIZE,
        "officers": args.officers,
        **timings,
    }
    if args.json:
        print(json.dumps({"meta": meta, "results": rows}, ensure_ascii=False, indent=2))
        return
    print(
        f"exam day: {meta['database']}, {meta['server']}, "
        f"CONN_MAX_AGE={'default' if args.conn_max_age is None else args.conn_max_age}, "
        f"{args.clients} clients × {args.duration:.0f} s"
        + (f", {args.think} s mean pause between requests" if args.think else ", no pauses")
        + f", {meta['cpus']} CPUs "
        f"(schema {timings['schema_s']} s, data {timings['data_s']} s)"
    )
    header = (
        f"{'scenario':<14}{'requests':>9}{'errors':>7}{'locked':>7}{'req/s':>8}{'p50 ms':>8}"
        f"{'p95 ms':>8}{'p99 ms':>8}{'SQL':>5}{'1-req ms':>9}{'CPU ms':>8}{'× bare':>8}  goal"
    )
    print(header)
    print("-" * (len(header) + 40))
    for row in rows:
        ratio = "" if row["ratio_to_bare"] is None else f"{row['ratio_to_bare']:.2f}"
        goal = row.get("goal", "")
        met = "" if "met" not in row else ("  MET" if row["met"] else "  NOT MET")
        print(
            f"{row['scenario']:<14}{row['requests']:>9}{row['errors']:>7}"
            f"{row['database_locked']:>7}{row['throughput_rps']:>8.0f}"
            f"{fmt(row['p50_ms'])}{fmt(row['p95_ms'])}{fmt(row['p99_ms'])}"
            f"{row['sql_per_request'] if row['sql_per_request'] is not None else '':>5}"
            f"{fmt(row['inprocess_ms'], 9)}{fmt(row['server_cpu_ms'])}{ratio:>8}  {goal}{met}"
        )
    for row in rows:
        if row["error_kinds"] or row["note"] or row["server_errors_logged"]:
            print(
                f"  {row['scenario']}: errors {row['error_kinds']}, server log errors "
                f"{row['server_errors_logged']} {row['note']}"
            )
    keys = ("server", "client", "postgres", "other")
    print("CPU cores used during each scenario (gunicorn / this client / PostgreSQL / other):")
    for row in rows:
        cpu = " /".join(f"{row['cpu_cores'][key]:>5.2f}" for key in keys)
        print(f"  {row['scenario']:<14}{cpu}")
    if any(row["cpu_cores"]["other"] > 0.2 for row in rows):
        print("  WARNING: other processes used the CPU during the run; the figures are noisy.")
    print(
        "SQL = queries per request and 1-req ms = single request service time, both measured "
        "in-process through the full middleware stack with the server idle; CPU ms = server "
        "CPU time per answered request under load."
    )


def fmt(value, width=8):
    return f"{value:>{width}.1f}" if value is not None else " " * width


if __name__ == "__main__":
    main()
