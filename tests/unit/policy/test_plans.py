from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.policy.errors import InvalidAmountError, UnknownTenorError
from bot.policy.money import round_cents
from bot.policy.plans import (
    PlanKind,
    affordable_quote,
    all_quotes,
    hardship_quote,
    quote_installment,
)

D = Decimal

# customer, tenor -> monthly payment, total fees, total repaid, last payment (worked by hand:
# monthly = amount/N + amount*rate half-up; fees = amount*rate*N half-up; last = rest).
EXPECTED = {
    ("张伟", 3): ("4287.68", "283.05", "12863.05", "4287.69"),
    ("张伟", 6): ("2184.73", "528.36", "13108.36", "2184.71"),
    ("张伟", 12): ("1131.36", "996.34", "13576.34", "1131.38"),
    ("张伟", 24): ("605.94", "1962.48", "14542.48", "605.86"),
    ("李娜", 3): ("1111.29", "73.36", "3333.86", "1111.28"),
    ("李娜", 6): ("566.24", "136.94", "3397.44", "566.24"),
    ("李娜", 12): ("293.23", "258.23", "3518.73", "293.20"),
    ("李娜", 24): ("157.05", "508.64", "3769.14", "156.99"),
    ("王强", 3): ("19768.33", "1305.00", "59305.00", "19768.34"),
    ("王强", 6): ("10072.67", "2436.00", "60436.00", "10072.65"),
    ("王强", 12): ("5216.13", "4593.60", "62593.60", "5216.17"),
    ("王强", 24): ("2793.67", "9048.00", "67048.00", "2793.59"),
}


@pytest.mark.parametrize(("customer", "tenor"), list(EXPECTED))
def test_demo_account_quotes(policy, demo_accounts, customer, tenor):
    monthly, fees, total, last = (D(x) for x in EXPECTED[customer, tenor])
    amount = demo_accounts[customer].total_due
    quote = quote_installment(amount, tenor, policy)
    assert quote.kind is PlanKind.INSTALLMENT
    assert quote.amount_financed == amount
    assert quote.tenor == tenor
    assert quote.monthly_payment == monthly
    assert quote.total_fees == fees
    assert quote.total_repaid == total
    assert quote.last_payment == last
    assert quote.schedule == (monthly,) * (tenor - 1) + (last,)
    assert quote.requires_approval is False


def test_zhang_wei_twelve_periods_is_1131_36(policy):
    quote = quote_installment(D("12580.00"), 12, policy)
    assert str(quote.monthly_payment) == "1131.36"
    assert quote.monthly_fee_rate == D("0.0066")


def test_all_quotes_in_tenor_order(policy):
    quotes = all_quotes("12580.00", policy)
    assert [q.tenor for q in quotes] == [3, 6, 12, 24]
    assert [q.monthly_payment for q in quotes] == [
        D("4287.68"),
        D("2184.73"),
        D("1131.36"),
        D("605.94"),
    ]


def test_exact_half_cents_round_up_not_to_even(policy):
    # 6.00 / 3 + 6.00 * 0.0075 = 2.045 -> 2.05; fees 6.00 * 0.0075 * 3 = 0.135 -> 0.14.
    quote = quote_installment(D("6.00"), 3, policy)
    assert (quote.monthly_payment, quote.total_fees) == (D("2.05"), D("0.14"))
    assert quote.schedule == (D("2.05"), D("2.05"), D("2.04"))
    # fees 2.00 * 0.0225 = 0.045 -> 0.05 and 12.50 * 0.042 = 0.525 -> 0.53 (half-even: 0.04, 0.52).
    assert quote_installment(D("2.00"), 3, policy).total_fees == D("0.05")
    assert quote_installment(D("12.50"), 6, policy).total_fees == D("0.53")


def test_unknown_tenor(policy):
    with pytest.raises(UnknownTenorError, match="tenor 36 is not offered"):
        quote_installment(D("12580.00"), 36, policy)


@pytest.mark.parametrize("amount", [D("0"), D("-1.00"), D("12.345"), "abc"])
def test_invalid_amount(policy, amount):
    with pytest.raises(InvalidAmountError):
        quote_installment(amount, 12, policy)


def test_float_amount_refused(policy):
    with pytest.raises(TypeError, match="float"):
        quote_installment(12580.0, 12, policy)


def test_amount_too_small_to_split(policy):
    # 1.56 / 24 + 1.56 * 0.0065 = 0.075 -> 0.08; 23 x 0.08 = 1.84 > 1.56 + 0.24 fees.
    with pytest.raises(InvalidAmountError, match="too small to split into 24 payments"):
        quote_installment(D("1.56"), 24, policy)
    assert [q.tenor for q in all_quotes(D("1.56"), policy)] == [3, 6, 12]
    with pytest.raises(InvalidAmountError, match="too small"):
        quote_installment(D("0.01"), 3, policy)
    assert all_quotes(D("0.01"), policy) == ()
    assert affordable_quote(D("0.01"), D("100"), policy) is None


# --------------------------------------------------------------- affordability


def test_zhang_wei_offering_800_gets_24_periods(policy):
    quote = affordable_quote(D("12580.00"), D("800"), policy)
    assert quote is not None
    assert (quote.tenor, quote.monthly_payment) == (24, D("605.94"))


def test_zhang_wei_offering_500_gets_nothing(policy):
    assert affordable_quote(D("12580.00"), D("500"), policy) is None


@pytest.mark.parametrize(
    ("offer", "tenor"),
    [
        ("5000", 3),
        ("4287.69", 3),  # the last period of the 3-period plan is 4287.69
        ("4287.68", 6),  # ... so 4287.68 does not fit 3 periods
        ("2184.73", 6),
        ("1131.38", 12),
        ("1131.37", 24),  # 12 periods: the last payment 1131.38 does not fit
        ("605.94", 24),
        ("605.93", None),
    ],
)
def test_affordability_boundaries_include_the_last_period(policy, offer, tenor):
    quote = affordable_quote(D("12580.00"), D(offer), policy)
    assert (quote.tenor if quote else None) == tenor


def test_affordability_refuses_a_non_positive_offer(policy):
    with pytest.raises(InvalidAmountError, match="offer must be positive"):
        affordable_quote(D("12580.00"), D("0"), policy)


# --------------------------------------------------------------- hardship


def test_hardship_shortest_fitting_months(policy):
    quote = hardship_quote(D("12580.00"), D("500"), policy)
    assert quote is not None
    assert quote.kind is PlanKind.HARDSHIP
    assert quote.tenor == 26  # 25 months would need 503.20 a month
    assert quote.monthly_payment == D("483.85")
    assert quote.last_payment == D("483.75")
    assert quote.total_fees == 0
    assert quote.total_repaid == D("12580.00")
    assert quote.requires_approval is True


def test_hardship_sixty_months_is_the_limit(policy):
    quote = hardship_quote(D("12580.00"), D("209.67"), policy)
    assert quote is not None
    assert quote.tenor == 60
    assert quote.monthly_payment == D("209.67")
    assert quote.last_payment == D("209.47")
    assert hardship_quote(D("12580.00"), D("209.66"), policy) is None


def test_hardship_last_period_must_fit_too(policy):
    # 100.00 / 3 = 33.33, 33.33, 33.34: an offer of 33.33 needs four months.
    assert hardship_quote(D("100.00"), D("33.34"), policy).tenor == 3
    assert hardship_quote(D("100.00"), D("33.33"), policy).tenor == 4


# --------------------------------------------------------------- properties

# Any amount of at least 0.005 x 60**2 = 18.00 splits into 60 positive payments.
amounts = st.integers(min_value=1800, max_value=10**9).map(lambda cents: D(cents) / 100)
tiny_amounts = st.integers(min_value=1, max_value=1799).map(lambda cents: D(cents) / 100)
offers = st.integers(min_value=1, max_value=10**8).map(lambda cents: D(cents) / 100)
tenors = st.sampled_from([3, 6, 12, 24])


@given(amount=amounts, tenor=tenors)
def test_schedule_sums_to_amount_plus_fees(policy, amount, tenor):
    quote = quote_installment(amount, tenor, policy)
    rate = policy.installments.rate_for(tenor)
    assert len(quote.schedule) == tenor
    assert sum(quote.schedule) == quote.total_repaid == amount + quote.total_fees
    assert quote.total_fees == round_cents(amount * rate * tenor)
    assert quote.monthly_payment == round_cents(amount / tenor + amount * rate)
    assert all(p == quote.monthly_payment for p in quote.schedule[:-1])
    assert abs(quote.last_payment - quote.monthly_payment) <= D("0.01") * tenor
    assert all(p > 0 and p == round_cents(p) for p in quote.schedule)


@given(amount=amounts, offer=offers)
def test_affordable_quote_never_exceeds_the_offer_and_is_shortest(policy, amount, offer):
    quote = affordable_quote(amount, offer, policy)
    quotes = all_quotes(amount, policy)
    if quote is None:
        assert all(max(q.schedule) > offer for q in quotes)
        return
    assert all(payment <= offer for payment in quote.schedule)
    assert quote.tenor in policy.installments.tenors
    assert not quote.requires_approval
    assert all(max(q.schedule) > offer for q in quotes if q.tenor < quote.tenor)


def largest_no_fee_payment(amount: Decimal, months: int) -> Decimal:
    """Independent recomputation: regular payment half-up, the last takes the rest."""
    regular = round_cents(amount / months)
    return max(regular, amount - regular * (months - 1))


@given(amount=amounts, offer=offers)
def test_hardship_quote_fits_within_sixty_months(policy, amount, offer):
    quote = hardship_quote(amount, offer, policy)
    if quote is None:
        assert largest_no_fee_payment(amount, 60) > offer
        return
    assert 1 <= quote.tenor <= 60
    assert quote.kind is PlanKind.HARDSHIP
    assert quote.requires_approval is True
    assert quote.total_fees == 0
    assert sum(quote.schedule) == quote.total_repaid == amount
    assert all(payment <= offer for payment in quote.schedule)
    assert largest_no_fee_payment(amount, quote.tenor) == max(quote.schedule)
    assert all(largest_no_fee_payment(amount, n) > offer for n in range(1, quote.tenor))


@given(amount=tiny_amounts, tenor=tenors)
def test_tiny_amounts_quote_exactly_or_refuse(policy, amount, tenor):
    try:
        quote = quote_installment(amount, tenor, policy)
    except InvalidAmountError:
        assert tenor not in [q.tenor for q in all_quotes(amount, policy)]
        return
    assert sum(quote.schedule) == quote.total_repaid
    assert all(p > 0 for p in quote.schedule)
