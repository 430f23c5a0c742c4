from datetime import time

from bot.compliance.context import GuardContext


def test_quiet_window_defaults_by_jurisdiction() -> None:
    assert GuardContext().quiet_window() == (time(22, 0), time(8, 0))
    assert GuardContext(jurisdiction="US").quiet_window() == (time(21, 0), time(8, 0))
    assert GuardContext(jurisdiction="us").quiet_window() == (time(21, 0), time(8, 0))


def test_quiet_window_override_wins() -> None:
    window = (time(20, 0), time(9, 0))
    assert GuardContext(jurisdiction="US", quiet_hours=window).quiet_window() == window


def test_unknown_jurisdiction_falls_back_to_cn() -> None:
    assert GuardContext(jurisdiction="XX").quiet_window() == (time(22, 0), time(8, 0))
