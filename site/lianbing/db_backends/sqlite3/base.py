"""Django's SQLite backend, with writers queueing on a lock instead of polling SQLite's.

SQLite lets one writer in at a time. A second writer waits in SQLite's busy handler,
which sleeps and retries (1, 2, 5, 10 … 100 ms): under exam-day load a waiting writer
kept oversleeping the moments the lock was free, so attempt starts stayed at the
throughput of one writer every few milliseconds whatever the CPU, and a few waited
seconds. Here every write transaction of every process on this database file first takes
an exclusive `flock` on a file beside it (`<database>-writer.lock`): the kernel wakes the
next writer the moment the lock is released, so writers take turns without sleeping.

- An `atomic` block takes the lock before its `BEGIN IMMEDIATE` and releases it at
  commit or rollback; a single INSERT, UPDATE, DELETE or REPLACE outside a transaction
  holds it for that statement.
- Threads of one process first queue on a `threading.Lock` with SQLite's busy timeout:
  a writer that waits longer gets "database is locked", as with plain SQLite.
- Readers never take it (WAL: they do not block writers).
- In-memory databases have no file and no other process: no lock.

Anything that writes without this backend (the sqlite3 shell, another program) is still
serialised by SQLite itself; its writers just do not queue here.
"""

import fcntl
import os
import re
import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base as sqlite3_base

from . import checkpointer

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


class WriterLock:
    """The database file's writer lock, held by one connection at a time."""

    def __init__(self, database_path: str, timeout: float):
        self.path = f"{database_path}-writer.lock"
        self.timeout = timeout
        with _process_locks_guard:
            self.in_process = _process_locks.setdefault(self.path, threading.Lock())
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self.held = False

    def acquire(self) -> None:
        if not self.in_process.acquire(timeout=self.timeout):
            raise OperationalError("database is locked")
        try:
            # Blocks without polling; only one thread per process waits here.
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            self.in_process.release()
            raise
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            self.in_process.release()

    def close(self) -> None:
        self.release()
        os.close(self.fd)


class SQLiteCursorWrapper(sqlite3_base.SQLiteCursorWrapper):
    writer_lock: WriterLock | None = None

    def execute(self, query, params=None):
        if self._needs_lock(query):
            return self._locked(super().execute, query, params)
        return super().execute(query, params)

    def executemany(self, query, param_list):
        if self._needs_lock(query):
            return self._locked(super().executemany, query, param_list)
        return super().executemany(query, param_list)

    def _needs_lock(self, query) -> bool:
        return (
            self.writer_lock is not None
            and not self.writer_lock.held
            and not self.connection.in_transaction
            and _WRITE.match(query) is not None
        )

    def _locked(self, run, query, params):
        self.writer_lock.acquire()
        try:
            return run(query, params)
        finally:
            self.writer_lock.release()


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):
    writer_lock: WriterLock | None = None

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            path = str(self.settings_dict["NAME"])
            timeout = float(conn_params.get("timeout", 5))
            self.writer_lock = WriterLock(path, timeout)
            # Checkpoints run in a thread of their own, not in a commit holding the lock.
            connection.execute(f"PRAGMA wal_autocheckpoint={checkpointer.BACKSTOP_PAGES}")
            checkpointer.ensure_running(path)
        return connection

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=SQLiteCursorWrapper)
        cursor.writer_lock = self.writer_lock
        return cursor

    def _start_transaction_under_autocommit(self):
        if self.writer_lock is None:
            return super()._start_transaction_under_autocommit()
        self.writer_lock.acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self.writer_lock.release()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            super()._close()
        finally:
            if self.writer_lock is not None:
                self.writer_lock.close()
                self.writer_lock = None

    def _release_writer_lock(self):
        if self.writer_lock is not None:
            self.writer_lock.release()
