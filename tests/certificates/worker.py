"""A real task worker for tests: `manage.py db_worker` in its own process, on the test
database, so a job enqueued by the live server runs exactly as in production.

    with task_worker(PUBLIC_BASE_URL=live_server.url) as worker:
        ...            # the worker picks up tasks the test (or the browser) enqueues
        worker.kill()  # SIGKILL: a crash, no clean-up in the task

The test must commit what the worker should see (`transactional_db` or a live server).
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
COMMAND = ["manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]


class Worker:
    def __init__(self, overrides: dict):
        handle, name = tempfile.mkstemp(prefix="db_worker-", suffix=".log")
        self.log = os.fdopen(handle, "wb")
        self.log_path = name
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="tests.certificates.worker_settings",
            LIANBING_WORKER_DB_NAME=str(connection.settings_dict["NAME"]),
            LIANBING_WORKER_SETTINGS=json.dumps(overrides),
            PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        )
        self.popen: subprocess.Popen | None = None

    def start(self) -> "Worker":
        self.popen = subprocess.Popen(
            [sys.executable, *COMMAND],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes its children too
        )
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL to the worker and its render processes: the crash a power cut is."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self.popen = None

    def stop(self) -> None:
        """SIGTERM, the way a deploy stops it, then SIGKILL if it lingers."""
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        self.popen = None

    def output(self) -> str:
        return Path(self.log_path).read_text(errors="replace")[-4000:]


@contextlib.contextmanager
def task_worker(**settings_overrides):
    """A running db_worker for the duration of the block; its log is shown on failure."""
    worker = Worker(settings_overrides).start()
    try:
        yield worker
    except BaseException:
        print(f"--- db_worker log ---\n{worker.output()}")
        raise
    finally:
        worker.stop()
        worker.log.close()
        with contextlib.suppress(OSError):
            os.unlink(worker.log_path)


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.1, worker=None):
    """Polls `predicate` until it is true; fails with the worker's log if it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if worker is not None and not worker.alive:
            raise AssertionError(f"db_worker exited:\n{worker.output()}")
        time.sleep(interval)
    log = f"\n--- db_worker log ---\n{worker.output()}" if worker else ""
    raise AssertionError(f"not within {timeout} s{log}")
