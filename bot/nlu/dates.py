"""Chinese date expressions resolved against today's date.

Pure functions, no Rasa. ``T`` is the ``today`` argument (the caller passes today's date in
Asia/Shanghai); weeks start on Monday. Numbers may be Arabic or Chinese ("下个月五号",
"十五号", "三天后", "2026年12月5日", "二〇二六年十二月五日"). The entity span covers the whole
expression ("下个月5号", "这周五", "三天后"). An expression naming an impossible date
("2月30号") yields nothing. Dialect words (Cantonese 听日, 琴日; northern 后儿个, 明儿个),
pinyin ("ming tian") and common typos ("明添") resolve like the words they stand for.

Past tense: when the clause holding the date says the borrower already paid (已经/已/早就, or
a paying verb followed by 了/咗/过/的: "28号就还了", "我15号已经还了", "周五转的", "15号还过了"),
the forms marked "(past: ...)" below resolve backwards, to the most recent such day on or
before T; every other form keeps its value ("前天还的" is T-2 anyway).

=====================================================  ==========================================
Expression                                             Value
=====================================================  ==========================================
今天 今日 今儿(个) 今个(儿) 今晚 今早 今朝 今添         T
明天 明日 明儿(个) 明个(儿) 明早 明晚 明添 名天          T+1 (明添, 名天: typos)
听日 听朝 听晚 (Cantonese)                               T+1
后天 后日 后儿(个) 后个 后添                             T+2 (not in 最后个, 以后, 然后...)
大后天 大后日 大后儿(个)                                 T+3
昨天 昨日 昨儿(个) 昨个(儿) 昨晚 昨夜                    T-1
琴日 寻日 尋日 噚日 琴晚 寻晚 (Cantonese)                T-1
前天 前日 前儿(个) / 大前天                              T-2 / T-3 (前日 not in 以前日子...)
today tonight tomorrow tmr yesterday (English)           T, T, T+1, T+1, T-1
(this|next|last) Monday..Sunday, Mon..Sun (English)      as 周X / 下周X / 上周X
the day after tomorrow (English)                         T+2
pinyin: "jin tian", "ming tian", "hou tian",             T, T+1, T+2, T+3, T-1, T-2
"da hou tian", "zuo tian", "qian tian" (any case,
spaced or not)
N天后 N天以后 N天之后 N日后 ("三天后", "3天后")         T+N
过N天 ("过两天" = T+2)                                   T+N
N天前 N天以前 N天之前                                    T-N
N周后 N个星期后 N个礼拜后 ("一周后"), 过N周              T+7N
半个月后, 过半个月                                       T+15
N个月后 N个月以后 N个月之后                              T + N calendar months (day clamped to the
                                                         month's last day)
下周 下星期 下礼拜 下个星期 下个礼拜 (no weekday after)   T+7
下下周 (no weekday after)                                T+14
周X 星期X 礼拜X 这周X 本周X 这个星期X                    weekday X of the current week if that day
(X = 一..六, 日/天, or 1..7)                             is T or later, else weekday X of next week
                                                         (past: of this week if on or before T,
                                                         else of last week)
下周X 下星期X 下个礼拜X                                  weekday X of next week
下下周X                                                  weekday X of the week after next
上周X 上星期X 上个礼拜X                                  weekday X of last week
周末 这周末 本周末                                       Saturday of the current week (T itself
                                                         when T is Sunday; past: the last
                                                         Saturday on or before T)
下周末                                                   Saturday of next week
N号 N日 ("15号", "十五号"), "15 hao"                     the first date on or after T whose day of
                                                         month is N (this month if N >= T's day,
                                                         else next month; months without day N
                                                         are skipped: "31号" on 11-20 -> 12-31;
                                                         past: the last such date on or before T)
这个月N号 本月N号                                        day N of the current month (may be past;
                                                         clamped to the month's last day)
下个月N号 下月N号 下个月的N号                             day N of next month (clamped to its last
                                                         day)
上个月N号 上月N号 上个月的N号                             day N of last month (clamped to its last
                                                         day)
月底 月末 这个月底 本月底                                 last day of the current month (past,
                                                         without 这个/本: of last month when
                                                         after T)
下个月底 下月底 下月末                                    last day of next month
上个月底 上月底 上月末                                    last day of last month
月初                                                     the first 1st on or after T (past: the
                                                         1st of the current month)
这个月初 本月初                                           the 1st of the current month
下月初 下个月初                                           the 1st of next month
上月初 上个月初                                           the 1st of last month
月中                                                     the first 15th on or after T (past: the
                                                         last 15th on or before T)
这个月中 本月中                                           the 15th of the current month
下月中 下个月中 (旬 optional)                             the 15th of next month
上月中 上个月中 (旬 optional)                             the 15th of last month
M月N号 M月N日 M月N ("12月5号") and M/N ("12/5")           month M day N of T's year, or of next
                                                         year when that date is before T (past:
                                                         of last year when after T); a date half
                                                         a year away or more is read in the
                                                         year nearest to T instead (not after
                                                         已经/早就: "12月5号已经还了" is last year)
M月初 / M月中 / M月底 (月末)                              the 1st / 15th / last day of month M
                                                         (next year when before T; past: last
                                                         year when after T)
年底 年末                                                December 31 of T's year
元旦 元旦节                                              the first January 1 on or after T (other
                                                         holidays follow the lunar calendar and
                                                         are not resolved; past: the last one)
YYYY-MM-DD YYYY/MM/DD YYYY.MM.DD YYYY年M月D日 (号)        that date
=====================================================  ==========================================
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Callable

from dateutil.relativedelta import relativedelta

from bot.nlu.matches import Match, select_longest
from bot.nlu.numbers import parse_digits, parse_int

logger = logging.getLogger(__name__)

_CN = "零〇一二两三四五六七八九十"
_NUM = rf"(?:\d{{1,3}}|[{_CN}百]{{1,4}})"
_DAY = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_MONTH = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
_NOT_NUMERAL_BEFORE = rf"(?<![\d{_CN}百千万./-])"
_NOT_NUMERAL_AFTER = rf"(?![\d{_CN}百千万元块期个天月])"
_AFTER = r"(?:以后|之后|后)"
_BEFORE = r"(?:以前|之前|前)"
_WEEK = r"(?:周|星期|礼拜)"
# A weekday after 周/星期/礼拜; "一定"/"一准" (surely) is not Monday: "下周一定还" means next week
# ("下周一准时还" is Monday).
_WEEKDAY = r"(?:一(?!定|准(?!时))|[二三四五六日天1-7])"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAYS.update({str(i + 1): i for i in range(7)})

_CHINESE_WEEKDAY = re.compile(rf"(?P<prefix>下下|下|上|这|本)?{_WEEK}(?P<wd>{_WEEKDAY})")
Resolver = Callable[[re.Match[str], dt.date], "dt.date | None"]

_CLAUSE_BREAK = re.compile(r"[,，。.!！?？;；\n]")
_ALREADY = re.compile(r"已经|已(?=[还转付交缴打存汇扣])|早就|早已")
"""Already: the clause is in the past tense whatever else it says."""
_PAID = re.compile(
    r"[还转付交缴打存汇扣](?:款|账|钱|清|上|完|掉|进去|过去|过来)?(?:了|咗|过(?![去来])|的(?!话|时候))"
    r"|(?<![A-Za-z])(?i:paid|repaid|transferred|sent)(?![A-Za-z])"
)
"""A paying verb done: "28号就还了", "周五转的", "还过了", "还咗"; unless ``_NOT_PAID`` says
otherwise."""
_TO_COME = re.compile(r"准备|打算|争取|保证|等")
"""Words that put the whole clause in the future ("等我15号发了工资 就把三千还了")."""
_NOT_PAID = re.compile(r"没|未|不了|会|要|再|才")
_NOT_PAID_REACH = 8
"""How far before the paying verb a negation reaches (two characters after it count too:
"15号还了才能再借吗"); "钱礼拜五就转了 你们没收到" was paid: its 没 belongs to another verb."""


def find_dates(text: str, today: dt.date) -> list[Match]:
    """Finds date expressions and resolves them against ``today``.

    Args:
        text: The message (full-width characters already mapped to ASCII).
        today: Today's date in the borrower's time zone.

    Returns:
        Non-overlapping matches in text order; each value is a ``datetime.date``.
    """
    candidates = []
    for pattern, resolve, past in _RULES:
        for found in pattern.finditer(text):
            backwards = past is not None and _in_past_tense(text, found.start(), found.end())
            if backwards and past is _month_and_day_past and _said_already(text, found):
                past = _month_and_day_already
            value = _safe(past if backwards and past else resolve, found, today)
            if value is not None:
                candidates.append(Match(found.start(), found.end(), value))
    return select_longest(candidates)


def _said_already(text: str, found: re.Match[str]) -> bool:
    """Whether the clause says "已经"/"早就": the past then holds however far back it reaches."""
    return bool(_ALREADY.search(_clause_around(text, found.start(), found.end())))


def _clause_around(text: str, start: int, end: int) -> str:
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    clause_start = max([b + 1 for b in breaks if b < start], default=0)
    clause_end = min([b for b in breaks if b >= end], default=len(text))
    return text[clause_start:start] + " " + text[end:clause_end]


def _in_past_tense(text: str, start: int, end: int) -> bool:
    """Whether the clause holding ``text[start:end]`` says the money was already paid."""
    clause = _clause_around(text, start, end)
    if _ALREADY.search(clause):
        return True
    if _TO_COME.search(clause):
        return False
    return any(
        not _NOT_PAID.search(clause[max(0, paid.start() - _NOT_PAID_REACH) : paid.end() + 2])
        for paid in _PAID.finditer(clause)
    )


def _safe(resolve: Resolver, found: re.Match[str], today: dt.date) -> dt.date | None:
    try:
        return resolve(found, today)
    except (ValueError, OverflowError):
        return None


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _add_months(day: dt.date, months: int) -> dt.date:
    return day + relativedelta(months=months)


def _month_day(year: int, month: int, day: int, clamp: bool) -> dt.date | None:
    if not 1 <= day <= 31:
        return None
    if clamp:
        day = min(day, _last_day(year, month))
    return dt.date(year, month, day)


def _next_occurrence(today: dt.date, month: int, day: int) -> dt.date:
    """Month/day in today's year, or next year when it already passed."""
    candidate = dt.date(today.year, month, day)
    return candidate if candidate >= today else dt.date(today.year + 1, month, day)


def _last_occurrence(today: dt.date, month: int, day: int) -> dt.date:
    """Month/day in today's year, or last year when it is still to come."""
    candidate = dt.date(today.year, month, day)
    return candidate if candidate <= today else dt.date(today.year - 1, month, day)


#: A month and day whose tense-preferred year is further away than this is read in the year
#: nearest to today instead: "12月15号发年终奖就全还了" (said on 11-30) is next month, not last
#: December; "是11月26号就用手机银行还了" is four days ago, not next November.
_FAR_DAYS = 183


def _month_day_in_nearest_year(today: dt.date, month: int, day: int, past: bool) -> dt.date:
    """Month/day in the year the tense prefers, unless that is half a year away or more."""
    preferred = (_last_occurrence if past else _next_occurrence)(today, month, day)
    if abs((preferred - today).days) <= _FAR_DAYS:
        return preferred
    years = (today.year - 1, today.year, today.year + 1)
    return min((dt.date(y, month, day) for y in years), key=lambda d: abs((d - today).days))


def _num(found: re.Match[str], group: str) -> int:
    value = parse_int(found[group])
    if value is None:
        raise ValueError(found[group])
    return value


def _year(text: str) -> int:
    value = parse_digits(text)
    if value is None:
        raise ValueError(text)
    return value


# Resolvers ----------------------------------------------------------------------------


def _offset(days: int) -> Resolver:
    return lambda _found, today: today + dt.timedelta(days=days)


def _days_after(found: re.Match[str], today: dt.date) -> dt.date:
    return today + dt.timedelta(days=_num(found, "n"))


def _days_before(found: re.Match[str], today: dt.date) -> dt.date:
    return today - dt.timedelta(days=_num(found, "n"))


def _weeks_after(found: re.Match[str], today: dt.date) -> dt.date:
    return today + dt.timedelta(weeks=_num(found, "n"))


def _months_after(found: re.Match[str], today: dt.date) -> dt.date:
    return _add_months(today, _num(found, "n"))


def _weekday(found: re.Match[str], today: dt.date) -> dt.date:
    monday = today - dt.timedelta(days=today.weekday())
    target = monday + dt.timedelta(days=_WEEKDAYS[found["wd"]])
    prefix = (found["prefix"] or "").replace("个", "")
    if prefix == "下下":
        return target + dt.timedelta(weeks=2)
    if prefix == "下":
        return target + dt.timedelta(weeks=1)
    if prefix == "上":
        return target - dt.timedelta(weeks=1)
    return target if target >= today else target + dt.timedelta(weeks=1)


def _weekday_past(found: re.Match[str], today: dt.date) -> dt.date:
    if found["prefix"]:
        return _weekday(found, today)
    monday = today - dt.timedelta(days=today.weekday())
    target = monday + dt.timedelta(days=_WEEKDAYS[found["wd"]])
    return target if target <= today else target - dt.timedelta(weeks=1)


_PINYIN_WEEKDAYS = {"yi": "一", "er": "二", "san": "三", "si": "四", "wu": "五", "liu": "六"}
_PINYIN_WEEKDAYS.update({"ri": "日", "tian": "天"})
_PINYIN_PREFIXES = {"xiaxia": "下下", "xia": "下", "shang": "上", "zhe": "这", "ben": "本"}
_PINYIN_PREFIXES.update({"next": "下", "last": "上", "this": "这"})
_ENGLISH_WEEKDAYS = {"mon": "一", "tue": "二", "wed": "三", "thu": "四", "fri": "五", "sat": "六"}
_ENGLISH_WEEKDAYS["sun"] = "日"


def _chinese_weekday(found: re.Match[str]) -> re.Match[str]:
    """The Chinese form of a pinyin or English weekday ("xia zhou wu", "next Friday"), matched."""
    prefix = re.sub(r"\s+", "", (found["prefix"] or "").lower())
    day = re.sub(r"\s+", "", found["wd"].lower())
    weekday = _PINYIN_WEEKDAYS.get(day) or _ENGLISH_WEEKDAYS[day[:3]]
    text = f"{_PINYIN_PREFIXES.get(prefix, '')}周{weekday}"
    match = _CHINESE_WEEKDAY.fullmatch(text)
    assert match is not None  # built from the tables above
    return match


def _pinyin_weekday(found: re.Match[str], today: dt.date) -> dt.date:
    return _weekday(_chinese_weekday(found), today)


def _pinyin_weekday_past(found: re.Match[str], today: dt.date) -> dt.date:
    return _weekday_past(_chinese_weekday(found), today)


def _weekend_past(found: re.Match[str], today: dt.date) -> dt.date:
    if found["prefix"]:
        return _weekend(found, today)
    saturday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=5)
    return saturday if saturday <= today else saturday - dt.timedelta(weeks=1)


def _weekend(found: re.Match[str], today: dt.date) -> dt.date:
    saturday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=5)
    if found["prefix"]:
        return saturday + dt.timedelta(weeks=1)
    return max(saturday, today) if today.weekday() == 6 else saturday


def _day_of_month(found: re.Match[str], today: dt.date) -> dt.date | None:
    day = _num(found, "d")
    if not 1 <= day <= 31:
        return None
    first = today.replace(day=1)
    for months in range(13):
        month_start = _add_months(first, months)
        if day <= _last_day(month_start.year, month_start.month):
            candidate = month_start.replace(day=day)
            if candidate >= today:
                return candidate
    return None


def _day_of_month_past(found: re.Match[str], today: dt.date) -> dt.date | None:
    day = _num(found, "d")
    if not 1 <= day <= 31:
        return None
    first = today.replace(day=1)
    for months in range(13):
        month_start = _add_months(first, -months)
        if day <= _last_day(month_start.year, month_start.month):
            candidate = month_start.replace(day=day)
            if candidate <= today:
                return candidate
    return None


def _this_month_day(found: re.Match[str], today: dt.date) -> dt.date | None:
    return _month_day(today.year, today.month, _num(found, "d"), clamp=True)


def _next_month_day(found: re.Match[str], today: dt.date) -> dt.date | None:
    start = _add_months(today.replace(day=1), 1)
    return _month_day(start.year, start.month, _num(found, "d"), clamp=True)


def _last_month_day(found: re.Match[str], today: dt.date) -> dt.date | None:
    start = _add_months(today.replace(day=1), -1)
    return _month_day(start.year, start.month, _num(found, "d"), clamp=True)


def _part_of_month(part: str, year: int, month: int) -> dt.date:
    if part == "初":
        return dt.date(year, month, 1)
    if part == "中":
        return dt.date(year, month, 15)
    return dt.date(year, month, _last_day(year, month))


def _month_part(found: re.Match[str], today: dt.date) -> dt.date:
    """月初/月中/月底 with an optional 这个/本/下个/上个 prefix."""
    prefix = (found["prefix"] or "").replace("个", "")
    part = found["part"]
    if prefix in ("下", "上"):
        start = _add_months(today.replace(day=1), 1 if prefix == "下" else -1)
        return _part_of_month(part, start.year, start.month)
    this_month = _part_of_month(part, today.year, today.month)
    if prefix or part in "底末" or this_month >= today:
        return this_month
    start = _add_months(today.replace(day=1), 1)
    return _part_of_month(part, start.year, start.month)


def _month_part_past(found: re.Match[str], today: dt.date) -> dt.date:
    """月初/月中/月底 without a prefix, in the past tense: the last one on or before T."""
    if found["prefix"]:
        return _month_part(found, today)
    this_month = _part_of_month(found["part"], today.year, today.month)
    if this_month <= today:
        return this_month
    start = _add_months(today.replace(day=1), -1)
    return _part_of_month(found["part"], start.year, start.month)


def _named_month_part_past(found: re.Match[str], today: dt.date) -> dt.date | None:
    month = _num(found, "m")
    if not 1 <= month <= 12:
        return None
    this_year = _part_of_month(found["part"], today.year, month)
    if this_year <= today:
        return this_year
    return _part_of_month(found["part"], today.year - 1, month)


def _named_month_part(found: re.Match[str], today: dt.date) -> dt.date | None:
    month = _num(found, "m")
    if not 1 <= month <= 12:
        return None
    this_year = _part_of_month(found["part"], today.year, month)
    if this_year >= today:
        return this_year
    return _part_of_month(found["part"], today.year + 1, month)


def _month_and_day(found: re.Match[str], today: dt.date) -> dt.date | None:
    month, day = _num(found, "m"), _num(found, "d")
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _month_day_in_nearest_year(today, month, day, past=False)


def _month_and_day_past(found: re.Match[str], today: dt.date) -> dt.date | None:
    month, day = _num(found, "m"), _num(found, "d")
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _month_day_in_nearest_year(today, month, day, past=True)


def _month_and_day_already(found: re.Match[str], today: dt.date) -> dt.date | None:
    month, day = _num(found, "m"), _num(found, "d")
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _last_occurrence(today, month, day)


def _full_date(found: re.Match[str], _today: dt.date) -> dt.date:
    return dt.date(_year(found["y"]), _num(found, "m"), _num(found, "d"))


def _end_of_year(_found: re.Match[str], today: dt.date) -> dt.date:
    return dt.date(today.year, 12, 31)


def _new_year(_found: re.Match[str], today: dt.date) -> dt.date:
    return _next_occurrence(today, 1, 1)


def _new_year_past(_found: re.Match[str], today: dt.date) -> dt.date:
    return _last_occurrence(today, 1, 1)


_Rule = tuple[re.Pattern[str], Resolver, "Resolver | None"]


def _rule(pattern: str, resolve: Resolver, past: Resolver | None = None) -> _Rule:
    """A date form, its resolver, and its resolver in the past tense when that differs."""
    return re.compile(pattern), resolve, past


def _pinyin(pattern: str) -> str:
    """Pinyin syllables, spaced or not, as a whole word, any case: "ming tian", "MingTian"."""
    return r"(?<![A-Za-z])(?i:" + pattern.replace(" ", r"\s*") + r")(?![A-Za-z])"


_RULES: list[_Rule] = [
    _rule(r"今(?:天|日|儿个?|个儿?|晚|早|朝|添)", _offset(0)),
    _rule(_pinyin("jin tian"), _offset(0)),
    _rule(r"(?:明(?:天|日|儿个?|个儿?|晚|早|添)|名天|听(?:日|朝|晚))", _offset(1)),
    _rule(_pinyin("ming tian"), _offset(1)),
    _rule(r"(?<![以之然最过落背])后(?:天|日|儿个?|添)", _offset(2)),
    _rule(r"(?<![以之然最过落背大])后个(?![月星礼周人])", _offset(2)),
    _rule(_pinyin("hou tian"), _offset(2)),
    _rule(r"大后(?:天|日|儿个?)", _offset(3)),
    _rule(_pinyin("da hou tian"), _offset(3)),
    _rule(r"(?:昨(?:天|日|儿个?|个儿?|晚|夜)|[琴寻尋噚](?:日|晚))", _offset(-1)),
    _rule(_pinyin("zuo tian"), _offset(-1)),
    _rule(r"(?<![以之提目从当])前(?:天|儿个?)", _offset(-2)),
    _rule(r"(?<![以之提目从当日])前日(?!子)", _offset(-2)),
    _rule(_pinyin("qian tian"), _offset(-2)),
    _rule(r"(?<![A-Za-z])(?i:the day after tomorrow)(?![A-Za-z])", _offset(2)),
    _rule(r"(?<![A-Za-z])(?i:tomorrow|tmr|tmrw)(?![A-Za-z])", _offset(1)),
    _rule(r"(?<![A-Za-z])(?i:today|tonight)(?![A-Za-z])", _offset(0)),
    _rule(r"(?<![A-Za-z])(?i:yesterday)(?![A-Za-z])", _offset(-1)),
    _rule(r"大前天", _offset(-3)),
    _rule(rf"{_NOT_NUMERAL_BEFORE}(?P<n>{_NUM})(?:天|日){_AFTER}", _days_after),
    _rule(rf"过(?P<n>{_NUM})天", _days_after),
    _rule(rf"{_NOT_NUMERAL_BEFORE}(?P<n>{_NUM})(?:天|日){_BEFORE}", _days_before),
    _rule(rf"{_NOT_NUMERAL_BEFORE}(?P<n>{_NUM})个?{_WEEK}{_AFTER}", _weeks_after),
    _rule(rf"过(?P<n>{_NUM})个?{_WEEK}", _weeks_after),
    _rule(rf"(?:半个月{_AFTER}|过半个月)", _offset(15)),
    _rule(rf"{_NOT_NUMERAL_BEFORE}(?P<n>{_NUM})个月{_AFTER}", _months_after),
    _rule(rf"下个?{_WEEK}(?!{_WEEKDAY}|末)", _offset(7)),
    _rule(rf"下下个?{_WEEK}(?!{_WEEKDAY}|末)", _offset(14)),
    _rule(
        rf"(?:(?P<prefix>下下个?|下个?|(?<![早晚马路])上个?|这个?|本))?(?<![{_CN}\d])"
        rf"{_WEEK}(?P<wd>{_WEEKDAY})",
        _weekday,
        _weekday_past,
    ),
    _rule(r"(?:(?P<prefix>下个?)|这个?|本)?周末", _weekend, _weekend_past),
    _rule(
        _pinyin(
            r"(?:(?P<prefix>xia xia|xia|shang|zhe|ben) (?:ge )?)?(?:zhou|xing qi|li bai) "
            r"(?P<wd>yi|er|san|si|wu|liu|ri|tian)"
        ),
        _pinyin_weekday,
        _pinyin_weekday_past,
    ),
    _rule(
        r"(?<![A-Za-z])(?i:(?:(?P<prefix>this|next|last)\s+)?"
        r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday))(?![A-Za-z])",
        _pinyin_weekday,
        _pinyin_weekday_past,
    ),
    _rule(
        rf"{_NOT_NUMERAL_BEFORE}(?<![\d{_CN}]月)(?P<d>{_DAY})[号日](?![\d线楼床门号])",
        _day_of_month,
        _day_of_month_past,
    ),
    _rule(
        r"(?<![\d.])(?P<d>[1-9]|[12]\d|3[01])\s*(?i:hao)(?![A-Za-z])",
        _day_of_month,
        _day_of_month_past,
    ),
    _rule(rf"(?:这个?|本)月(?:的)?(?P<d>{_DAY})[号日]", _this_month_day),
    _rule(rf"下个?月(?:的)?(?P<d>{_DAY})[号日]", _next_month_day),
    _rule(rf"(?<![早晚马路])上个?月(?:的)?(?P<d>{_DAY})[号日]", _last_month_day),
    _rule(
        rf"(?:(?P<prefix>下个?|(?<![早晚马路])上个?|这个?|本)|(?<![\d个{_CN}]))"
        r"月(?P<part>初|中|底|末)(?:旬)?",
        _month_part,
        _month_part_past,
    ),
    _rule(
        rf"{_NOT_NUMERAL_BEFORE}(?P<m>{_MONTH})月份?(?P<part>初|中|底|末)(?:旬)?",
        _named_month_part,
        _named_month_part_past,
    ),
    _rule(
        rf"{_NOT_NUMERAL_BEFORE}(?P<m>{_MONTH})月份?(?P<d>{_DAY})(?:[号日]|{_NOT_NUMERAL_AFTER})",
        _month_and_day,
        _month_and_day_past,
    ),
    _rule(
        r"(?<![\d/.])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])(?![\d/])",
        _month_and_day,
        _month_and_day_past,
    ),
    _rule(r"(?<![去前明])年(?:底|末)", _end_of_year),
    _rule(r"元旦节?", _new_year, _new_year_past),
    _rule(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)", _full_date),
    _rule(
        r"(?<!\d)(?P<y>\d{4}|[零〇一二三四五六七八九]{4})年"
        rf"(?P<m>{_MONTH})月(?P<d>{_DAY})[日号]",
        _full_date,
    ),
]
