"""A live final served by real uvicorn processes on their own database, for tests and bench.

Like the exam reliability tests, nothing goes through pytest-django's test database: a set-up
script builds the schema and a final in a SQLite file (or a fresh PostgreSQL database when
DATABASE_URL names a server), uvicorn serves `lianbing.asgi`, and clients talk HTTP (with
`requests`) and WebSocket (with `websockets`) as phones and the projector would.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests
from websockets.sync.client import connect as ws_connect

from tests.quizzes.test_exam_reliability import Database, Process, free_port

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "Final#2026live"
TIMEOUT = 10

SETUP = r"""
import json, os
import django

django.setup()
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
call_command("createcachetable", verbosity=0)

from tests.quizzes.finals.factory import build_final

live = build_final(teams=int(os.environ["FINAL_TEAMS"]), members=int(os.environ["FINAL_MEMBERS"]))
users = [live.host] + [officer.user for team in live.members for officer in team]
for user in users:
    user.set_password(os.environ["FINAL_PASSWORD"])
    user.must_change_password = False
    user.save()
print(json.dumps({
    "final": live.final.pk,
    "screen_token": live.final.screen_token,
    "host": live.host.username,
    "teams": [
        {"id": team.pk, "members": [o.user.username for o in officers]}
        for team, officers in zip(live.teams, live.members)
    ],
    "rounds": {kind: r.pk for kind, r in live.rounds.items()},
    "questions": {kind: [q.pk for q in qs] for kind, qs in live.questions.items()},
}))
"""


class FinalSite:
    """A database with one final, and uvicorn servers on it (several share a Redis layer)."""

    def __init__(self, workdir: Path, *, teams: int = 3, members: int = 2, redis_url: str = ""):
        self.workdir = workdir
        self.db = Database(workdir)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key
            not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="tests.settings",
            DATABASE_URL=self.db.url,
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            HTTPS="0",
            MEDIA_ROOT=str(workdir / "media"),
            PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "site")]),
            FINAL_TEAMS=str(teams),
            FINAL_MEMBERS=str(members),
            FINAL_PASSWORD=PASSWORD,
            REDIS_URL=redis_url,
            CONN_MAX_AGE="0",  # ASGI: no per-thread persistent connections (docs/deploy.md)
        )
        self.servers: list[tuple[Process, str]] = []
        self.info: dict = {}

    def set_up(self) -> None:
        result = subprocess.run(
            [sys.executable, "-c", SETUP],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        self.info = json.loads(result.stdout.strip().splitlines()[-1])

    def start_server(self) -> str:
        """Start one more uvicorn process; returns its base URL."""
        port = free_port()
        process = Process(
            f"uvicorn-{port}",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                "site",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--no-access-log",
                # Compressing each snapshot for each of 200 devices costs more than sending it.
                "--ws-per-message-deflate",
                "false",
                "lianbing.asgi:application",
            ],
            self.env,
            self.workdir,
        )
        process.start()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.popen.poll() is None, f"uvicorn exited:\n{process.log()}"
            try:
                if requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                    self.servers.append((process, base))
                    return base
            except requests.RequestException:
                time.sleep(0.2)
        process.kill()
        raise AssertionError(f"uvicorn did not answer within 60 s:\n{process.log()}")

    def tear_down(self) -> None:
        for process, _base in self.servers:
            process.kill()
        self.db.drop()

    # ---- clients

    @property
    def final_id(self) -> int:
        return self.info["final"]

    def login(self, base: str, username: str) -> requests.Session:
        browser = requests.Session()
        url = f"{base}/accounts/login/"
        browser.get(url, timeout=TIMEOUT).raise_for_status()
        response = browser.post(
            url,
            data={
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert response.status_code == 302, response.text[-2000:]
        return browser

    def host_act(self, base: str, host: requests.Session, **fields) -> requests.Response:
        response = host.post(
            f"{base}/finals/{self.final_id}/host/act/",
            data=fields,
            headers={"X-CSRFToken": host.cookies["csrftoken"], "HX-Request": "true"},
            timeout=TIMEOUT,
        )
        # 204: accepted (the console's panel follows the broadcast); 200: the panel, refused.
        assert response.status_code == 204, response.text[-3000:]
        return response

    def team_act(self, base: str, member: requests.Session, **fields) -> requests.Response:
        return member.post(
            f"{base}/finals/{self.final_id}/team/act/",
            data=fields,
            headers={"X-CSRFToken": member.cookies["csrftoken"]},
            timeout=TIMEOUT,
        )

    def device(self, base: str, session: requests.Session | None = None, *, screen=False):
        """An open WebSocket as a team phone (with a session) or the projector."""
        ws_base = base.replace("http://", "ws://")
        if screen:
            url = f"{ws_base}/ws/finals/screen/{self.info['screen_token']}/"
        else:
            url = f"{ws_base}/ws/finals/{self.final_id}/"
        headers = {}
        if session is not None:
            headers["Cookie"] = f"sessionid={session.cookies['sessionid']}"
        return ws_connect(url, origin=base, additional_headers=headers, open_timeout=TIMEOUT)


@contextlib.contextmanager
def redis_server(workdir: Path):
    """A throwaway redis-server on a free port; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise AssertionError("redis-server is not installed (.ci/system-packages installs it)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def receive(ws, timeout: float = TIMEOUT) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def receive_until(ws, predicate, timeout: float = TIMEOUT) -> dict:
    """The first snapshot that satisfies `predicate` (earlier ones are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("no matching snapshot arrived")
        snapshot = receive(ws, left)
        if predicate(snapshot):
            return snapshot
