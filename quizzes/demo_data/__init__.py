"""Hand-written demo questions, one module per core regulation, checked against the law.

DEMO ONLY. Every item names the articles it rests on and, in `check`, phrases those
articles must contain: `quizzes.demo` refuses an item whose phrases are not in the
imported text, so a key that drifted from the law fails the demo tests instead of
teaching officers something wrong. Keys and explanations follow the texts in force
(行政处罚法 2021, 著作权法 2020, 文物保护法 2024, the four regulations as revised 2024).

Points: 单选/判断 1, 多选/填空 2, 简答 8, 案例分析 15 (the sum of its parts), so a paper's
total does not depend on which questions a draw rule picks. An article of another law is
cited as ("处罚", 63).
"""

from dataclasses import dataclass

# Short keys used in the modules → the regulation titles as imported.
LAWS = {
    "处罚": "中华人民共和国行政处罚法",
    "著作权": "中华人民共和国著作权法",
    "文物": "中华人民共和国文物保护法",
    "出版": "出版管理条例",
    "印刷": "印刷业管理条例",
    "网吧": "互联网上网服务营业场所管理条例",
    "广电": "广播电视管理条例",
}


@dataclass(frozen=True)
class Part:
    kind: str
    stem: str
    options: tuple[str, ...] = ()
    answer: str = ""
    explanation: str = ""
    rubric: str = ""
    points: str = "2.0"


@dataclass(frozen=True)
class Item:
    law: str
    articles: tuple
    kind: str
    stem: str
    options: tuple[str, ...] = ()
    answer: str = ""
    explanation: str = ""
    rubric: str = ""
    points: str = "1.0"
    difficulty: int = 2
    check: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()


def single(law, articles, stem, options, answer, why, *, d=2, check=()):
    return Item(law, articles, "single", stem, tuple(options), answer, why, difficulty=d,
                check=check)  # fmt: skip


def multiple(law, articles, stem, options, answer, why, *, d=2, check=()):
    return Item(law, articles, "multiple", stem, tuple(options), answer, why, points="2.0",
                difficulty=d, check=check)  # fmt: skip


def judge(law, articles, stem, answer, why, *, d=1, check=()):
    return Item(law, articles, "truefalse", stem, (), answer, why, difficulty=d, check=check)


def fill(law, articles, stem, answer, why, *, d=2, check=()):
    return Item(law, articles, "fill", stem, (), answer, why, points="2.0", difficulty=d,
                check=check)  # fmt: skip


def short(law, articles, stem, answer, rubric, why, *, d=2, check=()):
    return Item(law, articles, "short", stem, (), answer, why, rubric, points="8.0",
                difficulty=d, check=check)  # fmt: skip


def case(law, articles, facts, analysis, rubric, parts, *, d=3, check=()):
    return Item(law, tuple(articles), "case", facts, (), "", analysis, rubric, "15.0", d,
                tuple(check), tuple(parts))  # fmt: skip


def all_items() -> list[Item]:
    """Every hand-written item, regulation by regulation."""
    from quizzes.demo_data import (
        broadcasting,
        copyright,
        internet,
        penalty,
        printing,
        publishing,
        relics,
    )

    modules = (penalty, internet, printing, publishing, copyright, relics, broadcasting)
    return [item for module in modules for item in module.ITEMS]
