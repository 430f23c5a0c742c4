import pytest

from bot.assist.accounts import UnknownAccountError, account_choices, load_account, mask_name
from bot.db.settings import session_scope


def test_mask_name_and_account_choices(session_factory) -> None:
    assert mask_name("张伟") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    with session_scope(session_factory) as session:
        labels = [choice.label for choice in account_choices(session)]
    assert labels[0] == "王* · 尾号8810 · 逾期120天"
    assert not any("张伟" in label or "李娜" in label for label in labels)


def test_load_account(session_factory) -> None:
    with session_scope(session_factory) as session:
        assert load_account(session, None) is None
        assert load_account(session, 1).account_id == 1
        with pytest.raises(UnknownAccountError):
            load_account(session, 999)
