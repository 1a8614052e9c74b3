"""SQLite whose writers wait in a kernel queue instead of polling: the embedded database's month-end burst.

SQLite runs one write transaction at a time. A writer that finds the database locked sleeps and retries (1, 2,
5 … 100 ms, up to the busy timeout), so under a burst the lock sits free while every waiter sleeps, and a form
can wait seconds for it. Here every transaction (`atomic`, which on SQLite begins IMMEDIATE) first takes an
exclusive flock(2) on a file beside the database, blocking: the kernel wakes the next writer the moment the
last one commits or rolls back. BEGIN IMMEDIATE follows as before, so a writer outside this backend (the sqlite3
shell, a backup) is still kept out by SQLite's own lock. flock locks belong to an open file, not a process: each
connection (one per thread) opens its own, so the threads of one gunicorn worker queue like the workers do.
In-memory databases (the test suite's) and systems without flock keep SQLite's own waiting.
"""

from __future__ import annotations

import os

from django.db.backends.sqlite3 import base

try:
    import fcntl
except ImportError:  # not a POSIX system
    fcntl = None


class DatabaseWrapper(base.DatabaseWrapper):
    _writers = None  # the open lock file while this connection may take the lock

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        if fcntl is not None and not self.is_in_memory_db():
            self._writers = open(f"{os.fspath(self.settings_dict['NAME'])}-writers.lock", "a+b")  # noqa: SIM115
        return conn

    def _start_transaction_under_autocommit(self):
        if self._writers is not None:
            fcntl.flock(self._writers, fcntl.LOCK_EX)
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writers()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._release_writers()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._release_writers()

    def _close(self):
        try:
            super()._close()
        finally:
            if self._writers is not None:
                self._writers.close()  # closing the file drops the lock too
                self._writers = None

    def _release_writers(self) -> None:
        if self._writers is not None:
            fcntl.flock(self._writers, fcntl.LOCK_UN)
