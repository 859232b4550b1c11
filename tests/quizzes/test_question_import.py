"""Importing question files into the bank: validation, atomicity, idempotence, round trips."""

from pathlib import Path

import pytest
from django.db import DatabaseError

from people.models import AuditEntry
from quizzes.models import Category, Question, QuestionVersion
from quizzes.services import question_import
from quizzes.services.question_export import export_questions
from quizzes.services.question_import import (
    QuestionImportError,
    import_questions,
    read_question_file,
)
from tests.factories import UserFactory
from tests.quizzes.transfer_factory import (
    bank_of_every_kind,
    make_question,
    payloads,
    penalty_law,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
FILENAMES = {"gift": "bank.gift", "moodlexml": "bank.xml", "xlsx": "bank.xlsx"}
HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "答案", "法条依据", "分类"]


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def gift(text: str) -> bytes:
    return text.encode("utf-8")


def without_ids(payload: dict) -> dict:
    return {**payload, "articles": [a["label"] for a in payload["articles"]]}


def by_stem(items) -> list[dict]:
    return sorted((without_ids(p) for p in items), key=lambda p: p["stem"])


@pytest.mark.parametrize("fmt", ["gift", "moodlexml", "xlsx"])
def test_export_then_import_gives_back_every_question(fmt):
    penalty_law()
    questions = bank_of_every_kind()
    before = by_stem(payloads(questions))
    statuses = sorted(q.status for q in questions)
    data = export_questions(Question.objects.all(), fmt)
    Question.objects.all().delete()

    summary = import_questions(data=data, filename=FILENAMES[fmt])

    assert summary["by_type"] == {
        "single": 1, "multiple": 1, "truefalse": 1, "fill": 2, "short": 1, "case": 1,
    }  # fmt: skip
    assert summary["unsupported"] == [] and summary["created"] == 7
    imported = Question.objects.all()
    assert by_stem(payloads(imported)) == before
    assert sorted(q.status for q in imported) == statuses
    assert {q.source for q in imported} == {"import"}
    # Each question was frozen: its current version holds what was imported.
    for question in imported:
        assert question.current_version.payload == payloads([question])[0]


def test_importing_the_same_file_again_changes_nothing():
    data = sample("moodle_export.gift")
    first = import_questions(data=data, filename="moodle.gift")
    versions = QuestionVersion.objects.count()

    again = import_questions(data=data, filename="moodle.gift")

    assert (first["created"], first["unchanged"]) == (7, 0)
    assert (again["created"], again["unchanged"]) == (0, 7)
    assert again["by_type"] == first["by_type"]
    assert Question.objects.count() == 7 and QuestionVersion.objects.count() == versions


def test_a_repeat_within_the_file_is_imported_once():
    summary = import_questions(data=gift("重复的题。{T}\n\n重复的题。{T}\n"), filename="a.gift")

    assert (summary["created"], summary["unchanged"]) == (1, 1)
    assert Question.objects.count() == 1


def test_one_bad_question_saves_nothing_and_names_its_line():
    data = gift(
        "$CATEGORY: $course$/top/新分类\n\n"
        "第一题没问题。{T}\n\n"
        "::Q2:: 罚款决定书应当？{\n\t~书面\n\t~口头\n\t~电话\n}\n\n"
        "第三题也没问题。{F}\n"
    )

    with pytest.raises(QuestionImportError) as raised:
        import_questions(data=data, filename="bad.gift")

    assert [(p.line, p.field) for p in raised.value.problems] == [(5, "答案")]
    assert str(raised.value) == "第 5 行“答案”：缺少答案（应为选项字母，如 A）"
    assert not Question.objects.exists() and not Category.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_error_names_the_answer_and_the_option_count():
    data = workbook_bytes([HEADER, ["单选", "罚款属于？", "甲", "乙", "丙", "E"]])

    with pytest.raises(QuestionImportError) as raised:
        import_questions(data=data, filename="bank.xlsx")

    assert str(raised.value) == "第 2 行“答案”：答案“E”不是已有的选项（共 3 个选项）"


def test_a_dry_run_validates_and_summarises_without_saving():
    summary = import_questions(
        data=sample("moodle_export.xml"), filename="moodle.xml", dry_run=True
    )

    assert summary["dry_run"] is True
    assert summary["by_type"] == {"single": 1, "multiple": 1, "truefalse": 1, "fill": 2, "short": 1}
    assert summary["categories"] == ["默认 / 文化市场执法", "默认 / 文化市场执法 / 娱乐场所"]
    assert [item["type"] for item in summary["unsupported"]] == [
        "multianswer", "matching", "numerical", "description", "ddwtos",
    ]  # fmt: skip
    assert summary["created"] == 6
    assert not Question.objects.exists() and not Category.objects.exists()
    assert not AuditEntry.objects.exists()


def test_unsupported_questions_are_listed_and_the_rest_imported():
    actor = UserFactory()

    summary = import_questions(data=sample("moodle_export.gift"), filename="m.gift", actor=actor)

    assert summary["unsupported"] == [
        {"line": 37, "type": "description"},
        {"line": 40, "type": "matching"},
        {"line": 51, "type": "numerical"},
    ]
    assert Question.objects.count() == 7
    assert set(Question.objects.values_list("created_by", flat=True)) == {actor.pk}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target, entry.actor) == ("questions.imported", "m.gift", actor)
    assert entry.data["unsupported"] == summary["unsupported"]


def test_a_file_of_only_unsupported_questions_is_no_error():
    data = gift("::M:: 对应 {=甲 -> 1 =乙 -> 2}\n\n::N:: 多少？ {#5}\n")

    summary = import_questions(data=data, filename="a.gift")

    assert summary["by_type"] == {} and summary["created"] == 0
    assert summary["unsupported"] == [
        {"line": 1, "type": "matching"},
        {"line": 3, "type": "numerical"},
    ]
    assert not Question.objects.exists()


def test_categories_are_created_and_the_default_applies_to_the_rest():
    data = gift("没有分类的题。{T}\n\n$CATEGORY: $course$/top/出版管理/许可\n\n有分类的题。{F}\n")

    summary = import_questions(data=data, filename="a.gift", category="网吧 / 检查")

    assert summary["categories"] == ["网吧 / 检查", "出版管理 / 许可"]
    assert sorted(q.category.full_name for q in Question.objects.all()) == [
        "出版管理 / 许可", "网吧 / 检查",
    ]  # fmt: skip
    summary = import_questions(data=gift("再一道题。{T}"), filename="b.gift")
    assert summary["categories"] == ["未分类"]


def test_statuses_of_imported_questions():
    data = gift(
        "有答案的题。{T}\n\n"
        "没有参考答案也没有评分要点的简答。{}\n\n"
        '// lianbing: {"rubric": "要点"}\n有评分要点的简答。{}\n\n'
        '// lianbing: {"status": "needs_review"}\n文件指定状态。{F}\n'
    )

    import_questions(data=data, filename="a.gift")

    statuses = dict(Question.objects.values_list("stem", "status"))
    assert statuses == {
        "有答案的题。": "active",
        "没有参考答案也没有评分要点的简答。": "draft",
        "有评分要点的简答。": "active",
        "文件指定状态。": "needs_review",
    }


def test_articles_resolve_by_short_title_and_unknown_ones_are_errors():
    penalty_law()
    good = workbook_bytes([
        HEADER,
        ["判断", "罚款是行政处罚。", "", "", "", "对", "《行政处罚法》第九条；第10条", "处罚"],
    ])  # fmt: skip
    import_questions(data=good, filename="good.xlsx")
    question = Question.objects.get()
    assert [a["label"] for a in payloads([question])[0]["articles"]] == [
        "《中华人民共和国行政处罚法》第九条",
        "《中华人民共和国行政处罚法》第十条",
    ]

    bad = workbook_bytes([
        HEADER,
        ["判断", "甲。", "", "", "", "对", "《不存在的法》第一条", ""],
        ["判断", "乙。", "", "", "", "对", "《行政处罚法》第九百条", ""],
    ])  # fmt: skip
    with pytest.raises(QuestionImportError) as raised:
        import_questions(data=bad, filename="bad.xlsx")
    assert [(p.line, p.field) for p in raised.value.problems] == [(2, "法条依据"), (3, "法条依据")]
    assert "《不存在的法》" in raised.value.problems[0].message
    assert "第九百条" in raised.value.problems[1].message
    assert Question.objects.count() == 1


def test_case_sub_question_problems_name_their_own_row():
    data = workbook_bytes([
        HEADER,
        ["案例分析", "案情……"],
        ["案例分析/单选", "应如何处理？", "警告", "罚款", "", "D"],
    ])  # fmt: skip

    with pytest.raises(QuestionImportError) as raised:
        import_questions(data=data, filename="case.xlsx")

    assert [(p.line, p.field) for p in raised.value.problems] == [(3, "答案")]


def test_a_case_is_worth_the_sum_of_its_parts_unless_given():
    rows = [
        ["题型", "题干", "选项A", "选项B", "答案", "分值"],
        ["案例分析", "案情……"],
        ["案例分析/单选", "应如何处理？", "警告", "罚款", "B", 2],
        ["案例分析/判断", "对吗？", "", "", "对", 1.5],
    ]
    bad = workbook_bytes([*rows, ["判断", "分值不是数字。", "", "", "对", "两分"]])
    with pytest.raises(QuestionImportError) as raised:
        import_questions(data=bad, filename="case.xlsx")
    assert [(p.line, p.field, p.message) for p in raised.value.problems] == [
        (5, "分值", "分值“两分”不是数字"),
    ]

    import_questions(data=workbook_bytes(rows), filename="case.xlsx")

    case = Question.objects.get(kind="case")
    assert str(case.points) == "3.5"
    assert list(case.parts.values_list("sort_order", "stem")) == [
        (0, "应如何处理？"),
        (1, "对吗？"),
    ]


def test_a_question_typed_in_a_form_is_recognised_in_a_file():
    """Textareas post "\\r\\n" line breaks; files carry "\\n": still the same question."""
    make_question("行政处罚法", kind="truefalse", stem="第一行\r\n第二行", answer="对")

    summary = import_questions(
        data=gift("$CATEGORY: 行政处罚法\n\n第一行\\n第二行 {T}\n"), filename="a.gift"
    )

    assert (summary["created"], summary["unchanged"]) == (0, 1)


def test_empty_files_and_unknown_formats_are_refused():
    with pytest.raises(QuestionImportError, match="文件是空的"):
        import_questions(data=b"  \n", filename="a.gift")
    with pytest.raises(QuestionImportError, match="文件中没有试题"):
        import_questions(data=gift("// 只有注释\n"), filename="a.gift")
    with pytest.raises(QuestionImportError, match="另存为 .xlsx"):
        import_questions(data=b"\xd0\xcf\x11\xe0", filename="old.xls")
    with pytest.raises(QuestionImportError, match="不支持的格式"):
        import_questions(data=b"x", filename="a.gift", format="docx")


def test_the_format_is_detected_by_extension_or_content():
    xml = sample("moodle_export.xml")
    assert read_question_file(xml, filename="questions.txt").format == "moodlexml"
    assert read_question_file(xml, filename="").format == "moodlexml"
    assert read_question_file(gift("题。{T}"), filename="questions.txt").format == "gift"
    xlsx = workbook_bytes([["题型", "题干"]])
    assert read_question_file(xlsx, filename="download").format == "xlsx"
    assert read_question_file(gift("题型,题干\n判断,对吗"), filename="a.csv").format == "xlsx"


def test_a_dry_run_without_a_database_says_what_it_could_not_check(monkeypatch):
    def unreachable(*args):
        raise DatabaseError("no such table: quizzes_question")

    monkeypatch.setattr(question_import, "_database_checks", unreachable)
    data = gift("罚款是行政处罚。{T}")

    summary = import_questions(data=data, filename="a.gift", dry_run=True)

    assert summary["by_type"] == {"truefalse": 1}
    assert summary["warnings"] == ["无法访问数据库：未核对法条依据和重复试题"]
    with pytest.raises(DatabaseError):
        import_questions(data=data, filename="a.gift")
