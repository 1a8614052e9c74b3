from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bqw.core.backup import restore
from bqw.core.errors import ApplicationError


class Command(BaseCommand):
    help = "用备份文件替换数据库的全部内容（一个事务：文件有误则不做任何改动）：bqw restore FILE"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **opts):
        if not Path(file).is_file():
            raise CommandError(f"找不到备份文件：{file}")
        try:
            counts = restore(Path(file))
        except ApplicationError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"已恢复 {sum(counts.values())} 行（{len(counts)} 张表）")
