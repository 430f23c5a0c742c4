from bot.compliance import facts
from bot.compliance.text import normalize


def found(text: str, name: str | None = None) -> list[str]:
    norm = normalize(text).text
    return [norm[start:end] for start, end in facts.find(norm, name)]


def test_amounts_card_digits_and_status_are_facts() -> None:
    assert found("尾号1234的卡欠款5,000元") == ["尾号1234", "欠款", "5,000元"]
    assert found("your balance is $120") == ["balance", "$1"]


def test_denials_are_not_disclosures() -> None:
    assert found("核验前我们无法透露任何账户信息") == []
    assert found("我们不会透露欠款信息") == []


def test_name_counts_when_given() -> None:
    assert found("请问张伟在吗", "张伟") == ["张伟"]
    assert found("请问 John Smith 在吗", "JOHN SMITH") == ["john smith"]
    assert found("请问张伟在吗") == []
