"""Amounts as offices write them (亿元/万元), via the one formatter indicators.status.fmt."""

from __future__ import annotations

from django import template

from bqw.indicators.status import fmt

register = template.Library()


@register.filter
def yuan(value) -> str:
    return fmt(value, "元") if value not in (None, "") else "—"
