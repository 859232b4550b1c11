"""Reading roster files: lenient about how spreadsheets are typed, exact about problems."""

import io
import os
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from people.services.roster_read import read_roster
from people.services.roster_types import RosterInvalid
from tests.people.roster_files import (
    OFFICER_HEADERS,
    OFFICERS,
    UNIT_HEADERS,
    UNITS,
    csv_bytes,
    replaced,
    xlsx,
)


def problems_of(data: bytes, filename="roster.xlsx"):
    with pytest.raises(RosterInvalid) as caught:
        read_roster(data, filename=filename)
    return caught.value.problems


def only(problems, **where):
    found = [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]
    assert found, f"no problem with {where} in {[str(p) for p in problems]}"
    return found[0]


def test_good_workbook_reads_units_and_officers_with_typed_values(city):
    roster = read_roster(xlsx(), filename="名册.xlsx")
    assert [(u.row, u.code, u.parent_code, u.kind, u.order) for u in roster.units] == [
        (2, "D0102", "D01", "squad", 2),
        (3, "E01", "C00", "district_bureau", 5),
        (4, "E0101", "E01", "squad", 1),
    ]
    first, second, third, fourth = roster.officers
    assert (first.row, first.employee_number, first.name, first.unit_code) == (
        2,
        "10023",
        "欧阳明",
        "D0102",
    )
    assert first.domain_codes == ("press", "copyright")
    assert (first.certificate_issued, first.certificate_expires) == (
        date(2024, 1, 5),
        date(2029, 1, 4),
    )
    assert (third.status, fourth.status) == ("away", "transferred")
    assert fourth.phone == "0571-8888 6666"
    assert first.keep_fields == frozenset()


def test_numeric_employee_numbers_and_phones_read_as_plain_digits(city):
    second = read_roster(xlsx(), filename="r.xlsx").officers[1]
    assert second.employee_number == "10024"  # an int cell
    assert second.phone == "13900139000"  # a float cell, not "13900139000.0"


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 1, 5),
        "2024-01-05",
        "2024/1/5",
        "2024.01.05",
        "2024年1月5日",
        "20240105",
        20240105,
        45296,  # the serial number of a date typed into a number-formatted cell
        "２０２４－０１－０５",
    ],
)
def test_dates_are_read_from_date_cells_and_every_common_text_style(city, value):
    rows = replaced(OFFICERS[:1], 0, "发证日期", value)
    officer = read_roster(xlsx(rows), filename="r.xlsx").officers[0]
    assert officer.certificate_issued == date(2024, 1, 5)


def test_headers_are_recognised_despite_markers_spaces_and_full_width_characters(city):
    headers = ["工 号*", "\u3000姓名＊", "所属单位", "手机", "执法证编号", "证件有效期", "领域"]
    rows = [["  10023 ", "欧阳明", "东区一中队", "138 0013 8000", "A1", "2030-01-01", "版权 文物"]]
    officer = read_roster(xlsx(rows, False, officer_headers=headers), filename="r.xlsx").officers[0]
    assert officer.employee_number == "10023"
    assert officer.unit_code == "D0101"  # found by the unit's unique name
    assert officer.phone == "138 0013 8000"
    assert officer.certificate_expires == date(2030, 1, 1)
    assert officer.domain_codes == ("copyright", "relics")
    # Columns the file lacks are kept as they are on existing officers.
    assert officer.keep_fields == {"position", "certificate_issued", "status"}


def test_a_real_world_sheet_with_title_row_merged_unit_cells_and_extra_columns_reads(city):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"  # not named 人员: found by its 工号 header
    sheet.append(["东区文化执法局执法人员花名册（2026年）"])
    sheet.merge_cells("A1:H1")
    sheet.append(["序号", "工号", "姓 名", "性别", "单位", "职务/职级", "发证时间", "状态"])
    sheet.append([1, 10031, "诸葛亮", "男", "东区一中队", "中队长", "2024.3.1", "在职"])
    sheet.append([2, 10032, "黄\u3000英", "女", None, "队员", None, None])
    sheet.merge_cells("E3:E4")  # one 单位 cell spanning both officers
    sheet.append([])
    sheet.append([3, "10033", "马谡", "男", "东区文化执法局", None, None, "离岗"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    roster = read_roster(buffer.getvalue(), filename="东区.xlsx")
    assert roster.officer_sheet == "花名册"
    assert [(o.row, o.employee_number, o.unit_code, o.status) for o in roster.officers] == [
        (3, "10031", "D0101", "active"),
        (4, "10032", "D0101", "active"),
        (6, "10033", "D01", "away"),
    ]
    assert roster.officers[0].certificate_issued == date(2024, 3, 1)
    assert roster.officers[1].name == "黄英"  # the padding space inside the name is dropped


def test_missing_column_is_reported_by_sheet_and_column_without_a_row(city):
    headers = [h for h in OFFICER_HEADERS if h != "姓名"]
    rows = [
        [v for h, v in zip(OFFICER_HEADERS, row, strict=True) if h != "姓名"] for row in OFFICERS
    ]
    problem = only(problems_of(xlsx(rows, officer_headers=headers)), column="姓名")
    assert (problem.sheet, problem.row) == ("人员", None)
    assert "缺少必填列" in problem.message


def test_duplicate_employee_number_is_refused_naming_both_rows(city):
    rows = replaced(OFFICERS, 3, "工号", "10023")
    problem = only(problems_of(xlsx(rows)), column="工号")
    assert (problem.sheet, problem.row) == ("人员", 5)
    assert "第 2 行" in problem.message and "第 5 行" in problem.message


def test_duplicate_unit_code_is_refused_naming_both_rows(city):
    units = [*UNITS, ["E01", "南区另一个局", "C00", "", 0]]
    problem = only(problems_of(xlsx(units=units)), sheet="单位", column="单位编码")
    assert problem.row == 5 and "第 3 行" in problem.message


def test_unknown_unit_is_refused_naming_row_and_column(city):
    problem = only(problems_of(xlsx(replaced(OFFICERS, 1, "单位编码", "X99"))), row=3)
    assert (problem.sheet, problem.column) == ("人员", "单位编码")
    assert "X99" in problem.message and "不存在" in problem.message


def test_bad_date_is_refused_naming_row_column_and_value(city):
    problem = only(problems_of(xlsx(replaced(OFFICERS, 2, "有效期至", "2024-02-30"))), row=4)
    assert problem.column == "有效期至"
    assert "2024-02-30" in problem.message


def test_expiry_before_issue_is_refused(city):
    rows = replaced(OFFICERS, 0, "有效期至", "2020-01-01")
    problem = only(problems_of(xlsx(rows)), row=2, column="有效期至")
    assert "早于发证日期" in problem.message


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("执法领域", "新闻出版、烟草", "烟草"),
        ("状态", "退休", "在岗、离岗、调离"),
        ("手机号", "138-abc", "格式不正确"),
        ("手机号", "12345", "7–20 位"),
        ("姓名", "张" * 51, "最多 50 个字符"),
        ("工号", "100 23", "不允许的字符"),
        ("姓名", "  ", "不能为空"),
    ],
)
def test_bad_cell_is_refused_naming_row_and_column(city, column, value, fragment):
    problem = only(problems_of(xlsx(replaced(OFFICERS, 1, column, value))), row=3)
    assert problem.column == column
    assert fragment in problem.message


def test_unit_parent_cycle_and_unknown_parent_are_refused(city):
    units = [["U1", "甲", "U2", "", 0], ["U2", "乙", "U1", "", 0], ["U3", "丙", "NOPE", "", 0]]
    problems = problems_of(xlsx([], units=units))
    assert "循环" in only(problems, sheet="单位", row=2, column="上级单位编码").message
    assert "NOPE" in only(problems, sheet="单位", row=4, column="上级单位编码").message


def test_moving_a_unit_below_its_own_descendant_is_a_cycle(city):
    units = [["D01", "东区文化执法局", "D0101", "", 0]]
    assert "循环" in only(problems_of(xlsx([], units=units)), row=2).message


def test_every_problem_is_reported_not_just_the_first(city):
    rows = replaced(OFFICERS, 0, "发证日期", "昨天")
    rows = replaced(rows, 2, "单位编码", "X99")
    rows = replaced(rows, 3, "执法领域", "烟草")
    assert {p.row for p in problems_of(xlsx(rows))} == {2, 4, 5}


def test_empty_rows_are_skipped_and_row_numbers_stay_those_of_the_spreadsheet(city):
    rows = [OFFICERS[0], [None] * 10, ["", " ", None], OFFICERS[1]]
    roster = read_roster(xlsx(rows), filename="r.xlsx")
    assert [o.row for o in roster.officers] == [2, 5]


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (os.urandom(2048), "roster.xlsx", "无法读取 Excel 文件"),
        (b"PK\x03\x04 not really a zip", "roster.xlsx", "无法读取 Excel 文件"),
        (b"", "roster.xlsx", "文件是空的"),
        (b"\xef\xbb\xbf\r\n", "roster.csv", "文件是空的"),
        (b"whatever", "roster.pdf", "不支持的文件类型"),
        (b"whatever", "roster.xls", "另存为 .xlsx"),
        ("序号,备注\n1,无\n".encode(), "roster.csv", "没有找到人员表或单位表"),
        (b"\x00\x01\x02\xff\xfe\x00binary", "roster.csv", "无法读取 CSV 文件"),
    ],
)
def test_malformed_file_yields_one_clear_problem(city, data, filename, fragment):
    problems = problems_of(data, filename)
    assert len(problems) == 1
    assert fragment in problems[0].message


def test_workbook_without_any_roster_sheet_is_malformed(city):
    workbook = Workbook()
    workbook.active.append(["名称", "数量"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    (problem,) = problems_of(buffer.getvalue())
    assert "没有找到人员表或单位表" in problem.message


def test_blank_template_is_refused_as_having_no_rows(city):
    (problem,) = problems_of(xlsx([], []))
    assert "没有可导入的数据行" in problem.message


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_officer_table_reads_in_gbk_and_utf8_with_or_without_bom(city, encoding):
    rows = [["10041", "上官婉儿", "D0101", "", "", "", "2024年1月5日", "", "版权", "在岗"]]
    data = csv_bytes(OFFICER_HEADERS, rows, encoding=encoding)
    roster = read_roster(data, filename="roster.csv")
    assert roster.officer_sheet == "roster.csv"
    (officer,) = roster.officers
    assert (officer.name, officer.unit_code, officer.certificate_issued) == (
        "上官婉儿",
        "D0101",
        date(2024, 1, 5),
    )


def test_csv_with_unit_headers_and_no_employee_number_is_a_unit_table(city):
    roster = read_roster(csv_bytes(UNIT_HEADERS, UNITS, encoding="gb18030"), filename="单位.csv")
    assert [u.code for u in roster.units] == ["D0102", "E01", "E0101"]
    assert roster.officers == ()


def test_csv_problems_name_the_file_as_the_sheet(city):
    rows = [["10041", "上官婉儿", "X99"]]
    data = csv_bytes(["工号", "姓名", "单位编码"], rows)
    problem = only(problems_of(data, "东区.csv"), row=2)
    assert (problem.sheet, problem.column) == ("东区.csv", "单位编码")


def test_unit_name_that_is_not_unique_must_be_given_by_code(city):
    units = [["W0101", "一中队", "D02", "中队", 1], ["D0109", "一中队", "D01", "中队", 9]]
    rows = [["10051", "赵云", "", "", "", "", "", "", "", ""]]
    headers = ["工号", "姓名", "单位名称"] + OFFICER_HEADERS[3:]
    rows = [["10051", "赵云", "一中队"] + [""] * 7]
    problem = only(problems_of(xlsx(rows, units, officer_headers=headers)), sheet="人员")
    assert problem.column == "单位名称" and "W0101" in problem.message


def test_unit_code_and_name_that_disagree_are_refused(city):
    headers = ["工号", "姓名", "单位编码", "单位名称"]
    rows = [["10051", "赵云", "D0101", "西区文化执法局"]]
    problem = only(problems_of(xlsx(rows, False, officer_headers=headers)), row=2)
    assert problem.column == "单位名称" and "不一致" in problem.message


def test_reading_writes_nothing(city, django_assert_max_num_queries):
    with django_assert_max_num_queries(10) as queries:
        read_roster(xlsx(), filename="r.xlsx")
    assert not [q for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
