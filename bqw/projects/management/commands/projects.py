import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.services import command_actor
from bqw.core.errors import ApplicationError, ImportRejected
from bqw.projects.imports import assignment_import, investment_import, milestone_import, project_import
from bqw.projects.selectors import project_rows, projects_for_user, summarize
from bqw.regions.models import Region


class Command(BaseCommand):
    help = ("项目库：bqw projects import FILE --region CODE [--kind investment|milestones|assignments] [--dry-run]；"
            "bqw projects list --region CODE [--json] [--major]")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="cmd", required=True)
        imp = sub.add_parser("import", help="导入项目清单（全部校验通过才写入）")
        imp.add_argument("file")
        imp.add_argument("--region", required=True, help="导入到的区划代码，如 440784")
        imp.add_argument("--kind", choices=["projects", "investment", "milestones", "assignments"], default="projects",
                         help="文件内容：项目清单（默认）、月度完成投资、项目节点、领导挂钩联系")
        imp.add_argument("--dry-run", action="store_true", help="只校验不写入")
        imp.add_argument("--user", help="以该用户身份导入（默认：系统）")
        ls = sub.add_parser("list", help="项目数、计划与完成投资，按阶段、按灯色")
        ls.add_argument("--region", required=True, help="区划代码，如 440784")
        ls.add_argument("--major", action="store_true", help="只统计亿元以上项目")
        ls.add_argument("--date", help="按该日期计算灯色（YYYY-MM-DD），默认今天")
        ls.add_argument("--json", action="store_true")
        ls.add_argument("--user", help="以该用户身份查询（默认：系统）")

    def handle(self, *args, **opts):
        return getattr(self, f"_{opts['cmd']}")(opts)

    def _region(self, code: str) -> Region:
        region = Region.objects.filter(code=str(code).ljust(12, "0")).first()
        if region is None:
            raise CommandError(f"未找到区划：{code}")
        return region

    def _import(self, opts):
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        region = self._region(opts["region"])
        try:
            user = command_actor(opts["user"])
            other = {"investment": (investment_import, "条月度完成投资"),
                     "milestones": (milestone_import, "个项目节点"),
                     "assignments": (assignment_import, "条挂钩联系")}.get(opts["kind"])
            if other is not None:
                n = other[0](actor=user, region=region, data=path.read_bytes(), filename=path.name)
                self.stdout.write(f"已导入 {n} {other[1]}")
                return
            r = project_import(actor=user, region=region, data=path.read_bytes(), filename=path.name,
                               confirm=not opts["dry_run"])
        except ImportRejected as exc:
            raise CommandError("\n".join([exc.message, *(f"第{e.row}行 {e.column}：{e.message}"
                                                          for e in exc.errors)]))
        except ApplicationError as exc:
            raise CommandError(exc.message)
        d = r.as_dict()
        verb = "已导入" if r.applied else "校验通过（未写入）"
        self.stdout.write(f"{verb} {d['rows']} 个项目，计划总投资 {d['planned_yi']} 亿元")

    def _list(self, opts):
        region = self._region(opts["region"])
        try:
            on = date.fromisoformat(opts["date"]) if opts["date"] else None
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{opts['date']}")
        try:
            user = command_actor(opts["user"])
            rows = project_rows(projects_for_user(user, region=region, major=opts["major"]), on=on)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        s = {"region": region.code, "name": region.name, **summarize(rows)}
        if opts["json"]:
            self.stdout.write(json.dumps(s, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{region.name}：项目 {s['count']} 个（亿元以上 {s['count_major']} 个），"
                          f"计划总投资 {s['planned_yi']} 亿元，累计完成投资 {s['completed_yi']} 亿元")
        self.stdout.write("按阶段：" + "，".join(f"{v['label']} {v['count']}" for v in s["stages"].values()))
        self.stdout.write("按灯色：" + "，".join(f"{v['label']} {v['count']}" for v in s["lights"].values()))
