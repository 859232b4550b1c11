"""Reading and writing Moodle XML: a real export, broken files, our metadata extension."""

from pathlib import Path

from quizzes.services.formats.moodlexml import read_moodlexml, write_moodlexml
from quizzes.services.formats.records import Unsupported

SAMPLES = Path(__file__).parent / "samples"
TOP = "默认 / 文化市场执法"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def question_line(data: bytes, name: str) -> int:
    """The line of the <question> start tag of the question named `name`."""
    lines = data.decode("utf-8").splitlines()
    name_line = next(n for n, line in enumerate(lines) if f"<text>{name}</text>" in line)
    return next(n + 1 for n in range(name_line, -1, -1) if "<question " in lines[n])


def quiz(*questions: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"
    ).encode()


def test_a_moodle_export_reads_every_supported_question():
    data = sample("moodle_export.xml")
    parsed = read_moodlexml(data)

    assert parsed.problems == []
    summary = [(r.line, r.kind, r.answer, r.points, r.category) for r in parsed.records]
    assert summary == [
        (question_line(data, "网吧营业时间"), "single", "B", "2.0000000", TOP),
        (question_line(data, "禁止内容"), "multiple", "ABC", "3.0000000", TOP),
        (question_line(data, "未成年人"), "truefalse", "对", "1.0000000", TOP),
        (question_line(data, "凌晨停业"), "fill", "8|八", "1.0000000", f"{TOP} / 娱乐场所"),
        (question_line(data, "检查程序"), "short", "", "5.0000000", f"{TOP} / 娱乐场所"),
        (
            question_line(data, "完形填空"),
            "fill",
            "禁毒|禁毒内容；未成年人",
            "",
            f"{TOP} / 娱乐场所",
        ),
    ]
    single, _multiple, truefalse, fill, essay, cloze = parsed.records
    # HTML: tags and images gone, entities unescaped, CDATA read as text.
    assert single.stem == "互联网上网服务营业场所每日营业时间限于（ ）。"
    assert single.options == ["6时至22时", "8时至24时", "全天 24 小时"]
    assert single.explanation == "见《互联网上网服务营业场所管理条例》第二十二条。"
    assert single.tags == ["网吧", "营业时间"]
    assert truefalse.explanation == "见第九条。"  # no general feedback: the right answer's
    assert fill.stem == "娱乐场所每日凌晨 2 时至上午 ______ 时不得营业。"
    assert essay.rubric == "出示执法证件（1 分）\n制作现场检查笔录（2 分）"
    assert cloze.stem == (
        "娱乐场所应当在营业场所的大厅、包厢、包间内的显著位置悬挂含有____、禁赌、禁止卖淫嫖娼"
        "等内容的警示标志、____禁入或者限入标志。"
    )


def test_unsupported_questions_are_listed_by_type_and_line():
    data = sample("moodle_export.xml")

    assert read_moodlexml(data).unsupported == [
        Unsupported(question_line(data, "混合完形"), "multianswer"),
        Unsupported(question_line(data, "对应"), "matching"),
        Unsupported(question_line(data, "罚款数额"), "numerical"),
        Unsupported(question_line(data, "阅读材料"), "description"),
        Unsupported(question_line(data, "拖放"), "ddwtos"),
    ]


def test_malformed_xml_names_the_line():
    parsed = read_moodlexml(sample("broken_malformed.xml"))

    assert [(p.line, p.message) for p in parsed.problems] == [(13, "XML 格式错误：mismatched tag")]


def test_other_documents_are_refused():
    assert read_moodlexml(b"<html><body/></html>").problems[0].message.startswith("不是 Moodle XML")
    bomb = b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz>&a;</quiz>'
    assert "实体" in read_moodlexml(bomb).problems[0].message
    missing_type = read_moodlexml(
        quiz("<question>\n<questiontext><text>x</text></questiontext></question>")
    )
    assert [(p.line, p.field) for p in missing_type.problems] == [(3, "type")]


def test_gbk_files_are_read():
    text = sample("moodle_export.xml").decode("utf-8")
    declared = text.replace('encoding="UTF-8"', 'encoding="GBK"').encode("gbk")
    undeclared = text.split("\n", 1)[1].encode("gbk")

    assert len(read_moodlexml(declared).records) == 6
    assert read_moodlexml(undeclared).records[0].stem.startswith("互联网上网服务营业场所")


def test_single_choice_with_partial_credit_keeps_the_full_credit_answer():
    parsed = read_moodlexml(quiz(
        '<question type="multichoice"><questiontext format="plain_text"><text>哪项最恰当？</text>'
        "</questiontext><single>true</single>"
        '<answer fraction="50"><text>口头</text></answer>'
        '<answer fraction="100"><text>书面</text></answer>'
        '<answer fraction="0"><text>电话</text></answer></question>',
        '<question type="multichoiceset"><questiontext><text>哪些是处罚？</text></questiontext>'
        '<answer fraction="100"><text>警告</text></answer>'
        '<answer fraction="100"><text>罚款</text></answer>'
        '<answer fraction="0"><text>记过</text></answer></question>',
    ))  # fmt: skip

    assert [(r.kind, r.answer) for r in parsed.records] == [("single", "B"), ("multiple", "AB")]


def test_metadata_element_carries_what_moodle_cannot():
    parsed = read_moodlexml(quiz(
        '<question type="description"><questiontext><text>案情……</text></questiontext>'
        '<generalfeedback><text>案例解析</text></generalfeedback>'
        '<lianbing>{"kind": "case", "points": "5", "difficulty": 1}</lianbing></question>',
        '<question type="essay"><questiontext><text>分析。</text></questiontext>'
        '<lianbing>{"part": true, "answer": "参考答案"}</lianbing></question>',
        '<question type="truefalse"><questiontext><text>判断。</text></questiontext>'
        '<answer fraction="100"><text>false</text></answer>'
        '<lianbing>{"status": "bogus"}</lianbing></question>',
    ))  # fmt: skip

    case, truefalse = parsed.records
    assert (case.kind, case.points, case.difficulty, case.explanation) == (
        "case",
        "5",
        1,
        "案例解析",
    )
    assert [(p.kind, p.answer) for p in case.parts] == [("short", "参考答案")]
    assert truefalse.answer == "错"
    assert [(p.line, p.field) for p in parsed.problems] == [(5, "lianbing")]


def test_written_xml_reads_back_unchanged():
    base = {"explanation": "", "rubric": "", "points": "1.0", "difficulty": 2, "answer": "",
            "category": "甲 / 乙", "tags": [], "articles": [], "parts": [],
            "options": []}  # fmt: skip
    items = [
        ({**base, "kind": "multiple", "stem": "<b>不是标签</b> & 符号\n第二行", "answer": "AC",
          "options": ["一", "二", "三"], "tags": ["t"], "points": "2.5"}, "active"),
        ({**base, "kind": "fill", "stem": "（ ）和（ ）", "answer": "a}b|c~d；e#f"}, "draft"),
        ({**base, "kind": "fill", "stem": "期限为____日", "answer": "十五 | 15"}, "active"),
        ({**base, "kind": "short", "stem": "简述。", "answer": "参考", "rubric": "要点"}, "active"),
        ({**base, "kind": "single", "stem": "小写答案", "answer": "b", "options": ["一", "二"]},
         "active"),
        ({**base, "kind": "truefalse", "stem": "非标准答案", "answer": "×"}, "active"),
        ({**base, "kind": "case", "stem": "案情", "explanation": "解析", "rubric": "要点",
          "points": "3.0", "difficulty": 3,
          "parts": [{"kind": "truefalse", "stem": "对吗？", "answer": "错", "options": [],
                     "explanation": "", "rubric": "", "points": "3.0"}]}, "needs_review"),
    ]  # fmt: skip

    parsed = read_moodlexml(write_moodlexml(items))

    assert parsed.problems == [] and parsed.unsupported == []
    for (payload, status), record in zip(items, parsed.records, strict=True):
        assert record.payload() == payload
        assert record.status == status
