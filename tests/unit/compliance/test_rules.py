from bot.compliance import rules

# Rule ids of shared/compliance.md that the guard reports.
COMPLIANCE_MD_RULES = {
    "right-party",
    "no-threat",
    "no-false-legal",
    "no-exaggeration",
    "no-insult",
    "no-third-party",
    "no-impersonation",
    "no-false-relief",
    "official-channels",
    "no-new-debt",
    "quiet-hours",
    "pii-masking",
}


def test_every_category_reports_a_compliance_md_rule_with_a_chinese_message() -> None:
    assert set(rules.CATEGORY_RULE) == set(rules.ALL_CATEGORIES)
    assert set(rules.CATEGORY_RULE.values()) == COMPLIANCE_MD_RULES
    for category in rules.ALL_CATEGORIES:
        message = rules.CATEGORY_MESSAGE[category]
        assert any("\u4e00" <= char <= "\u9fff" for char in message)


def test_criminal_accusation_reports_no_threat() -> None:
    assert rules.CATEGORY_RULE[rules.CRIMINAL_ACCUSATION] == rules.NO_THREAT
