"""RegionResolver: what offices write in a unit column, read once per unit however many rows name it."""

from __future__ import annotations

import pytest

from bqw.regions.selectors import RegionResolver


def test_a_unit_named_on_many_rows_is_read_once(region, django_assert_num_queries):
    resolver = RegionResolver()
    a = region("440784001")  # 鹤山市沙坪街道
    with django_assert_num_queries(1):
        same = [resolver.resolve(a.code), resolver.resolve(a.full_name), resolver.resolve(f"{a.code}.0")]
    assert [r.pk for r in same] == [a.pk] * 3


def test_the_scope_is_checked_on_every_row(region, persona):
    resolver = RegionResolver(user=persona("hs_reporter"))
    assert resolver.resolve("440784001").pk == region("440784001").pk
    with pytest.raises(ValueError, match="不在您的管辖范围内"):
        resolver.resolve("441900003001")  # 东莞: outside 鹤山's view scope
    with pytest.raises(ValueError, match="不在您的管辖范围内"):
        resolver.resolve("441900003001")  # asked again: still refused
