"""Parsers for single roster cells: text, dates, phones, orders and choices.

Cells come from Excel, WPS or CSV: full-width characters, floats for numbers, dates as
cells or as text in several styles. Each parser returns a clean value or raises ValueError
with a message for the user.
"""

import re
import unicodedata
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from people.models import Domain
from people.services.roster_export import zh_label

# Words HR departments use for the statuses besides the labels themselves.
STATUS_SYNONYMS = dict.fromkeys(("在职", "正常"), "active") | {"调出": "transferred"}
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?"
)


def nfkc(text: str) -> str:
    """Full-width letters, digits and punctuation (工号 １００２３) as their ASCII forms."""
    return unicodedata.normalize("NFKC", text).strip()


def header_key(value) -> str:
    # "工 号*", "\u3000姓名＊", "手机号（必填）" compare as 工号, 姓名, 手机号(必填).
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).strip("*")


def text_of(value) -> str:
    """A cell as text: Excel hands back 工号 10023 and phone numbers as floats."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime) and value.time() == time():
        value = value.date()
    return str(value).strip().strip("\ufeff\u200b").strip()


def parse_date(value, open_ended: bool = False) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = nfkc(text_of(value))
    if not text or (open_ended and text in ("长期", "长期有效", "永久")):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and 10000 < value < 80000:
        return from_excel(value).date()  # a date typed into a cell formatted as a number
    match = _DATE.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    try:
        return date(*(int(part) for part in match.groups()))
    except (AttributeError, ValueError):
        message = _("日期“%(value)s”无法识别，请写成 2024-01-05 这样的格式。")
        raise ValueError(message % {"value": text}) from None


def parse_phone(value) -> str:
    text = nfkc(text_of(value))
    digits = sum(c in "0123456789" for c in text)
    if text and (not re.fullmatch(r"\+?[0-9 -]+", text) or not 7 <= digits <= 20):
        raise ValueError(_("号码“%(value)s”格式不正确（应为 7–20 位数字）。") % {"value": text})
    return text


def parse_order(value) -> int:
    text = nfkc(text_of(value))
    if text and not text.isdigit():
        raise ValueError(_("排序“%(value)s”应为非负整数。") % {"value": text})
    return int(text or 0)


def choice_parser(choices, label: str, default: str = "", synonyms=None):
    """A parser accepting a choice's Chinese label or value (and a few synonyms)."""
    words = {c.value: c.value for c in choices}
    for choice in choices:  # 区(市)执法局 also as 区执法局, 执法总队/全市 also as either part
        label = zh_label(choice)
        for word in (label, re.sub(r"[(（].*?[)）]", "", label), *label.split("/")):
            words[word] = choice.value
    words = {nfkc(k).lower(): v for k, v in (words | (synonyms or {})).items()}
    allowed = "、".join(zh_label(c) for c in choices)

    def parse(value) -> str:
        text = nfkc(text_of(value))
        if text and text.lower() not in words:
            message = _("%(label)s“%(value)s”无效，可选：%(allowed)s。")
            raise ValueError(message % {"label": label, "value": text, "allowed": allowed})
        return words[text.lower()] if text else default

    return parse


def domain_parser():
    words, names = {}, []
    for code, name in Domain.objects.values_list("code", "name"):
        words[nfkc(name).lower()] = words[code.lower()] = code
        names.append(name)

    def parse(value) -> tuple[str, ...]:
        parts = [p for p in re.split(r"[、，,;；/|\s]+", nfkc(text_of(value)).lower()) if p]
        for part in parts:
            if part not in words:
                message = _("执法领域“%(value)s”不存在，可选：%(allowed)s。")
                raise ValueError(message % {"value": part, "allowed": "、".join(names)})
        return tuple(dict.fromkeys(words[part] for part in parts))

    return parse
