"""Rule ids and guard categories, as named in shared/compliance.md.

A *category* is what the guard detects and what the labelled data is organised by; a
*rule* is the id from compliance.md that a violation reports. Every category maps to
exactly one rule. The only category that is not itself a rule id is
``criminal-accusation`` ("你已经构成诈骗罪"): compliance.md places it under the no-threat
rule ("the assistant never asserts that a borrower has committed a crime or will be
jailed"), so it reports ``no-threat``.
"""

from __future__ import annotations

from typing import Final

NO_THREAT: Final = "no-threat"
NO_FALSE_LEGAL: Final = "no-false-legal"
NO_EXAGGERATION: Final = "no-exaggeration"
NO_INSULT: Final = "no-insult"
NO_THIRD_PARTY: Final = "no-third-party"
NO_IMPERSONATION: Final = "no-impersonation"
NO_FALSE_RELIEF: Final = "no-false-relief"
OFFICIAL_CHANNELS: Final = "official-channels"
NO_NEW_DEBT: Final = "no-new-debt"
RIGHT_PARTY: Final = "right-party"
QUIET_HOURS: Final = "quiet-hours"
PII_MASKING: Final = "pii-masking"

CRIMINAL_ACCUSATION: Final = "criminal-accusation"

#: Category -> rule id it reports.
CATEGORY_RULE: Final[dict[str, str]] = {
    NO_THREAT: NO_THREAT,
    CRIMINAL_ACCUSATION: NO_THREAT,
    NO_INSULT: NO_INSULT,
    NO_IMPERSONATION: NO_IMPERSONATION,
    NO_FALSE_LEGAL: NO_FALSE_LEGAL,
    NO_EXAGGERATION: NO_EXAGGERATION,
    NO_THIRD_PARTY: NO_THIRD_PARTY,
    OFFICIAL_CHANNELS: OFFICIAL_CHANNELS,
    NO_NEW_DEBT: NO_NEW_DEBT,
    NO_FALSE_RELIEF: NO_FALSE_RELIEF,
    RIGHT_PARTY: RIGHT_PARTY,
    QUIET_HOURS: QUIET_HOURS,
    PII_MASKING: PII_MASKING,
}

#: Categories decided from the sentence alone (patterns + classifier).
TEXT_CATEGORIES: Final[tuple[str, ...]] = (
    NO_THREAT,
    CRIMINAL_ACCUSATION,
    NO_INSULT,
    NO_IMPERSONATION,
    NO_FALSE_LEGAL,
    NO_EXAGGERATION,
    NO_THIRD_PARTY,
    OFFICIAL_CHANNELS,
    NO_NEW_DEBT,
    NO_FALSE_RELIEF,
)

#: Categories decided by deterministic rules only (context or digit patterns).
RULE_ONLY_CATEGORIES: Final[tuple[str, ...]] = (RIGHT_PARTY, QUIET_HOURS, PII_MASKING)

ALL_CATEGORIES: Final[tuple[str, ...]] = TEXT_CATEGORIES + RULE_ONLY_CATEGORIES

#: Label the classifier uses for a compliant sentence.
OK_LABEL: Final = "ok"

#: Human explanation (Chinese) per category, shown to reviewers and agents.
CATEGORY_MESSAGE: Final[dict[str, str]] = {
    NO_THREAT: "含有暴力、拘捕、坐牢或报警等威胁，催收中禁止使用。",
    CRIMINAL_ACCUSATION: "断言借款人构成犯罪；单纯未还款不构成犯罪，不得指控或暗示其犯罪。",
    NO_INSULT: "含有侮辱、辱骂或贬低借款人的用语。",
    NO_IMPERSONATION: "冒充或暗示自己是法院、公安、政府机关或律师事务所。",
    NO_FALSE_LEGAL: "声称已起诉、已有法院判决、强制执行或冻结资产，但系统中没有相应记录。",
    NO_EXAGGERATION: "夸大或虚构后果（黑名单、影响家人子女、冻结所有账户等）。",
    NO_THIRD_PARTY: "向或扬言向单位、家人、通讯录联系人、社交媒体透露欠款或公开曝光。",
    OFFICIAL_CHANNELS: "引导通过非官方渠道还款（个人账户、私人微信、二维码）或收取“催收费”。",
    NO_NEW_DEBT: "诱导借款人通过其他借贷（网贷、信用卡套现、借钱）还款。",
    NO_FALSE_RELIEF: "承诺政策未批准的停息挂账、减免或折扣。",
    RIGHT_PARTY: "对方尚未通过身份核验，不得透露欠款金额、卡号、姓名或逾期状态。",
    QUIET_HOURS: "当前为借款人当地的禁止催收时段，不得发送催收消息。",
    PII_MASKING: "消息中含有完整的卡号或身份证号，必须脱敏后再发送。",
}

# --- Answer fit (issue 12): whether a reply fits the borrower's message -----------------
# Checked by ``bot.compliance.answer_fit.check_reply`` on (message, reply) pairs, next to the
# sentence guard. The ids are the labels of the labelled pairs (``data/answer_fit``).

#: An affirmation ("好的", "可以的") opens a reply that then refuses, defers, asks for
#: verification or corrects: the opener reads as "yes" to something not granted.
FIT_AFFIRM_THEN_REFUSE: Final = "affirm_then_refuse"
#: A yes/no question about arrest, jail, police or contact with family, employer or contacts
#: gets anything but the truthful denial ("不会") first (no-threat, no-third-party).
FIT_FEAR_NOT_DENIED: Final = "fear_not_denied"
#: The message shows despair or self-harm and the reply goes on collecting (distress).
FIT_DISTRESS_IGNORED: Final = "distress_ignored"
#: The message disputes the debt and the reply states debt facts as undisputed (stop-contact:
#: a dispute pauses collection until verified).
FIT_FACTS_AFTER_DISPUTE: Final = "facts_after_dispute"

#: Every answer-fit label, in the order the check reports them.
FIT_LABELS: Final[tuple[str, ...]] = (
    FIT_AFFIRM_THEN_REFUSE,
    FIT_FEAR_NOT_DENIED,
    FIT_DISTRESS_IGNORED,
    FIT_FACTS_AFTER_DISPUTE,
)

#: Label of a labelled pair whose reply fits.
FIT_OK: Final = "ok"

#: Explanation (Chinese) per answer-fit label, shown to agents and reviewers.
FIT_MESSAGE: Final[dict[str, str]] = {
    FIT_AFFIRM_THEN_REFUSE: (
        "回复以“好的/可以的”等肯定语开头，随后却拒绝、推迟、要求核实身份或纠正，"
        "借款人会误以为请求已被同意；请去掉肯定语，直接说明。"
    ),
    FIT_FEAR_NOT_DENIED: (
        "借款人问是否会被抓、坐牢、报警，或是否会联系家人、单位、通讯录；"
        "回复必须先如实回答“不会”，再说其他内容。"
    ),
    FIT_DISTRESS_IGNORED: (
        "借款人表达了绝望或轻生的想法，回复却继续催收（金额、方案、日期、核实身份）"
        "或没有关心；应先关心对方、提供心理援助热线12356，暂停催收。"
    ),
    FIT_FACTS_AFTER_DISPUTE: (
        "借款人对欠款提出异议（不是本人、金额不对、盗刷、已还清），"
        "回复却把欠款当作无争议事实（金额、催还、分期报价）；应先记录异议、暂停催收并安排核实。"
    ),
}
