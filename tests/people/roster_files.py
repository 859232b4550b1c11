"""Roster files built in memory, shaped like the ones HR departments send."""

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook

from people.models import Officer, Unit, User

OFFICER_HEADERS = [
    "工号",
    "姓名",
    "单位编码",
    "职务",
    "手机号",
    "执法证号",
    "发证日期",
    "有效期至",
    "执法领域",
    "状态",
]
UNIT_HEADERS = ["单位编码", "单位名称", "上级单位编码", "类型", "排序"]

# New units under the `city` fixture's tree: one below 东区局, a new district with a squad.
UNITS = [
    ["D0102", "东区二中队", "D01", "中队", 2],
    ["E01", "南区文化执法局", "C00", "区(市)执法局", 5],
    ["E0101", "南区一中队", "E01", "中队", 1],
]
# Row 2 onwards; the kinds of cells Excel really produces: int and float numbers, date
# cells, dates typed as text.
OFFICERS = [
    [
        "10023",
        "欧阳明",
        "D0102",
        "中队长",
        "13800138000",
        "A3301000123",
        datetime(2024, 1, 5),
        datetime(2029, 1, 4),
        "新闻出版、版权",
        "在岗",
    ],
    [10024, "李娜", "E0101", "执法队员", 13900139000.0, "A3301000124", "2023/3/1", "2028年2月28日"]
    + ["演艺娱乐", ""],
    ["10025", "王强", "D0101", "", "", "", "", "", "", "离岗"],
    ["10026", "张伟", "C0101", "科员", "0571-8888 6666", "", "20220101", "2027.12.31", "", "调离"],
]


def xlsx(
    officers=None,
    units=None,
    *,
    officer_headers=None,
    unit_headers=None,
    officer_sheet="人员",
    unit_sheet="单位",
) -> bytes:
    """A workbook with an officers' sheet and (unless units is False) a units' sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = officer_sheet
    sheet.append(officer_headers or OFFICER_HEADERS)
    for row in OFFICERS if officers is None else officers:
        sheet.append(row)
    if units is not False:
        sheet = workbook.create_sheet(unit_sheet)
        sheet.append(unit_headers or UNIT_HEADERS)
        for row in UNITS if units is None else units:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows, *, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode(encoding)


def replaced(rows, index: int, column: str, value, headers=None):
    """A copy of rows with one cell changed, addressed by row index and header."""
    copy = [list(row) for row in rows]
    copy[index][(headers or OFFICER_HEADERS).index(column)] = value
    return copy


def snapshot() -> dict:
    """What a refused import must leave untouched."""
    return {
        "units": list(Unit.objects.order_by("code").values_list("code", "name", "path")),
        "officers": list(Officer.objects.order_by("pk").values()),
        "users": User.objects.count(),
    }


def as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
