"""What the database backends do while the month-end burst runs on PostgreSQL (issue 19: hot rollup rows).

A `WaitSampler` thread with its own psycopg connection reads, every ~20 ms, one query over
`pg_stat_activity` (the bench database's client backends, itself excluded) that, for a backend waiting on a
heavyweight lock, also reads from `pg_locks` what it waits for: the lock type (transactionid / tuple /
relation …) and the table where it is known — the relation of the lock itself, or, for a row wait on a
transaction id, the table of the tuple lock the waiter holds meanwhile; failing both, the table the waiting
statement writes (INSERT INTO / UPDATE / DELETE FROM …, marked "?"). `summarise` turns the samples into
shares of backend-samples:

- cpu: active with no wait event (running, or runnable on a busy machine);
- lock: waiting on a heavyweight lock (split by lock type and table);
- lwlock_io: waiting on an LWLock or on I/O (buffer mapping, WAL, reads/writes, BufferPin);
- app: idle in a transaction or reading from the client mid-statement — the Python side holds the
  transaction open (it is working between two statements of the same request);
- idle: idle outside a transaction (between requests: the Python side outside the database, or no request);
- other: any other wait (IPC, Timeout, Extension, Activity…).

The sampler never fails the benchmark: an error stops sampling and is kept as text in the summary.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass

INTERVAL = 0.02  # seconds between two samples
CATEGORIES = ("cpu", "lock", "lwlock_io", "app", "idle", "other")

# One statement per tick. pg_locks is read only for backends that wait on a Lock (CASE evaluates its
# correlated subquery only then), so a tick with no lock waits costs one read of pg_stat_activity.
QUERY = """
SELECT a.pid, a.state, a.wait_event_type, a.wait_event,
       CASE WHEN a.wait_event_type = 'Lock' THEN (
           SELECT w.locktype || '|' || COALESCE(COALESCE(w.relation, (
               SELECT t.relation FROM pg_locks t
               WHERE t.pid = w.pid AND t.granted AND t.locktype = 'tuple' LIMIT 1))::regclass::text, '')
           FROM pg_locks w WHERE w.pid = a.pid AND NOT w.granted LIMIT 1) END AS lock,
       CASE WHEN a.wait_event_type = 'Lock' THEN left(a.query, 300) END AS query
FROM pg_stat_activity a
WHERE a.datname = current_database() AND a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
"""

# Chinese names of the tables a form's transaction writes (others are shown by their table name)
TABLE_LABELS = {"indicators_rollup": "汇总表", "indicators_datavalue": "数据值表", "accounts_auditentry": "审计表"}
LOCK_LABELS = {"transactionid": "行锁", "tuple": "行锁", "relation": "表锁"}
_TARGET = re.compile(r"^\s*(?:WITH\b.*?\)\s*)?(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?([\w.]+)\"?",
                     re.IGNORECASE | re.DOTALL)


@dataclass
class Sample:
    """One backend at one tick."""

    tick: int
    pid: int
    state: str | None
    wait_event_type: str | None
    wait_event: str | None
    locktype: str | None = None
    relation: str | None = None  # table name; "name?" when read from the waiting statement's text


def statement_table(query: str | None) -> str | None:
    """The table a write statement writes (INSERT INTO x / UPDATE x / DELETE FROM x), else None."""
    m = _TARGET.match(query or "")
    return m.group(1).split(".")[-1] if m else None


def classify(s: Sample) -> str:
    """The category (one of CATEGORIES) of one backend-sample."""
    state = s.state or ""
    if state.startswith("idle in transaction"):
        return "app"
    if state == "idle":
        return "idle"
    if state != "active":
        return "other"  # fastpath function call, disabled, or unknown
    if not s.wait_event_type:
        return "cpu"
    if s.wait_event_type == "Lock":
        return "lock"
    if s.wait_event_type in ("LWLock", "IO", "BufferPin"):
        return "lwlock_io"
    if s.wait_event_type == "Client":
        return "app"
    return "other"


def summarise(samples: list[Sample], ticks: int, seconds: float = 0.0, error: str | None = None) -> dict:
    """Shares of backend-samples per category, and the lock waits by (lock type, table).

    `ticks` counts the sampler's reads (a tick may see no backend); `mean_active` is the mean number of
    backends in state active per tick, `mean_backends` of backends present at all, `backends_seen` the
    distinct backends (one per server thread and connection lifetime), `mean_in_transaction` the mean number
    in a transaction, `lock_ticks` the share of ticks with at least one lock wait."""
    cats = Counter(classify(s) for s in samples)
    n = len(samples)
    locks = Counter(f"{s.locktype or '?'}:{s.relation or '?'}" for s in samples if classify(s) == "lock")
    events = Counter(f"{s.wait_event_type}:{s.wait_event}" for s in samples if classify(s) in ("lwlock_io", "other"))
    active = sum(1 for s in samples if s.state == "active")
    out = {
        "ticks": ticks, "backend_samples": n, "seconds": round(seconds, 2),
        "interval_ms": round(1000 * seconds / ticks, 1) if ticks else None,
        "mean_backends": round(n / ticks, 2) if ticks else 0.0,
        "mean_active": round(active / ticks, 2) if ticks else 0.0,
        "backends_seen": len({s.pid for s in samples}),
        # backends inside a transaction (working in the database, waiting in it, or idle in it) per tick
        "mean_in_transaction": round(sum(1 for s in samples if classify(s) in ("cpu", "lock", "lwlock_io", "app"))
                                     / ticks, 2) if ticks else 0.0,
        # ticks where at least one backend waited on a lock (near 1: the hot rows are always contended)
        "lock_ticks": round(len({s.tick for s in samples if classify(s) == "lock"}) / ticks, 4) if ticks else 0.0,
        "shares": {c: round(cats[c] / n, 4) if n else 0.0 for c in CATEGORIES},
        "locks": {k: round(v / n, 4) for k, v in locks.most_common()},
        "waits": {k: round(v / n, 4) for k, v in events.most_common(8)},
    }
    if error:
        out["error"] = error
    return out


def _lock_label(key: str) -> str:
    locktype, _, rel = key.partition(":")
    table = TABLE_LABELS.get(rel.rstrip("?"), rel.rstrip("?") if rel != "?" else "未知表")
    return table + LOCK_LABELS.get(locktype, locktype + "锁")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def clause(summary: dict) -> str:
    """The summary as a short Chinese clause for the burst note, e.g. "锁等待 12%（汇总表行锁 10%，数据值表行锁 2%），
    CPU 60%，LWLock/IO 3%，等待应用 20%，事务外空闲 5%（平均活跃 5.1 个后端，共见 8 个）".
    Lock waits by table and lock kind merge the lock types that mean the same to a reader (a row wait on a
    transaction id and on a tuple are both 行锁)."""
    if not summary.get("backend_samples"):
        return "锁等待采样无数据" + (f"（{summary['error'][:60]}）" if summary.get("error") else "")
    sh = summary["shares"]
    by_label: Counter = Counter()
    for key, share in summary["locks"].items():
        by_label[_lock_label(key)] += share
    parts = [f"{label} {_pct(v)}" for label, v in by_label.most_common(3) if round(100 * v) >= 1]
    text = f"锁等待 {_pct(sh['lock'])}" + (f"（{'，'.join(parts)}）" if parts else "")
    text += f"，CPU {_pct(sh['cpu'])}，LWLock/IO {_pct(sh['lwlock_io'])}，等待应用 {_pct(sh['app'])}"
    text += f"，事务外空闲 {_pct(sh['idle'])}"
    if sh["other"] >= 0.005:
        text += f"，其他 {_pct(sh['other'])}"
    text += f"（平均活跃 {summary['mean_active']:.1f} 个后端，共见 {summary['backends_seen']} 个）"
    if summary.get("error"):
        text += "；采样中断"
    return text


def conninfo_from_django(alias: str = "default") -> str | None:
    """The psycopg conninfo of a Django PostgreSQL database (the bench child's DATABASE_URL, or a test
    database), or None for another vendor."""
    from django.db import connections

    conn = connections[alias]
    if conn.vendor != "postgresql":
        return None
    from psycopg.conninfo import make_conninfo

    params = conn.get_connection_params()
    return make_conninfo(**{k: str(v) for k, v in params.items()
                            if k in ("dbname", "user", "password", "host", "port") and v})


class WaitSampler:
    """A daemon thread sampling the database's client backends (but its own and `exclude`) until `stop()`;
    also a context manager.

    Its own autocommit connection with a short statement timeout; any error ends the sampling and is kept
    in `error` (the benchmark goes on)."""

    def __init__(self, conninfo: str, *, interval: float = INTERVAL, exclude: frozenset[int] = frozenset(),
                 application_name: str = "bqw-wait-sampler"):
        self.conninfo, self.interval, self.application_name = conninfo, interval, application_name
        self.exclude = exclude  # backend pids not to count (the bench process's own idle connection)
        self.samples: list[Sample] = []
        self.ticks = 0
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = self._t1 = 0.0

    def start(self) -> WaitSampler:
        self._t0 = time.perf_counter()
        self._thread = threading.Thread(target=self._run, name="wait-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> dict:
        """Stop the thread (waits for the tick in flight) and return the summary."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive() and not self.error:
                self.error = "采样线程未能在 10 秒内停止"
        self._t1 = self._t1 or time.perf_counter()
        return self.summary()

    def summary(self) -> dict:
        return summarise(self.samples, self.ticks, (self._t1 or time.perf_counter()) - self._t0, self.error)

    def __enter__(self) -> WaitSampler:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            import psycopg

            with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10,
                                 application_name=self.application_name) as conn:
                conn.execute("SET statement_timeout = '2s'")
                conn.execute("SET lock_timeout = '1s'")
                while not self._stop.is_set():
                    t = time.perf_counter()
                    rows = conn.execute(QUERY).fetchall()
                    tick = self.ticks
                    for pid, state, wtype, wevent, lock, query in rows:
                        if pid in self.exclude:
                            continue
                        locktype = relation = None
                        if lock:
                            locktype, _, relation = lock.partition("|")
                            relation = relation.split(".")[-1] or None
                        if wtype == "Lock" and not relation:
                            table = statement_table(query)
                            relation = f"{table}?" if table else None
                        self.samples.append(Sample(tick, pid, state, wtype, wevent, locktype, relation))
                    self.ticks += 1
                    self._stop.wait(max(0.0, self.interval - (time.perf_counter() - t)))
        except Exception as e:  # never fail the benchmark: keep the text and stop sampling
            self.error = f"{type(e).__name__}: {e}"[:300]
        finally:
            self._t1 = time.perf_counter()
