"""The 江门 demo's indicators, targets and simulated values (villages of 鹤山 only, to stay fast)."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(db, monkeypatch):
    from bqw.indicators import demo as indicators_demo

    monkeypatch.setattr(indicators_demo, "ONLY_COUNTIES", ("440784",))
    return indicators_demo.step({})
