"""Checkpoints of a SQLite database's write-ahead log, run beside the requests.

By default SQLite checkpoints inside the commit that takes the log past 1,000 pages: that
commit copies the log into the database file and syncs it before it returns. Here the
commit returns while the writer lock (base.py) is still held, so every other writer of
every process waited for that copy and sync: answer saves fell from 0.76x to 0.56x the
bare view once the exam's papers had spread writes over many pages (bench/exam_day.py).

So each process that opens the database file keeps one daemon thread with a connection
of its own that runs a PASSIVE checkpoint every `INTERVAL` seconds. PASSIVE takes neither
SQLite's write lock nor ours, never waits, and leaves alone what a reader still needs.
The connections that serve requests keep SQLite's automatic checkpoint, raised to
`BACKSTOP_PAGES`, in case this thread cannot keep up: the log stays bounded either way.
"""

import logging
import os
import sqlite3
import threading
import time
import urllib.parse

INTERVAL = 0.5  # seconds between checkpoints
BACKSTOP_PAGES = 10_000  # a request's commit checkpoints only past this (≈40 MB of log)

logger = logging.getLogger(__name__)
_running: dict[tuple[int, str], threading.Thread] = {}  # by (process id, database path)
_guard = threading.Lock()


def ensure_running(database_path: str) -> None:
    """Start this process's checkpoint thread for the database file, once."""
    key = (os.getpid(), os.path.abspath(database_path))
    with _guard:
        thread = _running.get(key)
        if thread is not None and thread.is_alive():
            return
        thread = threading.Thread(
            target=_run, args=(key[1],), name="sqlite-checkpointer", daemon=True
        )
        _running[key] = thread
        thread.start()


def checkpoint(connection: sqlite3.Connection) -> tuple[int, int, int]:
    """One PASSIVE checkpoint: (busy, frames in the log, frames copied to the database)."""
    return connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


def _run(path: str) -> None:
    connection = None
    while True:
        time.sleep(INTERVAL)
        if not os.path.exists(path):
            break  # deleted (a test's database, a restore): the next connection restarts us
        try:
            if connection is None:
                connection = _connect(path)
            checkpoint(connection)
        except sqlite3.Error as error:
            # A database replaced under us: start over with a new connection next time.
            logger.debug("checkpoint of %s failed: %s", path, error)
            if connection is not None:
                connection.close()
                connection = None
    if connection is not None:
        connection.close()


def _connect(path: str) -> sqlite3.Connection:
    # mode=rw: never create the file; the thread must not bring back a deleted database.
    uri = f"file:{urllib.parse.quote(path)}?mode=rw"
    return sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
