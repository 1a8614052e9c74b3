"""Scores on the seed articles and on held-out texts written for this purpose."""

import json
import os
from pathlib import Path

import pytest

from bqw.extraction.cli import main, run_eval
from bqw.extraction.evaluate import evaluate, format_table
from bqw.extraction.extractor import Item

REPO = Path(__file__).resolve().parents[3]
# the shared seeds sit beside the checkout (main) or beside the folder of worktrees; BQW_SHARED overrides
_SHARED_PLACES = [Path(os.environ.get("BQW_SHARED", REPO / "shared")), REPO.parent / "shared"]
_SHARED_PLACES.append(REPO.parent.parent / "shared")
SHARED = next((d for d in _SHARED_PLACES if (d / "seeds_targets_gold.json").exists()), REPO.parent / "shared")
TEXTS = Path(__file__).resolve().parent / "texts"
HELDOUT = Path(__file__).resolve().parent / "heldout"
HELDOUT2 = Path(__file__).resolve().parent / "heldout2"


def _item(value, unit="个", comparator="=", start=0, end=5, **kw) -> Item:
    base = {"kind": "target", "subject": None, "indicator": "x", "deadline": None, "quote": "x"}
    base.update(kw)
    return Item(comparator=comparator, value=value, unit=unit, start=start, end=end, **base)


def test_matching_is_one_to_one_and_scores() -> None:
    gold = [
        {
            "seed": "a",
            "quote": "q1",
            "kind": "target",
            "comparator": "=",
            "value": 10,
            "unit": "个",
            "deadline": 2025,
        },
        {
            "seed": "a",
            "quote": "q2",
            "kind": "target",
            "comparator": "=",
            "value": 10,
            "unit": "个",
            "deadline": None,
        },
    ]
    pred = {"a": [_item(10, deadline=2025, quote="q1"), _item(10.0000001, quote="zz"), _item(5)]}
    res = evaluate(gold, pred)
    t = res["total"]
    assert (t["matched"], t["precision"], t["recall"]) == (2, round(2 / 3, 4), 1.0)
    assert t["deadline_acc"] == 1.0
    assert "精确率" in format_table(res)


@pytest.mark.skipif(not (SHARED / "seeds_targets_gold.json").exists(), reason="shared seeds not beside the repo")
def test_seed_articles_meet_targets() -> None:
    t = run_eval(SHARED / "seeds_targets_gold.json", SHARED / "seeds")["total"]
    assert t["precision"] >= 0.95
    assert t["recall"] >= 0.90
    assert t["deadline_acc"] >= 0.85
    assert t["kind_acc"] >= 0.90
    assert t["indicator_acc"] >= 0.74  # 0.653 before issue 20's naming rules, 0.751 after


BLIND = Path(__file__).parent / "blind"


def test_blind_set_does_not_regress() -> None:
    """Nine texts written by someone who had not read the rules (issue 20). Scored once before any
    tuning: P 0.931 R 0.902 deadline 0.626 kind 0.988 indicator 0.784. After general fixes (never
    patched item by item): P 0.972 R 0.958 deadline 0.824 kind 0.989 indicator 0.853; guarded with a
    small tolerance so a change that loses ground on unseen wording fails here."""
    t = run_eval(BLIND / "gold.json", BLIND / "texts")["total"]
    assert t["gold"] >= 285
    assert t["precision"] >= 0.96
    assert t["recall"] >= 0.945
    assert t["deadline_acc"] >= 0.81
    assert t["kind_acc"] >= 0.975
    assert t["indicator_acc"] >= 0.84


def test_held_out_texts_meet_targets() -> None:
    t = run_eval(TEXTS / "gold.json", TEXTS)["total"]
    assert t["gold"] >= 50
    assert t["precision"] >= 0.90
    assert t["recall"] >= 0.85


def test_blind_held_out_texts_meet_targets() -> None:
    """Six texts and their gold written before the extractor was read (scores then: P 0.948 R 0.919,
    deadline 0.663, kind 0.824); the rules have since been tuned on them, so new texts are the next check."""
    t = run_eval(HELDOUT / "gold.json", HELDOUT)["total"]
    assert t["gold"] >= 250
    assert t["precision"] >= 0.90
    assert t["recall"] >= 0.85
    assert t["deadline_acc"] >= 0.85
    assert t["kind_acc"] >= 0.90


def test_second_heldout_set_meets_issue_thresholds() -> None:
    """Five texts written blind (before the extractor was read); blind score P 0.950 R 0.908 deadline 0.837
    kind 0.939. Small general fixes followed; this guards the thresholds of issue 6."""
    t = run_eval(HELDOUT2 / "gold.json", HELDOUT2)["total"]
    assert t["gold"] >= 250
    assert t["precision"] >= 0.90
    assert t["recall"] >= 0.85
    assert t["deadline_acc"] >= 0.85
    assert t["kind_acc"] >= 0.90


def test_cli_prints_table_and_json(capsys) -> None:
    assert main([str(TEXTS / "gold.json"), "--texts", str(TEXTS)]) == 0
    assert "| ALL |" in capsys.readouterr().out
    assert main([str(TEXTS / "gold.json"), "--texts", str(TEXTS), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["gold"] >= 50


def test_extract_cli_prints_items_as_json(capsys, tmp_path) -> None:
    from bqw.extraction.cli import extract_main

    f = tmp_path / "doc.txt"
    f.write_text("今年将新建学校3所。去年已建成学校2所。由县教育局牵头，年底前完成校舍改造。", encoding="utf-8")
    assert extract_main([str(f), "--year", "2024", "--subject", "阳山县", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    items = out["targets"]
    assert items[0]["value"] == 3 and items[0]["subject"] == "阳山县" and items[0]["deadline"] == 2024
    assert {"quote", "start", "end"} <= items[0].keys()
    assert [a["value"] for a in out["achieved"]] == [2]
    assert any("校舍改造" in t["content"] and t["lead_units"] == ["县教育局"] for t in out["tasks"])


BLIND2 = Path(__file__).parent / "blind2"


def test_third_blind_set_meets_issue_thresholds() -> None:
    """Four texts written before the rules were read (issue 20, second round). Untuned: P 0.948 R 0.875
    deadline 0.279 kind 0.966 indicator 0.846; after general fixes see blind2/BLIND_SCORE.md."""
    t = run_eval(BLIND2 / "gold.json", BLIND2 / "texts")["total"]
    assert t["gold"] >= 150
    assert t["precision"] >= 0.95
    assert t["recall"] >= 0.94
    assert t["deadline_acc"] >= 0.95
    assert t["kind_acc"] >= 0.95
    assert t["indicator_acc"] >= 0.83


BLIND3 = Path(__file__).parent / "blind3"


def test_fourth_blind_set_does_not_regress() -> None:
    """Six texts written by someone who never read the rules (issue 20, third round). Untuned: P 0.946
    R 0.893 deadline 0.617 kind 0.953 indicator 0.786; after general fixes P 0.972 R 0.968 deadline 1.000
    kind 1.000 indicator 0.781 (see blind3/BLIND_SCORE.md), guarded with a small tolerance."""
    t = run_eval(BLIND3 / "gold.json", BLIND3 / "texts")["total"]
    assert t["gold"] >= 216
    assert t["precision"] >= 0.96
    assert t["recall"] >= 0.955
    assert t["deadline_acc"] >= 0.975
    assert t["kind_acc"] >= 0.975
    assert t["indicator_acc"] >= 0.76
