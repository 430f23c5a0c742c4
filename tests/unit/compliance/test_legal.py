from bot.compliance.legal import mentioned_actions


def test_mentioned_actions() -> None:
    assert mentioned_actions("已向法院提起诉讼") == {"lawsuit"}
    assert mentioned_actions("法院判决后将强制执行并冻结账户") == {
        "judgment",
        "enforcement",
        "asset_freeze",
    }
    assert mentioned_actions("we will garnish your wages") == {"asset_freeze"}
    assert mentioned_actions("请按时还款") == set()
