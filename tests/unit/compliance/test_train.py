from pathlib import Path

import numpy as np

from bot.compliance import dataset, train


def test_training_is_deterministic(tiny_dataset: Path) -> None:
    first = train.build_model(tiny_dataset)
    second = train.build_model(tiny_dataset)
    assert first.threshold == second.threshold
    np.testing.assert_array_equal(first.scorer.weights, second.scorer.weights)


def test_fingerprint_follows_the_data(tiny_dataset: Path) -> None:
    before = train.training_fingerprint(tiny_dataset)
    assert before == train.training_fingerprint(tiny_dataset)
    path = tiny_dataset / "no-insult.yml"
    path.write_text(path.read_text(encoding="utf-8") + "  - 新增一句\n", encoding="utf-8")
    assert train.training_fingerprint(tiny_dataset) != before


def test_training_set_leaves_out_context_and_rule_only_examples() -> None:
    examples = [
        dataset.Example("老赖", "no-insult", True),
        dataset.Example("您好", "no-insult", False),
        dataset.Example("6222021234567890", "pii-masking", True),
        dataset.Example(
            "应还100元", "right-party", True, dataset.parse_context({"verified": False})
        ),
    ]
    assert train.training_set(examples) == (["老赖", "您好"], ["no-insult", "ok"])


def test_main_writes_the_model(tiny_dataset: Path, tmp_path: Path, capsys) -> None:
    assert train.main(["--data", str(tiny_dataset), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "guard.npz").exists()
    assert "saved" in capsys.readouterr().out


def test_choose_threshold_prefers_fewer_misses() -> None:
    texts = ["请还款", "谢谢", "混账", "没用的人"]
    labels = ["ok", "ok", "no-insult", "no-insult"]
    p_ok = np.array([0.9, 0.8, 0.3, 0.6])
    threshold, stats = train.choose_threshold(p_ok, texts, labels)
    assert 0.6 < threshold <= 0.8
    assert stats == {"recall": 1.0, "false_alarm": 0.0}


def test_choose_threshold_takes_recall_within_the_false_alarm_budget() -> None:
    # 3 alarms in 100 compliant sentences (0.03) are within budget, so the threshold
    # that also catches the second violation wins, although 3 alarms cost more than 1 miss.
    texts = [f"好的{i}" for i in range(100)] + ["违规甲", "违规乙"]
    labels = ["ok"] * 100 + ["no-insult", "no-insult"]
    p_ok = np.array([0.95] * 97 + [0.5] * 3 + [0.3, 0.55])
    threshold, stats = train.choose_threshold(p_ok, texts, labels)
    assert 0.55 < threshold <= 0.6
    assert stats["recall"] == 1.0
    assert stats["false_alarm"] <= train.FALSE_ALARM_BUDGET
