from pathlib import Path

from bot.compliance import dataset, evaluate


def test_evaluate_counts_recall_and_false_alarms() -> None:
    examples = [
        dataset.Example("老赖", "no-insult", True),
        dataset.Example("请通过官方渠道还款", "no-insult", True),  # a miss for this test
        dataset.Example("感谢您的配合", "no-insult", False),
        dataset.Example("明天就起诉你", "no-insult", False),  # a false alarm for this test
    ]
    tallies = evaluate.evaluate(examples)
    insult = tallies["no-insult"]
    assert (insult.violating, insult.caught, insult.right_rule) == (2, 1, 1)
    assert (insult.compliant, insult.alarms) == (2, 1)
    assert insult.recall == 0.5
    assert insult.false_alarm == 0.5
    assert tallies["ALL"].missed == ["请通过官方渠道还款"]
    assert "明天就起诉你" in tallies["ALL"].false[0]
    table = evaluate.report(tallies, verbose=True)
    assert "no-insult" in table and "missed:" in table


def test_main_exits_1_below_target(tmp_path: Path, capsys) -> None:
    (tmp_path / "x.yml").write_text(
        "category: no-insult\nviolating: [请通过官方渠道还款]\ncompliant: [谢谢]\n",
        encoding="utf-8",
    )
    assert evaluate.main(["--data", str(tmp_path)]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_main_exits_0_on_target(tmp_path: Path, capsys) -> None:
    (tmp_path / "x.yml").write_text(
        "category: no-insult\nviolating: [老赖]\ncompliant: [谢谢]\n", encoding="utf-8"
    )
    assert evaluate.main(["--data", str(tmp_path)]) == 0
    assert "PASS" in capsys.readouterr().out
