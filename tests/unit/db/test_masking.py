import logging

import pytest

from bot.db.masking import (
    PiiMaskingFilter,
    mask_card,
    mask_id_number,
    mask_phone,
    mask_text,
)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800001111", "138****1111"),
        (" 13900002222 ", "139****2222"),
        ("+86 138-0000-1111", "+86 138-****-1111"),
        ("8613800001111", "86138****1111"),
        ("1234567", "*******"),
        ("010-12345678", "010-****5678"),
        ("１３８００００１１１１", "１３８****１１１１"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_mask_id_number_keeps_first_three_and_last_four() -> None:
    assert mask_id_number("11010119900307123X") == "110***********123X"
    assert mask_id_number("110101199003071234") == "110***********1234"


@pytest.mark.parametrize(
    ("card", "masked"),
    [
        ("6217000012345678", "6217********5678"),
        ("6217000012345678901", "6217***********8901"),
        ("6217 0000 1234 5678", "6217 **** **** 5678"),
        ("6217-0000-1234-5678", "6217-****-****-5678"),
    ],
)
def test_mask_card(card: str, masked: str) -> None:
    assert mask_card(card) == masked


def test_mask_text_masks_every_kind_inside_chinese_text() -> None:
    text = "我的手机13800001111，身份证11010119900307123X，卡号6217 0000 1234 5678。"
    assert mask_text(text) == (
        "我的手机138****1111，身份证110***********123X，卡号6217 **** **** 5678。"
    )


def test_mask_text_masks_several_occurrences_and_prefixed_numbers() -> None:
    text = "打 +8613900002222 或 13700003333, 卡6217000012345678"
    assert mask_text(text) == "打 +86139****2222 或 137****3333, 卡6217********5678"


@pytest.mark.parametrize(
    "text",
    [
        "身份证后四位1234，欠款12,580.00元，最低还款1258.00",
        "订单号 12345678901234 不是卡号",  # 14 digits: neither a card nor an ID
        "23800001111",  # not a mobile prefix
        "客服热线 400-800-0000 或 95588",  # service numbers have no area code
    ],
)
def test_mask_text_leaves_short_and_other_numbers(text: str) -> None:
    assert mask_text(text) == text


def test_mask_text_does_not_mask_a_phone_inside_a_longer_number() -> None:
    # 20 digits: not a card, not an ID, and no mobile number at a digit boundary.
    text = "编号 13800001111222233334"
    assert mask_text(text) == text


def test_masking_filter_masks_formatted_log_records(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.masking")
    masking_filter = PiiMaskingFilter()
    logger.addFilter(masking_filter)
    try:
        with caplog.at_level(logging.INFO, logger="tests.masking"):
            logger.info("borrower %s card %s", "13800001111", "6217000012345678")
    finally:
        logger.removeFilter(masking_filter)
    assert caplog.messages == ["borrower 138****1111 card 6217********5678"]
    assert "13800001111" not in caplog.text
