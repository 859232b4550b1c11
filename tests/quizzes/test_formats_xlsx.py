"""The Excel template: reading rows (and CSV), naming problems by row and column, writing."""

import io

import openpyxl

from quizzes.services.formats.spreadsheet import (
    COLUMNS,
    read_spreadsheet,
    template_workbook,
    write_xlsx,
)
from tests.quizzes.transfer_factory import workbook_bytes

HEADER = [column.header for column in COLUMNS]


def row(**cells) -> list:
    """A row in the template's column order from {header: value}."""
    return [cells.get(header, "") for header in HEADER]


def test_the_template_has_the_chinese_headers_and_a_guide():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))

    assert workbook.sheetnames == ["试题", "说明"]
    header = [cell.value for cell in next(workbook["试题"].iter_rows(max_row=1))]
    assert header[:3] == ["题型", "题干", "选项A"]
    assert {
        "选项H",
        "答案",
        "解析",
        "分值",
        "难度",
        "法条依据",
        "分类",
        "标签",
        "评分要点",
        "状态",
    } <= set(header)
    guide = "\n".join(str(c.value) for r in workbook["说明"].iter_rows() for c in r if c.value)
    assert "案例分析/单选" in guide and "法条依据" in guide
    # The empty template is a valid file with nothing in it.
    parsed = read_spreadsheet(template_workbook())
    assert parsed.records == [] and parsed.problems == []


def test_rows_of_every_kind_including_a_case():
    data = workbook_bytes([
        ["执法人员法律知识题库（2024）"],  # a title row above the header
        ["类型", "题目", "A", "B", "C", "D", "正确答案", "答案解析", "分数", "难易程度",
         "法律依据", "题库分类", "知识点", "评分标准", "状态"],
        ["单选题", "罚款属于？", "行政处罚", "行政强制", "", "", "a", "见第九条", 2, "易",
         "《行政处罚法》第九条、第十条", "行政处罚法/罚款", "罚款，基础、种类", "", "启用"],
        ["判断", "可以当场收缴罚款。", "", "", "", "", True, "", "", 3],
        [],
        ["案例分析", "某网吧接纳未成年人……", "", "", "", "", "", "案例解析", "", "难", "",
         "网吧", "", "定性准确", "草稿"],
        ["案例分析/单选", "应如何处理？", "警告", "罚款", "责令停业整顿", "", "C", "", 2],
        ["案例分析／简答", "说明程序。", "", "", "", "", "立案、调查", "", 3, "", "", "", "",
         "每点 1 分"],
        ["填空", "____和____", "", "", "", "", "公正|公平；公开"],
    ])  # fmt: skip

    parsed = read_spreadsheet(data)

    assert parsed.problems == []
    single, truefalse, case, fill = parsed.records
    assert (single.line, single.kind, single.options, single.answer) == (
        3, "single", ["行政处罚", "行政强制"], "a",
    )  # fmt: skip
    assert (single.points, single.difficulty, single.category, single.status) == (
        "2", 1, "行政处罚法 / 罚款", "active",
    )  # fmt: skip
    assert single.articles == ["《行政处罚法》第九条", "《行政处罚法》第十条"]
    assert single.tags == ["罚款", "基础", "种类"]
    assert (truefalse.answer, truefalse.difficulty, truefalse.status) == ("True", 3, "")
    assert (case.line, case.kind, case.difficulty, case.status, case.rubric) == (
        6, "case", 3, "draft", "定性准确",
    )  # fmt: skip
    assert [(p.line, p.kind, p.answer, p.points) for p in case.parts] == [
        (7, "single", "C", "2"),
        (8, "short", "立案、调查", "3"),
    ]
    assert (fill.line, fill.answer) == (9, "公正|公平；公开")


def test_problems_name_the_row_and_the_column():
    data = workbook_bytes(
        [
            HEADER,
            row(题型="问答", 题干="不存在的题型"),
            row(题型="单选", 题干="难度写错", 选项A="甲", 选项B="乙", 答案="A", 难度="很难"),
            row(题型="单选", 题干="状态写错", 选项A="甲", 选项B="乙", 答案="A", 状态="停用"),
            row(
                题型="单选", 题干="法条写错", 选项A="甲", 选项B="乙", 答案="A", 法条依据="第三十条"
            ),
            row(题型="案例分析/单选", 题干="没有所属案例", 选项A="甲", 选项B="乙", 答案="A"),
            row(题型="案例分析", 题干="案情"),
            row(题型="案例分析/判断", 题干="小题填了分类", 答案="对", 分类="网吧"),
        ]
    )

    problems = [(p.line, p.field) for p in read_spreadsheet(data).problems]

    assert problems == [
        (2, "题型"), (3, "难度"), (4, "状态"), (5, "法条依据"), (6, "题型"), (8, "分类"),
    ]  # fmt: skip
    message = str(read_spreadsheet(data).problems[0])
    assert message == "第 2 行“题型”：题型“问答”无效，可选：单选、多选、判断、填空、简答、案例分析"


def test_a_merged_category_cell_applies_to_every_row_it_spans():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["题型", "题干", "答案", "分类"])
    sheet.append(["判断", "甲", "对", "行政处罚法/罚款"])
    sheet.append(["判断", "乙", "错", None])
    sheet.append(["判断", "丙", "对", "出版管理"])
    sheet.merge_cells("D2:D3")
    buffer = io.BytesIO()
    workbook.save(buffer)

    records = read_spreadsheet(buffer.getvalue()).records

    assert [(r.stem, r.category) for r in records] == [
        ("甲", "行政处罚法 / 罚款"), ("乙", "行政处罚法 / 罚款"), ("丙", "出版管理"),
    ]  # fmt: skip


def test_files_without_a_header_or_not_excel_at_all():
    no_header = read_spreadsheet(workbook_bytes([["甲", "乙"], ["丙", "丁"]]))
    assert "表头" in no_header.problems[0].message
    damaged = read_spreadsheet(b"PK\x03\x04 not really a zip")
    assert "无法读取 Excel 文件" in damaged.problems[0].message


def test_csv_in_gbk_and_utf8_with_bom():
    text = "题型,题干,选项A,选项B,答案\r\n单选,罚款属于？,行政处罚,行政强制,A\r\n"
    for data in (text.encode("gbk"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        parsed = read_spreadsheet(data)
        assert [(r.line, r.stem, r.answer) for r in parsed.records] == [(2, "罚款属于？", "A")]


def test_the_guide_sheet_is_never_read_as_questions():
    data = workbook_bytes(
        [],
        title="说明",
        extra_sheets=[("试题", [HEADER, row(题型="判断", 题干="对吗", 答案="对")])],
    )

    assert [r.stem for r in read_spreadsheet(data).records] == ["对吗"]


def test_written_workbooks_read_back_unchanged():
    base = {"explanation": "", "rubric": "", "points": "1.0", "difficulty": 2, "answer": "",
            "category": "甲 / 乙", "tags": [], "articles": [], "parts": [],
            "options": []}  # fmt: skip
    items = [
        ({**base, "kind": "single", "stem": "=1+1 不是公式", "options": ["=A1", "+2", "-3"],
          "answer": "A", "tags": ["t1", "t2"], "difficulty": 1, "points": "2.5",
          "articles": [{"label": "《行政处罚法》第三十条"}, {"label": "《行政处罚法》第三十一条"}]},
         "needs_review"),
        ({**base, "kind": "case", "stem": "案情\n第二段", "explanation": "解析", "rubric": "要点",
          "points": "3.0", "difficulty": 3, "category": "网吧",
          "parts": [{"kind": "fill", "stem": "____", "answer": "一|1", "options": [],
                     "explanation": "", "rubric": "", "points": "3.0"}]}, "draft"),
    ]  # fmt: skip

    parsed = read_spreadsheet(write_xlsx(items))

    assert parsed.problems == []
    for (payload, status), record in zip(items, parsed.records, strict=True):
        expected = {**payload, "points": str(float(payload["points"])).removesuffix(".0")}
        expected["parts"] = [
            {**part, "points": str(float(part["points"])).removesuffix(".0")}
            for part in payload["parts"]
        ]
        assert record.payload() == expected  # points come back as numbers ("3", "2.5")
        assert record.status == status
