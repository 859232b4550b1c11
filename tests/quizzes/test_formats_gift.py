"""Reading and writing GIFT: Moodle's exports, hand-written files, our metadata extension."""

from pathlib import Path

from quizzes.services.formats.gift import read_gift, write_gift
from quizzes.services.formats.records import Unsupported

SAMPLES = Path(__file__).parent / "samples"
CATEGORY = "Default for 执法人员培训 / 行政处罚法"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def line_of(data: bytes, marker: str) -> int:
    """The 1-based line of the first line containing marker."""
    lines = data.decode("utf-8-sig").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if marker in line)


def read(text: str):
    return read_gift(text.encode("utf-8"))


def only(text: str):
    parsed = read(text)
    assert not parsed.problems, parsed.problems
    assert len(parsed.records) == 1, parsed.records
    return parsed.records[0]


def test_a_moodle_export_reads_every_supported_question():
    data = sample("moodle_export.gift")
    parsed = read_gift(data)

    assert parsed.problems == []
    summary = [(r.line, r.kind, r.answer, r.category) for r in parsed.records]
    assert summary == [
        (line_of(data, "::处罚种类::"), "single", "C", CATEGORY),
        (line_of(data, "::处罚种类（多选）::"), "multiple", "AB", CATEGORY),
        (line_of(data, "::陈述申辩::"), "truefalse", "对", CATEGORY),
        (line_of(data, "::缴纳期限::"), "fill", "十五日|15日", CATEGORY),
        (line_of(data, "::听证::"), "short", "", CATEGORY),
        (line_of(data, "::时效::"), "single", "B", f"{CATEGORY} / 程序"),
        (line_of(data, "::时间\\: 格式::"), "truefalse", "对", f"{CATEGORY} / 程序"),
    ]
    first = parsed.records[0]
    # [html]: tags gone, entities unescaped (&nbsp;), escaped "=" in an attribute harmless.
    assert first.stem == "下列不属于行政处罚种类的是（ ）。"
    assert first.options == ["警告、通报批评", "罚款", "记过", "暂扣许可证件"]
    assert first.explanation == "见《行政处罚法》第九条。"  # the general feedback (####)
    assert first.tags == ["处罚种类", "基础"]  # Moodle's // [tag:…] comments


def test_unsupported_questions_are_listed_with_their_lines():
    data = sample("moodle_export.gift")

    assert read_gift(data).unsupported == [
        Unsupported(line_of(data, "::说明::"), "description"),
        Unsupported(line_of(data, "::匹配::"), "matching"),
        Unsupported(line_of(data, "::罚款上限::"), "numerical"),
    ]


def test_windows_line_endings_and_a_byte_order_mark_change_nothing():
    data = sample("moodle_export.gift")
    windows = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")

    assert read_gift(windows).records == read_gift(data).records
    assert read_gift(windows).unsupported == read_gift(data).unsupported


def test_a_gbk_file_is_read():
    parsed = read_gift("::Q1:: 网吧可以接纳未成年人。{F}".encode("gbk"))

    assert [(r.stem, r.answer) for r in parsed.records] == [("网吧可以接纳未成年人。", "错")]


def test_true_false_feedback_and_general_feedback():
    record = only("当事人有权申辩。{TRUE#错了#对了}")
    assert (record.kind, record.answer, record.explanation) == ("truefalse", "对", "对了")

    record = only("当事人无权申辩。{F####见第七条。}")
    assert (record.answer, record.explanation) == ("错", "见第七条。")


def test_weights_decide_single_and_multiple_answers():
    multiple = only("哪些是处罚？{~%50%警告 ~%50%罚款 ~%-100%记过}")
    assert (multiple.kind, multiple.answer) == ("multiple", "AB")

    one_weighted = only("哪一个是处罚？{~%100%警告 ~记过 ~降级}")
    assert (one_weighted.kind, one_weighted.answer) == ("single", "A")

    # With a "=" answer only that answer is correct: partial credit has no place in 单选.
    partial = only("哪一个最恰当？{=书面 ~%50%口头 ~电话}")
    assert (partial.kind, partial.answer) == ("single", "A")


def test_answers_in_the_middle_leave_a_blank():
    choice = only("违法行为在{~一年 =二年 ~三年}内未被发现的，不再给予行政处罚。")
    assert choice.stem == "违法行为在____内未被发现的，不再给予行政处罚。"

    fill = only("当事人应当在{=十五日 =15日 =%50%半月}内缴纳罚款。")
    assert (fill.kind, fill.stem, fill.answer) == (
        "fill",
        "当事人应当在____内缴纳罚款。",
        "十五日|15日",  # partial-credit answers are not accepted alternatives
    )

    at_the_end = only("缴纳罚款的期限是多少日？ {=十五}")
    assert at_the_end.stem == "缴纳罚款的期限是多少日？"


def test_titles_escapes_comments_and_formats():
    record = only(
        "// 注释行会被忽略\n"
        "::标题\\: 不进题干::[plain]<b>不是 HTML</b> 50\\% 的 a\\=b，"
        "\\{括号\\} \\~ \\# 反斜杠\\\\\\n换行"
        " {=是 ~否}"
    )
    assert record.stem == "<b>不是 HTML</b> 50\\% 的 a=b，{括号} ~ # 反斜杠\\\n换行"

    html = only("[html]<p>第一段</p><p>第二段<br>第三行 &amp; &lt;完&gt;</p>{}")
    assert (html.kind, html.stem) == ("short", "第一段\n第二段\n第三行 & <完>")


def test_a_category_line_strips_moodle_contexts():
    parsed = read("$CATEGORY: $system$/top/行政处罚法/罚款\n\n罚款是行政处罚。{T}\n")
    assert parsed.records[0].category == "行政处罚法 / 罚款"

    plain = read("$CATEGORY: 出版管理\n\n出版需要许可。{T}\n")
    assert plain.records[0].category == "出版管理"


def test_metadata_overrides_and_builds_a_case():
    parsed = read(
        '// lianbing: {"kind": "case", "difficulty": 3, "points": "6", "articles":'
        ' ["《行政处罚法》第三十条"], "explanation": "案例解析", "status": "draft"}\n'
        "某网吧接纳未成年人……\n"
        "\n"
        '// lianbing: {"part": true, "points": "2"}\n'
        "应如何处理？{=责令停业整顿 ~警告}\n"
        "\n"
        '// lianbing: {"part": true, "answer": "立案、调查", "rubric": "每点 1 分"}\n'
        "说明程序。{}\n"
        "\n"
        "下一道普通题。{T}\n"
    )

    assert parsed.problems == []
    case, plain = parsed.records
    assert (case.kind, case.line, case.difficulty, case.points) == ("case", 2, 3, "6")
    assert (case.explanation, case.status) == ("案例解析", "draft")
    assert case.articles == ["《行政处罚法》第三十条"]
    assert [(p.kind, p.line, p.points, p.answer, p.rubric) for p in case.parts] == [
        ("single", 5, "2", "A", ""),
        ("short", 8, "", "立案、调查", "每点 1 分"),
    ]
    assert plain.kind == "truefalse" and plain.parts == []


def test_broken_files_name_the_line():
    unclosed = read_gift(sample("broken_unclosed.gift"))
    assert [str(p) for p in unclosed.problems] == ["第 6 行“答案”：大括号不配对：“{”后面缺少“}”"]

    merged = read("第一题 {T}\n第二题没有空行分隔 {F}\n")
    assert [p.line for p in merged.problems] == [1]
    assert "空行" in merged.problems[0].message

    stray = read("一个多余的右括号 } 在这里 {T}")
    assert [p.line for p in stray.problems] == [1]

    bad_meta = read("// lianbing: {not json}\n题目 {T}\n")
    assert [(p.line, p.field) for p in bad_meta.problems] == [(1, "lianbing")]

    orphan = read('// lianbing: {"part": true}\n孤立的小题 {T}\n')
    assert [p.line for p in orphan.problems] == [2]


def test_written_gift_reads_back_unchanged():
    items = [
        (
            {"kind": "single", "stem": "[注意] a:b {c} = d ~ e # f \\ g\n第二行", "answer": "B",
             "options": ["甲 = 乙", "丙 ~ 丁", "戊 # 己"], "explanation": "解析：<见>",
             "rubric": "", "points": "2.0", "difficulty": 1, "category": "甲 / 乙",
             "tags": ["t1"], "articles": [{"label": "《行政处罚法》第三十条"}], "parts": []},
            "needs_review",
        ),
        (
            {"kind": "fill", "stem": "//开头 ____ 和 ____", "answer": "一|1；二",
             "options": [], "explanation": "", "rubric": "", "points": "1.0", "difficulty": 2,
             "category": "甲", "tags": [], "articles": [], "parts": []},
            "active",
        ),
        (
            {"kind": "truefalse", "stem": "非标准写法的答案", "answer": "正确", "options": [],
             "explanation": "", "rubric": "", "points": "1.0", "difficulty": 2,
             "category": "甲", "tags": [], "articles": [], "parts": []},
            "active",
        ),
    ]  # fmt: skip

    written = write_gift(items)
    parsed = read_gift(written)

    assert parsed.problems == [] and parsed.unsupported == []
    for (payload, status), record in zip(items, parsed.records, strict=True):
        assert record.payload() == payload
        assert record.status == status
    # Other platforms read the GIFT itself: "正确" is TRUE there too.
    assert "非标准写法的答案 {TRUE}" in written.decode()
