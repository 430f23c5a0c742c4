"""Precise regular expressions per category, with spans.

Patterns run on normalised text (``text.normalize``: half-width, lower-case). A pattern
hit is always a violation (the classifier can add violations, never remove one), except:

* a hit preceded in its clause by a negation or warning cue ("我们*不会*通知您的单位",
  "*谨防*骗子冒充") is dropped, for patterns marked ``negatable``;
* a legal-process claim (``no-false-legal``) passes when the context records that
  action as real (see ``guard``).

Each ``_spec`` lists the alternatives of one regex, joined with ``|``. Placeholders:
``<YOU>`` (你/您/你们/您们), ``<YOUR>`` (the same, optionally + 的), ``<KIDS>`` (孩子/子女...)
and ``<G>`` (a gap character: anything but clause punctuation, so a pattern never spans
two clauses; written ``<G>{0,6}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.compliance import rules

_G = r"[^，,。；;！!？?\n]"
_YOU = r"(?:你们|您们|你|您)"
_YOUR = r"(?:(?:你们|您们|你|您)的?)"
_KIDS = r"(?:孩子|子女|小孩|儿子|女儿|下一代|后代)"

# Cues that, inside the clause just before a hit, make the hit a denial or a warning.
_CJK_NEGATION = re.compile(
    r"不会|不得|不能|不可|不要|不该|不应|不是|并非|并不|并未|绝不|决不|从不|从未|不曾|无需|不需要|"
    r"不用|无须|请勿|切勿|严禁|禁止|杜绝|谨防|防范|警惕|提防|冒充|假冒|谎称|自称|不存在|没有所谓|"
    r"并无|不建议|不鼓励|不允许|无权|不属于|不等于|不构成|无法保证|不能保证|不保证|不承诺|未经|"
    r"不涉及|不必|不再|不收取|不另行|无任何|没有任何|不会有|无关|并没有|我们没有|我行没有|银行没有|没有被|尚未|还未|未曾|如有人|若有人|如果有人|如遇|若遇|避免|谨慎|"
    r"(?:无法|没法|没办法|无权)(?:向|给|对)?(?:您|你)?(?:承诺|保证)|没有人会|没人会|没有人能|谁也不会"
)
_EN_NEGATION_WORD = re.compile(
    r"(?:not|never|no|cannot|nobody|neither|nor|beware|impersonat\w*|fake|scammers?|\w+n't)"
)
# A word right after a negation that makes it no denial: "won't hesitate to", "don't make us".
_EN_NOT_DENIAL_NEXT = frozenset(
    {
        "hesitate",
        "stop",
        "wait",
        "kidding",
        "joking",
        "bluffing",
        "afraid",
        "make",
        "force",
        "let",
        "want",
        "choice",
        "idea",
        "doubt",
        "mercy",
        "option",
        "longer",
        "only",
        "think",
    }
)
# Words that end a negation's scope before the hit ("not today, but ...").
_EN_SCOPE_BREAK = frozenset(
    {"but", "however", "unless", "otherwise", "else", "until", "then", "instead", "so"}
)
# A negation governed by a condition is no denial: "if you don't pay you will be arrested".
_EN_CONDITIONAL = frozenset({"if", "unless", "until", "when", "once", "because"})
_EN_SCOPE = 9
_EN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]")
_WINDOW = 12
_EN_WINDOW = 80


@dataclass(frozen=True)
class PatternHit:
    """One pattern match in normalised text.

    Attributes:
        category: Guard category (see ``rules``).
        start: Start offset in the normalised text.
        end: End offset (exclusive) in the normalised text.
        action: For legal-process claims, the legal action claimed (``lawsuit`` ...).
    """

    category: str
    start: int
    end: int
    action: str | None = None


@dataclass(frozen=True)
class _Pattern:
    category: str
    regex: re.Pattern[str]
    action: str | None
    negatable: bool


@dataclass(frozen=True)
class _Spec:
    category: str
    alternatives: tuple[str, ...]
    action: str | None = None
    negatable: bool = True


def _spec(category: str, *alternatives: str, action: str | None = None) -> _Spec:
    return _Spec(category, alternatives, action)


# Placeholders usable in the alternatives below.
_PLACEHOLDERS = {"<YOUR>": _YOUR, "<YOU>": _YOU, "<G>": _G, "<KIDS>": _KIDS}


def _expand(alternative: str) -> str:
    for placeholder, regex in _PLACEHOLDERS.items():
        alternative = alternative.replace(placeholder, regex)
    return alternative


_SPECS: tuple[_Spec, ...] = (
    # --- threats: arrest, jail, police, violence, visits as a threat
    _spec(
        rules.NO_THREAT,
        r"坐牢",
        r"蹲监狱",
        r"进监狱",
        r"蹲大牢",
        r"吃牢饭",
        r"牢底坐穿",
        r"关进(?:去|监狱|看守所)",
        r"抓进去",
        r"进去蹲",
        r"蹲(?:号子|局子|几年|个几年)",
        r"(?:进|蹲)局子",
        r"(?:戴上?|上)(?:了)?手铐",
        r"手铐<G>{0,3}(?:戴|铐)",
    ),
    _spec(
        rules.NO_THREAT,
        r"(?:抓|逮|拘|铐)<YOU>",
        r"来抓",
        r"上门抓",
        r"抓人",
        r"被抓",
        r"逮捕",
        r"刑拘",
        r"拘留<YOU>?",
    ),
    _spec(
        rules.NO_THREAT,
        r"判刑",
        r"判<YOU>(?:刑|几年|坐牢)",
        r"追究<YOUR>?刑事责任",
        r"刑事(?:立案|处罚|追责)",
    ),
    _spec(
        rules.NO_THREAT,
        r"(?<!请)(?<!请您)(?<!可以)(?:我们|我|银行|我行|就|会|要|已经|已|去|马上|直接|立刻|帮你|这就)报警",
        r"(?:公安|警察|派出所|民警|警方|经侦)<G>{0,6}(?:找<YOU>|抓|上门|来|立案|介入|处理<YOU>)",
    ),
    _spec(
        rules.NO_THREAT,
        r"打断<YOUR>?腿",
        r"弄死<YOU>",
        r"揍<YOU>",
        r"收拾<YOU>",
        r"让<YOU>(?:好看|吃不了兜着走|后悔)",
        r"有<YOU>好果子吃",
        r"后果自负",
        r"走着瞧",
        r"别怪我们不客气",
    ),
    _spec(
        rules.NO_THREAT,
        r"(?:派人|安排人|组织人|找人)<G>{0,4}(?:上门|去<YOUR>?家|堵<YOU>|找<YOU>)",
        r"上门(?:催收|讨债|堵)",
        r"堵在<YOUR>?(?:家|门口)",
    ),
    _spec(
        rules.NO_THREAT,
        r"\b(?:arrest(?:ed)?|jail(?:ed)?|prison|locked up|handcuff\w*|behind bars)\b",
    ),
    _spec(
        rules.NO_THREAT,
        r"\b(?:call|send|contact|notify)\w* the (?:police|cops|sheriff)\b",
        r"\bpolice (?:will|are going to|is going to)\b",
        r"\bcriminal (?:charges?|prosecution|case)\b",
        r"\bwe know where you live\b",
        r"\bhurt you\b",
    ),
    # --- criminal accusation
    _spec(
        rules.CRIMINAL_ACCUSATION,
        r"<YOU>(?:的行为|这种行为|这样)?<G>{0,4}(?:已经|已)?(?:构成|涉嫌|属于|犯了|犯下|"
        r"触犯|就是|是(?!否)|算(?!一下))<G>{0,6}(?:罪|犯罪|诈骗|骗贷|恶意透支|刑法|违法犯罪)",
    ),
    _spec(
        rules.CRIMINAL_ACCUSATION,
        r"(?:诈骗罪|信用卡诈骗|恶意透支罪|诈骗犯|罪犯|犯罪分子|犯罪嫌疑人)",
    ),
    _spec(
        rules.CRIMINAL_ACCUSATION,
        r"\byou(?:'ve| have)? committed\b",
        r"\b(?:this|that|it) is (?:a )?(?:crime|fraud)\b",
        r"\byou are (?:a )?(?:criminal|committing (?:a )?(?:crime|fraud))\b",
        r"\bguilty of\b",
        r"\bcredit card fraud\b",
        r"\bbreaking the law\b",
        r"\b(?:stole|stolen|steal\w*) (?:from|money)\b",
        r"\b(?:theft|thief)\b",
    ),
    # --- insults
    _spec(
        rules.NO_INSULT,
        r"老赖",
        r"废物",
        r"不要脸",
        r"无耻",
        r"人渣",
        r"败类",
        r"混蛋",
        r"王八蛋",
        r"畜生",
        r"穷鬼",
        r"穷光蛋",
        r"白痴",
        r"蠢货",
        r"傻[逼瓜bx叉]",
        r"脑子有病",
        r"狗东西",
        r"死皮赖脸",
        r"丢人现眼",
        r"臭不要脸",
        r"寄生虫",
        r"没出息",
        r"赖皮",
        r"去死",
        r"滚蛋",
        r"贱人",
    ),
    _spec(
        rules.NO_INSULT,
        r"骗子",
        r"垃圾(?:东西|玩意|人)",
        r"<YOU>(?:这个|这种|真是个?|就是个?|简直是个?)<G>{0,2}(?:垃圾|骗子|无赖|赖子|猪)",
    ),
    _spec(
        rules.NO_INSULT,
        r"\b(?:deadbeat|loser|dumb|scum\w*|idiot|stupid|moron|worthless|"
        r"pathetic|lowlife|liar|cheat|leech|parasite|bum)\b",
    ),
    # --- impersonation of courts, police, government, lawyers
    _spec(
        rules.NO_IMPERSONATION,
        r"(?:我|我们|本人|这里|这边|这儿)(?:是|就是|来自|代表|属于)<G>{0,8}(?:法院|公安|警察|"
        r"派出所|检察院|律师事务所|律所|律师|政府|司法局|执法|经侦|监管局|银保监|人民银行|警局|仲裁委)",
    ),
    _spec(
        rules.NO_IMPERSONATION,
        r"(?:法院|公安局|派出所|检察院|律师事务所|律所)(?:的)?(?:工作人员|执行法官|法官|警官|民警|"
        r"律师|书记员)<G>{0,3}(?:打来|来电|通知<YOU>|联系<YOU>)",
        r"本律师",
        r"本法官",
        r"本警官",
        r"受法院委托",
    ),
    _spec(
        rules.NO_IMPERSONATION,
        r"(?:来电|电话|通知|短信|消息)(?:是)?由<G>{0,6}(?:法院|公安|警方|检察院|律所|律师事务所|"
        r"司法机关)<G>{0,4}(?:发起|打来|发出|打给|发送)",
    ),
    _spec(
        rules.NO_IMPERSONATION,
        r"\b(?:this is|i am|i'm|we are|we're|calling from|on behalf of) (?:the |"
        r"a |an |your )?(?:[\w']+ )?(?:sheriff|police|court|district attorney|"
        r"attorney general|fbi|irs|law firm|attorney|lawyer|officer|"
        r"marshal)\b",
    ),
    # --- invented legal process (passes when the action is recorded as real)
    _spec(
        rules.NO_FALSE_LEGAL,
        r"传票<G>{0,4}(?:已|已经|马上|即将|就要)?(?:发出|寄出|送达|下来|发下|到了|出来|寄到|发到)",
        action="lawsuit",
    ),
    _spec(
        rules.NO_FALSE_LEGAL,
        r"(?:已经|已|正式)(?:向法院)?(?:起诉|立案|提起诉讼|提起了诉讼|提交诉讼|递交起诉)",
        r"(?:明天|马上|立刻|今天|下周|即将|准备|这就|就要|立即)(?:就)?(?:向法院)?(?:起诉|告)<YOU>",
        r"起诉<YOU>",
        r"(?:法院|法庭)<G>{0,3}(?:已经|已)?(?:立案|受理)",
        action="lawsuit",
    ),
    _spec(
        rules.NO_FALSE_LEGAL,
        r"(?:法院|法庭)<G>{0,3}(?:已经|已|马上|很快|即将|将|会)<G>{0,2}(?:判决|判了|裁定|下达|出具|发出|判)",
        r"判决书",
        r"开庭(?:时间|日期|通知)?(?:已|已经)?(?:定|安排)",
        r"败诉",
        action="judgment",
    ),
    _spec(
        rules.NO_FALSE_LEGAL,
        r"强制执行",
        r"列为(?:失信)?被执行人",
        r"(?:已经|已|申请)(?:进入)?执行程序",
        r"限制<YOUR>?(?:高消费|出境|乘坐)",
        action="enforcement",
    ),
    _spec(
        rules.NO_FALSE_LEGAL,
        r"(?:申请|已经|已|马上|将|会)(?:被)?(?:冻结|查封|扣押|划扣|扣划|划走|扣走)<YOUR>?(?:账户|财产|资产|房子|房产|车|工资|存款|公积金)",
        r"(?:冻结|查封|扣押|划扣|扣划)<YOUR>(?:账户|财产|资产|房子|房产|车|工资|存款|公积金)",
        action="asset_freeze",
    ),
    _spec(
        rules.NO_FALSE_LEGAL,
        r"\b(?:we (?:have|'ve) (?:filed|started) (?:a )?(?:lawsuit|"
        r"suit|legal action)|(?:will|going to|are about to) sue you|"
        r"(?:a |the )?summons (?:has|have|was|were) (?:been )?(?:issued|"
        r"sent|served)|court date|lawsuit (?:has been|was) filed)\b",
        action="lawsuit",
    ),
    _spec(
        rules.NO_FALSE_LEGAL,
        r"\b(?:judgment against you|court (?:has )?ordered)\b",
        action="judgment",
    ),
    _spec(
        rules.NO_FALSE_LEGAL,
        r"\b(?:garnish\w*|seiz\w+ your|levy on your)\b",
        action="asset_freeze",
    ),
    # --- exaggerated consequences
    _spec(
        rules.NO_EXAGGERATION,
        r"黑名单",
    ),
    _spec(
        rules.NO_EXAGGERATION,
        r"<KIDS><G>{0,8}(?:不能|无法|没法|别想|不让|影响|受影响|受限|过不了|通不过)<G>{0,4}(?:考公|"
        r"考编|上学|入学|读书|当兵|参军|政审|好学校|好大学|前途|升学|就业|工作)",
        r"<KIDS><G>{0,8}(?:考不了|上不了|进不了|当不了|读不了)",
        r"(?:考公|考编|政审|参军|当兵)<G>{0,4}(?:受影响|过不了|通不过|不合格)",
    ),
    _spec(
        rules.NO_EXAGGERATION,
        r"(?:冻结|封停|封掉|停掉|冻住|查封)<YOUR>?(?:名下)?(?:所有|全部|一切)",
        r"(?:所有|全部)(?:的)?(?:银行卡|账户|资产|财产|卡)<G>{0,4}(?:冻结|封|停)",
    ),
    _spec(
        rules.NO_EXAGGERATION,
        r"(?:这辈子|一辈子|下半辈子|一生|人生|前途|后半生)(?:就|都|也)?(?:完了|毁了|废了|完蛋)",
        r"毁了<YOU>",
        r"身败名裂",
        r"寸步难行",
        r"永远(?:都)?(?:贷不了|借不了|买不了)",
    ),
    _spec(
        rules.NO_EXAGGERATION,
        r"(?:坐不了|不能坐|禁止坐|别想坐)(?:高铁|飞机)",
        r"(?:高铁|飞机)(?:都)?(?:坐不了|别想坐)",
        r"(?:会|要|将|让你|让您|害你)(?:丢掉?|失去|保不住)(?:了)?<YOUR>?(?:工作|饭碗)",
        r"(?:工作|饭碗)(?:都|也)?(?:保不住|会丢|要丢)",
        r"买不了房",
        r"贷不了款",
    ),
    _spec(
        rules.NO_EXAGGERATION,
        r"(?:家人|父母|配偶|老婆|老公|妻子|丈夫|亲属|子女)[^，,。；;！!？?\n没无不]{0,6}(?:受牵连|连带|替<YOU>还|也要还|背债|承担债务|跟着倒霉)",
        r"连累<YOUR>?(?:家人|全家|父母|孩子)",
    ),
    _spec(
        rules.NO_EXAGGERATION,
        r"征信(?:就|会|将|也)?(?:彻底|全|全部)?(?:毁|黑|废|完|花)(?:了|掉)",
        r"征信污点一辈子",
    ),
    _spec(
        rules.NO_EXAGGERATION,
        r"\bblack ?list\w*",
        r"\bruin(?:s|ed)? your (?:life|future|family)",
        r"\bfreeze (?:all|every)\b",
        r"\byour (?:kids|children)\b[^,.;!?]{0,30}(?:school|college|university|job)",
        r"\bnever (?:be able to )?(?:get|find|rent|buy|own|open) (?:a |"
        r"an |another )?(?:job|loan|mortgage|apartment|house|home|"
        r"car|account)\b",
        r"\byour family (?:will|has to|must) pay\b",
        r"\blose your job\b",
    ),
    # --- third-party exposure and shaming
    _spec(
        rules.NO_THIRD_PARTY,
        r"(?:通知|告诉|告知|通报|联系|打给|打电话给|发给|发短信给|找|问问|知会|上报给?)<YOUR>?(?:工作单位|"
        r"单位|公司|领导|老板|上司|同事|紧急联系人|通讯录|村委|居委会|物业|hr|人事)",
    ),
    _spec(
        rules.NO_THIRD_PARTY,
        r"(?:通知|告诉|告知|通报|联系|打给|打电话给|发给|发短信给|找|问问|知会)<YOUR>(?:家人|家里人|"
        r"父母|爸妈|亲戚|亲友|亲朋好友|朋友|邻居|配偶|老婆|老公|妻子|丈夫|孩子|子女|学校|老师)",
    ),
    _spec(
        rules.NO_THIRD_PARTY,
        r"爆<YOUR>?通讯录",
        r"(?:发|挂|贴|晒|公布)(?:到|在|上)?<YOUR>?(?:朋友圈|微博|抖音|网上|群里|小区|公告栏|社交媒体|家族群|工作群)",
        r"曝光<YOU>?",
        r"(?:公开|公示|张贴|贴出)<YOUR>?(?:信息|照片|欠款|身份)",
    ),
    _spec(
        rules.NO_THIRD_PARTY,
        r"让<YOUR>?(?:家人|家里人|同事|朋友|领导|邻居|全村|亲戚|所有人|大家|周围的人)<G>{0,6}(?:知道|看看|评评理)",
        r"(?:全村|全公司|所有人|亲朋好友|身边的人)(?:都)?(?:会)?(?:知道)",
        r"(?:去|到|上)<YOUR>?(?:单位|公司|工作单位)<G>{0,4}(?:找<YOU>|催|要钱|闹)",
    ),
    _spec(
        rules.NO_THIRD_PARTY,
        r"\b(?:call|contact|tell|notify|inform|email|text) (?:your )?(?:employer|"
        r"boss|manager|coworkers|colleagues|family|relatives|parents|"
        r"wife|husband|spouse|neighbors|friends|contacts)\b",
        r"\b(?:post|share|publish)\w* [^,.;!?]{0,25}(?:facebook|social media|"
        r"online|wechat moments)\b",
        r"\bexpose you\b",
        r"\beveryone (?:you know )?will (?:know|find out)\b",
    ),
    # --- off-channel payment and collection fees
    _spec(
        rules.OFFICIAL_CHANNELS,
        r"(?:转|打|汇|付|还|存)(?:款|钱|账)?(?:到|给|进)(?:我|我的|本人|我个人)(?!们)(?:的)?(?:个人)?(?:账户|"
        r"账号|卡|银行卡|支付宝|微信)",
        r"(?:转|汇)(?:款|钱|账)?给我(?!们)",
        r"(?<!您的)(?<!你的)(?<!您)(?<!你)(?:私人|个人)(?:的)?(?:微信|账户|账号|银行卡|卡号|支付宝|收款码)",
    ),
    _spec(
        rules.OFFICIAL_CHANNELS,
        r"加(?:一下)?我(?:的)?(?:私人|个人)?(?:微信|qq|vx|wx)",
        r"扫(?:一下|描)?(?:我|这个|下面)(?:的)?(?:微信|收款)?(?:二维码|码)",
        r"私下(?:转账|还款|处理|解决)",
        r"私人(?:的)?(?:通道|渠道)",
    ),
    _spec(
        rules.OFFICIAL_CHANNELS,
        r"催收费",
        r"上门费",
        r"外访费",
        r"(?:交|付|缴|收)(?:一笔|一点|点)?(?:代办费|加急费|处理费|服务费|保证金|手续费)",
        r"(?:现金|当面)(?:交给|给|交)(?:我|我们的?工作人员)",
    ),
    _spec(
        rules.OFFICIAL_CHANNELS,
        r"\b(?:my (?:personal|own|private) (?:bank )?(?:account|card|"
        r"wallet)|venmo|zelle|cash ?app|gift cards?|bitcoin|crypto\w*|"
        r"add me on (?:wechat|whatsapp)|collection fee|processing fee)\b",
    ),
    # --- pushing new borrowing
    _spec(
        rules.NO_NEW_DEBT,
        r"(?:去|先|找|用|上|从|在|借|通过|试试|开通|申请|下载|弄|搞|办)<G>{0,4}(?:网贷|借呗|花呗|微粒贷|白条|小贷|小额贷款|高利贷|贷款app|口子)",
        r"套现",
        r"以贷养贷",
        r"拆东墙",
        r"以卡养卡",
        r"撸口子",
        r"借钱还",
        r"借来还",
    ),
    _spec(
        rules.NO_NEW_DEBT,
        r"(?:找|向|跟)<G>{0,4}(?:亲戚|朋友|家人|父母|同事|别人|别的平台|其他平台)<G>{0,2}(?:借|凑|周转)",
        r"(?:去借|借点|借些|借一下|借笔|借个|借到钱|借了钱|借钱|贷一笔|刷卡)<G>{0,6}(?:还上|还清|先还|来还|补上)",
        r"(?:办|申请|再办)(?:一)?张新(?:的)?(?:信用)?卡",
        r"申请(?:一笔)?新(?:的)?贷款",
    ),
    _spec(
        rules.NO_NEW_DEBT,
        r"\b(?:payday loan|cash advance|(?:take|get|open|apply for) (?:out )?(?:a |"
        r"another |a new )(?:new )?(?:loan|credit card|card)|borrow (?:money |"
        r"it )?from (?:your |a )?(?:friends?|family|relatives|someone|"
        r"another lender))\b",
    ),
    # --- false promises of relief
    _spec(
        rules.NO_FALSE_RELIEF,
        r"(?:保证|一定(?!条件|程度|比例|额度|金额|期限|的)|肯定|绝对|包|包你|百分之百|100%|承诺|"
        r"(?:马上|直接|立刻)(?:给|帮))(?:能|会|给|帮|可以|为)?<YOU>?(?:办理?|申请|做|"
        r"办|享受|批)?(?:到)?<G>{0,3}(?:停息|挂账|减免|免息|免除|免掉|打折|折扣|减半|全免|"
        r"免罚息|免违约金|只还本金)",
    ),
    _spec(
        rules.NO_FALSE_RELIEF,
        r"(?:只要|只需|只用)<G>{0,12}(?:就|即可|便)<G>{0,6}(?:全免|免除|免掉|减免|一笔勾销|不用还|停息|挂账)",
        r"(?:剩下的|剩余的?|其余的?)(?:部分|欠款)?(?:就|都|全部|也|会)*(?:免了|免掉|全免|免除|不用还|一笔勾销|不要了)",
        r"利息(?:全部|都)?(?:免了|不用还|给<YOU>免|一笔勾销)",
        r"(?:保证|包你|承诺|肯定)<G>{0,6}不(?:会)?再(?:产生|收|计|算|涨|有)<G>{0,3}(?:利息|罚息|违约金|滞纳金)",
    ),
    _spec(
        rules.NO_FALSE_RELIEF,
        r"\bguarantee\w*\b[^,.;!?]{0,30}(?:waiv\w*|discount|freez\w*|forgiv\w*|settle\w*|reduc\w*)",
        r"\bwe will (?:waive|forgive|cancel) (?:all|the|your)\b",
        r"\binterest will (?:be )?(?:frozen|stopped|waived)\b",
        r"\bonly (?:need to )?pay (?:half|50%)\b",
    ),
)


@lru_cache(maxsize=1)
def _compiled() -> tuple[_Pattern, ...]:
    return tuple(
        _Pattern(
            spec.category,
            re.compile("|".join(_expand(part) for part in spec.alternatives)),
            spec.action,
            spec.negatable,
        )
        for spec in _SPECS
    )


def _clause_start(text: str, position: int) -> int:
    start = max(0, position - _EN_WINDOW)
    for match in _CLAUSE_BREAK.finditer(text, start, position):
        start = match.end()
    return start


def is_negated(text: str, start: int) -> bool:
    """Tell whether a hit at ``start`` is denied or warned against by its own clause.

    Chinese cues count anywhere in the 12 characters of the clause before the hit (plus
    the first two characters of the hit, for "不会" split by a pattern that starts at
    "会"). English: the nearest negation within the last nine words of the clause counts
    ("this does not mean you will go to jail"), unless a scope break ("but", "unless" ...)
    comes after it, a condition governs it ("if you don't pay you will be arrested"), or
    the next word turns it into no denial ("we won't hesitate to call the police").

    Args:
        text: Normalised text.
        start: Start of the hit in ``text``.

    Returns:
        True when a negation or warning cue governs the hit.
    """
    begin = _clause_start(text, start)
    window = text[max(begin, start - _WINDOW) : start + 2]
    if _CJK_NEGATION.search(window):
        return True
    return _english_negated(_EN_WORD.findall(text[begin:start])[-_EN_SCOPE:])


def _english_negated(words: list[str]) -> bool:
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        if word in _EN_SCOPE_BREAK:
            return False
        if not _EN_NEGATION_WORD.fullmatch(word):
            continue
        following = words[index + 1] if index + 1 < len(words) else ""
        if following in _EN_NOT_DENIAL_NEXT:
            return False
        return not any(before in _EN_CONDITIONAL for before in words[max(0, index - 3) : index])
    return False


def find(text: str) -> list[PatternHit]:
    """Find every category pattern in normalised text.

    Args:
        text: Normalised text (``text.normalize(...).text``).

    Returns:
        Hits ordered by start offset; overlapping hits of one category are merged.
    """
    hits: list[PatternHit] = []
    for pattern in _compiled():
        for match in pattern.regex.finditer(text):
            if match.end() == match.start():
                continue
            if pattern.negatable and is_negated(text, match.start()):
                continue
            hits.append(PatternHit(pattern.category, match.start(), match.end(), pattern.action))
    return _merge(hits)


def _merge(hits: list[PatternHit]) -> list[PatternHit]:
    hits.sort(key=lambda hit: (hit.category, hit.action or "", hit.start, hit.end))
    merged: list[PatternHit] = []
    for hit in hits:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.category == hit.category
            and last.action == hit.action
            and hit.start <= last.end
        ):
            merged[-1] = PatternHit(last.category, last.start, max(last.end, hit.end), last.action)
        else:
            merged.append(hit)
    merged.sort(key=lambda hit: (hit.start, hit.end, hit.category))
    return merged
