"""The benchmark list and the fixed places they measure: shared by the runner and the platform side."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import harness as hx
from . import workload as w

RESULTS_DIR = Path(__file__).resolve().parent / "results"
MONTH = w.LAST_MONTH  # the cockpit's period: the last month of the workload
CITY, COUNTY, DRILL_INDICATOR = "4407", "440784", "D06"  # 江门市, 鹤山市, a share_where


@dataclass(frozen=True)
class Bench:
    name: str
    label: str
    kind: str = hx.LATENCY
    items: str = ""
    goal: str = ""
    heavy: bool = False  # repeated fewer times (whole-data loads, bursts)


BENCHES = [
    Bench("load", "批量导入全部值（写入值与其索引、外键）", hx.THROUGHPUT, "值", "PostgreSQL ≥ 500,000 值/s（COPY）",
          heavy=True),
    Bench("rebuild", "全部汇总重建（各级单位 × 指标 × 月/季/年）", hx.THROUGHPUT, "值", heavy=True),
    Bench("cockpit_province", "全省驾驶舱：各市 × 53 指标，一个月（进程内）", goal="p50 ≤ 50 ms 且 ≤ 2× 参照"),
    Bench("cockpit_province_http", "全省驾驶舱（HTTP，gunicorn）", goal="p50 ≤ 50 ms"),
    Bench("cockpit_city", "江门驾驶舱：各县区 × 53 指标（进程内）", goal="≤ 2× 参照"),
    Bench("cockpit_city_http", "江门驾驶舱（HTTP，gunicorn）"),
    Bench("drilldown", "下钻：鹤山市各镇、村 × 1 指标 × 36 个月"),
    Bench("freshness", "时效：经 API 改一个村值后读全省汇总", goal="同一请求周期内可见"),
    Bench("burst", "月末集中报送：全部村经 API 提交，8 并发", hx.THROUGHPUT, "次提交",
          "≥ 300 次/s，无丢失、无重复", heavy=True),
    Bench("recount", "报送核数：一个月的村级值与村数"),
    Bench("excel_import", "Excel 导入 10,000 行（含校验）", heavy=True),
    Bench("board", "任务看板：5,000 个任务亮灯"),
    Bench("supervise", "bqw supervise：5,000 个任务督办日检"),
    Bench("assessment_rank", "赛马：全部镇街 × 20 指标，同类排名 + 1,000 次敏感性模拟", goal="全省 1,610 个镇几秒内"),
]
BY_NAME = {b.name: b for b in BENCHES}
