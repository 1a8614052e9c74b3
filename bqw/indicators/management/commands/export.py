from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.core.errors import ApplicationError
from bqw.core.periods import Period, PeriodError
from bqw.indicators.exchange import values_export
from bqw.regions.models import Region

from ._actor import cli_actor


class Command(BaseCommand):
    help = "导出：bqw export values --region CODE --period P --out FILE（.xlsx/.csv/.json=DHIS2 dataValueSets）"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["values"])
        parser.add_argument("--region", required=True)
        parser.add_argument("--period", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--user")

    def handle(self, *args, what, region, period, out, user=None, **opts):
        unit = Region.objects.filter(code=region.ljust(12, "0")).first()
        if unit is None:
            raise CommandError(f"未找到区划代码 {region}")
        try:
            p = Period.parse(period)
        except PeriodError as exc:
            raise CommandError(str(exc))
        fmt = Path(out).suffix.lower().lstrip(".") or "xlsx"
        if fmt not in ("xlsx", "csv", "json"):
            raise CommandError("输出文件须为 .xlsx、.csv 或 .json")
        try:
            data = values_export(cli_actor(user), unit, p, fmt)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        Path(out).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"已导出到 {out}"))
