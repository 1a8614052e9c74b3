"""The briefing's rankings, cited from published snapshots only (found by briefings through core.hooks)."""

from __future__ import annotations

from datetime import date

from bqw.accounts.models import User
from bqw.accounts.scope import scope_q
from bqw.core.periods import Period
from bqw.regions.models import Region

from .selectors import publications_for_user, result_rows


def _change(n: int | None) -> str:
    if not n:
        return "持平" if n == 0 else "—"
    return f"进{n}位" if n > 0 else f"退{-n}位"


def sections(user: User, region: Region, period: Period, on: date) -> list[dict]:
    """For each scheme of the region, its latest publication up to the briefing's period."""
    latest: dict[int, object] = {}
    for pub in publications_for_user(user).filter(scope_q(region, "scheme__region")).order_by("-period"):
        if Period.parse(pub.period).start <= period.end and pub.scheme_id not in latest:
            latest[pub.scheme_id] = pub
    out = []
    for pub in latest.values():
        rows = sorted(result_rows(pub.result), key=lambda r: (r["class"], r["rank"] or 10**6))
        out.append({
            "title": f"{pub.title}（{Period.parse(pub.period).label}，已发布）",
            "paragraphs": [f"以下排名引自{pub.published_at:%Y年%-m月%-d日}发布的结果，分类别排名。"],
            "table": {"columns": ["类别", "名次", "单位", "得分", "较上期"],
                      "rows": [[r["class"], f"{r['rank']}/{r['of']}" if r["rank"] else "—", r["name"],
                                "—" if r["score"] is None else f"{r['score']:.1f}", _change(r["rank_change"])]
                               for r in rows]},
        })
    return out
