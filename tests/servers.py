"""One way to run the platform under a real gunicorn for tests (the browser tests and the API contract)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bqw_command(env: dict, *args: str) -> str:
    """Run `bqw ARGS` against the server's database; returns its standard output."""
    return subprocess.run([sys.executable, "-m", "bqw.cli", *args], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


def gunicorn_server(tmp_path_factory, name: str, commands: list[list[str]],
                    gunicorn_args: tuple[str, ...] = ()) -> Iterator[tuple[str, dict]]:
    """A gunicorn server on its own SQLite file, prepared by the given `bqw` commands; yields (URL, env)."""
    db = tmp_path_factory.mktemp(name) / f"{name}.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "bqw.settings"}
    for cmd in commands:
        bqw_command(env, *cmd)
    port = free_port()
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen([gunicorn, "bqw.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                             *gunicorn_args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):  # a loaded machine may need half a minute to start the workers
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.terminate()
        pytest.fail("gunicorn did not start")
    yield url, env
    proc.terminate()  # a loaded machine may take a while to stop the workers: wait, then kill (never a teardown error)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)
