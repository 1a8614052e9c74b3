from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.cli import cli_actor
from bqw.accounts.models import ApiToken, User
from bqw.accounts.tokens import token_create, token_revoke
from bqw.core.errors import ApplicationError


class Command(BaseCommand):
    help = "API 令牌：bqw tokens create --user U --name NAME [--expires YYYY-MM-DD]；bqw tokens list/revoke"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="cmd", required=True)
        c = sub.add_parser("create", help="为用户创建令牌（令牌只打印这一次）")
        c.add_argument("--user", required=True, help="令牌所属用户名")
        c.add_argument("--name", required=True, help="用途，如 网格平台")
        c.add_argument("--expires", help="到期日期 YYYY-MM-DD（默认不过期）")
        c.add_argument("--as", dest="actor", help="以该管理员身份操作（默认：系统）")
        ls = sub.add_parser("list", help="列出用户的令牌")
        ls.add_argument("--user", required=True)
        r = sub.add_parser("revoke", help="撤销令牌")
        r.add_argument("--user", required=True)
        r.add_argument("--name", help="按用途撤销（默认：该用户全部令牌）")
        r.add_argument("--as", dest="actor")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"用户 {opts['user']} 不存在")
        try:
            return getattr(self, f"_{opts['cmd']}")(user, opts)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, user, opts):
        token, key = token_create(actor=cli_actor(opts.get("actor")), user=user, name=opts["name"],
                                  expires=opts.get("expires"))
        self.stderr.write(f"已为 {user.username} 创建令牌“{token.name}”"
                          f"{'，到期 ' + token.expires.strftime('%Y-%m-%d') if token.expires else ''}；"
                          "令牌只显示这一次：")
        self.stdout.write(key)

    def _list(self, user, opts):
        for t in ApiToken.objects.filter(user=user).order_by("created"):
            used = t.last_used.strftime("%Y-%m-%d %H:%M") if t.last_used else "从未使用"
            self.stdout.write(f"{t.pk}\t{t.name}\t{t.prefix}…\t{t.state_label}\t最近使用 {used}")

    def _revoke(self, user, opts):
        actor = cli_actor(opts.get("actor"))
        qs = ApiToken.objects.filter(user=user, revoked__isnull=True)
        if opts.get("name"):
            qs = qs.filter(name=opts["name"])
        n = 0
        for t in qs:
            token_revoke(actor=actor, token=t)
            n += 1
        self.stdout.write(f"已撤销 {n} 个令牌")
