"""The one comparator vocabulary: the Python test and the SQL test agree, ≈ has its tolerance."""

from __future__ import annotations

import pytest
from django.db import connection

from bqw.core.comparators import Comparator, holds, sql_holds, symbol


def test_the_stored_strings_are_those_the_models_always_stored():
    assert Comparator.values == [">=", ">", "=", "<=", "<", "approx"]
    assert [symbol(c) for c in Comparator.values] == ["≥", ">", "=", "≤", "<", "≈"]
    assert symbol("") == ""


@pytest.mark.parametrize(("a", "b", "comparator", "expected"), [
    (80, 80, ">=", True), (79.9, 80, ">=", False), (80, 80, ">", False), (80.1, 80, ">", True),
    (5, 5, "<=", True), (5.1, 5, "<=", False), (5, 5, "<", False), (80, 80, "=", True), (80.2, 80, "=", False),
    (104, 100, "approx", True), (96, 100, "approx", True), (106, 100, "approx", False), (0.01, 0, "approx", True),
])
def test_holds(a, b, comparator, expected):
    assert holds(a, b, comparator) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("comparator", Comparator.values)
def test_sql_gives_the_same_answer_as_python(comparator):
    pairs = [(80, 80), (79.9, 80), (80.1, 80), (104, 100), (106, 100), (96, 100), (0, 0), (0.5, 0)]
    with connection.cursor() as cur:
        for a, b in pairs:
            cur.execute(f"SELECT CASE WHEN {sql_holds('t.a', 't.c', 't.b')} THEN 1 ELSE 0 END FROM (SELECT "
                        f"CAST(%s AS DOUBLE PRECISION) AS a, CAST(%s AS VARCHAR(6)) AS c, "
                        f"CAST(%s AS DOUBLE PRECISION) AS b) t", [a, comparator, b])
            assert bool(cur.fetchone()[0]) is holds(a, b, comparator), (a, comparator, b)
