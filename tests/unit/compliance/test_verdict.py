from bot.compliance import Verdict, Violation


def test_ok_and_rules() -> None:
    assert Verdict("你好").ok
    verdict = Verdict(
        "x",
        [
            Violation("no-insult", "侮辱", 0, 1, "no-insult"),
            Violation("no-threat", "犯罪", 0, 1, "criminal-accusation"),
            Violation("no-threat", "威胁", 0, 1, "no-threat"),
        ],
    )
    assert not verdict.ok
    assert verdict.rules == {"no-insult", "no-threat"}
