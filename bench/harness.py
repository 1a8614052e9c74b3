"""Timing, machine facts and the Markdown/JSON report of a `bqw bench` run."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

LATENCY, THROUGHPUT = "ms", "/s"
TARGETS = ("sqlite", "postgres", "duckdb")
TARGET_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL", "duckdb": "DuckDB 参照"}


def measure(fn: Callable[[], object], repeat: int, *, warmup: int = 1) -> list[float]:
    """Seconds per call over `repeat` calls after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: a p95 of 10 samples is the largest but one… or the max)."""
    s = sorted(samples)
    k = max(0, min(len(s) - 1, int(-(-q * len(s) // 1)) - 1))
    return s[k]


@dataclass
class Result:
    """One benchmark on one target. Latency results hold seconds; throughput results hold items/s."""

    bench: str
    target: str  # sqlite | postgres | duckdb
    kind: str = LATENCY  # LATENCY or THROUGHPUT
    samples: list[float] = field(default_factory=list)
    items: str = ""  # what a throughput counts, e.g. "值" or "次提交"
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def p50(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        return percentile(self.samples, 0.95) if self.samples else None

    def as_dict(self) -> dict:
        return {**asdict(self), "p50": self.p50, "p95": self.p95, "n": len(self.samples)}


RESULT_FIELDS = ("bench", "target", "kind", "samples", "items", "note", "extra")


def latency(bench: str, target: str, fn: Callable[[], object], repeat: int, **kw) -> Result:
    return Result(bench, target, LATENCY, measure(fn, repeat), **kw)


def throughput(bench: str, target: str, fn: Callable[[], int], repeat: int, items: str, **kw) -> Result:
    """fn returns how many items it processed; samples are items per second."""
    rates = []
    for _ in range(repeat):
        t = time.perf_counter()
        n = fn()
        rates.append(n / (time.perf_counter() - t))
    return Result(bench, target, THROUGHPUT, rates, items=items, **kw)


# — machine, commit, date ——————————————————————————————————————————————————————————————————

def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gb": mem_gb, "os": platform.platform(),
            "python": platform.python_version()}


def git_commit(cwd: Path | None = None) -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False).stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results")  # results aside
    return commit + ("+dirty" if dirty else "")


def load_average() -> list[float] | None:
    """The machine's 1/5/15-minute load averages: what else was running while a benchmark ran (above the
    number of cores, the timings share the machine)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# — report ——————————————————————————————————————————————————————————————————————————————

def _fmt(v: float | None, kind: str) -> str:
    if v is None:
        return "—"
    if kind == LATENCY:
        ms = v * 1000
        return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"
    return f"{v:,.0f}"


def ratio(platform_result: Result | None, reference: Result | None) -> float | None:
    """Platform cost ÷ reference cost (> 1: slower than the reference)."""
    if not platform_result or not reference or not platform_result.p50 or not reference.p50:
        return None
    if platform_result.kind == LATENCY:
        return platform_result.p50 / reference.p50
    return reference.p50 / platform_result.p50


def _cell(bench: dict, target: str) -> str:
    r = next((r for r in bench["results"] if r["target"] == target), None)
    if not r:
        return "—"
    if not r["samples"]:
        return r["note"] or "—"
    text = f"{_fmt(r['p50'], bench['kind'])} / {_fmt(r['p95'], bench['kind'])}"
    return text + (f"（{r['note']}）" if r["note"] else "")


def _runs(report: dict) -> str:
    runs = report.get("runs") or [(report["commit"], report["date"])]
    if len(runs) == 1:
        return runs[0][0]
    return f"合并 {len(runs)} 次运行（" + "，".join(f"{c} @ {d[:16]}" for c, d in runs) + "；各项所属见 JSON）"


def markdown(report: dict) -> str:
    """The report as a Markdown table (one row per benchmark) with the run's facts above it."""
    m = report["machine"]
    lines = [
        f"### PSW {report['scale']} — {report['date']}",
        "",
        f"机器：{m['cpu']}，{m['cores']} 核，内存 {m['mem_gb']} GB；提交 {_runs(report)}；"
        f"数据库：{'，'.join(f'{k} {v}' for k, v in report['databases'].items())}；"
        f"数据量：{report['workload']['values']:,} 个值（村 {report['workload']['villages']:,}，"
        f"镇 {report['workload']['towns']:,}，县 {report['workload']['counties']:,}）",
        "",
        "| 基准 | 单位 | SQLite p50 / p95 | PostgreSQL p50 / p95 | DuckDB 参照 p50 / p95 "
        "| 比值 SQLite | 比值 PG | 目标 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for b in report["benches"]:
        unit = "ms" if b["kind"] == LATENCY else f"{b['items']}/s"
        cells = " | ".join(_cell(b, t) for t in TARGETS)
        ratios = " | ".join("—" if b["ratios"].get(t) is None else f"{b['ratios'][t]:.2f}×" for t in TARGETS[:2])
        lines.append(f"| {b['label']} | {unit} | {cells} | {ratios} | {b['goal'] or '—'} |")
    lines += ["", "比值 = 平台耗时 ÷ 参照耗时（吞吐量取倒数），大于 1 即慢于 DuckDB 参照。"
              f"每项重复 {report['repeat']} 次（批量导入等重负载项次数更少，见 JSON 的 n）。"]
    notes = [f"- {n}" for n in report.get("notes", [])]
    loads = _loads(report)
    return "\n".join(lines + ([""] + notes if notes else []) + ([""] + loads if loads else [])) + "\n"


def _loads(report: dict) -> list[str]:
    """One line per benchmark: the machine's 1-minute load average at the start and end of each result (what
    ran beside it; more than the cores means the timings shared the machine), and reloads after a killed run."""
    out = []
    for b in report["benches"]:
        cells = []
        for r in b["results"]:
            la = (r.get("extra") or {}).get("load_avg") or {}
            if la.get("start") and la.get("end"):
                cells.append(f"{TARGET_LABELS[r['target']]} {la['start'][0]:.1f}→{la['end'][0]:.1f}"
                             + ("（先重新导入）" if r["extra"].get("reloaded") else ""))
        if cells:
            out.append(f"- 负载 {b['name']}：{'，'.join(cells)}")
    return (["机器负载（1 分钟平均，开始→结束）："] + out) if out else []


def read(out_dir: Path, scale: str) -> dict | None:
    """The last report of a scale, if any (to merge a partial run into)."""
    js = out_dir / f"{scale}.json"
    try:
        return json.loads(js.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(report: dict, out_dir: Path) -> tuple[Path, Path]:
    """bench/results/<scale>.md and .json — overwritten by each run of that scale."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js = out_dir / f"{report['scale']}.md", out_dir / f"{report['scale']}.json"
    md.write_text(markdown(report), encoding="utf-8")
    js.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return md, js
