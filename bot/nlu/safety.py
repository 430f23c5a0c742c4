"""Deterministic detection of despair and self-harm in a borrower's message.

A learned intent classifier can miss "欠这么多钱 我只想死" (it sees the debt words). For the
``distress`` rule (compliance.md: a caring reply with 12356, collection stops, urgent hand-off)
recall matters more than anything, so these phrases override whatever the classifier said.
They are first-person expressions of wanting to die or hurt oneself; abuse aimed at others
("你去死吧") and idioms ("笑死我了", "想死你了" = "I miss you so much") do not match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.hanzi import to_simplified

_PHRASES = (
    r"不想活",
    r"活不下去",
    r"活不成了",
    r"活着(?:真|还|也)?没(?:什么|啥)?意思",
    r"活着(?:还)?有(?:什么|啥)意思",
    r"活够了",
    r"(?<![笑气累饿热冷困烦])想死(?!你|您|他|她|它|我了)",
    r"只想死",
    r"想一死了之",
    r"一死了之",
    r"死了(?:就)?算了",
    r"不如死了",
    r"自杀",
    r"轻生",
    r"寻死",
    r"(?:想|要|去)(?:跳楼|跳河|跳桥|卧轨|割腕)",
    r"(?:吃|吞|喝)(?:了)?(?:安眠药|农药)",
    r"结束(?:我的|自己的)?生命",
    r"了结(?:我)?自己",
    r"没有?活路",
    # Indirect forms: plans, means, places, farewells (each seen in borrowers' messages).
    r"一了百了",
    r"死路一条",
    r"逼死我",
    r"(?<![你们])(?:就|只能|还不如|不如)去死",
    r"我(?:要|想)?去死",
    r"我死了",
    r"死了(?:是不是)?就不用还",
    r"下辈子再还",
    r"(?:不想|没法|没办法|不能)再?活下去",
    r"(?:没法|没办法)活了",
    r"活下去的意义",
    r"活着(?:就是|真|好|太)?(?:累|痛苦|受罪)",
    r"不配活",
    r"没脸(?:再)?活",
    r"(?:伤害|了断)自己|自残",
    r"结束自己(?!的(?:工作|生意|公司|合同))",
    r"结束这一切",
    r"离开这个世界",
    r"(?:不如|想|永远)消失",
    r"没(?:有)?(?:了)?我(?:会|就)?(?:过得)?更好",
    r"割腕|刀片",
    r"后事",
    r"再也(?:别|不)醒|不想再睁开眼",
    r"不(?:想|会)?再?醒(?:来|过来)",
    r"怎么死",
    r"遗书|遗言",
    r"烧炭|上吊",
    r"跳下去",
    r"(?:吃|吞|喝)(?:了)?(?:一整瓶药|一瓶药|百草枯)",
    r"(?:药|刀|炭|绳子)(?:我)?(?:都|已经|也)?(?:准备好|攒够|买好)",
    r"准备(?:了|好了?)(?:安眠药|农药|刀|炭|绳子)",
    r"(?:站在|在)(?:楼顶|天台|顶楼|楼边|窗边|阳台边|桥上|江边|河边)(?:上)?(?=了|[，,。.!！\s]|$)",
    r"看不到(?:任何)?希望|(?:没有|没)(?:任何)?希望了|(?:人生|活着)没有?希望",
    r"没有?盼头",
    r"想解脱",
    r"想去死",
    r"(?:快|要|被)逼死|逼死了",
    r"活着(?:还)?没(?:有)?(?:什么|啥)?意义",
    r"(?<![店厂司意铺])(?:撑|扛|熬)不(?:下去|住)了?",
    r"走投无路|生不如死",
    r"(?:我|人)(?:真的|已经|快要?|要)?(?:彻底)?崩溃",
    r"没(?:有)?(?:了)?我[^,，。]{0,4}(?:会|就)?(?:过得)?更好",
    r"(?:买好|准备好|攒够|囤了)(?:了)?[^,，。]{0,3}(?:安眠药|农药|刀片|炭|绳子)",
    r"(?:吃|吞|喝)(?:了)?(?:一整瓶|一瓶|整瓶|一把|好多|很多)[^,，。]{0,3}药",
    r"(?:站在|在)(?:窗户边|窗台)",
    r"done with (?:life|living)",
    r"nothing matters anymore",
    r"(?<![你他她])不活了",
    r"唔想(?:再)?活|活唔落去",
    r"(?:我|活着)(?:就是|只会|只是)?(?:个)?(?:拖累|累赘)",
    r"消失了?(?:大家|家人|所有人)?都(?:轻松|好)",
    r"hopeless|no point in anything|no reason to live",
    r"紫砂",  # internet euphemism for 自杀
    r"(?:没有|没)(?:了)?活下去的(?:勇气|理由|动力)|reason to (?:keep )?living",
    r"what'?s the point (?:anymore|of living)",
    r"(?:这个?)?世界(?:上)?没(?:有)?我也一样",
    r"(?:不如|想|就)?死咗(?:佢|算|就)|顶唔顺",
    r"(?:喝|吃)(?:农)?药算了|寻思着?(?:喝药|死)",
    r"不想再?活在这(?:个)?世(?:上|界)",
    r"人生(?:已经)?没(?:有)?(?:什么|啥)?意义",
    r"(?:出车祸|被车撞)死",
    r"去找我(?:死去|过世|去世)的",
    r"(?:don'?t|do not|dont) (?:want to|wanna) (?:live|be alive|go on)",
    r"(?:no ?one|nobody) would (?:even )?(?:notice|care|miss me)",
    r"开煤气|煤气自杀",
    r"(?<![A-Za-z])kms(?![A-Za-z])|kill me now",
    r"(?:用|拿)命(?:来)?还|以死谢罪",
    r"(?:世上|世界上|活着)[^，,。]{0,4}(?:也是|就是|只是|只会)?(?:个)?(?:拖累|累赘|负担)",
    r"写好了?给[^，,。]{0,6}的信",
    r"人间不值得",
    r"永远睡(?:过去|着|下去)|一睡不醒",
    r"天台.{0,12}(?:不下来|跳下)",
    r"(?:勿|唔)想活",
    r"死了拉倒|药死",
    r"kill(?:ing)? myself",
    r"想着死",
    r"不想再撑",
    r"绝望",
    r"kill (?:my ?self)",
    r"no point (?:in )?living",
    r"can'?t go on",
    r"rather be dead",
    r"(?:want|wanna) (?:it all )?to end(?: it)?\b(?! my)",
    r"ending it all",
    r"nobody would miss me",
    r"disappear forever",
    r"on the (?:roof|bridge|ledge)",
    r"pills ready",
    r"life is meaningless",
    r"want to jump",
    r"cutting myself",
    r"(?:don'?t|do not) want to wake up",
    r"end (?:my life|it all)",
    r"suicid",
    r"(?:don'?t|do not) want to (?:live|be alive)",
    r"want to die",
    r"wanna die",
    r"feel(?:ing)? like dying",
    r"better off dead",
)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    return re.compile("|".join(_PHRASES), re.IGNORECASE)


def find_distress(text: str) -> tuple[int, int] | None:
    """The span of the first despair or self-harm phrase in ``text``, or None.

    Traditional characters are read as simplified ("唔想再活落去" in any script).
    """
    match = _pattern().search(to_simplified(text or ""))
    return (match.start(), match.end()) if match else None
