import json

from django.core.management.base import BaseCommand, CommandError

from bqw.accounts.services import command_actor
from bqw.assessment.access import get_scheme_by_name
from bqw.assessment.models import Publication
from bqw.assessment.selectors import parse_period, publication_result, result_rows, scheme_result
from bqw.core.errors import ApplicationError


class Command(BaseCommand):
    help = "考核排名：bqw rank --scheme 方案名称 --period 2026Q3 [--json] [--runs N] [--published]"

    def add_arguments(self, parser):
        parser.add_argument("--scheme", required=True, help="考核方案名称")
        parser.add_argument("--period", help="考核期，如 2026Q3（默认：方案的默认考核期或上一季度）")
        parser.add_argument("--runs", type=int, help="敏感性模拟次数（默认按方案设置）")
        parser.add_argument("--published", action="store_true", help="读取已发布的结果（冻结快照）")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--user", help="以该用户身份查看（默认：系统）")

    def handle(self, *args, **opts):
        try:
            user = command_actor(opts["user"])
            scheme = get_scheme_by_name(user, opts["scheme"])
            if opts["published"]:
                p = parse_period(scheme, opts["period"])
                pub = Publication.objects.filter(scheme=scheme, period=p.id).first()
                if pub is None:
                    raise CommandError(f"{scheme.name}{p.label}尚未发布")
                result = publication_result(user, pub)
            else:
                result = scheme_result(user, scheme, opts["period"], runs=opts["runs"])
        except ApplicationError as exc:
            raise CommandError(exc.message)
        table = result_rows(result)
        if opts["json"]:
            self.stdout.write(json.dumps({"scheme": result["scheme"]["name"], "period": result["period"],
                                          "period_label": result["period_label"], "runs": result["runs"],
                                          "published": result.get("published", False), "units": table},
                                         ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{result['scheme']['name']} · {result['period_label']}（敏感性模拟 {result['runs']} 次）")
        current = None
        for row in table:
            if row["class"] != current:
                current = row["class"]
                self.stdout.write(f"\n【{current}】")
                self.stdout.write(f"{'名次':>4}  {'单位':<10} {'得分':>7}  {'进退位':>5}  位次区间(5%–95%)")
            ch = row["rank_change"]
            move = "—" if ch is None else (f"↑{ch}" if ch > 0 else (f"↓{-ch}" if ch < 0 else "→"))
            interval = f"{row['interval'][0]}–{row['interval'][1]}" if row["interval"] else "—"
            score = "—" if row["score"] is None else f"{row['score']:.2f}"
            flag = "" if row["separated"] in (None, True) else "  与相邻单位未明显拉开"
            self.stdout.write(f"{row['rank'] or '—':>4}  {row['name']:<10} {score:>7}  {move:>5}  {interval}{flag}")
