"""Command-line entry points; the Django commands `bqw extract` and `bqw extract-eval` wrap these."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .evaluate import evaluate, format_table
from .extractor import extract, extract_tasks


def run_eval(gold_path: Path, texts_dir: Path) -> dict:
    """Extract every text the gold file names and score it."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    texts = {}
    predicted = {}
    for seed in sorted({g["seed"] for g in gold}):
        p = texts_dir / seed
        if not p.exists():
            continue
        texts[seed] = p.read_text(encoding="utf-8")
        predicted[seed] = extract(texts[seed])
    return evaluate(gold, predicted, texts)


def main(argv: list[str] | None = None) -> int:
    """`GOLD.json --texts DIR [--json] [--verbose]`: print the score table."""
    ap = argparse.ArgumentParser(prog="bqw extract-eval")
    ap.add_argument("gold", type=Path)
    ap.add_argument("--texts", type=Path, required=True)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="list misses, extras and wrong deadline/kind")
    args = ap.parse_args(argv)
    result = run_eval(args.gold, args.texts)
    if args.json:
        out = {k: result[k] for k in ("seeds", "total")}
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print(format_table(result))
    if args.verbose:
        for g in result["misses"]:
            print("MISS ", g["seed"][:3], g["kind"], g["comparator"], g["value"], g["unit"], g["quote"])
        for p in result["extras"]:
            print("EXTRA", p["seed"][:3], p["kind"], p["comparator"], p["value"], p["unit"], p["quote"])
        for w in result["wrong"]:
            g, p = w["gold"], w["pred"]
            print(
                "WRONG",
                g["seed"][:3],
                f"kind {g['kind']}/{p['kind']} deadline {g['deadline']}/{p['deadline']}",
                g["value"],
                g["unit"],
                g["quote"],
            )
    return 0


def extract_main(argv: list[str] | None = None) -> int:
    """`FILE [--year Y] [--subject NAME] [--json]`: print the targets, achieved facts and task drafts of one text."""
    ap = argparse.ArgumentParser(prog="bqw extract")
    ap.add_argument("file", type=Path)
    ap.add_argument("--year", type=int)
    ap.add_argument("--subject")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    items = extract(text, year=args.year, subject=args.subject)
    tasks = extract_tasks(text, year=args.year)
    if args.json:
        out = {
            "targets": [i.as_dict() for i in items if i.kind == "target"],
            "achieved": [i.as_dict() for i in items if i.kind == "achieved"],
            "tasks": [t.as_dict() for t in tasks],
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        for i in items:
            print(
                f"{i.kind:8} {i.comparator:6} {i.value!s:>14} {i.unit or '':4} {i.deadline!s:10} "
                f"{i.subject or '':8} {i.indicator} | {i.quote}"
            )
        for t in tasks:
            print(f"task     {t.deadline_text or '':12} {'、'.join(t.lead_units):12} {t.content}")
    return 0


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "extract":
        sys.exit(extract_main(sys.argv[2:]))
    if cmd == "eval":
        sys.exit(main(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
