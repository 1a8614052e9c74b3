from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.cli import cli_actor
from bqw.core.errors import ApplicationError, ImportRejected
from bqw.indicators.target_imports import target_import


class Command(BaseCommand):
    help = "目标：bqw targets import FILE [--confirm] [--user U]（不加 --confirm 时只检查）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="cmd", required=True)
        imp = sub.add_parser("import", help="从 Excel/CSV 导入目标（任何一行有错则全部不写入）")
        imp.add_argument("file")
        imp.add_argument("--confirm", action="store_true", help="检查通过后写入")
        imp.add_argument("--user", help="以该用户身份导入（默认：系统）")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            r = target_import(actor=cli_actor(opts.get("user")), data=path.read_bytes(), filename=path.name,
                              confirm=opts["confirm"])
        except ImportRejected as exc:
            raise CommandError(str(exc)) from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if r.created:
            self.stdout.write(self.style.SUCCESS(f"已导入 {r.created} 个目标"))
        else:
            self.stdout.write(f"检查通过 {len(r.rows)} 行，未写入。确认无误后加 --confirm 导入。")
