from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bqw.accounts.cli import cli_actor
from bqw.core.errors import ApplicationError
from bqw.orgs.models import Organization
from bqw.plans.admin_services import plan_create
from bqw.plans.models import Plan
from bqw.regions.access import get_region_for_user


def _date(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = "计划：bqw plans create --name NAME --region CODE [--start DATE --end DATE]；bqw plans list"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="cmd", required=True)
        c = sub.add_parser("create", help="新建工作计划")
        c.add_argument("--name", required=True)
        c.add_argument("--region", required=True, help="区划代码，如 4407、440784 或12位")
        c.add_argument("--start", help="起始日期 YYYY-MM-DD（默认今年1月1日）")
        c.add_argument("--end", help="截止日期 YYYY-MM-DD（默认今年12月31日）")
        c.add_argument("--issuer", help="印发机构名称（须已存在于该地区）")
        c.add_argument("--doc-number", default="", help="文号")
        c.add_argument("--user", help="以该用户身份操作（默认：系统）")
        sub.add_parser("list", help="列出计划")

    def handle(self, *args, **opts):
        if opts["cmd"] == "list":
            for p in Plan.objects.select_related("region").order_by("region__code", "name"):
                state = "已归档" if p.archived else "进行中"
                self.stdout.write(f"{p.name}\t{p.region.name}\t{p.start_on}—{p.end_on}\t{state}")
            return
        actor = cli_actor(opts.get("user"))
        year = timezone.localdate().year
        try:
            region = get_region_for_user(actor, opts["region"])
            issuer = None
            if opts.get("issuer"):
                issuer = Organization.objects.filter(name=opts["issuer"], region=region).first()
                if issuer is None:
                    raise CommandError(f"{region.name}没有机构：{opts['issuer']}")
            plan = plan_create(actor=actor, name=opts["name"], region=region,
                               start_on=_date(opts.get("start"), date(year, 1, 1)),
                               end_on=_date(opts.get("end"), date(year, 12, 31)), issuer=issuer,
                               doc_number=opts.get("doc_number") or "")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(
            f"已创建计划“{plan.name}”（{region.full_name or region.name}，{plan.start_on} 至 {plan.end_on}）"))
