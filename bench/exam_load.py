"""Load test: exam day as officers live it, on the embedded set-up and on the stack.

    .venv/bin/python bench/exam_load.py [--officers 200] [--ramp 60] [--think 1.5]
        [--only embedded|stack] [--json]

Each simulated officer (an asyncio task with its own keep-alive connection and cookies):
GET the login page, POST the login form (a real password check), GET a course lesson and
the officer's own panel the lesson page fetches, POST
start (draws and freezes 50 of a 5,000-question bank), GET the paper, POST 50 answers with a
random think time (0.5–1.5 × --think seconds) between them, POST submit, GET the result.
Officers start evenly over --ramp seconds.

Two set-ups are measured in the same run, each on its own fresh database:
  embedded  one uvicorn process on a SQLite file (what `make run` serves, DEBUG off)
  stack     `.ci/stack.py`: nginx → two gunicorn (pages) + two uvicorn (WebSockets),
            PostgreSQL, Redis, db_worker
It prints, per request type and overall: requests, throughput, p50/p95/p99 and errors (any
unexpected status or lost connection). Target (issue): 1,000 officers, no errors, p99 ≤ 500 ms.
Passwords are checked with the production hasher (PBKDF2-SHA256 at 600,000 iterations, ~0.14 s
of CPU each on this machine): logins are the most expensive request of the day, as in reality.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PASSWORD = "Exam#Load2026"
TIMEOUT = 30

SEED = r"""
import json, os, random, sys
sys.path.append(os.environ["BENCH_DIR"])  # after the apps: bench/certificates.py is a script
import django
django.setup()
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.urls import reverse
if os.environ.get("LOAD_MIGRATE") == "1":
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
import exam_day
from people.models import Officer, Unit, User
from tests.courses.course_factory import build_course

rng = random.Random(2026)
root = exam_day.build_bank(rng)
quiz = exam_day.build_quiz(root)
course, lessons = build_course(title="压力测试课程", lessons=1)
unit = Unit.add_root(name="压力测试市", code="LOAD", kind="service")
password = make_password(os.environ["LOAD_PASSWORD"])  # one hash, shared: seeding stays quick
count = int(os.environ["LOAD_OFFICERS"])
users = [User(username=f"L{n:05d}", password=password, must_change_password=False,
              last_name="压", first_name=f"测{n}") for n in range(count)]
User.objects.bulk_create(users, batch_size=500)
Officer.objects.bulk_create([Officer(user=u, employee_number=u.username, name=f"考生{n}",
                                     unit=unit) for n, u in enumerate(users)], batch_size=500)
panel = reverse("courses:lesson_panel", args=[lessons[0].pk])
print(json.dumps({"quiz": quiz.pk, "lesson": lessons[0].url, "panel": panel,
                  "users": [u.username for u in users]}))
"""


# ---------------------------------------------------------------- a small HTTP client


class Browser:
    """One officer's keep-alive connection and cookies (sessionid, csrftoken)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.reader = self.writer = None

    async def request(self, method: str, path: str, *, form=None, body=None):
        for attempt in (1, 2):
            try:
                return await self._request(method, path, form, body)
            except (ConnectionResetError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _request(self, method, path, form, body):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        payload, kind = b"", ""
        if form is not None:
            payload, kind = (
                urllib.parse.urlencode(form).encode(),
                "application/x-www-form-urlencoded",
            )
        elif body is not None:
            payload, kind = json.dumps(body, ensure_ascii=False).encode(), "application/json"
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            head += [f"Content-Length: {len(payload)}", f"Content-Type: {kind}"]
            head.append(f"X-CSRFToken: {self.cookies.get('csrftoken', '')}")
            head.append(f"Origin: http://{self.host}:{self.port}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        header = await self.reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "set-cookie":
                cookie = value.strip().split(";", 1)[0]
                key, _, val = cookie.partition("=")
                self.cookies[key] = val
            else:
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

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# ---------------------------------------------------------------- one officer's exam day

SECTION = re.compile(r'<section class="lb-q[^"]*"[^>]*data-position="(\d+)" data-kind="(\w+)"')


def answers_from_paper(html: str) -> list[tuple[int, object]]:
    """A valid answer for every question on the page (original option indices)."""
    starts = [(m.start(), int(m.group(1)), m.group(2)) for m in SECTION.finditer(html)]
    answers = []
    for n, (start, position, kind) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(html)
        answers.append((position, answer_for(kind, html[start:end])))
    return answers


def answer_for(kind: str, block: str):
    if kind == "single":
        return int(re.search(r'type="radio"\s+name="[^"]+" value="(\d+)"', block).group(1))
    if kind == "multiple":
        return [
            int(v) for v in re.findall(r'type="checkbox"\s+name="[^"]+" value="(\d+)"', block)[:2]
        ]
    if kind == "truefalse":
        return True
    if kind == "fill":
        return ["十五"] * max(1, block.count('lb-blank"'))
    if kind == "short":
        return "依据《行政处罚法》，应当告知当事人听证权利。"
    parts = re.findall(r'class="lb-part[^"]*" data-kind="(\w+)"', block)
    return [answer_for(part, block.split(f'data-kind="{part}"', 1)[1]) for part in parts]


class Recorder:
    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.first = self.last = None

    async def timed(self, name: str, call, expect: tuple[int, ...]):
        t0 = time.perf_counter()
        self.first = self.first or t0
        try:
            status, headers, content = await asyncio.wait_for(call, TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            self.errors[f"{name}: {type(error).__name__}"] += 1
            return None
        self.last = time.perf_counter()
        if status not in expect:
            self.errors[f"{name}: {status}"] += 1
            return None
        self.latency[name].append(self.last - t0)
        return status, headers, content


async def officer_day(rec: Recorder, host, port, username, info, think, rng) -> None:
    browser = Browser(host, port)
    try:
        if not await rec.timed("login page", browser.request("GET", "/accounts/login/"), (200,)):
            return
        form = {"username": username, "password": PASSWORD,
                "csrfmiddlewaretoken": browser.cookies.get("csrftoken", "")}  # fmt: skip
        if not await rec.timed(
            "login", browser.request("POST", "/accounts/login/", form=form), (302,)
        ):
            return
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        await rec.timed("lesson", browser.request("GET", info["lesson"]), (200,))
        # What the page fetches once loaded: the officer's own progress and note.
        await rec.timed("lesson panel", browser.request("GET", info["panel"]), (200,))
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        started = await rec.timed(
            "start", browser.request("POST", f"/exams/{info['quiz']}/start/"), (302,)
        )
        if not started:
            return
        paper_path = started[1]["location"]
        paper = await rec.timed("paper", browser.request("GET", paper_path), (200,))
        if not paper:
            return
        for seq, (position, response) in enumerate(answers_from_paper(paper[2].decode()), 1):
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            body = {"position": position, "response": response, "seq": seq}
            await rec.timed(
                "save", browser.request("POST", f"{paper_path}save/", body=body), (200,)
            )
        await rec.timed(
            "submit", browser.request("POST", f"{paper_path}submit/", body={}), (200, 302)
        )
        await rec.timed("result", browser.request("GET", f"{paper_path}result/"), (200,))
    finally:
        browser.close()


async def run_load(host: str, port: int, info: dict, args) -> dict:
    rec, rng = Recorder(), random.Random(7)
    tasks = []
    for n, username in enumerate(info["users"][: args.officers]):
        delay = args.ramp * n / max(1, args.officers)
        day = officer_day(rec, host, port, username, info, args.think, random.Random(rng.random()))
        tasks.append(asyncio.create_task(delayed(delay, day)))
    await asyncio.gather(*tasks)
    return summarise(rec)


async def delayed(delay: float, coroutine):
    await asyncio.sleep(delay)
    await coroutine


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summarise(rec: Recorder) -> dict:
    span = (rec.last or 0) - (rec.first or 0) or 1
    rows = {}
    everything = [v for values in rec.latency.values() for v in values]
    for name, values in [*rec.latency.items(), ("all", everything)]:
        errors = sum(
            n for key, n in rec.errors.items() if name == "all" or key.startswith(name + ":")
        )
        rows[name] = {
            "requests": len(values),
            "per_s": round(len(values) / span, 1),
            "p50_ms": round(percentile(values, 0.50) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            "p99_ms": round(percentile(values, 0.99) * 1000, 1),
            "errors": errors,
        }
    return {"rows": rows, "errors": dict(rec.errors), "seconds": round(span, 1)}


# ---------------------------------------------------------------- the two set-ups


def free_port(base: int = 0) -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", base))
        return sock.getsockname()[1]


def seed(env: dict, officers: int, migrate: bool) -> dict:
    env = {**env, "LOAD_PASSWORD": PASSWORD, "LOAD_OFFICERS": str(officers),
           "LOAD_MIGRATE": "1" if migrate else "0", "BENCH_DIR": str(BENCH),
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site"), str(BENCH)])}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", SEED], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=900,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(result.stderr[-4000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def wait_http(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def embedded(args, workdir: Path) -> dict:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        DATABASE_URL=f"sqlite:///{workdir / 'embedded.sqlite3'}",
        SECRET_KEY="exam-load-" + "x" * 50, DEBUG="0", HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost", MEDIA_ROOT=str(workdir / "media"),
        CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{port}",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "site"), str(BENCH)]),
    )  # fmt: skip
    info = seed(env, args.officers, migrate=True)
    with open(workdir / "embedded.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", "site", "--host", "127.0.0.1",
             "--port", str(port), "--lifespan", "off", "--no-access-log",
             "lianbing.asgi:application"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{port}/accounts/login/", server)
        return asyncio.run(run_load("127.0.0.1", port, info, args))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def stack(args, workdir: Path) -> dict:
    state = Path(tempfile.mkdtemp(prefix="lianbing-load-stack-"))
    os.chmod(state, 0o755)  # PostgreSQL's own user must reach its data directory
    base = free_port()
    while any(free_port_busy(base + d) for d in (1, 2, 10, 11)):
        base = free_port()
    ready = state / "ready.json"
    with open(workdir / "stack.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, ".ci/stack.py", "--no-demo", "--port", str(base),
             "--state", str(state), "--ready-file", str(ready)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while not ready.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit((workdir / "stack.log").read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        env = {k: v for k, v in json.loads(ready.read_text()).items() if k != "url"}
        env["DJANGO_SETTINGS_MODULE"] = "lianbing.settings"
        info = seed({**os.environ, **env}, args.officers, migrate=False)
        return asyncio.run(run_load("127.0.0.1", base, info, args))
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def free_port_busy(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def report(name: str, result: dict) -> None:
    print(f"\n{name}: {result['seconds']} s")
    columns = ("count", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
    print(f"  {'request':<12}" + "".join(f"{c:>9}" for c in columns))
    for row_name, row in result["rows"].items():
        print(
            f"  {row_name:<12}{row['requests']:>9}{row['per_s']:>9}{row['p50_ms']:>9}"
            f"{row['p95_ms']:>9}{row['p99_ms']:>9}{row['errors']:>9}"
        )
    if result["errors"]:
        print("  errors:", json.dumps(result["errors"], ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--ramp", type=float, default=60, help="seconds over which officers start")
    parser.add_argument("--think", type=float, default=1.5, help="mean seconds between actions")
    parser.add_argument("--only", choices=["embedded", "stack"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="lianbing-load-") as tmp:
        for name, run in (("embedded", embedded), ("stack", stack)):
            if args.only in (None, name):
                results[name] = run(args, Path(tmp))
    results["load_average_1min"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return
    print(f"exam day: {args.officers} officers over {args.ramp:.0f} s, think ~{args.think} s")
    for name in ("embedded", "stack"):
        if name in results:
            report(
                {"embedded": "embedded (1 uvicorn, SQLite)",
                 "stack": "stack (nginx → 2 gunicorn, PostgreSQL, Redis)"}[name],
                results[name],
            )  # fmt: skip
    print(f"\nload average {results['load_average_1min']} on {os.cpu_count()} cores;"
          " target: 1,000 officers, no errors, p99 ≤ 500 ms")  # fmt: skip


if __name__ == "__main__":
    main()
