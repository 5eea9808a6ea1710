"""Benchmark of the appeal subject classifier (issue 4) on the held-out split.

    .venv/bin/python bench/bench_classify.py [--markdown]

Prints per-subject precision / recall / F1 (recall = the share of that subject's held-out appeals
classified correctly, i.e. the per-subject accuracy), overall accuracy, training time and the time
to classify one text, next to two peers run on the same split: a majority-class classifier and a
keyword baseline (hand-picked keywords per subject, most hits wins, ties -> first listed subject).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gonghui.appeals.classify import SUBJECTS, load_corpus, train

KEYWORDS: dict[str, list[str]] = {
    "emergency": ["现在", "正在", "刚刚", "刚才", "被困", "着火", "塌方", "堵", "聚集", "快来"],
    "wage": ["工资", "工钱", "欠薪", "拖欠", "讨薪", "扣钱", "结账", "提成"],
    "contract": ["合同", "辞退", "解除", "补偿", "开除", "试用期", "劳动关系", "续签"],
    "hours_leave": ["加班", "休息", "年假", "休假", "请假", "小时", "调休", "倒班"],
    "social_insurance": ["社保", "养老", "医保", "公积金", "失业", "保险", "福利"],
    "injury": ["工伤", "职业病", "受伤", "骨折", "伤残", "尘肺", "摔", "砸"],
    "safety": ["安全", "隐患", "防护", "消防", "粉尘", "口罩", "危险", "整改"],
    "women_minor": ["怀孕", "孕", "产假", "哺乳", "女职工", "童工", "未成年", "十五岁"],
    "membership": ["入会", "会员", "会籍", "会费", "成立工会", "组建"],
    "mutual_aid": ["互助", "互助金", "住院", "报销"],
    "hardship": ["困难", "帮扶", "救助", "助学", "送温暖", "低保"],
    "suggestion": ["建议", "意见", "表扬", "驿站", "希望工会多"],
}


def keyword_baseline(text: str) -> str:
    """Most keyword hits wins; ties go to the subject listed first in KEYWORDS."""
    hits = {subject: sum(text.count(w) for w in words) for subject, words in KEYWORDS.items()}
    return max(KEYWORDS, key=lambda s: hits[s])


def per_subject(pairs: list[tuple[str, str]]) -> dict[str, tuple[float, float, float]]:
    """(precision, recall, F1) per subject from (truth, prediction) pairs."""
    out = {}
    for s in SUBJECTS:
        tp = sum(1 for t, p in pairs if t == s and p == s)
        predicted = sum(1 for _, p in pairs if p == s)
        actual = sum(1 for t, _ in pairs if t == s)
        prec = tp / predicted if predicted else 0.0
        rec = tp / actual if actual else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[s] = (prec, rec, f1)
    return out


def accuracy(pairs: list[tuple[str, str]]) -> float:
    return sum(t == p for t, p in pairs) / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()

    train_set, test_set = load_corpus("train"), load_corpus("test")
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        model = train(train_set)
        times.append(time.perf_counter() - t0)
    train_s = statistics.median(times)

    texts = [t for t, _ in test_set]
    t0 = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        predictions = [model.predict(t) for t in texts]
    per_text_us = (time.perf_counter() - t0) / (rounds * len(texts)) * 1e6

    pairs = [(truth, p.category) for (_, truth), p in zip(test_set, predictions, strict=True)]
    majority = Counter(c for _, c in train_set).most_common(1)[0][0]
    acc = accuracy(pairs)
    acc_major = accuracy([(truth, majority) for _, truth in test_set])
    acc_kw = accuracy([(truth, keyword_baseline(text)) for text, truth in test_set])
    kw_pairs = [(truth, keyword_baseline(text)) for text, truth in test_set]
    kw_rec = per_subject(kw_pairs)
    stats = per_subject(pairs)

    print(
        f"corpus: {len(train_set)} train / {len(test_set)} held-out texts, "
        f"{len(model.vocab)} n-gram features"
    )
    print(f"train time: {train_s * 1000:.0f} ms (median of 5)")
    print(f"predict: {per_text_us:.0f} µs per text (mean over {rounds} x {len(texts)})")
    sep = "|" if args.markdown else " "
    head = ["subject", "label", "n", "precision", "recall (= accuracy)", "F1", "keyword recall"]
    if args.markdown:
        print("\n| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    else:
        print()
        print(" ".join(f"{h:>12}" for h in head))
    for s, label in SUBJECTS.items():
        n = sum(1 for _, t in test_set if t == s)
        prec, rec, f1 = stats[s]
        cells = [s, label, str(n), f"{prec:.3f}", f"{rec:.3f}", f"{f1:.3f}", f"{kw_rec[s][1]:.3f}"]
        if args.markdown:
            print("| " + " | ".join(cells) + " |")
        else:
            print(sep.join(f"{c:>12}" for c in cells))
    print()
    print(
        f"overall accuracy: classifier {acc:.3f} | keyword baseline {acc_kw:.3f} "
        f"| majority class ({majority}) {acc_major:.3f}"
    )
    print(
        f"ratio classifier / keyword baseline: {acc / acc_kw:.2f}x; "
        f"classifier / majority: {acc / acc_major:.1f}x"
    )


if __name__ == "__main__":
    main()
