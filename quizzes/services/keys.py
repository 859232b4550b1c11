"""Answer keys in the notation trainers write (the Excel template's 答案 column).

Pure functions, no ORM: imports, the admin form, scoring and exports all use them.

- 单选 "B"; 多选 "ACD" (letters in any order, separators allowed);
- 判断 "对" / "错" (also 正确/错误, √/×, T/F, true/false);
- 填空 one entry per blank, blanks separated by "；" or ";", accepted alternatives by "|":
  "十五日|15日；罚款";
- 简答 the reference answer (free text, may be empty when the rubric says it all);
- 案例分析 has no key of its own: its sub-questions have theirs.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from quizzes.models.bank import Kind

LETTERS = "ABCDEFGH"
MAX_OPTIONS = len(LETTERS)

KIND_BY_LABEL = {
    "单选": Kind.SINGLE,
    "单选题": Kind.SINGLE,
    "单项选择题": Kind.SINGLE,
    "多选": Kind.MULTIPLE,
    "多选题": Kind.MULTIPLE,
    "多项选择题": Kind.MULTIPLE,
    "判断": Kind.TRUE_FALSE,
    "判断题": Kind.TRUE_FALSE,
    "填空": Kind.FILL,
    "填空题": Kind.FILL,
    "简答": Kind.SHORT,
    "简答题": Kind.SHORT,
    "案例分析": Kind.CASE,
    "案例分析题": Kind.CASE,
}
LABEL_BY_KIND = {
    Kind.SINGLE: "单选",
    Kind.MULTIPLE: "多选",
    Kind.TRUE_FALSE: "判断",
    Kind.FILL: "填空",
    Kind.SHORT: "简答",
    Kind.CASE: "案例分析",
}
TRUE_WORDS = frozenset({"对", "正确", "是", "√", "✓", "T", "TRUE", "Y", "YES"})
FALSE_WORDS = frozenset({"错", "错误", "否", "×", "✗", "X", "F", "FALSE", "N", "NO"})

# "____" (two or more underscores, half- or full-width) or an empty pair of brackets.
BLANK_MARK = re.compile(r"_{2,}|＿{2,}|（\s*）|\(\s*\)")
_BLANK_SEPARATOR = re.compile(r"[；;]")
_ALTERNATIVE_SEPARATOR = re.compile(r"[|｜]")


class InvalidKey(ValueError):
    """The key does not fit the question; `field` names the column to fix."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field or _("答案")


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def kind_from_label(label: str) -> str | None:
    """The kind for a 题型 cell ("单选", "单选题", or the code "single"); None if unknown."""
    label = unicodedata.normalize("NFKC", str(label or "")).strip()
    if label in Kind.values:
        return label
    return KIND_BY_LABEL.get(label)


def normalise_text(text: str) -> str:
    """For comparing fill-in answers: width, case, whitespace and end punctuation ignored."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(text.split()).casefold()
    return text.rstrip("。.，,；;")


def count_blanks(stem: str) -> int:
    return len(BLANK_MARK.findall(stem or ""))


def parse_choice_key(answer: str, option_count: int, *, multiple: bool) -> tuple[int, ...]:
    """Letters → sorted option indices; raises InvalidKey naming what is wrong."""
    letters = [c for c in unicodedata.normalize("NFKC", answer or "").upper() if c.isalpha()]
    if not letters:
        raise InvalidKey(_("缺少答案（应为选项字母，如 A）"))
    indices = []
    for letter in letters:
        index = LETTERS.find(letter)
        if index < 0 or index >= option_count:
            raise InvalidKey(
                _("答案“%(letter)s”不是已有的选项（共 %(count)d 个选项）")
                % {"letter": letter, "count": option_count}
            )
        if index in indices:
            raise InvalidKey(_("答案中的“%(letter)s”重复") % {"letter": letter})
        indices.append(index)
    if not multiple and len(indices) != 1:
        raise InvalidKey(_("单选题只能有一个答案"))
    if multiple and len(indices) < 2:
        raise InvalidKey(_("多选题至少有两个正确选项"))
    return tuple(sorted(indices))


def parse_true_false(answer: str) -> bool:
    word = unicodedata.normalize("NFKC", answer or "").strip().upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InvalidKey(_("判断题答案应为“对”或“错”，而不是“%(answer)s”") % {"answer": answer})


def parse_blanks(answer: str) -> list[list[str]]:
    """ "十五日|15日；罚款" → [["十五日", "15日"], ["罚款"]]."""
    blanks = []
    for number, part in enumerate(_BLANK_SEPARATOR.split(answer or ""), start=1):
        accepted = [a.strip() for a in _ALTERNATIVE_SEPARATOR.split(part) if a.strip()]
        if not accepted:
            raise InvalidKey(_("第 %(number)d 个空没有答案") % {"number": number})
        blanks.append(accepted)
    return blanks


def format_blanks(blanks: list[list[str]]) -> str:
    return "；".join("|".join(accepted) for accepted in blanks)


def format_choice_key(indices) -> str:
    return "".join(LETTERS[i] for i in sorted(indices))


def format_true_false(value: bool) -> str:
    return "对" if value else "错"


def parse_key(kind: str, answer: str, option_count: int = 0):
    """The key as data: an index tuple, a bool, a list of blanks, or the reference text."""
    if kind == Kind.SINGLE:
        return parse_choice_key(answer, option_count, multiple=False)
    if kind == Kind.MULTIPLE:
        return parse_choice_key(answer, option_count, multiple=True)
    if kind == Kind.TRUE_FALSE:
        return parse_true_false(answer)
    if kind == Kind.FILL:
        return parse_blanks(answer)
    if kind == Kind.SHORT:
        return (answer or "").strip()
    if kind == Kind.CASE:
        return None
    raise InvalidKey(_("未知题型“%(kind)s”") % {"kind": kind}, field=_("题型"))


def content_problems(
    *, kind: str, stem: str, options: list[str], answer: str, points=None, parts=None
) -> list[Problem]:
    """Everything wrong with a question's content, each naming its field; [] when sound."""
    problems = []
    if kind not in Kind.values:
        return [Problem(_("题型"), _("未知题型“%(kind)s”") % {"kind": kind})]
    if not (stem or "").strip():
        problems.append(Problem(_("题干"), _("题干不能为空")))
    options = list(options or [])
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        if len(options) > MAX_OPTIONS:
            problems.append(Problem(_("选项"), _("选项最多 %(count)d 个") % {"count": MAX_OPTIONS}))
        minimum = 2 if kind == Kind.SINGLE else 3
        if len(options) < minimum:
            problems.append(
                Problem(
                    _("选项"),
                    _("%(kind)s题至少需要 %(count)d 个选项")
                    % {"kind": LABEL_BY_KIND[kind], "count": minimum},
                )
            )
        for index, text in enumerate(options):
            if not str(text).strip():
                problems.append(
                    Problem(
                        _("选项%(letter)s") % {"letter": LETTERS[index]},
                        _("选项不能为空（中间不能有空选项）"),
                    )
                )
        if len({normalise_text(o) for o in options}) != len(options):
            problems.append(Problem(_("选项"), _("选项有重复")))
    elif options and kind != Kind.CASE:
        problems.append(
            Problem(_("选项"), _("%(kind)s题不应有选项") % {"kind": LABEL_BY_KIND[kind]})
        )
    try:
        key = parse_key(kind, answer, len(options))
    except InvalidKey as error:
        problems.append(Problem(error.field, str(error)))
    else:
        if kind == Kind.FILL:
            marks = count_blanks(stem)
            if marks and marks != len(key):
                problems.append(
                    Problem(
                        _("答案"),
                        _("题干有 %(marks)d 个空，答案却有 %(blanks)d 个（用“；”分隔各空）")
                        % {"marks": marks, "blanks": len(key)},
                    )
                )
    if points is not None:
        try:
            if float(points) <= 0:
                problems.append(Problem(_("分值"), _("分值必须大于 0")))
        except (TypeError, ValueError):
            problems.append(Problem(_("分值"), _("分值“%(points)s”不是数字") % {"points": points}))
    if kind == Kind.CASE:
        if not parts:
            problems.append(Problem(_("小题"), _("案例分析题至少需要一道小题")))
        for number, part in enumerate(parts or (), start=1):
            if part.get("kind") == Kind.CASE:
                problems.append(
                    Problem(_("小题%(number)d") % {"number": number}, _("小题不能再是案例分析题"))
                )
                continue
            for problem in content_problems(
                kind=part.get("kind", ""),
                stem=part.get("stem", ""),
                options=part.get("options") or [],
                answer=part.get("answer", ""),
                points=part.get("points"),
            ):
                label = _("小题%(number)d") % {"number": number}
                problems.append(Problem(f"{label}·{problem.field}", problem.message))
    return problems
