import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "以生产级进程（gunicorn，多 worker）启动平台"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("BQW_WORKERS", "3")))
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程（bqw worker）")

    def handle(self, *args, host, port, workers, **opts):
        gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
        if not Path(gunicorn).exists():
            raise CommandError("未找到 gunicorn，请先安装依赖（make install）")
        call_command("check", deploy=False)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not opts.get("no_worker"):
            # background jobs (briefings) run in `bqw worker`, started beside the web server
            subprocess.Popen([sys.executable, "-m", "bqw.cli", "worker"], start_new_session=False)
            self.stdout.write("后台任务进程已启动（bqw worker）")
        self.stdout.write(f"平台地址：http://{host}:{port}/  （API 文档：http://{host}:{port}/api/docs）", )
        self.stdout.flush()
        os.execv(gunicorn, [gunicorn, "bqw.wsgi:application", "--bind", f"{host}:{port}",
                            "--workers", str(workers), "--threads", "2", "--timeout", "120", "--preload",
                            "--access-logfile", "-"])
