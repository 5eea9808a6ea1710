"""Subject classifier of 12351 appeals (issue 4, "Classification").

The platform suggests the subject of an appeal from its Chinese text and shows the words that
drove the suggestion; the operator confirms or changes it, and confirmed appeals become training
data (``default_model(extra=...)``).

Method (no word segmenter needed, no Django, pure Python + NumPy):

* features: the *set* of character 1-, 2- and 3-grams of the normalised text, never crossing
  punctuation or spaces (binarised multinomial naive Bayes, which suits short texts);
* normalisation is one character to one character (NFKC, lower case, every digit -> ``0``) so
  that an n-gram found in the normalised text maps back to the same span of the original text;
* training counts, per subject, the documents that contain each n-gram; n-grams seen in fewer
  than ``min_df`` training texts are dropped; Laplace smoothing (``alpha`` = 1);
* the suggestion is the subject with the highest log posterior; ``confidence`` is the softmax of
  the log posteriors divided by a temperature (naive Bayes alone is far too sure of itself;
  6.0 minimises the log loss on the held-out split -- it rescales, never reorders, so it does
  not change which subject is suggested);
* ``top_terms`` are the n-grams of the text with the largest log-likelihood ratio of the
  suggested subject against the average of the others, overlapping ones removed.

Empty input: ``Model.predict`` raises ``ValueError`` with a Chinese message when the text has no
letters, digits or Chinese characters (empty, whitespace, only punctuation) -- there is nothing
to suggest from, and the caller (form, command) reports it instead of showing a guess.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SUBJECTS: dict[str, str] = {
    "wage": "劳动报酬/欠薪",
    "contract": "劳动合同",
    "hours_leave": "工作时间与休息休假",
    "social_insurance": "社会保险与福利",
    "injury": "工伤与职业病",
    "safety": "劳动安全卫生",
    "emergency": "正在发生的事故或群体性事件",
    "women_minor": "女职工与未成年工保护",
    "membership": "入会与会籍",
    "mutual_aid": "职工医疗互助",
    "hardship": "困难帮扶",
    "suggestion": "意见建议",
}
"""Starting subjects (code -> label); the editable reference data lives in the appeals app."""

CORPUS_PATH = Path(__file__).resolve().parent / "data" / "corpus.jsonl"
EMPTY_TEXT_MESSAGE = "诉求内容为空，无法判断类别"
NGRAM_SIZES = (1, 2, 3)
DEFAULT_ALPHA = 1.0
DEFAULT_MIN_DF = 2
DEFAULT_TEMPERATURE = 6.0
TOP_TERMS = 5

Example = tuple[str, str]
"""A labelled example: (text, category code)."""


@dataclass(frozen=True)
class Prediction:
    """The suggested subject, how sure the model is (0..1) and the n-grams that drove it."""

    category: str
    confidence: float
    top_terms: tuple[str, ...]
    ranking: tuple[tuple[str, float], ...] = ()


@functools.cache
def _normalise_char(ch: str) -> str:
    """One character to one character: NFKC, lower case, any digit -> '0'.

    Kept per character: appeals use a few thousand distinct characters, and NFKC is the
    slowest step of reading a text."""
    if ch.isdigit():
        return "0"
    folded = unicodedata.normalize("NFKC", ch).lower()
    return folded if len(folded) == 1 else ch


def _is_word_char(ch: str) -> bool:
    """Letters, digits and CJK characters take part in n-grams; punctuation/space split them."""
    return ch.isalnum()


def extract_ngrams(text: str) -> dict[str, int]:
    """Distinct character n-grams of ``text`` -> offset of their first occurrence.

    Rule: n in NGRAM_SIZES, computed on the normalised text, never across punctuation/space.
    """
    norm = "".join(map(_normalise_char, text))
    grams: dict[str, int] = {}
    run_start = None
    for i, ch in enumerate([*norm, " "]):
        if _is_word_char(ch):
            if run_start is None:
                run_start = i
            continue
        if run_start is not None:
            _add_run(norm, run_start, i, grams)
            run_start = None
    return grams


def _add_run(norm: str, start: int, end: int, grams: dict[str, int]) -> None:
    """Add the n-grams of one punctuation-free run ``norm[start:end]``."""
    for n in NGRAM_SIZES:
        for i in range(start, end - n + 1):
            grams.setdefault(norm[i : i + n], i)


def _require_features(text: str) -> dict[str, int]:
    """Rule: a text without any letter, digit or Chinese character cannot be classified."""
    grams = extract_ngrams(text or "")
    if not grams:
        raise ValueError(EMPTY_TEXT_MESSAGE)
    return grams


class Model:
    """Binarised multinomial naive Bayes over character n-grams.

    Stored state is integers only (document counts), so ``from_json(to_json())`` rebuilds the
    exact same floating-point tables and therefore identical predictions.
    """

    def __init__(
        self,
        categories: Sequence[str],
        doc_counts: Sequence[int],
        vocab: Sequence[str],
        counts: np.ndarray,
        *,
        alpha: float = DEFAULT_ALPHA,
        temperature: float = DEFAULT_TEMPERATURE,
    ) -> None:
        self.categories = list(categories)
        self.doc_counts = [int(n) for n in doc_counts]
        self.vocab = list(vocab)
        self.index = {term: i for i, term in enumerate(self.vocab)}
        self.counts = np.asarray(counts, dtype=np.int64).reshape(len(self.categories), -1)
        self.alpha = float(alpha)
        self.temperature = float(temperature)
        self.log_prior, self.log_lik, self.log_ratio = self._tables()

    def _tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Log priors, smoothed log likelihoods and per-class "why" ratios (one-vs-mean)."""
        docs = np.asarray(self.doc_counts, dtype=np.float64)
        log_prior = np.log(docs / docs.sum())
        smoothed = self.counts.astype(np.float64) + self.alpha
        log_lik = np.log(smoothed / smoothed.sum(axis=1, keepdims=True))
        k = len(self.categories)
        others_mean = (log_lik.sum(axis=0, keepdims=True) - log_lik) / max(k - 1, 1)
        return log_prior, log_lik, log_lik - others_mean

    def predict(self, text: str, *, top_k: int = TOP_TERMS) -> Prediction:
        """Suggest the subject of ``text``; raises ValueError (Chinese message) if it is empty."""
        grams = _require_features(text)
        known = [(term, pos) for term, pos in grams.items() if term in self.index]
        cols = np.fromiter((self.index[t] for t, _ in known), dtype=np.int64, count=len(known))
        scores = self.log_prior + self.log_lik[:, cols].sum(axis=1)
        probs = _softmax(scores / self.temperature)
        order = np.argsort(-probs, kind="stable")
        best = int(order[0])
        return Prediction(
            category=self.categories[best],
            confidence=round(float(probs[best]), 4),
            top_terms=self._why(text, known, cols, best, top_k),
            ranking=tuple((self.categories[i], round(float(probs[i]), 4)) for i in order[:3]),
        )

    def _why(
        self,
        text: str,
        known: list[tuple[str, int]],
        cols: np.ndarray,
        best: int,
        top_k: int,
    ) -> tuple[str, ...]:
        """Rule: the spans of ``text`` whose n-grams favour ``best`` most, without overlaps."""
        ratios = self.log_ratio[best, cols]
        lengths = np.fromiter((len(term) for term, _ in known), dtype=np.int64, count=len(known))
        # Highest ratio first, then the longer n-gram, then the earlier one (lexsort: last key
        # is the primary one).
        ranked = np.lexsort((np.arange(len(known)), -lengths, -ratios)).tolist()
        picked: list[str] = []
        for j in ranked:
            if ratios[j] <= 0 or len(picked) >= top_k:
                break
            term, pos = known[j]
            span = text[pos : pos + len(term)]
            if not any(span in p or p in span for p in picked):
                picked.append(span)
        return tuple(picked)

    def to_json(self) -> str:
        """Serialise to JSON (integers and the two hyper-parameters only)."""
        sparse = [{str(j): int(c) for j, c in enumerate(row) if c} for row in self.counts.tolist()]
        payload = {
            "format": "gonghui.appeals.nb/1",
            "ngram_sizes": list(NGRAM_SIZES),
            "alpha": self.alpha,
            "temperature": self.temperature,
            "categories": self.categories,
            "doc_counts": self.doc_counts,
            "vocab": self.vocab,
            "counts": sparse,
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> Model:
        """Rebuild a model written by ``to_json``."""
        payload = json.loads(data)
        if payload.get("format") != "gonghui.appeals.nb/1":
            raise ValueError("不支持的分类模型格式")
        counts = np.zeros((len(payload["categories"]), len(payload["vocab"])), dtype=np.int64)
        for i, row in enumerate(payload["counts"]):
            for j, c in row.items():
                counts[i, int(j)] = c
        return cls(
            payload["categories"],
            payload["doc_counts"],
            payload["vocab"],
            counts,
            alpha=payload["alpha"],
            temperature=payload["temperature"],
        )


def _softmax(x: np.ndarray) -> np.ndarray:
    """Numerically stable softmax."""
    z = np.exp(x - x.max())
    return z / z.sum()


def train(
    examples: Iterable[Example],
    *,
    alpha: float = DEFAULT_ALPHA,
    min_df: int = DEFAULT_MIN_DF,
    temperature: float = DEFAULT_TEMPERATURE,
) -> Model:
    """Train on (text, category) pairs; categories are sorted, so example order does not matter.

    Texts without features (empty) are skipped. Raises ValueError if nothing is left.
    """
    per_class: dict[str, Counter[str]] = {}
    docs: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for text, category in examples:
        grams = extract_ngrams(text or "")
        if not grams:
            continue
        docs[category] += 1
        per_class.setdefault(category, Counter()).update(grams.keys())
        df.update(grams.keys())
    if not docs:
        raise ValueError("没有可用的训练样本")
    categories = sorted(docs)
    vocab = sorted(term for term, n in df.items() if n >= min_df)
    index = {term: j for j, term in enumerate(vocab)}
    counts = np.zeros((len(categories), len(vocab)), dtype=np.int64)
    for i, category in enumerate(categories):
        for term, n in per_class[category].items():
            j = index.get(term)
            if j is not None:
                counts[i, j] = n
    doc_counts = [docs[c] for c in categories]
    return Model(categories, doc_counts, vocab, counts, alpha=alpha, temperature=temperature)


def load_corpus(split: str | None = None, path: Path = CORPUS_PATH) -> list[Example]:
    """The shipped labelled corpus as (text, category) pairs, optionally one split only."""
    rows: list[Example] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            if split is None or row["split"] == split:
                rows.append((row["text"], row["category"]))
    return rows


@functools.lru_cache(maxsize=4)
def _cached_default(extra: tuple[Example, ...]) -> Model:
    """Train once per distinct ``extra`` tuple (the cache makes ``default_model`` lazy)."""
    return train([*load_corpus("train"), *extra])


def default_model(extra: Sequence[Example] | None = None) -> Model:
    """The shipped model: corpus train split plus optional confirmed appeals (text, category).

    Trained lazily on first use and cached per distinct ``extra``; no Django needed.
    """
    return _cached_default(tuple((str(t), str(c)) for t, c in (extra or ())))


def predict(text: str) -> Prediction:
    """Shortcut: ``default_model().predict(text)``."""
    return default_model().predict(text)
