"""The examples of issue 9: every number the old masking left alone, and the guard's own data."""

from pathlib import Path

import pytest
import yaml

from bot.compliance import pii
from bot.compliance.text import normalize
from bot.db.masking import mask_text

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("6217-12345678-9012", "6217-********-9012"),
        ("卡号621712345678 9012", "卡号6217******** 9012"),
        ("座机 010-12345678", "座机 010-****5678"),
        ("0755 1234 5678", "0755 **** 5678"),
        ("(021)87654321", "(021)****4321"),
        ("（０２１）８７６５４３２１", "（０２１）****４３２１"),
        ("老身份证110105491231002", "老身份证110********1002"),
        ("１３８００００１１１１", "１３８****１１１１"),
        ("1101 0519 9001 0112 34", "110* **** **** **12 34"),
        ("110105-19900101-123X", "110***-********-123X"),
    ],
)
def test_issue_examples_are_masked(text: str, masked: str) -> None:
    assert mask_text(text) == masked
    assert pii.find_pii(mask_text(text)) == []


def _guard_examples() -> list[str]:
    texts = []
    for path in (
        REPO / "data/compliance/pii-masking.yml",
        REPO / "tests/compliance/pii-masking.yml",
    ):
        texts += [str(item) for item in yaml.safe_load(path.read_text("utf-8"))["violating"]]
    return texts


@pytest.mark.parametrize("text", _guard_examples())
def test_masking_hides_every_number_the_guard_blocks(text: str) -> None:
    assert pii.find(normalize(text).text), "the guard's PII rule should block the original"
    masked = mask_text(text)
    assert masked != text
    assert pii.find(normalize(masked).text) == []


@pytest.mark.parametrize(
    "text",
    [
        "欠款12,580.00元，最低还款1258.00，还款日2026-12-03",
        "张伟 12580.00 / 李娜 3,260.50",
        "20261203 前还 1258",
        "订单号 2026120312345678",
        "请拨打官方客服热线400-800-0000",
    ],
)
def test_amounts_dates_and_orders_stay(text: str) -> None:
    assert mask_text(text) == text
