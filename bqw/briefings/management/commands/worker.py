from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "后台任务进程（通报生成等）：bqw worker [--batch]"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="处理完队列中的任务后退出")

    def handle(self, *args, batch=False, **opts):
        call_command("db_worker", batch=batch, reload=False, queue_name="*", interval=1,
                     verbosity=opts.get("verbosity", 1))
