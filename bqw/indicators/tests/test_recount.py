"""The month-end recount (报送核数): values and units of one period at one level, within a unit, exact."""

from __future__ import annotations

import pytest

from bqw.core.errors import NotFoundError
from bqw.indicators.selectors import values_recount
from bqw.indicators.services import datavalues_bulk_load


def test_recount_counts_one_periods_values_and_units_within_a_unit(tree, catalog, persona):
    rows = [(tree[u].code, ind, period, v) for u, ind, period, v in (
        ("A", "t_inc", "202403", 5), ("A", "t_avg", "202403", 1), ("B", "t_inc", "202403", 7),
        ("B", "t_avg", "202403", 2), ("D", "t_inc", "202403", 9), ("C", "t_inc", "202404", 3))]
    assert datavalues_bulk_load(rows, actor=persona("gd_admin")) == 6
    viewer = persona("jm_viewer")
    assert values_recount(viewer, tree["江门"], "202403", level=5) == (5, 3)
    assert values_recount(viewer, tree["沙坪"], "202403", level=5) == (4, 2)
    assert values_recount(viewer, tree["龙口"], "202403", level=5) == (1, 1)
    assert values_recount(viewer, tree["鹤山"], "202404", level=5) == (1, 1)
    assert values_recount(viewer, tree["鹤山"], "202405", level=5) == (0, 0)
    assert values_recount(viewer, tree["鹤山"], "202403", level=4) == (0, 0)  # towns have no value that month
    with pytest.raises(NotFoundError):  # 新会's reporter may not count 鹤山
        values_recount(persona("xh_reporter"), tree["鹤山"], "202403", level=5)
