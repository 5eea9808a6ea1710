"""Tests of the appeal subject classifier (issue 4, "Classification"). No database needed."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from gonghui.appeals import classify
from gonghui.appeals.classify import EMPTY_TEXT_MESSAGE, SUBJECTS, Model, default_model, train


@pytest.fixture(scope="module")
def model() -> Model:
    return default_model()


@pytest.fixture(scope="module")
def test_split() -> list[tuple[str, str]]:
    return classify.load_corpus("test")


def test_corpus_covers_every_subject_with_a_held_out_split() -> None:
    rows = [json.loads(line) for line in classify.CORPUS_PATH.read_text("utf-8").splitlines()]
    per_subject = Counter(r["category"] for r in rows)
    assert set(per_subject) == set(SUBJECTS)
    assert min(per_subject.values()) >= 120
    for subject, total in per_subject.items():
        held_out = sum(1 for r in rows if r["category"] == subject and r["split"] == "test")
        assert 0.15 <= held_out / total <= 0.25
    train_texts = {r["text"] for r in rows if r["split"] == "train"}
    assert not any(r["text"] in train_texts for r in rows if r["split"] == "test")


def test_held_out_accuracy_overall_and_per_subject(
    model: Model, test_split: list[tuple[str, str]]
) -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text, subject in test_split:
        total[subject] += 1
        right[subject] += model.predict(text).category == subject
    assert sum(right.values()) / sum(total.values()) >= 0.85
    for subject in SUBJECTS:
        assert right[subject] / total[subject] >= 0.7, subject


def test_training_is_deterministic_and_order_independent() -> None:
    examples = classify.load_corpus("train")
    shuffled = examples[:]
    random.Random(7).shuffle(shuffled)
    assert train(examples).to_json() == train(shuffled).to_json()


def test_predictions_are_deterministic(model: Model, test_split: list[tuple[str, str]]) -> None:
    again = train(classify.load_corpus("train"))
    for text, _ in test_split[::7]:
        assert model.predict(text) == model.predict(text) == again.predict(text)


def test_top_terms_are_spans_of_the_text(model: Model, test_split: list[tuple[str, str]]) -> None:
    for text, _ in test_split:
        prediction = model.predict(text)
        assert prediction.top_terms
        assert all(term in text for term in prediction.top_terms)


def test_top_terms_map_back_through_normalisation(model: Model) -> None:
    text = "老板拖欠我们３个月ＡＢ工资，一共８６００元"
    prediction = model.predict(text)
    assert prediction.category == "wage"
    assert all(term in text for term in prediction.top_terms)


@pytest.mark.parametrize(
    "text",
    [
        "现在工地上塌方了，有两个工人被埋在土里，救护车还没到，快来人！",
        "现在有三十多个农民工堵在公司大门口讨薪，拉着横幅，快打起来了",
        "厂房着火了，浓烟很大，还有人被困在里面没出来",
        "刚才矿井透水，下面还有五个人没上来",
        "一个工友站在楼顶上说不给工资就跳下去，下面围了好多人",
    ],
)
def test_emergencies_are_recognised(model: Model, text: str) -> None:
    assert model.predict(text).category == "emergency"


def test_confidence_and_ranking(model: Model) -> None:
    prediction = model.predict("我参加了职工医疗互助，住院花了一万多，互助金怎么申请？")
    assert prediction.category == "mutual_aid"
    assert 0.5 < prediction.confidence <= 1.0
    assert prediction.ranking[0] == ("mutual_aid", prediction.confidence)
    assert [p for _, p in prediction.ranking] == sorted(
        (p for _, p in prediction.ranking), reverse=True
    )


def test_json_round_trip_gives_identical_predictions(
    model: Model, test_split: list[tuple[str, str]]
) -> None:
    restored = Model.from_json(model.to_json())
    assert restored.to_json() == model.to_json()
    for text, _ in test_split:
        assert restored.predict(text) == model.predict(text)


def test_unknown_model_format_is_rejected() -> None:
    with pytest.raises(ValueError, match="格式"):
        Model.from_json(json.dumps({"format": "something-else"}))


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "？？！。，", None])
def test_empty_text_raises_with_a_chinese_message(model: Model, text: str | None) -> None:
    with pytest.raises(ValueError, match=EMPTY_TEXT_MESSAGE):
        model.predict(text)  # type: ignore[arg-type]


def test_text_of_unseen_characters_gets_a_low_confidence_suggestion(model: Model) -> None:
    prediction = model.predict("ქართული")
    assert prediction.category in SUBJECTS
    assert prediction.confidence < 0.5
    assert prediction.top_terms == ()


def test_default_model_is_cached_and_learns_from_confirmed_appeals() -> None:
    assert default_model() is default_model()
    extra = [("驿站的充电柜扫码一直充不上电", "station_service")] * 5
    learned = default_model(extra=extra)
    assert learned is default_model(extra=extra)
    assert "station_service" in learned.categories
    assert learned.predict("驿站充电柜扫码充不上电").category == "station_service"


def test_training_without_usable_examples_raises() -> None:
    with pytest.raises(ValueError):
        train([("   ", "wage")])
