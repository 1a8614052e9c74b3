"""The bulk load: into an empty table it drops and re-creates the keys (PostgreSQL) — they must come back
exactly, and a bad input must leave nothing behind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from bqw.core.errors import ApplicationError, ConflictError
from bqw.indicators.models import DataValue, Rollup
from bqw.indicators.services import datavalues_bulk_load


def keys() -> dict:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, DataValue._meta.db_table)
    return {name: (c["columns"], c["unique"], c["primary_key"], c["foreign_key"], c["index"])
            for name, c in found.items()}


def rows(tree, *units_values):
    return [(tree[u].code, "t_inc", "202403", v) for u, v in units_values]


def test_load_into_an_empty_table_keeps_every_key(tree, catalog, persona):
    assert not DataValue.objects.exists()
    before = keys()
    assert datavalues_bulk_load(rows(tree, ("A", 5), ("B", 7), ("D", 200)), actor=persona("gd_admin")) == 3
    assert keys() == before
    assert Rollup.objects.get(region=tree["鹤山"], indicator=catalog["t_inc"], period="202403").value == 212
    # the re-created unique key is enforced: loading a value again without upsert is a conflict
    with pytest.raises(ConflictError):
        datavalues_bulk_load(rows(tree, ("A", 6)), actor=persona("gd_admin"))
    assert DataValue.objects.get(region=tree["A"], period="202403").value == 5


def test_duplicate_rows_in_a_load_reject_the_whole_load(tree, catalog, persona):
    before = keys()
    with pytest.raises(ConflictError, match="重复"):
        datavalues_bulk_load(rows(tree, ("A", 5), ("B", 7), ("A", 9)), actor=persona("gd_admin"))
    assert not DataValue.objects.exists()
    assert not Rollup.objects.filter(indicator=catalog["t_inc"]).exists()
    assert keys() == before


def test_an_unknown_unit_rejects_the_whole_load(tree, catalog, persona):
    bad = [*rows(tree, ("A", 5)), ("449999999999", "t_inc", "202403", 1)]
    with pytest.raises(ApplicationError, match="449999999999"):
        datavalues_bulk_load(bad, actor=persona("gd_admin"))
    assert not DataValue.objects.exists()


def test_only_admins_bulk_load(tree, catalog, persona):
    from bqw.core.errors import ForbiddenError

    with pytest.raises(ForbiddenError):
        datavalues_bulk_load(rows(tree, ("A", 5)), actor=persona("hs_reporter"))
    assert not DataValue.objects.exists()


def test_columns_load_the_same_values_as_rows(tree, catalog, persona):
    import numpy as np

    from bqw.indicators.services import ValueColumn, datavalues_bulk_load_columns

    cols = [ValueColumn("t_inc", "202403", [tree["A"].code, tree["B"].code], np.array([5.0, 7.25])),
            ValueColumn("t_inc", "202404", [tree["D"].code], [Decimal("200")])]
    assert datavalues_bulk_load_columns(cols, actor=persona("gd_admin")) == 3
    got = dict(DataValue.objects.filter(period="202403").values_list("region__code", "value"))
    assert got == {tree["A"].code: Decimal("5"), tree["B"].code: Decimal("7.25")}
    rollup = {r.period: r.value for r in Rollup.objects.filter(region=tree["鹤山"], indicator=catalog["t_inc"],
                                                                period__in=["202403", "202404"])}
    assert rollup == {"202403": Decimal("12.25"), "202404": 200}


def test_a_column_with_an_unknown_unit_or_a_missing_value_loads_nothing(tree, catalog, persona):
    from bqw.indicators.services import ValueColumn, datavalues_bulk_load_columns

    good = ValueColumn("t_inc", "202403", [tree["A"].code], [5])
    with pytest.raises(ApplicationError, match="449999999999"):
        datavalues_bulk_load_columns([good, ValueColumn("t_inc", "202404", ["449999999999"], [1])],
                                     actor=persona("gd_admin"))
    with pytest.raises(ApplicationError, match="不一致"):
        datavalues_bulk_load_columns([good, ValueColumn("t_inc", "202404", [tree["B"].code], [1, 2])],
                                     actor=persona("gd_admin"))
    assert not DataValue.objects.exists()
