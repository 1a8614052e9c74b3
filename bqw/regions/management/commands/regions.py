import json

from django.core.management.base import BaseCommand, CommandError

from bqw.regions.models import Region
from bqw.regions.selectors import region_stats


class Command(BaseCommand):
    help = "区划查询：bqw regions stats CODE [--json]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        s = sub.add_parser("stats", help="统计某单位下各层级的行政区划数量")
        s.add_argument("code")
        s.add_argument("--json", action="store_true")

    def handle(self, *args, action, code, **opts):
        region = Region.objects.filter(code=code.ljust(12, "0") if code.isdigit() else code).first()
        if region is None:
            raise CommandError(f"未找到区划代码 {code}（是否已运行 bqw init？）")
        stats = region_stats(region)
        vt = stats["village_types"]
        summary = (f"{region.full_name or region.name}（{region.code}）："
                   + "，".join(f"{Region.Level(lv).label} {n}" for lv, n in
                              zip(range(region.level, 6), stats["levels"].values(), strict=True))
                   + f"（其中 村 {vt['村']}，社区 {vt['社区']}）")
        if opts["json"]:
            self.stdout.write(json.dumps(stats["levels"], ensure_ascii=False))
            self.stderr.write(summary)
        else:
            self.stdout.write(summary)
