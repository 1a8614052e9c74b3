"""A pairing's delivery light: delivered against what the time elapsed expects, with a Chinese reason."""

from __future__ import annotations

from datetime import date

import pytest

from bqw.pairing.lights import commitment_light, pairing_light
from bqw.pairing.services import commitment_create, delivery_report


@pytest.fixture
def commitment(town, enterprise, pair, persona):
    p = pair(town.children.order_by("code").first(), enterprise)
    return commitment_create(actor=persona("jm_admin"), pairing=p, kind="funds", amount=1_000_000,
                             start_on=date(2026, 1, 1), due_on=date(2026, 12, 31))


def _deliver(c, persona, period, amount):
    delivery_report(actor=persona("jm_admin"), commitment=c, period=period, amount=amount)


@pytest.mark.parametrize("amount,on,light,label", [
    (0, date(2025, 12, 1), "grey", "未开始"),
    (450_000, date(2026, 7, 2), "green", "正常推进"),
    (300_000, date(2026, 7, 2), "yellow", "滞后"),
    (100_000, date(2026, 7, 2), "red", "严重滞后"),
    (950_000, date(2026, 12, 15), "blue", "临近期限"),
    (900_000, date(2027, 1, 5), "red", "逾期未完成"),
    (1_000_000, date(2026, 9, 30), "green", "已完成"),
])
def test_commitment_light(commitment, persona, amount, on, light, label):
    if amount:
        _deliver(commitment, persona, "202603", amount)
    s = commitment_light(commitment, on)
    assert (s.light, s.label) == (light, label), s.reason
    assert "承诺帮扶资金 100万元" in s.reason


def test_reason_says_how_far_behind(commitment, persona):
    _deliver(commitment, persona, "2026Q1", 300_000)
    s = commitment_light(commitment, date(2026, 7, 2))
    assert "按时间进度应到位 50%" in s.reason and "30万元" in s.reason and "落后 20 个百分点" in s.reason


def test_a_delivery_of_a_later_period_does_not_count_yet(commitment, persona):
    _deliver(commitment, persona, "202610", 1_000_000)
    assert commitment_light(commitment, date(2026, 7, 2)).label == "严重滞后"


def test_pairing_takes_its_worst_commitment(commitment, persona):
    pairing = commitment.pairing
    commitment_create(actor=persona("jm_admin"), pairing=pairing, kind="people", amount=2,
                      start_on=date(2026, 1, 1), due_on=date(2026, 3, 31))
    _deliver(commitment, persona, "202603", 500_000)
    s = pairing_light(pairing, date(2026, 7, 2))
    assert s.light == "red" and s.label == "逾期未完成" and "2 项承诺中" in s.reason


def test_pairing_without_commitments_is_grey(town, enterprise, pair):
    p = pair(town.children.order_by("code").first(), enterprise)
    assert pairing_light(p).light == "grey"


def test_delivery_checks_period_amount_and_evidence(commitment, persona):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bqw.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="月份"):
        _deliver(commitment, persona, "2026", 1)
    with pytest.raises(ApplicationError, match="不是数字"):
        _deliver(commitment, persona, "202603", "很多")
    with pytest.raises(ApplicationError, match="超出"):
        _deliver(commitment, persona, "202603", "1e30")
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ApplicationError, match="不符"):
        delivery_report(actor=persona("jm_admin"), commitment=commitment, period="202603", amount=1, files=[fake])
    assert not commitment.deliveries.exists()
