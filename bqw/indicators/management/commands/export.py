from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.cli import cli_actor
from bqw.core.errors import ApplicationError
from bqw.indicators.values_exchange import values_export
from bqw.regions.cli import cli_unit_and_period


class Command(BaseCommand):
    help = "导出：bqw export values --region CODE --period P --out FILE（.xlsx/.csv/.json=DHIS2 dataValueSets）"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["values"])
        parser.add_argument("--region", required=True)
        parser.add_argument("--period", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--user")

    def handle(self, *args, what, region, period, out, user=None, **opts):
        actor = cli_actor(user)
        unit, p = cli_unit_and_period(actor, region, period)
        fmt = Path(out).suffix.lower().lstrip(".") or "xlsx"
        if fmt not in ("xlsx", "csv", "json"):
            raise CommandError("输出文件须为 .xlsx、.csv 或 .json")
        try:
            data = values_export(actor, unit, p, fmt)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        Path(out).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"已导出到 {out}"))
