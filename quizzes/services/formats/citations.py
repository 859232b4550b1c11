"""法条依据 as trainers write it: "《行政处罚法》第三十条；第三十一条、第三十二条之一".

Parsing only (no database): each citation becomes a label "《行政处罚法》第三十条" with the
article number in Chinese, the way `payload.article_label` writes it; a bare "第三十一条"
cites the regulation named before it. 款 and 项 (第二款第三项) are accepted and dropped:
questions cite whole articles. `question_import` resolves the labels to articles.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from courses.services.chinese_numerals import NUMERAL, article_display, chinese_to_int

_NUMBER = rf"(?:{NUMERAL}|\d+)"
CITATION = re.compile(
    rf"(?:《(?P<title>[^《》]+)》)?\s*第\s*(?P<number>{_NUMBER})\s*条"
    rf"(?:之(?P<sub>{_NUMBER}))?(?:第{_NUMBER}款)?(?:第{_NUMBER}项)?"
)
# What may stand between citations: list punctuation, spaces, 和/及/与.
_BETWEEN = re.compile(r"[\s;；,，、/和及与]*")


def _number(text: str) -> int:
    return int(text) if text.isdigit() else chinese_to_int(text)


def parse_label(label: str) -> tuple[str, int, int]:
    """ "《行政处罚法》第三十条之一" → ("行政处罚法", 30, 1); ValueError if it is not one."""
    match = CITATION.fullmatch(unicodedata.normalize("NFKC", label).strip())
    if not match or not match["title"]:
        raise ValueError(_("“%(label)s”不是法条（应写成《法规名称》第几条）") % {"label": label})
    return match["title"].strip(), _number(match["number"]), _number(match["sub"] or "0")


def split_citations(text: str) -> list[str]:
    """The labels of every article a 法条依据 cell cites, in order, without repeats."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    labels, title, position = [], None, 0
    for match in CITATION.finditer(text):
        gap = text[position : match.start()]
        if not _BETWEEN.fullmatch(gap):
            raise ValueError(_("无法识别“%(text)s”（应写成《法规名称》第几条）") % {"text": gap})
        title = (match["title"] or "").strip() or title
        if not title:
            raise ValueError(
                _("“%(text)s”缺少法规名称，如《行政处罚法》第三十条") % {"text": match[0]}
            )
        try:
            display = article_display(_number(match["number"]), _number(match["sub"] or "0"))
        except ValueError:
            raise ValueError(_("条号“%(text)s”无法识别") % {"text": match[0]}) from None
        labels.append(f"《{title}》{display}")
        position = match.end()
    rest = text[position:]
    if not _BETWEEN.fullmatch(rest):
        raise ValueError(_("无法识别“%(text)s”（应写成《法规名称》第几条）") % {"text": rest})
    return list(dict.fromkeys(labels))
