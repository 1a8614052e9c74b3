from django.core.management.base import BaseCommand, CommandError

from bqw.demo.scenario import build_demo
from bqw.regions.models import Region


class Command(BaseCommand):
    help = "加载江门演示数据（可重复执行）并打印演示账号"

    def handle(self, *args, **opts):
        if not Region.objects.filter(code="440700000000").exists():
            raise CommandError("数据库中没有江门市，请先运行 bqw init")
        logins = build_demo()
        self.stdout.write(self.style.SUCCESS("江门演示数据已就绪。演示账号："))
        for login in logins:
            self.stdout.write(f"  {login.username:<12} 密码 {login.password:<14} {login.role:<8} {login.who}")
