import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from bqw.accounts.cli import cli_actor
from bqw.plans.supervision import run_passes, supervise_run


class Command(BaseCommand):
    help = "每日督办：到期提醒 → 督办单 → 列入通报（同一天重复运行不会重复发送）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期运行（YYYY-MM-DD），默认今天")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **opts):
        try:
            on = date.fromisoformat(opts["date"]) if opts["date"] else None
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{opts['date']}")
        actor = cli_actor(None)
        try:  # a concurrent run holds the supervision lock: this one waits for it (SQLite: up to its busy timeout)
            r = supervise_run(actor=actor, on=on)
            others = run_passes(actor=actor, on=r.on)
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            raise CommandError("另一个督办日检正在运行，等待超时，本次未执行；请稍后再运行 bqw supervise") from None
        from bqw.plans.delivery import deliveries_retry_due

        deliveries_retry_due()  # robot messages whose retry time has come (also scheduled in the worker)
        if opts["json"]:
            self.stdout.write(json.dumps({**r.as_dict(), "passes": others}, ensure_ascii=False))
            return
        self.stdout.write(f"{r.on} 督办日检：到期提醒 {r.reminders} 条，督办单 {r.notices} 份，"
                          f"列入通报 {r.briefings} 项；站内通知 {r.notifications} 条，邮件 {r.emails} 封，"
                          f"群机器人消息 {r.robots} 条")
        for n in r.numbers:
            self.stdout.write(f"  {n}")
        for o in others:
            self.stdout.write(o.get("text", ""))
