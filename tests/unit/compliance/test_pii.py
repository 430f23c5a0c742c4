import pytest

from bot.compliance import pii


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("6222021234567890", "card"),  # 16 digits
        ("6222021234567890123", "card"),  # 19 digits
        ("6222-0212-3456-7890", "card"),
        ("110101199003071234", "id"),
        ("11010119900307123x", "id"),
    ],
)
def test_full_numbers_are_found(text: str, kind: str) -> None:
    hits = pii.find(text)
    assert [(hit.kind, hit.start, hit.end) for hit in hits] == [(kind, 0, len(text))]


@pytest.mark.parametrize(
    "text",
    [
        "622202123456789",  # 15 digits
        "62220212345678901234",  # 20 digits
        "13812345678",  # phone
        "6222 **** **** 7890",
        "尾号7890",
        "2024年06月20日",
    ],
)
def test_short_long_and_masked_numbers_are_not_pii(text: str) -> None:
    assert pii.find(text) == []


def test_eighteen_digits_without_a_birth_date_count_as_a_card() -> None:
    assert [hit.kind for hit in pii.find("622202123456789012")] == ["card"]


def test_mask_keeps_last_four() -> None:
    assert pii.mask("6222 0212 3456 7890") == "****7890"
    assert pii.mask("11010119900307123X") == "****123X"


# --- find_pii: the one definition ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("6217-12345678-9012", "card", "6217123456789012"),
        ("621712345678 9012", "card", "6217123456789012"),
        ("6013-8200-0012-3456-789", "card", "6013820000123456789"),
        ("5212 3456 7890 1234", "card", "5212345678901234"),
        ("110105-19900101-123X", "id", "11010519900101123X"),
        ("1101 0519 9001 0112 34", "id", "110105199001011234"),
        ("110105491231002", "id", "110105491231002"),  # 15 digits, born 1949-12-31
        ("13800001111", "mobile", "13800001111"),
        ("138 0000 1111", "mobile", "13800001111"),
        ("138-00001111", "mobile", "13800001111"),
        ("+86 138-0000-1111", "mobile", "8613800001111"),
        ("8613800001111", "mobile", "8613800001111"),
        ("010-12345678", "landline", "01012345678"),
        ("0755 1234 5678", "landline", "075512345678"),
        ("(021)87654321", "landline", "02187654321"),
        ("(021) 8765 4321", "landline", "02187654321"),
        ("02187654321", "landline", "02187654321"),
        ("0571-8765432", "landline", "05718765432"),
    ],
)
def test_find_pii_reads_every_kind_and_format(text: str, kind: str, value: str) -> None:
    spans = pii.find_pii(text)
    assert [(s.kind, s.value, s.start, s.end) for s in spans] == [(kind, value, 0, len(text))]


def test_routing_prefixes_are_reported_as_lead() -> None:
    leads = {s.value: s.lead for s in pii.find_pii("+8613800001111 (0755)12345678 010-12345678")}
    assert leads == {"8613800001111": 2, "075512345678": 4, "01012345678": 3}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # full-width digits, brackets, spaces and hyphens (NFKC), one character each
        ("手机１３８００００１１１１。", "１３８００００１１１１"),
        ("（０２１）８７６５－４３２１", "（０２１）８７６５－４３２１"),
        # a zero-width space inside the number stays inside the span
        ("卡6217\u200b0000 1234 5678", "6217\u200b0000 1234 5678"),
        # a character NFKC expands (㈠ -> "(一)") before the number shifts nothing
        ("㈠ 证件号11010119900307123x", "11010119900307123x"),
    ],
)
def test_spans_are_offsets_in_the_original_text(text: str, expected: str) -> None:
    (span,) = pii.find_pii(text)
    assert text[span.start : span.end] == expected
    assert all(0 <= p < len(text) for p in span.positions)


def test_a_chain_is_cut_into_the_numbers_that_cover_it() -> None:
    text = "13800001111 6217 0000 1234 5678"  # the first 15 digits would read as an old ID
    assert [(s.kind, text[s.start : s.end]) for s in pii.find_pii(text)] == [
        ("mobile", "13800001111"),
        ("card", "6217 0000 1234 5678"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "欠款12580.00元，最低还款1,258.00",
        "总额 3,260.50 元",
        "还款日 2026-12-03",
        "还款日20261203",
        "2026年12月03日 10:30",
        "订单号 2026120312345678",  # 16 digits starting like a date, not a card
        "订单号 ORD-20261203-0001",
        "流水号 202612031030001",  # 15 digits, region 20 does not exist
        "快递单号 SF1234567890123",
        "客服热线 400-800-0000 或 95588",
        "身份证后四位1234，尾号5678",
        "验证码 123456",
        "23800001111",
        "0123456789",  # 01x is not an area code except 010
        "110105199013321234",  # 18 digits, month 13: not an ID, not a card prefix
    ],
)
def test_amounts_dates_and_order_numbers_are_not_pii(text: str) -> None:
    assert pii.find_pii(text) == []


def test_guard_hits_are_the_finders_card_and_id_spans() -> None:
    text = "卡6217-12345678-9012 证件110105491231002 手机13800001111 座机010-12345678"
    guarded = [(s.kind, s.start, s.end) for s in pii.find_pii(text) if s.kind in pii.GUARDED_KINDS]
    assert [(h.kind, h.start, h.end) for h in pii.find(text)] == guarded
    assert [kind for kind, _, _ in guarded] == ["card", "id"]
