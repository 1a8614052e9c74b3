from pathlib import Path

from django.core.management.base import BaseCommand

from bqw.core.backup import backup


class Command(BaseCommand):
    help = "备份整个数据库到文件（gzip 压缩的 JSON 行，可在 SQLite 与 PostgreSQL 之间恢复）：bqw backup FILE"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **opts):
        counts = backup(Path(file))
        self.stdout.write(f"已备份 {sum(counts.values())} 行（{len(counts)} 张表）到 {file}")
