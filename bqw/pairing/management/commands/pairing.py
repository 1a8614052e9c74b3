import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bqw.accounts.cli import cli_actor
from bqw.core.errors import ApplicationError, ImportRejected
from bqw.indicators.status import fmt
from bqw.pairing.imports import export_workbook, pairing_import
from bqw.pairing.selectors import coverage_summary, pairings_for_user, rows_with_lights
from bqw.regions.access import get_region_for_user


class Command(BaseCommand):
    help = ("结对帮扶：bqw pairing import FILE [--region CODE] [--dry-run]；"
            "bqw pairing coverage --region CODE [--year Y] [--json]；bqw pairing export FILE [--region CODE]")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="cmd", required=True)
        imp = sub.add_parser("import", help="导入结对帮扶台账（xlsx/csv/json，全部成功或全部不写入）")
        imp.add_argument("file")
        imp.add_argument("--region", help="导入单位（区划代码），默认：操作人的管理范围")
        imp.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        imp.add_argument("--user", help="以该用户身份导入（默认：系统）")
        cov = sub.add_parser("coverage", help="结对覆盖与到位情况（村企结对率、县域结对、共建项目）")
        cov.add_argument("--region", required=True, help="区划代码，如 4407")
        cov.add_argument("--year", type=int, help="年度，默认今年")
        cov.add_argument("--json", action="store_true")
        cov.add_argument("--user", help="以该用户身份查看（默认：系统）")
        exp = sub.add_parser("export", help="导出结对帮扶台账（xlsx，可再导入）")
        exp.add_argument("file")
        exp.add_argument("--region", help="区划代码，默认全部")
        exp.add_argument("--user", help="以该用户身份导出（默认：系统）")

    def handle(self, *args, **opts):
        return getattr(self, f"_{opts['cmd']}")(opts)

    def _region(self, user, code: str | None):
        if not code:
            if user.view_scope is None and not user.is_superuser:
                raise CommandError("请用 --region 指定区划")
            from bqw.regions.models import Region
            return user.view_scope or Region.objects.filter(level=1).order_by("code").first()
        try:
            return get_region_for_user(user, code)
        except ApplicationError as exc:
            raise CommandError(f"区划代码 {code}：{exc.message}") from exc

    def _import(self, opts):
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        user = cli_actor(opts["user"])
        region = self._region(user, opts["region"])
        try:
            r = pairing_import(actor=user, region=region, data=path.read_bytes(), filename=path.name,
                               dry_run=opts["dry_run"])
        except ImportRejected as exc:
            raise CommandError(str(exc))
        except ApplicationError as exc:
            raise CommandError(exc.message)
        labels = r.preview.labels
        self.stdout.write("表头对应：" + "；".join(f"{labels[k]} ← {h}" for k, h in r.preview.mapping.items()))
        if r.preview.unmapped:
            self.stdout.write("未使用的列：" + "、".join(r.preview.unmapped))
        if not r.applied:
            self.stdout.write(f"校验通过 {r.rows} 行，未写入（去掉 --dry-run 导入）。")
            return
        if r.new_orgs:
            self.stdout.write("新建帮扶单位：" + "、".join(r.new_orgs))
        self.stdout.write(self.style.SUCCESS(f"已导入 {r.created} 个结对、{r.commitments} 项承诺到“{region.name}”"))

    def _coverage(self, opts):
        user = cli_actor(opts["user"])
        region = self._region(user, opts["region"])
        s = coverage_summary(user, region, opts["year"] or timezone.localdate().year)
        if opts["json"]:
            self.stdout.write(json.dumps(s, ensure_ascii=False, indent=1, default=str))
            return
        v = s["village_enterprise_pairing"]
        p = s["co_built_projects"]
        self.stdout.write(f"{s['region']['name']} {s['year']}年 结对帮扶")
        self.stdout.write(f"  行政村与企业年度结对率：{v['rate_text']}（{v['villages_paired']}/{v['villages']} 个村）")
        self.stdout.write(f"  组团帮扶覆盖镇街：{s['group_towns']} 个；帮扶资金到位：{fmt(s['funds_delivered'], '元')}")
        self.stdout.write(f"  共建项目：{p['total']} 个，已开工 {p['started']} 个，已完工 {p['completed']} 个")
        for label, c in p["by_type"].items():
            self.stdout.write(f"    {label}：{c['total']} 个（开工 {c['started']}，完工 {c['completed']}）")
        if s["county_pairs"]:
            self.stdout.write("  县域结对：")
            for c in s["county_pairs"]:
                self.stdout.write(f"    {'、'.join(c['helpers'])} → {c['helped']}（{c['start_on']}起）")
        self.stdout.write("  结对数（按类型）：" + "；".join(f"{k} {n}" for k, n in s["pairings_by_type"].items()))

    def _export(self, opts):
        user = cli_actor(opts["user"])
        region = self._region(user, opts["region"]) if opts["region"] else None
        rows = rows_with_lights(pairings_for_user(user, region=region))
        Path(opts["file"]).write_bytes(export_workbook(rows, title="结对帮扶台账"))
        self.stdout.write(self.style.SUCCESS(f"已导出 {len(rows)} 个结对到 {opts['file']}"))
