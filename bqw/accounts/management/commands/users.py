from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.cli import cli_actor
from bqw.accounts.models import Role
from bqw.accounts.users import new_password, user_create
from bqw.core.errors import ApplicationError
from bqw.orgs.models import Organization
from bqw.orgs.services import organization_ensure
from bqw.regions.access import get_region_for_user


class Command(BaseCommand):
    help = ("用户：bqw users create --username U --org NAME --role ROLE --view CODE [--capture CODE] "
            "[--password P]（区划代码如 44、4407、440784 或12位）")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="cmd", required=True)
        c = sub.add_parser("create", help="创建用户")
        c.add_argument("--username", required=True)
        c.add_argument("--org", required=True, help="所属机构名称（查看范围所在地区没有该机构时新建为指挥部/机关）")
        c.add_argument("--role", required=True, choices=Role.values, help="admin 管理员 / reviewer 审核员 / "
                       "reporter 填报员 / viewer 查看者")
        c.add_argument("--view", required=True, help="查看范围区划代码")
        c.add_argument("--capture", help="填报范围区划代码（默认同查看范围；查看者不填）")
        c.add_argument("--name", default="", help="姓名或职务")
        c.add_argument("--email", default="")
        c.add_argument("--password", help="初始密码（默认自动生成并打印）")
        c.add_argument("--as", dest="actor", help="以该管理员身份操作（默认：系统）")

    def handle(self, *args, **opts):
        actor = cli_actor(opts.get("actor"))
        try:
            view = get_region_for_user(actor, opts["view"])
            capture = None
            if opts["role"] != Role.VIEWER:
                capture = get_region_for_user(actor, opts["capture"]) if opts.get("capture") else view
            org = (Organization.objects.filter(name=opts["org"], region__code__startswith=view.prefix)
                   .order_by("region__level").first())
            if org is None:
                kind = Organization.Kind.HEADQUARTERS if "指挥部" in opts["org"] else Organization.Kind.AGENCY
                org = organization_ensure(actor=actor, name=opts["org"], region=view, kind=kind)
                self.stdout.write(f"新建机构：{view.name} · {org.name}")
            password = opts.get("password") or new_password()
            user = user_create(actor=actor, username=opts["username"], password=password, organization=org,
                               role=opts["role"], view_scope=view, capture_scope=capture,
                               display_name=opts["name"], email=opts["email"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(
            f"已创建用户 {user.username}（{user.get_role_display()}，{org.name}，查看 {view.full_name or view.name}"
            f"{'，填报 ' + (capture.full_name or capture.name) if capture else ''}）"))
        if not opts.get("password"):
            self.stdout.write(f"初始密码：{password}")
