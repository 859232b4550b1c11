"""The production-like stack (`make stack`, .ci/stack.py) really started and stopped.

PostgreSQL, Redis, nginx in front of two gunicorn (pages) and two uvicorn (WebSockets)
processes, and the db_worker, from a fresh state directory: pages through nginx come from
both gunicorn processes, a projector's WebSocket through nginx gets a host's action taken
through gunicorn (Redis channel layer), the worker runs a task, the cache is Redis, and
stopping leaves no process behind.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from websockets.sync.client import connect as ws_connect

pytestmark = pytest.mark.reliability
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Stack#2026live"

SETUP = r"""
import json, os
import django
django.setup()
from tests.quizzes.finals.factory import build_final
live = build_final(teams=2, members=1)
live.host.set_password(os.environ["STACK_PASSWORD"])
live.host.must_change_password = False
live.host.save()
print(json.dumps({"final": live.final.pk, "token": live.final.screen_token,
                  "host": live.host.username, "team": live.teams[0].pk}))
"""

TASK = r"""
import sys, time
import django
django.setup()
from django.core.cache import cache
from django.tasks import TaskResultStatus
from quizzes.tasks import expire_overdue_attempts
result = expire_overdue_attempts.enqueue()
for _ in range(200):
    result.refresh()
    if result.status == TaskResultStatus.SUCCESSFUL:
        break
    time.sleep(0.1)
cache.set("stack-check", "ok", 60)
from django.core.cache import caches
print(result.status, type(caches["default"]).__name__, cache.get("stack-check"))
"""


def free_base_port() -> int:
    for base in range(23000, 60000, 97):
        ports = [base, base + 1, base + 2, base + 10, base + 11]
        free = True
        for port in ports:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    free = False
        if free:
            return base
    raise RuntimeError("no free ports")


def run_script(code: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def stack():
    # Not under pytest's tmp dir (mode 700): PostgreSQL's own user must reach its data.
    state = Path(tempfile.mkdtemp(prefix="lianbing-stack-"))
    os.chmod(state, 0o755)
    port = free_base_port()
    ready = state / "ready.json"
    with open(state / "stack.out", "wb") as out:
        process = subprocess.Popen(
            [sys.executable, ".ci/stack.py", "--no-demo", "--port", str(port),
             "--state", str(state), "--ready-file", str(ready)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 240
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail((state / "stack.out").read_text(errors="replace")[-4000:])
        time.sleep(0.5)
    info = json.loads(ready.read_text())
    env = {k: v for k, v in info.items() if k != "url"}
    env.update(
        PATH=os.environ["PATH"],
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        DJANGO_SETTINGS_MODULE="lianbing.settings",
        STACK_PASSWORD=PASSWORD,
    )
    yield {"process": process, "url": info["url"].rstrip("/"), "env": env, "state": state}
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    shutil.rmtree(state, ignore_errors=True)


def test_pages_come_through_nginx_from_both_app_processes(stack):
    for _ in range(6):
        response = requests.get(f"{stack['url']}/accounts/login/", timeout=10)
        assert response.status_code == 200 and "登录" in response.text
    log = (stack["state"] / "logs" / "nginx-access.log").read_text()
    upstreams = {line.split()[-2] for line in log.splitlines() if "/accounts/login/" in line}
    assert len(upstreams) == 2, upstreams


def test_live_final_through_nginx_and_redis_and_the_worker_runs_tasks(stack):
    final = json.loads(run_script(SETUP, stack["env"]))
    base = stack["url"]
    ws_url = base.replace("http://", "ws://") + f"/ws/finals/screen/{final['token']}/"
    with ws_connect(ws_url, origin=base, open_timeout=10) as screen:
        assert json.loads(screen.recv(timeout=10))["version"] == 0
        host = requests.Session()
        host.get(f"{base}/accounts/login/", timeout=10)
        login = host.post(
            f"{base}/accounts/login/",
            data={
                "username": final["host"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": host.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=10,
        )
        assert login.status_code == 302
        # Several actions: nginx spreads them over both processes; each reaches the screen.
        for n in range(1, 5):
            response = host.post(
                f"{base}/finals/{final['final']}/host/act/",
                data={"kind": "adjust", "team_id": final["team"], "delta": "1", "reason": "栈测试"},
                headers={"X-CSRFToken": host.cookies["csrftoken"], "HX-Request": "true"},
                timeout=10,
            )
            assert response.status_code == 204, response.text[-2000:]
            snapshot = json.loads(screen.recv(timeout=10))
            assert snapshot["version"] == n
    assert run_script(TASK, stack["env"]) == "SUCCESSFUL RedisCache ok"


def test_stopping_the_stack_leaves_no_process_behind(stack):
    pids = json.loads((stack["state"] / "pids.json").read_text())
    os.kill(stack["process"].pid, signal.SIGTERM)
    assert stack["process"].wait(timeout=60) == 0
    time.sleep(1)
    alive = []
    for name, pid in pids.items():
        try:
            os.kill(pid, 0)
            alive.append(name)
        except ProcessLookupError:
            pass
    assert alive == []
    assert not (stack["state"] / "pgdata" / "postmaster.pid").exists()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stack['url']}/accounts/login/", timeout=3)
