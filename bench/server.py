"""A real gunicorn server on 127.0.0.1 for the HTTP benchmarks, and a small keep-alive JSON client.

Only loopback traffic. The server runs the platform's WSGI app with the bench database's
DATABASE_URL (inherited from the child process) and is stopped by its own pid.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(*, workers: int = 4, threads: int = 2, timeout: float = 60.0, log: Path | None = None):
    """Start `gunicorn bqw.wsgi` (gthread workers) on a free loopback port; yield the port.

    Each worker takes at most `threads` connections at a time. With gunicorn's default (1,000) the first
    worker to wake accepted every keep-alive client of the burst: 8 clients on one worker's 2 threads, i.e.
    one core of Python (seen with `ss` during a burst; benoitc/gunicorn#3433). Capped, the 8 clients spread
    2/2/2/2 over the 4 workers, at the price of no keep-alive (a loopback connect per request, ≈ 0.1 ms).

    `--preload`, as `bqw serve`: the app (and, through bqw/wsgi.py, every URL and view) is imported once in the
    master before the workers fork, so no worker pays its imports inside a timed request.

    The server's own output goes to `log` (default var/bench/gunicorn.log), not to the bench's table.
    """
    from django.conf import settings

    port = free_port()
    log = log or Path(settings.BASE_DIR) / "var" / "bench" / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    logf = open(log, "ab")  # closed in finally
    exe = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [exe, "bqw.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", str(workers), "--threads",
         str(threads), "--worker-class", "gthread", "--worker-connections", str(threads), "--timeout", "300",
         "--preload", "--log-level", "warning"],
        env={**os.environ, "BQW_LOG_LEVEL": "ERROR"}, stdout=logf, stderr=logf)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                c = http.client.HTTPConnection(HOST, port, timeout=5)
                c.request("GET", "/api/v1/openapi.json")
                c.getresponse().read()
                c.close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn 未能启动（退出码 {proc.poll()}）")
                time.sleep(0.2)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        logf.close()


class Client:
    """One keep-alive connection with a Bearer token; returns (status, parsed JSON)."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection(HOST, port, timeout=120)

    def request(self, method: str, path: str, body: object | None = None) -> tuple[int, object]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
                if attempt == 2:
                    raise
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, raw.decode(errors="replace")

    def close(self) -> None:
        self.conn.close()


def burst(port: int, token: str, jobs: list[tuple[str, str, object]], clients: int = 8) -> dict:
    """Send every (method, path, body) job from `clients` concurrent keep-alive clients.

    Returns wall seconds, per-request latencies and the status counts — the recount happens afterwards
    in the database, not from these statuses.
    """
    shards = [jobs[i::clients] for i in range(clients)]

    def run(shard: list) -> tuple[list[float], dict[int, int], list]:
        c = Client(port, token)
        lat, statuses, errors = [], {}, []
        for method, path, body in shard:
            t = time.perf_counter()
            status, data = c.request(method, path, body)
            lat.append(time.perf_counter() - t)
            statuses[status] = statuses.get(status, 0) + 1
            if status >= 400 and len(errors) < 5:
                errors.append((status, path, data))
        c.close()
        return lat, statuses, errors

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        parts = list(pool.map(run, shards))
    wall = time.perf_counter() - t0
    statuses: dict[int, int] = {}
    for _, s, _ in parts:
        for k, v in s.items():
            statuses[k] = statuses.get(k, 0) + v
    return {"wall": wall, "latencies": [x for lat, _, _ in parts for x in lat], "statuses": statuses,
            "errors": [e for _, _, errs in parts for e in errs][:5]}


def warm(port: int, token: str, path: str, *, clients: int, rounds: int = 4) -> None:
    """Send `path` from `clients` concurrent connections before anything is timed.

    With one connection per worker thread (see `gunicorn`), each thread opens its database connection here
    instead of inside the first timed requests of whichever row meets it first (a PostgreSQL connect is a few
    ms; an HTTP row has three samples).
    """
    r = burst(port, token, [("GET", path, None)] * (clients * rounds), clients=clients)
    bad = {k: v for k, v in r["statuses"].items() if k != 200}
    if bad:
        raise RuntimeError(f"预热请求失败：{bad} {r['errors'][:1]}")
