from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.services import command_actor
from bqw.core.errors import ApplicationError, ImportRejected
from bqw.regions.services import region_classes_import


class Command(BaseCommand):
    help = "导入单位分类（CSV/Excel，按代码或全称）：bqw classes import FILE [--scheme S] [--year Y] [--user U]"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入分类名单；任何一行有错则整份不写入")
        imp.add_argument("file")
        imp.add_argument("--scheme", help="分类方案（文件中没有“分类方案”列时必填）")
        imp.add_argument("--year", type=int, help="年度（文件中没有“年度”列时必填）")
        imp.add_argument("--user", help="以该用户身份导入（默认：系统）")

    def handle(self, *args, action, file, scheme, year, user, **opts):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            done = region_classes_import(actor=command_actor(user), data=path.read_bytes(), filename=path.name,
                                         scheme=scheme, year=year)
        except ImportRejected as exc:
            raise CommandError(str(exc)) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(done)} 条分类"))
