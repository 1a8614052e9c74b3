"""`bqw bench`: the province-scale benchmark suite (bench/), printing its Markdown table."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "运行 PSW 性能基准（DuckDB 参照 + 平台在 SQLite/PostgreSQL 上），输出表格与 bench/results/ 下的 JSON"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["city", "province"], default="city",
                            help="city = 江门（快速，CI 用）；province = 全省（约 2,000 万个值）")
        parser.add_argument("--db", choices=["sqlite", "postgres", "both", "none"], default="both",
                            help="平台侧使用的数据库（none = 只跑 DuckDB 参照）")
        parser.add_argument("--only", action="append", metavar="NAME", help="只运行指定基准（可重复）")
        parser.add_argument("--repeat", type=int, default=10, help="每项重复次数（默认 10）")
        parser.add_argument("--out", type=Path, help="结果目录（默认 bench/results/）")
        parser.add_argument("--child", choices=["sqlite", "postgres"], help="内部使用：在专用基准库中运行平台侧")
        parser.add_argument("--child-out", type=Path, help="内部使用")

    def handle(self, *args, scale, db, only, repeat, out, child, child_out, **options):
        try:
            from bench import catalog, runner
        except ImportError as e:
            raise CommandError(f"缺少基准依赖：{e}（pip install -e '.[bench]'）")
        if child:
            from bench import platform

            results, version = platform.run_child(child, scale, only or [b.name for b in catalog.BENCHES], repeat)
            child_out.write_text(json.dumps({"version": version, "results": [r.as_dict() for r in results]},
                                            ensure_ascii=False), encoding="utf-8")
            return
        dbs = {"both": ("sqlite", "postgres"), "none": ()}.get(db, (db,))
        try:
            report = runner.run(scale=scale, dbs=dbs, only=only, repeat=repeat, out_dir=out or catalog.RESULTS_DIR,
                                log=lambda s: self.stderr.write(s))
        except ValueError as e:
            raise CommandError(str(e))
        from bench.harness import markdown

        self.stdout.write(markdown(report))
