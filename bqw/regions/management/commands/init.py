from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from bqw.accounts.services import command_actor
from bqw.regions.services import divisions_load, shipped_classes_load


class Command(BaseCommand):
    help = "初始化：建表（migrate）并导入全省区划与典型县名单（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--province", default="44")

    def handle(self, *args, province, **opts):
        if connection.vendor == "sqlite":
            Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        self.stdout.write("① 建表 …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("② 导入区划 …")
        actor = command_actor(None)
        added = divisions_load(actor=actor, province=province)
        self.stdout.write(f"   新增 {added} 个单位")
        n = shipped_classes_load(actor=actor)
        self.stdout.write(f"③ 典型县名单：{n} 条")
        self.stdout.write(self.style.SUCCESS("初始化完成"))
