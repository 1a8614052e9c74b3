from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.cli import cli_actor
from bqw.briefings.services import briefing_generate, briefing_request
from bqw.core.errors import ApplicationError
from bqw.regions.cli import cli_unit_and_period


class Command(BaseCommand):
    help = "生成工作通报：bqw brief --region CODE --period P --out FILE.docx [--xlsx FILE.xlsx] [--pdf FILE.pdf]"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码，如 4407、440784 或 12 位")
        parser.add_argument("--period", required=True, help="月份 202406 或季度 2024Q2")
        parser.add_argument("--out", required=True, help="Word 文件路径（.docx）")
        parser.add_argument("--xlsx", help="同时写出 Excel 文件")
        parser.add_argument("--pdf", help="经 LibreOffice（如已安装）转换为 PDF")
        parser.add_argument("--number", type=int, help="期号（默认为该地区本年度下一期）")
        parser.add_argument("--user")

    def handle(self, *args, region, period, out, user=None, **opts):
        actor = cli_actor(user)
        unit, p = cli_unit_and_period(actor, region, period)
        try:
            b = briefing_request(actor=actor, region=unit, period=p.id, number=opts["number"], background=False)
            b = briefing_generate(actor=actor, briefing_id=b.pk)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        Path(out).write_bytes(bytes(b.docx))
        self.stdout.write(f"{b.year}年第{b.number}期：{b.title}")
        self.stdout.write(f"  Word：{out}")
        if opts["xlsx"]:
            Path(opts["xlsx"]).write_bytes(bytes(b.xlsx))
            self.stdout.write(f"  Excel：{opts['xlsx']}")
        if opts["pdf"]:
            from bqw.briefings.pdf import docx_to_pdf

            try:
                docx_to_pdf(Path(out), Path(opts["pdf"]))
            except ApplicationError as exc:
                raise CommandError(exc.message)
            self.stdout.write(f"  PDF：{opts['pdf']}")
