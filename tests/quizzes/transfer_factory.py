"""Builders for the question import/export tests: a bank with every kind, and files."""

import io
from decimal import Decimal

import openpyxl

from courses.models import Article, Regulation
from courses.services.regulation_import import import_regulation
from quizzes.models import CasePart, Question
from quizzes.services.bank import category_for_path, freeze
from quizzes.services.payload import question_payload
from tests.courses.conftest import regulation_text

PENALTY_LAW = "中华人民共和国行政处罚法"


def penalty_law() -> Regulation:
    """The real 行政处罚法, so 法条依据 like 《行政处罚法》第三十条 resolve."""
    name = "administrative-penalty-law.md"
    import_regulation(text=regulation_text(name), source_name=name)
    return Regulation.objects.get(title=PENALTY_LAW)


def article(number: int, sub_number: int = 0) -> Article:
    regulation = Regulation.objects.get(title=PENALTY_LAW)
    return regulation.current_revision.articles.get(number=number, sub_number=sub_number)


def make_question(path="行政处罚法 / 罚款", *, parts=(), tags=(), articles=(), **fields):
    data = {"kind": "single", "points": Decimal("1"), "status": "active", **fields}
    question = Question(category=category_for_path(path), **data)
    question.parts = [
        CasePart(sort_order=n, **{"points": Decimal("1"), **part}) for n, part in enumerate(parts)
    ]
    if tags:
        question.tags.add(*tags)
    question.cited_articles = list(articles)
    question.save()
    question = Question.objects.get(pk=question.pk)
    freeze(question)
    return question


def bank_of_every_kind() -> list[Question]:
    """One question of each kind, with the awkward content formats must carry unchanged.

    Needs `penalty_law()` first (the questions cite its articles).
    """
    return [
        make_question(
            kind="single",
            stem="依照《行政处罚法》，罚款决定书应当（  ）。\n请选择最恰当的一项：",
            options=["口头告知", "书面作出：载明 {事实} 和 依据", "电话通知 = 送达", "不必作出"],
            answer="B",
            explanation="第五十九条规定应当制作决定书。# 注意格式",
            difficulty=1,
            tags=["罚款", "决定书"],
            articles=[article(59)],
        ),
        make_question(
            kind="multiple",
            stem="下列属于行政处罚种类的有：",
            options=["警告、通报批评", "罚款~没收违法所得", "记过", "暂扣许可证件"],
            answer="ABD",
            points=Decimal("2.5"),
            difficulty=3,
            articles=[article(9), article(10)],
        ),
        make_question(
            path="行政处罚法",
            kind="truefalse",
            stem="违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。",
            answer="对",
            explanation="见第三十三条。",
            status="needs_review",
        ),
        make_question(
            path="行政处罚法",
            kind="fill",
            stem="当事人应当自收到行政处罚决定书之日起____日内，到指定的银行缴纳罚款。",
            answer="十五|15",
            points=Decimal("2"),
        ),
        make_question(
            path="行政处罚法",
            kind="fill",
            stem="行政处罚遵循____、____的原则；C:\\路径\\ 与 a\\nb 不是换行。",
            answer="公正|公平；公开",
            explanation="第五条。",
            tags=["原则"],
        ),
        make_question(
            path="行政处罚法 / 程序",
            kind="short",
            stem="简述听证程序的主要环节。",
            answer="告知、申请、通知、举行听证、制作笔录。",
            rubric="每个环节 1 分；\n顺序错误扣 1 分。",
            points=Decimal("5"),
            status="draft",
        ),
        make_question(
            path="行政处罚法 / 程序",
            kind="case",
            stem="某网吧于2024年3月接纳未成年人进入营业场所，执法人员现场检查发现……",
            explanation="本案考查听证与处罚幅度。",
            rubric="定性准确、程序合法。",
            points=Decimal("7"),
            difficulty=3,
            tags=["网吧", "未成年人"],
            articles=[article(63)],
            parts=[
                {
                    "kind": "single",
                    "stem": "对该网吧应如何处理？",
                    "answer": "C",
                    "options": ["警告", "罚款", "责令停业整顿"],
                    "points": Decimal("2"),
                },
                {
                    "kind": "fill",
                    "stem": "当事人要求听证的，应当在告知后____日内提出。",
                    "answer": "五|5",
                },
                {
                    "kind": "short",
                    "stem": "说明执法程序要点。",
                    "answer": "",
                    "rubric": "立案、调查取证、告知、决定",
                    "points": Decimal("4"),
                },
            ],
        ),  # fmt: skip
    ]


def payloads(questions) -> list[dict]:
    return [question_payload(Question.objects.get(pk=q.pk)) for q in questions]


def workbook_bytes(rows, *, title="试题", extra_sheets=()) -> bytes:
    """An .xlsx with one sheet of rows (lists of cell values); the first sheet created."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, sheet_rows in extra_sheets:
        other = workbook.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
