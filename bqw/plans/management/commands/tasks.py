import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.cli import cli_actor
from bqw.core.errors import ApplicationError, ImportRejected
from bqw.core.imports import read_file
from bqw.plans.imports import task_import
from bqw.plans.lights import LIGHT_ORDER
from bqw.plans.models import Plan
from bqw.plans.selectors import light_counts_by_lead, tasks_for_user


class Command(BaseCommand):
    help = "任务清单：bqw tasks import FILE --plan NAME [--confirm]；bqw tasks lights [--json]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="cmd", required=True)
        imp = sub.add_parser("import", help="导入任务清单（不加 --confirm 时只预览）")
        imp.add_argument("file")
        imp.add_argument("--plan", required=True, help="计划名称")
        imp.add_argument("--confirm", action="store_true", help="确认单位匹配/新建并写入")
        imp.add_argument("--user", help="以该用户身份导入（默认：系统）")
        imp.add_argument("--unit", action="append", default=[], metavar="名称=处理",
                         help="逐个确认近似匹配或新建的单位：名称=create（新建）、名称=skip（跳过）"
                              "或 名称=机构ID（匹配到该机构）")
        lights = sub.add_parser("lights", help="各牵头单位各灯色任务数")
        lights.add_argument("--plan", help="只统计该计划")
        lights.add_argument("--date", help="按该日期计算（YYYY-MM-DD），默认今天")
        lights.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        return getattr(self, f"_{opts['cmd']}")(opts)

    def _plan(self, name: str) -> Plan:
        plan = Plan.objects.filter(name=name).first()
        if plan is None:
            raise CommandError(f"未找到计划：{name}")
        return plan

    def _import(self, opts):
        path = Path(opts["file"])
        plan = self._plan(opts["plan"])
        user = cli_actor(opts["user"])
        try:
            decisions = {}
            for item in opts["unit"]:
                name, sep, choice = item.partition("=")
                if not sep:
                    raise CommandError(f"--unit 应写成 名称=create|skip|机构ID：{item}")
                decisions[name.strip()] = choice.strip() if choice.strip() in ("create", "skip") else \
                    f"org:{choice.strip()}"
            r = task_import(actor=user, plan=plan, data=read_file(path), filename=path.name,
                            confirm=opts["confirm"], decisions=decisions)
        except ImportRejected as exc:
            raise CommandError(str(exc))
        except ApplicationError as exc:
            raise CommandError(exc.message)
        labels = r.preview.labels
        self.stdout.write("表头对应：" + "；".join(f"{labels[k]} ← {h}" for k, h in r.preview.mapping.items()))
        if r.preview.unmapped:
            self.stdout.write("未使用的列：" + "、".join(r.preview.unmapped))
        for u in r.units:
            target = f" → {u.organization.name}" if u.organization else ""
            self.stdout.write(f"  {u.name}：{u.action_label}{target}")
        if r.new_actions:
            self.stdout.write("新建行动：" + "、".join(r.new_actions))
        if r.applied:
            self.stdout.write(self.style.SUCCESS(f"已导入 {r.created} 项任务到“{plan.name}”"))
        else:
            self.stdout.write(f"预览 {len(r.preview.rows)} 行，未写入。确认无误后加 --confirm 导入。")

    def _lights(self, opts):
        try:
            on = date.fromisoformat(opts["date"]) if opts["date"] else None
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{opts['date']}")
        plan = self._plan(opts["plan"]) if opts["plan"] else None
        rows = tasks_for_user(cli_actor(None), plan=plan, on=on)
        counts = light_counts_by_lead(rows)
        if opts["json"]:
            self.stdout.write(json.dumps(counts, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{'牵头单位':<24}  " + " ".join(lt.label for lt in LIGHT_ORDER))
        for name, c in counts.items():
            cells = " ".join(f"{c[lt.value]:>4}" for lt in LIGHT_ORDER)
            self.stdout.write(f"{name:<24}  {cells}")
