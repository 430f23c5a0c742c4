from pathlib import Path

import pytest

TINY = """\
category: {category}
violating:
{violating}
compliant:
{compliant}
"""


def write_tiny_dataset(directory: Path) -> Path:
    """Write a small but trainable dataset (2 categories, 5-fold friendly)."""
    directory.mkdir(parents=True, exist_ok=True)
    insults = [
        "你就是个老赖",
        "你这个废物",
        "你真是人渣",
        "蠢货快还钱",
        "你这个混蛋",
        "白痴听不懂吗",
    ]
    threats = [
        "等着坐牢吧",
        "警察马上来抓你",
        "我们要报警了",
        "你会被拘留",
        "送你进监狱",
        "等着被逮捕",
    ]
    fine = [
        "请通过官方渠道还款",
        "感谢您的配合",
        "可以为您申请分期",
        "请问您现在方便吗",
        "逾期可能影响征信",
        "如有异议请告诉我们",
        "您的还款日是20日",
        "祝您生活愉快",
        "我们理解您的困难",
        "请拨打官方客服热线",
        "您可以选择分期还款",
        "还款后会短信通知您",
    ]
    for category, bad, good in (
        ("no-insult", insults, fine[:6]),
        ("no-threat", threats, fine[6:]),
    ):
        text = TINY.format(
            category=category,
            violating="\n".join(f"  - {item}" for item in bad),
            compliant="\n".join(f"  - {item}" for item in good),
        )
        (directory / f"{category}.yml").write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    return write_tiny_dataset(tmp_path / "data")
