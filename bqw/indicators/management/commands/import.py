from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.cli import cli_actor
from bqw.core.errors import ApplicationError, ImportRejected
from bqw.core.imports import error_workbook, read_file, read_table
from bqw.indicators.values_exchange import values_import


class Command(BaseCommand):
    help = "导入：bqw import values FILE [--user NAME]（Excel/CSV/DHIS2 JSON，全部通过才写入）"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["values"])
        parser.add_argument("file")
        parser.add_argument("--user", help="以该用户身份导入（默认：系统，全部范围）")
        parser.add_argument("--errors", help="出错时把标注错误的工作簿写到此文件")

    def handle(self, *args, what, file, user=None, errors=None, **opts):
        path = Path(file)
        data = None
        try:
            data = read_file(path)
            done = values_import(actor=cli_actor(user), data=data, filename=path.name)
        except ImportRejected as exc:
            self.stderr.write(str(exc))
            if errors and data is not None:
                try:
                    Path(errors).write_bytes(error_workbook(read_table(data, path.name), exc.errors))
                    self.stderr.write(f"错误标注工作簿：{errors}")
                except (ImportRejected, OSError):  # the file itself is unreadable: the errors above say why
                    pass
            raise CommandError(exc.message)
        except ApplicationError as exc:
            raise CommandError(exc.message)
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(done)} 条数据"))
