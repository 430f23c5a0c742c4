"""The learned half of the answer-fit check (bot.compliance.fit_model)."""

from pathlib import Path

import pytest

from bot.compliance import answer_fit, fit_model, rules
from bot.compliance.answer_fit import check_reply

DISTRESS = rules.FIT_DISTRESS_IGNORED


@pytest.fixture(scope="module")
def trained() -> fit_model.FitModel:
    return fit_model.train(fit_model.data_files())


def test_it_learns_from_the_development_pairs_only() -> None:
    files = fit_model.data_files()
    assert files and all(path.parent.name == "answer_fit" for path in files)
    assert all(path.parts[-3] == "data" for path in files)  # never tests/answer_fit/


def test_a_saved_model_reads_back_the_same(trained: fit_model.FitModel, tmp_path: Path) -> None:
    path = tmp_path / "fit.npz"
    trained.save(path)
    loaded = fit_model.FitModel.load(path)
    pair = ("想去见我奶奶了 她走了三年了", "好的，请问您计划哪天还款？")
    assert loaded.fingerprint == trained.fingerprint
    assert loaded.probabilities(*pair) == pytest.approx(trained.probabilities(*pair))


def test_the_fingerprint_follows_the_data(tmp_path: Path) -> None:
    one = tmp_path / "a.yml"
    one.write_text('pairs:\n- user: "a"\n  reply: "b"\n  labels: [ok]\n', encoding="utf-8")
    before = fit_model.fingerprint([one])
    one.write_text('pairs:\n- user: "a"\n  reply: "c"\n  labels: [ok]\n', encoding="utf-8")
    assert fit_model.fingerprint([one]) != before


def test_only_the_learned_check_reads_the_model(
    trained: fit_model.FitModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fit_model, "_model", trained)
    pair = ("想去见我奶奶了 她走了三年了", "好的，请问您计划哪天还款？")  # no phrase list holds it
    assert check_reply(*pair).labels == []
    assert DISTRESS in check_reply(*pair, learned=True).labels


def test_without_a_model_the_learned_check_is_the_phrase_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fit_model, "_model", fit_model.FitModel({}))
    pair = ("想去见我奶奶了 她走了三年了", "好的，请问您计划哪天还款？")
    assert check_reply(*pair, learned=True).labels == []
    assert answer_fit.check_reply("我不想活了", "请问您计划哪天还款？", learned=True).labels == [
        DISTRESS
    ]


def test_leave_one_out_reports_each_file_held_out(tmp_path: Path) -> None:
    from bot.compliance.fit_model_cv import leave_one_out

    def pairs(path: Path, bad: str) -> Path:
        rows = [("我不想活了", "请问您计划哪天还款？", "distress_ignored"), (bad, "好的。", "ok")]
        path.write_text(
            "pairs:\n"
            + "".join(f'- user: "{u}"\n  reply: "{r}"\n  labels: [{lab}]\n' for u, r, lab in rows),
            encoding="utf-8",
        )
        return path

    files = [pairs(tmp_path / "a.yml", "你好"), pairs(tmp_path / "b.yml", "在吗")]
    results = leave_one_out(files, threshold=0.7)
    assert set(results) == {"a.yml", "b.yml"}
    words, learned = results["a.yml"]
    assert words.tp == 1 and words.fn == 0  # the phrase lists know this one
    assert learned.tp >= words.tp
