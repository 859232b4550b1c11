"""The values question drafting looks for in an article, and plausible wrong ones.

Pure functions: amounts of money ("一万元以上五万元以下", "15000元以下"), multiples of a base
("违法经营额五倍以上十倍以下"), time limits ("十五日", "20个工作日", "三个月"), ages
("十四周岁") and percentages ("百分之三"). Each `Value` can render itself, or a neighbour
drawn from a ladder of values legislators actually use, in the article's own style: Chinese
numerals in laws, Arabic digits in most State Council regulations.
"""

import re
from dataclasses import dataclass, replace

from courses.services.chinese_numerals import chinese_to_int, int_to_chinese

_CN = "零〇一二三四五六七八九十百千两"
NUMBER = rf"(?:\d+|[{_CN}]+)"
# 一千万元, 二十五万元, 1万元, 15000元, 一万五千元
MONEY = rf"(?:{NUMBER}万[{_CN}]*|{NUMBER})元"

MONEY_RANGE = re.compile(rf"(?P<lo>{MONEY})以上(?P<hi>{MONEY})以下")
MONEY_CAP = re.compile(rf"(?P<hi>{MONEY})以下")
MULTIPLE_RANGE = re.compile(
    rf"(?P<base>违法经营额|违法所得|投资总额|货值金额)(?P<lo>{NUMBER})倍以上(?P<hi>{NUMBER})倍以下"
)
PERCENT = re.compile(rf"百分之(?P<n>{NUMBER})")
# Not 第五十年 (an ordinal), 每日/当日, dates (2021年7月15日) nor quoted terms (“二日”).
PERIOD = re.compile(
    rf"(?<![第每当次月年“\d{_CN}])(?P<n>{NUMBER})(?P<unit>个工作日|个月|日|年|小时|周岁)(?![\d月”])"
)

# Values legislators use; wrong options are drawn from a value's neighbours here.
LADDERS = {
    "yuan": [50, 100, 200, 500, 1000, 2000, 3000, 5000, 10000, 15000, 20000, 30000, 50000,
             100000, 200000, 250000, 300000, 500000, 1000000, 2000000, 3000000, 5000000,
             10000000],
    "times": [1, 2, 3, 5, 10],
    "percent": [1, 2, 3, 5, 10, 20],
    "日": [2, 3, 5, 7, 10, 15, 20, 30, 45, 60, 90, 180],
    "个工作日": [3, 5, 7, 10, 15, 20, 30],
    "个月": [1, 2, 3, 6, 12],
    "年": [1, 2, 3, 5, 10, 20, 30, 50, 70],
    "小时": [12, 24, 48, 72],
    "周岁": [12, 14, 16, 18],
}  # fmt: skip


def parse_number(text: str) -> int:
    """ "15000", "二十五", "两" → int; ValueError if it is not a number."""
    if text.isdigit():
        return int(text)
    return chinese_to_int(text.replace("两", "二"))


def parse_money(text: str) -> int:
    """ "一千万元", "1万元", "一万五千元" → yuan."""
    text = text.removesuffix("元")
    if "万" in text:
        high, _sep, low = text.partition("万")
        return parse_number(high) * 10000 + (parse_number(low) if low else 0)
    return parse_number(text)


def number_text(number: int, style: str) -> str:
    if style == "ar":
        return str(number)
    if number >= 10000:
        high, low = divmod(number, 10000)
        rest = "" if not low else ("零" if low < 1000 else "") + int_to_chinese(low)
        return int_to_chinese(high) + "万" + rest
    return int_to_chinese(number)


def money_text(yuan: int, style: str) -> str:
    if style == "ar" and yuan >= 10000 and yuan % 10000 == 0:
        return f"{yuan // 10000}万元"
    return number_text(yuan, style) + "元"


def style_of(text: str) -> str:
    return "ar" if re.search(r"\d", text) else "cn"


@dataclass(frozen=True)
class Value:
    """One value of an article: what kind, its numbers, and how the article writes it.

    `kind` is "money" (lo may be None: "X元以下"), "times", "percent" or "period"; `unit` is
    the period's unit or the multiple's base ("违法所得"); `start`/`end` locate `text` in the
    sentence it came from. `text` excludes a multiple's base, so a blank keeps it visible.
    """

    kind: str
    lo: int | None
    hi: int
    unit: str
    style: str
    text: str
    start: int
    end: int

    @property
    def ladder_name(self) -> str:
        return {"money": "yuan", "times": "times", "percent": "percent"}.get(self.kind, self.unit)

    @property
    def tag(self) -> str:
        if self.kind == "period":
            return "年龄" if self.unit == "周岁" else "期限"
        return {"money": "罚款", "times": "罚款", "percent": "比例"}[self.kind]

    def render(self, lo: int | None, hi: int, style: str | None = None) -> str:
        style = style or self.style
        if self.kind == "money":
            return (
                f"{money_text(lo, style)}以上{money_text(hi, style)}以下"
                if lo is not None
                else f"{money_text(hi, style)}以下"
            )
        if self.kind == "times":
            return f"{number_text(lo, style)}倍以上{number_text(hi, style)}倍以下"
        if self.kind == "percent":
            return f"百分之{number_text(hi, 'cn')}"
        return f"{number_text(hi, style)}{self.unit}"

    def accepted(self) -> list[str]:
        """Ways an officer may write the value in a blank: the article's, the other style."""
        forms = [
            self.text,
            self.render(self.lo, self.hi, "cn"),
            self.render(self.lo, self.hi, "ar"),
        ]
        if self.kind == "percent":
            forms.append(f"{self.hi}%")
        if self.kind == "money":  # 10000元以上50000元以下
            plain = replace(self, style="ar")
            forms.append(plain.render(self.lo, self.hi).replace("万元", "0000元"))
        if self.kind == "period" and self.hi == 2 and self.style == "cn":
            forms.append(f"两{self.unit}")
        unique = []
        for form in forms:
            if form not in unique:
                unique.append(form)
        return unique

    def neighbours(self, avoid: str) -> list[str]:
        """Wrong values near this one, rendered like it, none of them written in `avoid`.

        Ordered (nearest first) and deterministic; the caller picks among them.
        """
        ladder = sorted(set(LADDERS[self.ladder_name]) | {self.hi} | ({self.lo} - {None}))
        position = ladder.index(self.hi)

        def step(value, offset):
            index = ladder.index(value) + offset
            return ladder[index] if 0 <= index < len(ladder) else None

        if self.lo is None:
            pairs = [
                (None, step(self.hi, offset))
                for offset in (-1, 1, -2, 2, 3, -3)
                if 0 <= position + offset < len(ladder)
            ]
        else:
            pairs = [
                (step(self.lo, lo_offset), step(self.hi, hi_offset))
                for lo_offset, hi_offset in ((-1, 0), (0, 1), (1, 1), (-1, -1), (1, 2), (0, -1),
                                             (-2, -1), (2, 2), (1, 0), (-1, 1))
            ]  # fmt: skip
            pairs = [(lo, hi) for lo, hi in pairs if lo is not None and hi is not None and lo < hi]
        own = self.render(self.lo, self.hi)
        found = []
        for lo, hi in pairs:
            if hi is None:
                continue
            text = self.render(lo, hi)
            if text != own and text not in found and not _written_in(text, lo, hi, self, avoid):
                found.append(text)
        return found


def _written_in(text: str, lo, hi, value: Value, article: str) -> bool:
    """Whether the article states this wrong value anywhere, in either style."""
    forms = {text, value.render(lo, hi, "cn"), value.render(lo, hi, "ar")}
    return any(form in article for form in forms)


def find_values(sentence: str) -> list[Value]:
    """Every value in a sentence, left to right; amounts only when they are fines."""
    values: list[Value] = []
    taken: list[range] = []

    def add(value: Value):
        span = range(value.start, value.end)
        if any(span.start < other.stop and other.start < span.stop for other in taken):
            return
        taken.append(span)
        values.append(value)

    for match in MULTIPLE_RANGE.finditer(sentence):
        text = match.group(0)[len(match["base"]) :]
        lo, hi = parse_number(match["lo"]), parse_number(match["hi"])
        add(
            Value(
                "times", lo, hi, match["base"], style_of(text), text, match.start("lo"), match.end()
            )
        )
    for pattern in (MONEY_RANGE, MONEY_CAP):
        for match in pattern.finditer(sentence):
            if not _is_fine(sentence, match.end()):
                continue
            lo = parse_money(match["lo"]) if "lo" in match.groupdict() else None
            hi = parse_money(match["hi"])
            add(Value("money", lo, hi, "元", style_of(match[0]), match[0], *match.span()))
    for match in PERCENT.finditer(sentence):
        add(Value("percent", None, parse_number(match["n"]), "", "cn", match[0], *match.span()))
    for match in PERIOD.finditer(sentence):
        try:
            number = parse_number(match["n"])
        except ValueError:
            continue
        if match["unit"] == "年" and number >= 100:
            continue
        add(
            Value(
                "period", None, number, match["unit"], style_of(match["n"]), match[0], *match.span()
            )
        )
    return sorted(values, key=lambda value: value.start)


def _is_fine(sentence: str, end: int) -> bool:
    """An amount is a fine when 罚款 follows within its clause (not a 违法所得 threshold)."""
    rest = re.split(r"[；。]", sentence[end:], maxsplit=1)[0]
    return "罚款" in rest[:40] and not rest.startswith("的，")
