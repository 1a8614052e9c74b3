import json

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.cli import cli_actor
from bqw.core.errors import ApplicationError
from bqw.indicators.status import region_statuses
from bqw.regions.cli import cli_unit_and_period


class Command(BaseCommand):
    help = "目标进度：bqw status --region CODE --period P [--json]"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--period", required=True)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--units", action="store_true", help="JSON 中列出多单位目标的各单位状态")
        parser.add_argument("--user")

    def handle(self, *args, region, period, user=None, **opts):
        actor = cli_actor(user)
        unit, p = cli_unit_and_period(actor, region, period)
        try:
            statuses = region_statuses(actor, unit, p)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        if opts["json"]:
            items = [s.as_dict() for s in statuses]
            if not opts["units"]:
                for item in items:
                    item["units"] = len(item["units"]) or 1
            self.stdout.write(json.dumps({"region": unit.code, "name": unit.full_name or unit.name, "period": p.id,
                                          "targets": items}, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{unit.full_name or unit.name}（{unit.code}）{p.label} 目标进度：{len(statuses)} 项")
        for s in statuses:
            self.stdout.write(f"  [{s.status.label}] {s.target}（{s.target.get_stage_display()}，期限 "
                              f"{s.target.deadline}）：{s.reason}")
