"""Phrase tables of the answer-fit check (``answer_fit``), one regex source per cue.

Every table is read on *normalised* text (``text.normalize``: lower-case, full-width
punctuation folded to ASCII, so a Chinese comma is ``,`` here). Each is a plain string of
alternatives; ``rx()`` compiles it once. What each cue means for a label is decided in
``answer_fit``; here are only the words.

Despair and self-harm are not listed here: they come from ``bot.nlu.safety.find_distress``,
the one list the dialogue also uses. Amounts come from ``facts``.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=64)
def rx(pattern: str) -> re.Pattern[str]:
    """Compile a table (cached), case-insensitive."""
    return re.compile(pattern, re.IGNORECASE)


#: Clause and sentence boundaries (after normalisation).
CLAUSE_BREAK = r"(?<!\d),|,(?!\d)|[。;!?:\n~…]|\.(?=\s|$)"
SENTENCE_BREAK = r"[。;!?\n…]|\.(?=\s|$)"

# --- Openers ---------------------------------------------------------------------------

_PARTICLES = r"[的呢哦哈呀啊啦嘞滴哒~]*(?:亲)?"
#: Affirmations that open a reply. Strong ones open even when the clause goes on ("好的请
#: 先…"); weak ones only as a clause of their own ("行，…", "可以。…": "可以为您申请" is an
#: offer, not an affirmation). "可以的话" (if possible) is a condition.
AFFIRM_OPENER = (
    r"^(?:(?:嗯|哦|噢|喔|亲|您好|你好)[,.!~\s]*)*"
    r"(?:(?:好的|好滴|好嘞|好哒|好咧|好呀|好啊|好吧|可以的|可以呀|可以啊|可以哦|可以呢|可以滴|"
    r"没问题|当然可以|当然没问题|当然了|当然啦|行的|行啊|行呀|是的|对的|会的|没错|嗯嗯|嗯呢|"
    r"好好好?|可以可以|行行行?|对对对?|那(?:行|好)(?:的|吧)?|没毛病|妥妥?的?|可以考虑的?|冇问题|要得|"
    r"无问题)"
    r"(?!的话|话)" + _PARTICLES + r"|"
    r"(?:可以|好|行|当然|对|是|嗯|成|中|得|啱)" + _PARTICLES + r"(?=[,.!。~\s]|$)|"
    r"(?:ok(?:ay)?|sure|of course|certainly|absolutely|no problem|yes|yeah|yep)"
    r"(?:\b|(?=[的哦呢啦哈呀]))" + _PARTICLES + r")"
    r"[,.!。~\s]*"
)

# --- What may follow an affirmation ------------------------------------------------------

#: The assistant cannot or will not do it.
REFUSAL = (
    r"无法|不能(?!保证)|不可以|不可(?!能)|不行|办不了|做不了|做不到|帮不了|减不了|免不了|改不了|"
    r"(?:办理|处理|操作|调整|修改|更改|受理)不了|出于[^,。;]{0,6}(?:考虑|原因)|"
    r"唔到|唔得|唔可以|唔能够|冇办法|唔行|(?:登记|记录|安排|记)不了|"
    r"查不了|不支持|不提供|不予|不接受|不受理|没有?办法|没法|不符合|不满足|"
    r"不在[^,。;]{0,8}(?:范围|时间)|"
    r"不可能|不允许|不同意|拒绝|不批准|不适用|恐怕|遗憾|不建议|不推荐|无权|"
    r"(?:最晚|最多|最长|最高|最久)(?:只能|也就|只)|只能(?:到|分|申请|减免|办理|显示|提供|告诉|查|看|发|给|说)|"
    r"比较难|很难|有(?:点|些)?(?:难度|困难)|不太行|不太可能|不好办|请(?:您)?(?:理解|谅解)|"
    r"没有[^,。;]{0,8}(?:权限|业务|服务|政策|功能|选项)|"
    r"(?:我们|我|这边|系统|银行|本行)(?:这边)?只能|"
    r"还(?:没有?|未)(?:办好|办理|通过|生效|到账|收到|处理|查到|查询到|批)|尚未|还未|"
    r"未(?:能|查询到|查到|收到|到账|通过)|暂不|暂时(?:不|没有)|"
    r"can'?t|cannot|can not|unable|not able|not possible|isn'?t possible|unfortunately|"
    r"i'?m afraid|not eligible|not available|isn'?t available|(?:don'?t|do not) offer|"
    r"won'?t be able|not allowed|\bdecline|not guaranteed|no guarantee|can'?t guarantee"
)
#: Refusals the borrower asked for ("先不办了" -> "好的，暂不为您办理").
MIRRORED_REFUSAL = r"^(?:暂不|暂时不)"
#: The borrower said no, stop or not now.
USER_DECLINE = (
    r"不用|不需要|不要|别|先不|不想|不办|算了|取消|停止|不了|\bstop\b|don'?t|no thanks|not now"
)

#: A correction of what the borrower said or believes.
CORRECTION = (
    r"不对|不是这样|不太对|不准确|不正确|有误|搞错|弄错|错了|纠正|其实|实际上|事实上|并不是|并非|"
    r"并没有|并未|系统(?:显示|记录|查询)?[^,。;]{0,12}(?:仍|还有|尚|未|没|依然|不)|记录显示|"
    r"根据[^,。;]{0,6}记录|确实是您|确系您|(?:就)?是您本人|属实|"
    r"超(?:过|出)了?[^,。;]{0,4}期限|超出|不少于|不低于|不得低于|至少要|不够|不足|低于|少于|低过|"
    r"\bactually\b|\bin fact\b|records show|that'?s not|\bincorrect\b|not correct|"
    r"准确(?:地)?(?:来)?说|(?:系统|记录)(?:显示|查询)"
)

#: "Not now, first ...": conditions that put the request off.
DEFERRAL = (
    r"(?:需要|须|需|得|要|必须|请)(?:请)?(?:您)?先|先(?:核实|验证|提供|完成|登录|确认身份)|"
    r"还是(?:要|得|需要)|仍(?:然)?(?:需|要|得)|"
    r"之前(?:需要|要|得|须|请)|(?:核实|验证|还款|还清|结清)(?:通过)?(?:之?后|以后)(?:才|再|方可)|"
    r"(?:请示|确认|核实|查询|了解|商量|研究|评估)(?:一下)?[^,。;]{0,6}"
    r"再(?:答复|回复|告诉|联系|通知|说)|"
    r"(?:需要|须|得|要|请)(?:您)?(?:本人)?(?:亲自)?(?:到|去|前往)(?:柜台|网点|营业厅|银行)|"
    r"(?:在|于)[^,。;]{1,12}再(?:联系|来|办|申请|试)|"
    r"(?:但是?|不过|可是|只是)[^,。;!?]{0,12}(?:需要|须|要|得|必须)|"
    r"before (?:we|i) can|first (?:need|have)|need [^,.;]{0,30}\bfirst\b|only after|once you|"
    r"\bbut\b[^.;]{0,30}(?:need|must|have to|has to|required)"
)
#: "Later": a deferral unless the borrower asked to wait ("等发了工资再还行吗").
WAIT = r"等[^,。;]{0,10}(?:之后|以后|再)|稍后再|以后再|晚点再|改天再"
#: The borrower asked to wait.
USER_WAIT = r"等|再|晚点|以后|改天|\blater\b|\bwait"
#: Caveats that are deferrals only when nothing was granted ("不保证", "需人工审核").
SOFT_DEFERRAL = (
    r"审核|以[^,。;]{0,8}为准|才能|才可以|^(?:但是?|不过|可是|只是|然而|不好意思)|"
    r"^(?:but|however|sorry)\b|manual review|needs? (?:to be )?review"
)
#: A limit on what the borrower may choose: a refusal when the borrower asked for something
#: outside it ("明年三月再还可以吗" -> "好的，日期需要在12月22日之前").
LIMIT = (
    r"(?:需要|必须|要|只能|得)(?:在|于)[^,。;]{0,16}(?:之前|以前|之间|以内|前)|"
    r"(?:最晚|最迟|最多|最长)[^,。;]{0,6}(?:到|为|是)|must be (?:before|within|between)"
)
#: The borrower asks for a time far off ("明年三月再还可以吗", "宽限到下个月底行吗").
USER_FAR = r"明年|年后|过年|下个?月|[两三四五六几]个月|半年|next (?:month|year)|\bmonths\b"
#: The borrower asks for permission ("…可以吗", "…行不行", "can you …").
USER_ASKS = (
    r"可以吗|可以么|行吗|行么|行不行|可不可以|能不能|能否|好不好|成不成|中不中|得唔得|"
    r"\bcan (?:you|i)\b|\bcould (?:you|i)\b"
)
#: Doubts: deferrals unless something was done ("已为您提交，不保证通过" fits).
DOUBT = r"不能保证|无法保证|不保证|不承诺|不一定|未必"
#: The assistant did (part of) what was asked.
DONE = (
    r"已(?:经)?为您|为您(?:登记|提交|申请|转接|办理|记录|更正|安排)|"
    r"已(?:经)?(?:登记|提交|记录|转接|安排|受理|生效|完成|到账)|已(?:审核)?通过|成功|"
    r"i'?ve (?:recorded|transferred|submitted|registered)|has been (?:recorded|submitted|approved)"
)
#: The assistant did it, or offers to ("可以为您申请").
GRANT = DONE + r"|可以(?:为您)?(?:申请|办理)"

#: A request for identity data or verification.
VERIFY_REQUEST = (
    r"(?:核实|验证|核验|确认|认证)(?:一下)?(?:您|你)?的?(?:本人)?身份|身份(?:核实|验证|核验|认证)|"
    r"(?:提供|告诉我|发给我|发我|输入|报一下|说一下|回复)(?:一下)?(?:您|你)?的?(?:在本行)?"
    r"(?:预留的?)?(?:手机|电话|身份证|证件|卡号|姓名|名字)|"
    r"手机号码?(?:和|及|与|、)身份证|持卡人本人|是(?:不是)?(?:您)?本人吗|"
    r"身份证号?码?后四位|(?:手机|电话)号码?是(?:多少|什么)|"
    r"verify (?:your )?identity|identity verification|confirm your identity|"
    r"your (?:mobile|phone) number|last (?:four|4) digits"
)
#: Verification reported done, not asked for.
VERIFY_DONE = r"成功|已完成|已通过|已核实|已验证|\bverified\b"
#: The borrower is giving identity data, asking to verify, or just agreeing.
USER_IDENTITY = (
    r"\d{3,}|\*{2,}|(?:手机|电话|身份证|证件)(?:号码?)?(?:是|为|:|后四位)|后四位|尾号|核实|"
    r"验证|认证|"
    r"^(?:(?:好|好的|可以|可以的|行|嗯|哦|ok|okay|是|是的|对|对的|没问题|yes|sure)[,.!。~\s]*)+$"
)

#: A clause that only states a condition ("如果暂时无法按时还款，…").
CONDITIONAL = (
    r"^(?:如果|如需|如有|如遇|如您|如确|如核实|若|假如|万一|要是|倘若|一旦|"
    r"if\b|in case|should you|unless)"
)
#: A clause that restates the borrower's situation ("理解您暂时无法一次还清").
ECHO = r"(?:理解|明白|知道|了解|体谅|听到)(?:您|你)"
#: The borrower, not the assistant, is the one who cannot ("您暂时无法…").
USER_SUBJECT = r"(?:您|你)(?:暂时|目前|现在|这个月|本月|可能|一时)?$"
#: A warning, not a refusal ("不能向个人账户转账").
WARNING_OBJECT = r"^(?:向|给|转|把|私下|通过个人)"

# --- Fears -------------------------------------------------------------------------------

#: Arrest, jail, police, crime.
ARREST = (
    r"坐牢|坐劳|坐监|zuo ?lao|bei zhua|判刑|蹲(?:监狱|监|号子|大牢|局子)|监狱|牢房|大牢|局子|"
    r"(?:会|要|被|得)(?:被)?(?:抓)?进去|"
    r"被抓|抓(?:我|人|走|起来|去)|来抓|案底|关起来|带走|看守所|班房|牢饭|拘留|拘役|逮捕|刑拘|"
    r"报警|警察|公安|派出所|犯罪|犯法|违法|差佬|差人|条子|警车|(?:来|嚟)?拉(?:我|人)(?:走|去)?(?=[啊吗呀?]|$)|"
    r"刑事|(?:算|构成|属于|涉嫌|当成|定性为|判)(?:是)?诈骗|诈骗罪|恶意透支|立案|\bjail|prison|"
    r"arrest|police|\bcops?\b|\bcrime|criminal"
)
#: Police or crime raised by the borrower as their own step, or about the collector's
#: conduct ("我被盗刷了要不要报警", "你们这样催收违法吗").
ARREST_NOT_FEAR = (
    r"我(?:要|想|去|可以|应该|需要|已经|得|先|马上|会|就)?报警|要不要报警|需不需要报警|该不该报警|"
    r"报警(?:有用|管用)|(?:你们|你)[^,。?]{0,10}(?:违法|犯法|犯罪)|违法(?:催收|行为)|"
    r"在(?:派出所|公安局?|警局)(?:上班|工作)"
)
#: People and places the borrower fears will be told.
THIRD_PARTY = (
    r"家人|家里|家属|屋企|父母|爸|妈|老婆|老公|媳妇|爱人|对象|男朋友|女朋友|孩子|子女|儿子|女儿|"
    r"亲戚|亲人|亲友|朋友|同事|同学|单位|jia ?ren|dan ?wei|公司|领导|老板|上司|人事|通讯录|"
    r"爹|娘|公婆|公公|婆婆|岳父|岳母|丈母娘|老丈人|哥哥|姐姐|弟弟|妹妹|家长|房东|(?<![a-z])hr(?![a-z])|"
    r"(?:我|俺)(?:姐|哥|弟|妹|叔|婶|舅|姨|姑)|老细|大喇叭|广播|sister|brother|"
    r"联系人|邻居|村里|学校|"
    r"\bfamily|parents?\b|\bwife|husband|\bkids\b|children|employer|\bboss|colleagues?|"
    r"co-?workers?|contacts|friends|neighbou?rs|workplace|\boffice|(?:to|at) (?:my|your) work\b|"
    r"landlord|roommates?|爷娘"
)
#: Telling, calling, visiting, exposing.
CONTACT = (
    r"告诉|通知|联系|打电话|打给|打(?:畀|到|去)|电话|da dian hua|gao su|tong zhi|lian xi|找|知道|"
    r"接到|发(?:短信|信息|消息|律师函|函|催收函|通知|信)|寄|短信|上门|去|到|来|曝光|爆|说|讲|传|打俾|"
    r"骚扰|催|连累|牵连|\btell|\bcall|contact|notify|inform|visit|\bknow|\btext|message|"
    r"\breach|show up|\bsend\b|find out|learn about|hear about"
)
#: What makes it a question about what the collector will do ("会告诉…", "别告诉…"): a
#: contact verb must follow one of these, so "我儿子说…" is no fear.
FEAR_MODAL = (
    r"会|要|将|被|别|不要|唔会|唔好|能不能不|可不可以不|可以不|\bhui\b|\bwill\b|\bwould\b|won'?t|"
    r"going to|gonna|are you|do you|does|can you|could you"
)
#: Fear words: what follows is feared of the collector ("我怕你们找我老婆").
FEAR_WORD = r"怕|担心|害怕|顾虑"
#: Pronouns that stand for a third party named earlier in the sentence ("我老公…别让他知道").
PRONOUN = r"他|她|他们|她们|佢|佢哋|them\b|\bhim\b|\bher\b"
#: Public exposure ("会不会在网上曝光我").
EXPOSURE = (
    r"曝光|公开(?:我|我的)|发朋友圈|挂(?:到)?网上|网上(?:曝光|公开)|群里|业主群|大喇叭|广播|"
    r"发我(?:的)?(?:名字|照片|信息)|贴(?:出来|告示|大字报)|"
    r"\bexpose|post about me|social media"
)
#: A home visit names both the place and the act.
HOME_VISIT = r"上门(?!来?(?:收|取|办|服务))|(?:来|去|到)(?:我|俺)?(?:老)?家|找到(?:我|俺)?(?:老)?家"
#: The borrower as the one who would tell ("我要不要告诉家里人").
USER_TELLS = r"我(?:要不要|该不该|应不应该|需不需要|可以|能不能|想|要|得)?(?:告诉|通知|联系)"
#: A yes/no question (or a stated fear, which asks the same).
YES_NO = (
    r"\?|[吗嘛]|(?<![什怎多那这])么|[吧不没伐](?=[.!。~]*$)|有冇|会不会|是不是|要不要|能不能|"
    r"可不可以|有没有|会唔会|系唔系|得唔得|会否|是否|怕|担心|害怕|hui bu hui|\bma$|"
    r"^(?:will|would|are|am|is|do|does|can|could|should|did)\b|"
    r"\b(?:will|would|are|do|does|can|could) (?:you|i|they|my|the|this|it)\b|"
    r"worried|afraid|scared"
)
#: Not a yes/no question: why and how.
NOT_YES_NO = r"为什么|为啥|凭什么|干嘛|干吗|干么|怎么|\bwhy\b|\bhow\b"
#: A question expecting "no" or asking not to be told: an affirmation may open the denial
#: ("能不能别告诉我老婆" -> "可以的，我们不会…"; "我不会坐牢吧" -> "是的，不会").
NEGATIVE_QUESTION = (
    r"能不能不|可不可以不|能否不|可以不|别|不要|不会[^,。?]{0,12}(?:吧|吗)|应该不会|"
    r"please don'?t|can you not|you won'?t"
)

#: Reassurance before the answer ("您放心，", "理解您的担心。").
SOFTENER = (
    r"^(?:(?:您好|你好|亲|hi|hello|请?您?放心|请?您?安心|这个您?放心|说实话|实话(?:跟您)?说|老实说|"
    r"坦白(?:地)?说|to be honest|honestly|"
    r"(?:您|你)?(?:先)?(?:别|不要|不用|不必)(?:着急|急|紧张|害怕|担心|怕|慌)|没事|没关系|"
    r"(?:我|我们)?(?:非常|很|完全)?(?:理解|明白)(?:您|你)的?"
    r"(?:担心|顾虑|心情|感受|担忧)|"
    r"(?:您|你)的(?:担心|顾虑|心情)(?:我|我们)?(?:能|可以|完全|非常)?(?:理解|明白)|"
    r"don'?t worry|please don'?t worry|no worries|"
    r"i understand (?:your|the) (?:concerns?|worry|worries|fears?))"
    r"[吧哈啦哦呀的]*[,.!。~:\s]*)+"
)
#: The truthful denial, at the start of the answer (a short subject may come first:
#: "我们不会…", "还不上信用卡欠款不属于…").
DENIAL = (
    r"^[^,。;!?]{0,10}?(?:不会|不用|不需要|不必|不算|不属于|不构成|不是|不犯|不违|不至于|不存在|"
    r"不涉及|不通知|不告诉|不联系|不找|不打|不报警|不上门|不可能|怎么会|哪会|"
    r"没有这|没这|没有的事|没的事|没有?(?=[,。.!~]|$)|没有?(?:犯|违)|"
    r"只(?:会)?(?:联系|和|与|跟|找)(?:您)?本人|并不|绝不|决不|从不|唔会|唔系)|"
    r"^(?:no|nope|never|not at all|absolutely not|of course not|definitely not)\b|"
    r"^(?:we|i)(?: will| would)? only (?:contact|speak|talk)|"
    r"^(?:\S+\s+){0,5}?(?:not|never|won'?t|don'?t|doesn'?t|isn'?t|aren'?t|wouldn'?t)\b"
)
#: A condition right after the denial ("不会的，只要您尽快还款就不会…").
CONDITION_AFTER = r"(?:只要|如果|要是|前提是|除非|as long as|if\b|unless|provided)"
#: The borrower's question states its own condition ("如果一次还清可以免吗"): a conditional
#: grant answers it.
USER_CONDITION = r"如果|要是|假如|的话|\bif\b"
#: Hedges and conditions that turn a denial into "it depends" ("一般不会", "按时还款就不会").
HEDGE = (
    r"一般|通常|原则上|基本|大概|应该|(?<!不)可能|只要|如果|按时|就|暂时|目前|尽量|"
    r"usually|normally|probably|as long as|\bif\b"
)

# --- Distress ----------------------------------------------------------------------------

#: Care: concern, safety, the psychological hotline, collection put aside.
CARE = (
    r"12356|心理|援助|担心您|关心您|很担心|您的安全|安全最重要|生命|身边(?:信任)?的人|信任的人|"
    r"陪(?:着|伴|您)|倾诉|先不谈|不谈(?:还款|钱|欠款)|先别想|"
    r"慢慢(?:商量|来)|一起(?:想办法|面对)|照顾好自己|保重|难过|心疼|急救|\b120\b|\b110\b|"
    r"(?:help|crisis|support|psychological|mental health|suicide)[^.]{0,12}(?:hotline|line)|"
    r"worried about you|your safety|are you safe|someone you trust|crisis|emergency|we care|"
    r"(?:won'?t|not) talk about"
)
#: Collection: money, plans, dates, verification, pressure to pay.
COLLECTION = (
    r"分期|分\d+期|\d+期|每期|每月[^,。;]{0,4}还|方案|还款|还钱|还清|还上|偿还|欠款|欠费|应还|"
    r"最低还款|逾期|账单|余额|滞纳金|利息|征信|哪天|几号|日期|还多少|能还|身份证|手机号|"
    r"核实(?:一下)?(?:您的)?身份|身份核实|验证|是本人吗|\bpay|repay|balance|\bdue\b|overdue|"
    r"installment|\bplan\b|verify|mobile number|identity"
)
#: A clause that puts collection aside ("现在先不谈还款", "等您好一些再商量分期").
SET_ASIDE = (
    r"先不|不谈|不用(?:急|着急|担心|想)|不必|暂停|停止|放一放|放一边|以后再|之后再|再说|再商量|"
    r"不急|别急|先别|别想|不要想|不会再?催|等您|比[^,。;]{0,6}重要|以后(?:再|慢慢)|放下|先放|搁置|"
    r"不重要|不要紧|先不管|"
    r"慢慢(?:商量|来|说|谈|倾)|唔(?:讲|谈|倾)|改天|回头再|"
    r"not now|won'?t talk|no need|later|pause|\bstop|more than any|aside"
)

# --- Disputes ----------------------------------------------------------------------------

#: The debt is not the borrower's, is wrong, or comes from fraud.
_NEVER_DID = r"借|欠|办|刷|消费|用|申请|开|签|买|花|透支|同意|碌"
DISPUTE = (
    # not mine
    r"(?<!是)不是(?:我|俺|本人)(?!不|的错|的问题)"
    r"(?:的|借|欠|刷|消|办|用|花|买|开|本人|操作|签|(?=$|[,。!?吧啊呀]))|唔系我|"
    r"(?:没有?|冇|未曾|从未)(?!再)[^,。?!]{0,8}(?:" + _NEVER_DID + r")过|"
    r"从(?:来)?没[^,。?!]{0,6}过|"
    r"(?:从来|根本|压根)(?:都)?(?:没有?|冇|未)(?:" + _NEVER_DID + r")|"
    r"(?:我|本人)(?:根本|从来|压根)?(?:都)?没有?欠|不欠|没有?(?:这|那)张?卡|"
    r"哪(?:里)?来的(?:欠款|钱|账|债)|(?:账|欠款|债|这笔)[^,。?!]{0,2}哪(?:里|儿)?来的|"
    r"(?:没|未)(?:有)?(?:收到|拿到|领过|激活)过?(?:这张|信用)?卡|"
    r"(?<!不是)不认(?!真|识|可(?:这个|该)?方案)(?:这|账|这笔|这个)?|不承认|"
    r"(?<!没)(?<!没有)(?<!无)异议|申诉|争议|"
    r"不该(?:我)?(?:还|再算|算)|凭(?:什么|啥)(?:说我欠|让我|要我)|(?:跟|和|与)我(?:没有?关系|无关)|"
    r"没见过|(?:找|认)错(?:人|了)|(?<![\d号码字])打错(?:人|了|电话)|"
    r"(?<![莫别不])(?:搞|弄)错(?:人|了|咗)|"
    # wrong amount or charge
    r"(?:账单|账|数|数字|数额|数目|金额|这笔|这几笔|交易|消费|费用|利息|滞纳金|违约金|算的|算得|"
    r"本金|余额|欠款|总额|应还|"
    r"钱数)[^,。?!]{0,6}"
    r"(?:不对|有误|有问题|是错的|错了|整错|算错|不准|不符|离谱|不合理|不认可|乱七八糟|唔啱)|"
    r"算错|乱收|乱算|瞎写|胡乱|错得离谱|抽风|\bbug|多了一个零|莫名其妙|凭空|冒出|对不上|"
    r"不一样|不一致|(?:明明|我)只(?:欠|刷|借|花|用)|自己算[^,。?!]{0,3}(?:只|才)|"
    r"重复(?:扣|收|入账|计|刷|的)|(?:扣|收|刷|算|入账|计)了?两(?:次|遍)|合同上?(?:根本)?没写|"
    r"系统(?:的)?问题|系统出错|退款|(?:原路|已经)退回|退回了|(?:没|未)退(?!休)|拒付|不付|"
    r"(?:我)?(?:没有?|并没)逾期|还款日(?:期)?(?:还)?没到|"
    # fraud, theft, identity misuse
    r"盗刷|被盗|卡被偷|冒用|冒名|盗用|骗子|骗局|骗刷|电信诈骗|"
    r"被(?:人)?(?:诈)?骗(?:了)?[^,。?!]{0,6}(?:才|刷|借|办|贷|消费|欠|转|绑|的)|"
    r"诈骗(?:的|导致|造成|所致)|被(?:人)?(?:绑卡|刷|动过|拿去)|(?:拿|用)了?我的?身份证|诈骗团伙|"
    r"(?:用|以|借)我(?:的)?名(?:义|字)|偷(?:偷)?(?:用|拿|借)|(?:啥|什么|几)时候(?:借|欠|刷|办|用)过|"
    r"冒我(?:个|的)?名|唔系我(?:申请|借|刷|签)|跑哪(?:儿|里)?去了|(?:怎么|不)可能是我|人在国外|"
    r"背着我|笔[^,。?!]{0,6}不认(?:识|得)|卡[^,。?!]{0,4}(?:没|未)(?:有)?(?:收到|拿到)过?|"
    r"(?:used|took) my (?:phone|id|card|name)|"
    r"without (?:asking|telling) me|behind my back|"
    r"(?:注销|销户)了|(?:我|已经)(?:已经)?报(?:了)?(?:警|案)|立了案|已经?立案|警方在查|"
    r"公安已经受理|"
    # settled by agreement or a court
    r"和解|债务(?:已经?)?了结|(?:已经|早就|早)了结|了结了|协商好了|协议(?:都)?签了|谈过了|"
    r"这账不存在|裁定免除|"
    # pinyin
    r"bu shi wo|jin ?e bu dui|mei (?:you )?(?:jie|shua|hua|mai) ?guo|"
    # English
    r"not my (?:debt|card|account|loan)|isn'?t mine|isn'?t my|not mine|(?:don'?t|do not) owe|"
    r"didn'?t (?:make|authorize|buy|borrow|spend|use)|"
    r"never (?:borrowed|had|opened|used|applied|made|owed|agreed|bought|authori[sz]ed)|"
    r"(?:charge|bill|amount|balance|statement)[^.?!]{0,20}\b(?:wrong|incorrect|glitch)|"
    r"charged (?:me )?twice|double[- ]charged|duplicate charge|settled|wrong amount|fraud|"
    r"identity theft|stolen|dispute|\bscam"
)
#: The borrower corrects their own words: a typed number ("打错了，是13800001111") or a date or
#: tenor ("搞错了 不是15号 是20号还"): no dispute.
SELF_CORRECTION = (
    r"(?:打|写|输|填|说)错了?[^。]{0,8}(?:是|应该是|改成?)\s*\d{3,}|"
    r"(?:搞|弄|说|记|算)错了?[^。]{0,8}(?:明天|后天|下周|下礼拜|周[一二三四五六日天]|礼拜|\d+号)"
    r"[^。]{0,8}还|"
    r"(?:不是|不对)[^。]{0,12}(?:是|改成?|换成?)[^,。]{0,4}?"
    r"(?:\d+|[一二两三四五六七八九十]+)\s*(?:号|日|期|月底?)"
)
#: Overcharged: a dispute unless asked as a why-question ("为什么多了380" asks about fees).
OVERCHARGE = (
    r"多算|多收|多扣|(?:收|算|扣)多了|"
    r"(?<![最至顶])多(?:了|出|收了|扣了|算了)[^,。?!]{0,3}?"
    r"(?:\d+|[一二两三四五六七八九十几]+)(?:百|千|万|元|块)|"
    r"(?<![最至顶])多(?:了|出|收了|扣了|算了)\d+"
)
#: A why-question about the amount.
WHY = r"为什么|为啥|怎么|咋|啥|什么|哪来|哪里来|多少|\bwhy\b|\bhow come\b"
#: A payment already made: "已经还了", "昨天转过去了", "我还过了", "already paid".
PAID = (
    r"(?:已经?|以经|已近|早就|早已|早都|早(?=转|还|打|交)|都|刚刚?|明明|"
    r"昨天|昨晚|昨儿|琴晚|寻日|前天|前儿个|前几天|大前天|几天前|\d+天前|"
    r"上周[一二三四五六日天]?|上礼拜|上个?月|这个月初|去年|之前|\d+号|今天(?:上午|早上|下午)|"
    r"上午|早上)"
    r"[^,。?!没不未冇]{0,12}?(?:还|转|打(?=款|钱|过|进)|交|存|付|扣|汇|整(?=过))"
    r"(?:了|过|咗|完|清|上|进|款|钱|的|账|走|掉)|"
    r"(?:还|转|付|交)(?:过|咗)(?!去)了?|过咗数|^还了|还款了|(?:转|打)过去了|"
    r"已还(?!款日)|已结清|已还清|已经?(?:到账|入账)|还上了|还(?:给)?你们了|"
    r"还款成功|扣款成功|已还款|账已经平|(?:还清|结清|还完|付清)了|一直(?:都)?按时还|"
    r"帮我(?:把钱)?(?:全部)?(?:还|转|交)(?:了|上|清|的)|(?<!不用)(?<!不要)(?<!别)替我还(?:了|过|清|上)|"
    r"(?:yi ?jing|zao ?jiu|zuo ?tian) (?:huan|zhuan)|"
    r"already paid|paid (?:already|yesterday|last|on|it|this|that|off|through)|\bi paid\b|"
    r"payment (?:is )?(?:done|went through)|transferred it|money was sent"
)
#: A payment still to come: a promise, not a claim ("我明天就还了", "月底之前全部还清").
FUTURE = (
    r"明天|后天|下周|下礼拜|下个?月|过几天|马上|待会|等会|晚点|准备|打算|(?<!上个)(?<!上)月底|"
    r"之前(?:全部)?还|前还|(?:要|会|想|得|能|可以)还|tomorrow|\bnext\b|will pay|going to pay|"
    r"gonna pay"
)
#: Part of it was paid (an amount, the minimum, a part): the rest is not in dispute...
PARTIAL = (
    r"一部分|部分|一半|一些|还差|剩|最低|(?:还|交)了(?:一)?点|"
    r"\d[\d,.]*(?:元|块)?(?![\d,.]*(?:号|日|月|天|点|年|周|期))|"
    r"[一二两三四五六七八九十几]+(?:块|元|千|百|万)"
)
#: A payment made, in any words: with ``CONTESTED``, a claim ("我转了怎么还没到账").
PAYMENT_DONE = r"(?:还|转|打|交|存|付|扣)(?:了|过|咗|的|成功)"
#: ...unless the borrower says it is not showing or they are still chased.
CONTESTED = (
    r"(?:怎么|为啥|为什么|咋)(?:还|没|仍)|点解|还显示|仍然?显示|还(?:在)?催|没到账|没入账|"
    r"查不到|没收到|冇收到|没显示|不显示|未还|到了没|到没到|查一下|查查|核对|"
    r"(?:去|跑)哪(?:儿|里)?了|哪(?:儿|里)?去了|只到(?:了|账)|"
    r"isn'?t showing|not showing|\bwhy\b"
)

#: The dispute is recorded or collection paused.
RECORD = (
    r"(?:记录|登记|受理|提交|收到)[^,。;]{0,8}(?:异议|申诉|反馈|情况|争议|盗刷|投诉|核实|核查)|"
    r"异议[^,。;]{0,6}(?:已|会)(?:记录|登记|受理)|暂停[^,。;]{0,8}催收|"
    r"(?:停止|不会)[^,。;]{0,6}催收|(?:核实|核查|调查)(?:期间|清楚|情况|这笔|交易|账单)|"
    r"(?:提交|安排|进行|为您)(?:交易)?(?:核实|核查|调查)|转(?:给|交|接)?(?:专人|人工|工作人员|专员)|"
    r"paus|recorded your|investigat|look into"
)
#: Pressing to pay, asking when or how much.
PRESS = (
    r"(?:请|需要|需|务必|尽快|按时|记得|要|应该|还是得|仍需|还是需要|积极)[^,。;!?]{0,8}"
    r"(?:还款(?!凭证|记录|截图|证明|流水|情况)|还清|还上|偿还|支付|缴|还钱)|"
    r"哪天[^,。;?]{0,8}还|计划[^,。;]{0,4}还|还多少|每月[^,。;]{0,4}还|还款(?:日期|承诺)|"
    r"什么时候[^,。;?]{0,8}还|以免|避免影响|(?:仍需|仍然需要|还是需要|还是要|依然需要)[^,。;!?]{0,20}还|"
    r"(?:please|need to|must|should) (?:pay|make a payment|settle)|\bpay the\b|(?:is|are) due|"
    r"due (?:today|on|by)|payment plan|installment"
)
#: A plan quote.
PLAN_QUOTE = (
    r"分\d+期|\d+期每期|每期(?:还款)?约?\d|分期方案|个性化分期|\d+\s*months?|per month|each month"
)
#: Asserted as the borrower's, or as overdue, with or without an amount.
ASSERTED = (
    r"仍(?:有|欠)|还欠|还有[^,。;]{0,6}(?:欠|元|未还|逾期|款|\d)|已逾期|逾期\d+天|"
    r"系统(?:显示|记录)[^,。;]{0,10}(?:有|欠|未还|逾期)|有(?:一笔)?[^,。;]{0,8}欠款|欠款属实|"
    r"确实(?:是您|欠|由您|属于)|确系您|的确|是您本人(?:的|消费|办理)|属实|"
    r"您的(?:密码|签名|短信验证码)|records show|in your name|"
    r"your (?:minimum payment|balance|outstanding balance|amount due) is|"
    r"\d[\d,]*(?:\.\d+)?\s*(?:yuan|rmb|cny)\b|the total (?:of|is|due)|registered under your name"
)
#: A clause that is a condition on the outcome, or a denial ("如核实后确属…", "不会要求您还款").
NOT_ASSERTED = (
    r"^(?:如|若|假如|万一|核实后如)|不会要求|暂不需要|无需|不用|不需要|暂停|停止|先不|不会"
)
