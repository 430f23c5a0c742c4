import pytest

from bot.nlu.spacy_model import blank_config, build, main


def test_builds_a_loadable_jieba_pipeline(tmp_path):
    import spacy

    target = tmp_path / "spacy" / "zh_jieba"
    assert build(target) is True
    nlp = spacy.load(target)
    assert nlp.lang == "zh"
    assert nlp.path is not None
    assert nlp.config["nlp"]["tokenizer"]["segmenter"] == "jieba"
    assert [t.text for t in nlp("我明天还八百")] == ["我", "明天", "还", "八百"]


def test_second_build_is_a_no_op(tmp_path):
    target = tmp_path / "zh_jieba"
    assert build(target) is True
    stamp = (target / "config.cfg").stat().st_mtime_ns
    assert build(target) is False
    assert (target / "config.cfg").stat().st_mtime_ns == stamp


def test_rebuilds_when_config_differs(tmp_path):
    target = tmp_path / "zh_jieba"
    build(target)
    (target / "config.cfg").write_text('[nlp]\nlang = "zh"\n', encoding="utf-8")
    assert build(target) is True
    assert (target / "config.cfg").read_text(encoding="utf-8") == blank_config()


def test_refuses_to_replace_an_unrelated_folder(tmp_path):
    target = tmp_path / "notes"
    target.mkdir()
    (target / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        build(target)
    assert (target / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_cli(tmp_path, capsys):
    target = tmp_path / "zh_jieba"
    assert main([str(target)]) == 0
    assert main([str(target)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"built: {target}", f"up to date: {target}"]
