"""The platform side of the benchmarks: the indicators app's public functions, timed in a child process.

Runs inside `bqw bench --child DB` with DATABASE_URL pointing at the dedicated bench database.
Wired once the indicators app (DataValue, Rollup, targets, bulk load, cockpit selector) is merged.
"""

from __future__ import annotations

import importlib.util

from . import harness as hx

UNAVAILABLE = "待接入（指标应用尚未合并）"


def available() -> bool:
    return importlib.util.find_spec("bqw.indicators") is not None


def run_child(db: str, scale: str, names: list[str], repeat: int) -> tuple[list[hx.Result], str]:
    """Load the workload into the bench database and time each named benchmark."""
    raise NotImplementedError(UNAVAILABLE)
