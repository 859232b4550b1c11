"""Placeholders in certificate text: {姓名} and friends, their data keys and sample values."""

import re
from html import escape

from django.utils.translation import gettext_lazy as _

# Printed label → key in Certificate.data. Templates are written in Chinese; data keys stay
# stable if a label is ever renamed.
PLACEHOLDERS = {
    "姓名": "name",
    "单位": "unit",
    "工号": "number",
    "职务": "position",
    "课程": "course",
    "考试": "exam",
    "学时": "hours",
    "成绩": "score",
    "竞赛": "competition",
    "奖项": "award",
    "年度": "year",
    "日期": "date",
    "证书编号": "serial",
}

# Sample data for the admin preview: a name with rare characters on purpose.
SAMPLE = {
    "name": "王喆堃",
    "unit": "市文化市场综合执法局执法一支队",
    "number": "10001",
    "position": "执法队员",
    "course": "互联网上网服务营业场所管理条例精讲",
    "exam": "2026年度执法资格考试",
    "hours": "12",
    "score": "92",
    "competition": "2026年全市文化市场执法技能竞赛",
    "award": "一等奖",
    "year": "2026",
    "date": "2026年3月5日",
    "serial": "LB2026-000123",
}

DEFAULT_BODIES = {
    "course": (
        "{姓名}同志：\n于{日期}完成《{课程}》网络课程学习，共计{学时}学时，经考核合格，"
        "准予结业。\n特发此证。"
    ),
    "exam": "{姓名}同志（{单位}）：\n参加{考试}，考核合格。\n特发此证。",
    "award": "{姓名}同志（{单位}）：\n在{竞赛}中荣获{奖项}。\n特发此证，以资鼓励。",
    "unit_award": (
        "{单位}：\n在{竞赛}中组织有力、成绩突出，荣获优秀组织奖。\n特发此证，以资鼓励。"
    ),
    "model_officer": (
        "{姓名}同志（{单位}）：\n在{年度}年度执法练兵活动中表现突出，被评为执法练兵标兵。"
        "\n特发此证，以资鼓励。"
    ),
    "annual_record": "{姓名}同志（{单位}，工号{工号}）{年度}年度参加培训情况如下。",
}
DEFAULT_TITLES = {
    "course": "结业证书",
    "exam": "合格证书",
    "award": "荣誉证书",
    "unit_award": "荣誉证书",
    "model_officer": "荣誉证书",
    "annual_record": "年度培训档案",
}

_PATTERN = re.compile(r"\{([^{}]{1,10})\}")


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in _PATTERN.findall(text) if name not in PLACEHOLDERS]


def fill(text: str, data: dict, *, html: bool = False) -> str:
    """Replace every known {标签} by its value; `html` escapes text and values alike."""
    out, last = [], 0
    for match in _PATTERN.finditer(text):
        key = PLACEHOLDERS.get(match.group(1))
        if key is None:
            continue
        out.append(escape(text[last : match.start()]) if html else text[last : match.start()])
        value = str(data.get(key, ""))
        out.append(escape(value) if html else value)
        last = match.end()
    out.append(escape(text[last:]) if html else text[last:])
    return "".join(out)


def chinese_date(day) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def mask_name(name: str) -> str:
    """张*明 for the public verification page: first and last characters only."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
