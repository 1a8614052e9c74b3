"""The burst's wait sampling: the summary of synthetic samples, a sampler that cannot connect (the bench goes
on), and on PostgreSQL a real row-lock wait seen by the sampler."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings

from bench import platform as plat
from bench.waits import Sample, WaitSampler, classify, clause, statement_table, summarise

ON_PG = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def s(tick: int, pid: int, state: str, wtype: str | None = None, event: str | None = None,
      locktype: str | None = None, relation: str | None = None) -> Sample:
    return Sample(tick, pid, state, wtype, event, locktype, relation)


def burst_like() -> list[Sample]:
    """10 ticks × 4 backends = 40 backend-samples: 20 on CPU, 8 on a row lock (6 rollup, 2 datavalue),
    4 on LWLock/IO, 4 idle in transaction, 2 idle, 2 in another wait."""
    out = []
    for t in range(10):
        out += [s(t, 1, "active"), s(t, 2, "active")]
        if t < 6:
            out.append(s(t, 3, "active", "Lock", "transactionid", "transactionid", "indicators_rollup"))
        elif t < 8:
            out.append(s(t, 3, "active", "Lock", "tuple", "tuple", "indicators_datavalue"))
        else:
            out.append(s(t, 3, "idle in transaction", "Client", "ClientRead"))
        if t < 2:
            out.append(s(t, 4, "active", "LWLock", "WALWrite"))
        elif t < 4:
            out.append(s(t, 4, "active", "IO", "DataFileRead"))
        elif t < 6:
            out.append(s(t, 4, "idle in transaction", "Client", "ClientRead"))
        elif t < 8:
            out.append(s(t, 4, "idle", "Client", "ClientRead"))
        else:
            out.append(s(t, 4, "active", "IPC", "SyncRep"))
    return out


def test_the_summary_shares_the_backend_samples_by_what_they_wait_for():
    summary = summarise(burst_like(), ticks=10, seconds=0.2)
    assert summary["backend_samples"] == 40 and summary["ticks"] == 10
    assert summary["mean_backends"] == 4.0
    assert summary["mean_active"] == 3.4  # 34 of 40 backend-samples are active
    assert summary["backends_seen"] == 4
    assert summary["mean_in_transaction"] == 3.6  # all but the 2 idle and 2 IPC samples
    assert summary["lock_ticks"] == 0.8  # backend 3 waits on a lock in ticks 0–7
    assert summary["shares"] == {"cpu": 0.5, "lock": 0.2, "lwlock_io": 0.1, "app": 0.1, "idle": 0.05,
                                 "other": 0.05}
    assert summary["locks"] == {"transactionid:indicators_rollup": 0.15, "tuple:indicators_datavalue": 0.05}
    assert summary["waits"]["LWLock:WALWrite"] == 0.05 and summary["waits"]["IPC:SyncRep"] == 0.05
    assert sum(summary["shares"].values()) == pytest.approx(1.0)
    assert clause(summary) == ("锁等待 20%（汇总表行锁 15%，数据值表行锁 5%），CPU 50%，LWLock/IO 10%，等待应用 10%，"
                               "事务外空闲 5%，其他 5%（平均活跃 3.4 个后端，共见 4 个）")


def test_the_clause_merges_row_waits_of_one_table_and_says_when_it_has_nothing():
    rows = [s(0, 1, "active", "Lock", "transactionid", "transactionid", "indicators_rollup"),
            s(0, 2, "active", "Lock", "tuple", "tuple", "indicators_rollup"),
            s(0, 3, "active", "Lock", "transactionid", "transactionid", "indicators_rollup?"),
            s(0, 4, "active")]
    text = clause(summarise(rows, ticks=1))
    assert text.startswith("锁等待 75%（汇总表行锁 75%），CPU 25%")
    assert clause(summarise([], ticks=3)) == "锁等待采样无数据"
    assert "连接失败" in clause(summarise([], ticks=0, error="连接失败"))


def test_classify_and_the_waiting_statement_table():
    assert classify(s(0, 1, "idle in transaction (aborted)")) == "app"
    assert classify(s(0, 1, "active", "Client", "ClientRead")) == "app"
    assert classify(s(0, 1, "active", "BufferPin", "BufferPin")) == "lwlock_io"
    assert statement_table('UPDATE "indicators_rollup" SET value = 1') == "indicators_rollup"
    assert statement_table("INSERT INTO indicators_rollup (a) VALUES (1) ON CONFLICT DO NOTHING") == \
        "indicators_rollup"
    assert statement_table("SELECT 1") is None


def test_a_sampler_that_cannot_connect_never_fails_the_burst():
    waits: list[dict] = []
    with plat._wait_sampling("host=127.0.0.1 port=1 dbname=nowhere connect_timeout=2", waits):
        time.sleep(0.05)
    assert len(waits) == 1 and waits[0]["backend_samples"] == 0 and waits[0]["error"]
    waits.clear()
    with pytest.raises(RuntimeError), plat._wait_sampling("host=127.0.0.1 port=1 dbname=nowhere", waits):
        raise RuntimeError("the burst failed")  # the burst's own error goes on; the sampler is stopped
    assert len(waits) == 1
    with plat._wait_sampling(None, waits):  # SQLite: no sampler
        pass
    assert len(waits) == 1


@pytest.mark.skipif(not ON_PG, reason="lock-wait sampling needs PostgreSQL (DATABASE_URL is not PostgreSQL)")
def test_the_sampler_sees_a_row_lock_wait_on_postgresql(db):
    import psycopg

    from bench.waits import conninfo_from_django

    conninfo = conninfo_from_django()
    table = "bench_waits_probe"
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f"DROP TABLE IF EXISTS {table}")
        admin.execute(f"CREATE TABLE {table} (id int PRIMARY KEY, v int NOT NULL)")
        admin.execute(f"INSERT INTO {table} VALUES (1, 0)")
    holder = psycopg.connect(conninfo)
    waiter = psycopg.connect(conninfo)
    done = threading.Event()

    def wait_for_the_row():
        with waiter.transaction():
            waiter.execute(f"UPDATE {table} SET v = v + 1 WHERE id = 1")
        done.set()

    try:
        holder.execute(f"UPDATE {table} SET v = v + 1 WHERE id = 1")  # holds the row (transaction open)
        own = plat._own_backend()  # the test's own Django connection, idle in its test transaction
        assert own
        sampler = WaitSampler(conninfo, exclude=frozenset(own)).start()
        t = threading.Thread(target=wait_for_the_row)
        t.start()
        time.sleep(0.5)
        assert not done.is_set()
        summary = sampler.stop()
        holder.commit()
        t.join(timeout=10)
        assert done.is_set()
    finally:
        holder.close()
        waiter.close()
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f"DROP TABLE IF EXISTS {table}")
    assert "error" not in summary and summary["ticks"] >= 10
    assert own[0] not in {x.pid for x in sampler.samples}
    assert summary["mean_backends"] == pytest.approx(2.0, abs=0.2)  # the holder and the waiter
    assert summary["shares"]["lock"] > 0
    assert summary["locks"].get(f"transactionid:{table}", 0) > 0
    assert summary["shares"]["app"] > 0  # the holder sits idle in its transaction
    assert f"{table}行锁" in clause(summary)
