"""SQLite writers take turns on the database file's writer lock (lianbing.db_backends.sqlite3).

Each test opens its own connections on a fresh database file, as server threads and
processes would, outside the test database.
"""

import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connections, transaction
from django.db.utils import load_backend

from lianbing.db_backends.sqlite3 import checkpointer

# The connections are the tests' own; the mark only lets them open.
pytestmark = pytest.mark.django_db

Backend = load_backend("lianbing.db_backends.sqlite3").DatabaseWrapper
_aliases = itertools.count()


def connect(path, timeout=10):
    """A connection like a server thread's: WAL, immediate transactions, our backend."""
    settings_dict = {
        "ENGINE": "lianbing.db_backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": timeout,
        },
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    alias = f"writer-lock-{next(_aliases)}"
    connection = Backend(settings_dict, alias=alias)
    connection.ensure_connection()
    connections[alias] = connection  # for transaction.atomic(using=…), in this thread
    return connection


def _atomic(connection):
    return transaction.atomic(using=connection.alias)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "exam.sqlite3"
    setup = connect(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE answer (id INTEGER PRIMARY KEY, who TEXT)")
    setup.close()
    return path


def rows(path):
    reader = connect(path)
    try:
        with reader.cursor() as cursor:
            cursor.execute("SELECT who FROM answer ORDER BY id")
            return [who for (who,) in cursor.fetchall()]
    finally:
        reader.close()


def in_thread(work):
    done = threading.Event()
    errors = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 - handed to the test
            errors.append(error)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    return done, errors


def test_a_second_writer_waits_for_the_first_transaction_and_then_writes(database):
    first = connect(database)
    with _atomic(first):
        with first.cursor() as cursor:
            cursor.execute("INSERT INTO answer (who) VALUES ('first')")

        def write():  # another server thread, with its own connection
            second = connect(database)
            with second.cursor() as cursor:
                cursor.execute("INSERT INTO answer (who) VALUES ('second')")
            second.close()

        done, errors = in_thread(write)
        assert not done.wait(0.3), errors  # waiting for its turn, not failing
    assert done.wait(5) and not errors
    assert rows(database) == ["first", "second"]
    first.close()


def test_readers_do_not_wait_for_a_writer(database):
    writer = connect(database)
    with _atomic(writer):
        with writer.cursor() as cursor:
            cursor.execute("INSERT INTO answer (who) VALUES ('pending')")
        started = time.monotonic()
        assert rows(database) == []  # the uncommitted row is not seen, and nobody waited
        assert time.monotonic() - started < 1
    writer.close()


def test_a_writer_gets_database_is_locked_after_its_timeout(database):
    holder, late = connect(database), connect(database, timeout=0.3)
    with _atomic(holder):
        started = time.monotonic()
        with pytest.raises(OperationalError, match="database is locked"), _atomic(late):
            pass
        assert 0.25 < time.monotonic() - started < 3
    with _atomic(late), late.cursor() as cursor:  # its turn once the holder committed
        cursor.execute("INSERT INTO answer (who) VALUES ('late')")
    assert rows(database) == ["late"]
    holder.close()
    late.close()


def test_a_rolled_back_transaction_gives_the_turn_back(database):
    writer, other = connect(database), connect(database, timeout=1)
    with pytest.raises(RuntimeError), _atomic(writer):
        with writer.cursor() as cursor:
            cursor.execute("INSERT INTO answer (who) VALUES ('undone')")
        raise RuntimeError("the request failed")
    with other.cursor() as cursor:
        cursor.execute("INSERT INTO answer (who) VALUES ('next')")
    assert rows(database) == ["next"]
    writer.close()
    other.close()


def test_a_writer_in_another_process_holds_the_turn_until_it_lets_go(database):
    # Another server process holding the lock: a plain flock on the same file.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            f"fd = os.open({str(database) + '-writer.lock'!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(0.8)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        writer = connect(database)
        started = time.monotonic()
        with writer.cursor() as cursor:
            cursor.execute("INSERT INTO answer (who) VALUES ('after the other process')")
        waited = time.monotonic() - started
        assert 0.4 < waited < 5
        writer.close()
    finally:
        holder.wait(10)
    assert rows(database) == ["after the other process"]


# ---------------------------------------------------------------- checkpoints off the commit


def _file_size(path):
    return path.stat().st_size


def test_a_commit_leaves_the_log_to_the_checkpoint_thread_which_copies_it_soon(
    database, monkeypatch
):
    """A commit that takes the log past SQLite's usual 1,000 pages returns without copying
    it into the database (it would hold every other writer meanwhile); the process's
    checkpoint thread copies it within a second."""
    writer = connect(database)
    with writer.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == checkpointer.BACKSTOP_PAGES
    before = _file_size(database)
    paused = threading.Event()
    checkpoint = checkpointer.checkpoint
    monkeypatch.setattr(checkpointer, "checkpoint", lambda c: paused.wait() and checkpoint(c))
    try:
        with _atomic(writer), writer.cursor() as cursor:
            for n in range(1_500):  # ≈ 1,500 pages of log
                cursor.execute("INSERT INTO answer (who) VALUES (%s)", ["x" * 4000 + str(n)])
        assert _file_size(database) == before, "the commit copied the log itself"
    finally:
        paused.set()
    deadline = time.monotonic() + 5
    while _file_size(database) < before + 1_500 * 4000 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _file_size(database) >= before + 1_500 * 4000
    writer.close()
    assert len(rows(database)) == 1_500


def test_the_checkpoint_thread_ends_when_its_database_is_deleted_and_never_recreates_it(
    database,
):
    connect(database).close()
    key = (os.getpid(), os.path.abspath(database))
    thread = checkpointer._running[key]
    assert thread.is_alive()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    thread.join(timeout=3 * checkpointer.INTERVAL + 1)
    assert not thread.is_alive()
    assert not database.exists()
