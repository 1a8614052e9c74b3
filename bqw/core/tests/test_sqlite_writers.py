"""The SQLite backend queues writers on a flock beside the database file (bqw/core/sqlite/base.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bqw.core.sqlite.base import DatabaseWrapper, fcntl

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite" or fcntl is None,
                                reason="the SQLite backend's writer lock (SQLite on a POSIX system)")


def _wrapper(path) -> DatabaseWrapper:
    return DatabaseWrapper({**connection.settings_dict, "NAME": str(path), "TEST": {}}, alias="writers")


@pytest.fixture(autouse=True)
def _files(django_db_blocker):
    with django_db_blocker.unblock():  # the tests' own database files, not the test database
        yield


def _taken(lockfile) -> bool:
    """Whether some connection holds the writers' lock (a non-blocking try from another open file)."""
    with open(lockfile, "a+b") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def _begin(db: DatabaseWrapper) -> None:
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)  # as atomic() does


def test_a_transaction_holds_the_lock_until_commit_or_rollback(tmp_path):
    db = _wrapper(tmp_path / "w.sqlite3")
    lockfile = tmp_path / "w.sqlite3-writers.lock"
    db.ensure_connection()
    db.cursor().execute("CREATE TABLE t (x INTEGER)")
    assert not _taken(lockfile)
    _begin(db)
    db.cursor().execute("INSERT INTO t VALUES (1)")
    assert _taken(lockfile)
    db.commit()
    db.set_autocommit(True)
    assert not _taken(lockfile)
    _begin(db)
    assert _taken(lockfile)
    db.rollback()
    db.set_autocommit(True)
    assert not _taken(lockfile)
    _begin(db)
    db.close()  # a connection closed inside a transaction (a killed request) drops the lock with its file
    assert not _taken(lockfile)


def test_a_second_writer_waits_for_the_first_and_then_writes(tmp_path):
    path = tmp_path / "w.sqlite3"
    first = _wrapper(path)
    first.ensure_connection()
    first.cursor().execute("CREATE TABLE t (x INTEGER)")
    _begin(first)
    first.cursor().execute("INSERT INTO t VALUES (1)")
    began = threading.Event()

    def second_writer():
        db = _wrapper(path)
        _begin(db)
        began.set()
        db.cursor().execute("INSERT INTO t VALUES (2)")
        db.commit()
        db.set_autocommit(True)
        db.close()

    t = threading.Thread(target=second_writer)
    t.start()
    assert not began.wait(0.3)  # queued behind the first writer's transaction
    first.commit()
    first.set_autocommit(True)
    t.join(10)
    assert began.is_set() and not t.is_alive()
    assert [r[0] for r in first.cursor().execute("SELECT x FROM t ORDER BY x").fetchall()] == [1, 2]
    first.close()


def test_the_test_suites_memory_database_takes_no_lock(db):
    connection.ensure_connection()
    assert connection.is_in_memory_db() and connection._writers is None
