"""The Excel template (.xlsx, also read as .csv in UTF-8 or GBK): one question a row.

Columns (headers in Chinese; order free, a title row above the header is skipped, common
synonyms like 正确答案 or 知识点 are accepted): 题型, 题干, 选项A … 选项H, 答案, 解析, 分值,
难度 (易/中/难 or 1–3), 法条依据, 分类, 标签, 评分要点, 状态.

A 案例分析 question is a row with 题型 "案例分析" (题干 = the scenario, its 分类, 难度, 标签,
法条依据 and 状态 apply to the whole case) followed directly by one row per sub-question,
whose 题型 says both: "案例分析/单选", "案例分析/简答"… A sub-question row fills only 题干,
选项, 答案, 解析, 分值 and 评分要点. The 说明 sheet of the template explains all this.
"""

import csv
import io
import re
from dataclasses import dataclass

import openpyxl
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from people.services.roster_cells import header_key, nfkc, text_of
from quizzes.models.bank import Difficulty, Kind, Question
from quizzes.services.formats.citations import split_citations
from quizzes.services.formats.records import ParsedFile, Problem, Record, normalise_category
from quizzes.services.formats.text import CONTROL, decode_text
from quizzes.services.keys import LABEL_BY_KIND, LETTERS, kind_from_label

SHEET, GUIDE_SHEET = "试题", "说明"
HEADER_SEARCH_ROWS = 10
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PART = re.compile(r"^(?:案例分析题?|案例题?|小题)\s*[/／\\\-—–·:：]\s*(.+)$")
CASE_ONLY = ("difficulty", "articles", "category", "tags", "status")


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # part of the file format: never translated
    aliases: tuple[str, ...] = ()
    width: int = 12
    note: str = ""


COLUMNS = (
    Column(
        "kind",
        "题型",
        ("类型", "题目类型", "试题类型"),
        10,
        gettext_lazy("单选、多选、判断、填空、简答、案例分析；案例分析的小题写“案例分析/单选”等。"),
    ),
    Column("stem", "题干", ("题目", "试题", "题目内容", "试题内容", "问题"), 50),
    *(
        Column(f"option{i}", f"选项{letter}", (letter, f"选项 {letter}"), 16)
        for i, letter in enumerate(LETTERS)
    ),
    Column(
        "answer",
        "答案",
        ("正确答案", "参考答案", "标准答案"),
        14,
        gettext_lazy(
            "单选 B；多选 ACD；判断 对/错；填空每空用“；”分隔、同一空的多个答案用“|”分隔，"
            "如 十五日|15日；罚款；简答填参考答案。"
        ),
    ),
    Column("explanation", "解析", ("答案解析", "试题解析"), 30),
    Column("points", "分值", ("分数", "题目分值"), 8, gettext_lazy("空白为 1 分。")),
    Column("difficulty", "难度", ("难易程度", "难度等级"), 8, gettext_lazy("易、中、难，或 1–3。")),
    Column(
        "articles",
        "法条依据",
        ("法律依据", "依据", "法条"),
        30,
        gettext_lazy("如《行政处罚法》第三十条；第三十一条。法规须已导入法规库。"),
    ),
    Column(
        "category",
        "分类",
        ("题库分类", "所属分类", "类别"),
        20,
        gettext_lazy("分类路径，如 行政处罚法/罚款；不存在的分类会自动创建。"),
    ),
    Column("tags", "标签", ("知识点", "关键词"), 16, gettext_lazy("多个用逗号分隔。")),
    Column("rubric", "评分要点", ("评分标准",), 30, gettext_lazy("简答、案例分析题的评分要点。")),
    Column("status", "状态", ("试题状态",), 8, gettext_lazy("草稿、启用、待复核；空白为启用。")),
)
LOOKUP = {header_key(text): c.field for c in COLUMNS for text in (c.header, *c.aliases)}
HEADER_OF = {column.field: column.header for column in COLUMNS}
DIFFICULTY_WORDS = {"易": 1, "容易": 1, "简单": 1, "较易": 1, "中": 2, "中等": 2, "一般": 2}
DIFFICULTY_WORDS |= {"适中": 2, "难": 3, "困难": 3, "较难": 3, "1": 1, "2": 2, "3": 3}


def _zh(choice) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


def _statuses() -> dict[str, str]:
    words = {status.value: status.value for status in Question.Status}
    return words | {_zh(status): status.value for status in Question.Status}


# --- Reading ------------------------------------------------------------------------------


def _sheet_rows(sheet) -> list:
    merged = {}
    for cells in sheet.merged_cells.ranges:
        value = sheet.cell(cells.min_row, cells.min_col).value
        for r in range(cells.min_row, cells.max_row + 1):
            for c in range(cells.min_col, cells.max_col + 1):
                merged[(r, c)] = value
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if merged:
            values = [merged.get((number, c), v) for c, v in enumerate(values, start=1)]
        rows.append((number, values))
    return rows


def _tables(data: bytes) -> list[tuple[str, list]]:
    """(sheet name, [(row number, values)]) of each sheet; raises ValueError if unreadable."""
    if data[:4] == b"PK\x03\x04":
        try:
            # Not read-only: merged cells (one 分类 cell spanning its questions) need the sheet.
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        except Exception as error:  # openpyxl fails in many ways on damaged or foreign files
            message = _("无法读取 Excel 文件：文件已损坏，或不是 .xlsx 格式（.xls 请另存为 .xlsx）")
            raise ValueError(message) from error
        return [(sheet.title, _sheet_rows(sheet)) for sheet in workbook.worksheets]
    text = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ValueError(_("无法读取 CSV 文件：%(error)s") % {"error": error}) from None
    return [("CSV", list(enumerate(rows, start=1)))]


def _header(rows) -> tuple[int, dict[str, int]] | None:
    for number, values in rows[:HEADER_SEARCH_ROWS]:
        index = {}
        for position, value in enumerate(values or ()):
            field = LOOKUP.get(header_key(value)) if value is not None else None
            if field and field not in index:
                index[field] = position
        if {"kind", "stem"} <= index.keys():
            return number, index
    return None


class _Row:
    def __init__(self, number, values, index, problems):
        self.number, self.values, self.index, self.problems = number, values, index, problems

    def text(self, field) -> str:
        position = self.index.get(field)
        if position is None or position >= len(self.values):
            return ""
        return text_of(self.values[position])

    def problem(self, field, message):
        self.problems.append(Problem(self.number, HEADER_OF[field], message))


def _record(row: _Row, statuses) -> Record:
    label = nfkc(row.text("kind"))
    part = _PART.match(label)
    kind = kind_from_label(part[1] if part else label)
    if kind is None or (part and kind == Kind.CASE):
        message = _("题型“%(label)s”无效，可选：单选、多选、判断、填空、简答、案例分析")
        row.problem("kind", message % {"label": label} if label else _("不能为空"))
    options = [row.text(f"option{i}") for i in range(len(LETTERS))]
    while options and not options[-1]:
        options.pop()
    record = Record(
        line=row.number,
        kind=kind or "",
        stem=row.text("stem"),
        options=options,
        answer=row.text("answer"),
        explanation=row.text("explanation"),
        rubric=row.text("rubric"),
        points=nfkc(row.text("points")),
        is_part=bool(part),
    )
    if part:
        for field in CASE_ONLY:
            if row.text(field):
                row.problem(field, _("小题不填这一列：以所属案例分析题那一行为准"))
        return record
    difficulty = nfkc(row.text("difficulty"))
    record.difficulty = DIFFICULTY_WORDS.get(difficulty, None if difficulty else 2)
    if record.difficulty is None:
        row.problem(
            "difficulty", _("难度“%(value)s”无效，可选：易、中、难") % {"value": difficulty}
        )
    try:
        record.articles = split_citations(row.text("articles"))
    except ValueError as error:
        row.problem("articles", str(error))
    record.category = normalise_category(row.text("category"))
    tags = re.split(r"[,，、;；\n]", row.text("tags"))
    record.tags = list(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    status = nfkc(row.text("status"))
    record.status = statuses.get(status.lower(), statuses.get(status, ""))
    if status and not record.status:
        row.problem(
            "status", _("状态“%(value)s”无效，可选：草稿、启用、待复核") % {"value": status}
        )
    return record


def read_spreadsheet(data: bytes) -> ParsedFile:
    parsed = ParsedFile("xlsx")
    try:
        tables = _tables(data)
    except ValueError as error:
        parsed.problems.append(Problem(None, "", str(error)))
        return parsed
    found = None
    for name, rows in tables:
        if GUIDE_SHEET not in name and (header := _header(rows)):
            found = rows, header
            break
    if found is None:
        message = _("没有找到表头行：表头应包含“题型”“题干”等列（可下载导入模板对照）")
        parsed.problems.append(Problem(None, "", message))
        return parsed
    rows, (header_row, index) = found
    statuses, case = _statuses(), None
    for number, values in rows:
        if number <= header_row or not any(text_of(v) for v in values or ()):
            continue
        record = _record(_Row(number, list(values), index, parsed.problems), statuses)
        if record.is_part:
            if case is None:
                message = _("小题行前面应是它所属的“案例分析”行（或同一案例的其他小题）")
                parsed.problems.append(Problem(number, HEADER_OF["kind"], message))
            else:
                case.parts.append(record)
            continue
        case = record if record.kind == Kind.CASE else None
        parsed.records.append(record)
    return parsed


# --- Writing ------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_REQUIRED = PatternFill("solid", fgColor="FDE9D9")


def _cell(sheet, value):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=CONTROL.sub("", value))
        cell.data_type = "s"  # "=…" is text here, never a formula
        return cell
    return value


def _sheet(workbook: Workbook):
    sheet = workbook.create_sheet(SHEET)
    for position, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = _BOLD
        if column.field in ("kind", "stem"):
            cell.fill = _REQUIRED
        header.append(cell)
    sheet.append(header)
    return sheet


def _values(payload: dict, status: str = "", *, part: bool = False) -> dict:
    values = {
        "kind": LABEL_BY_KIND[payload["kind"]],
        "stem": payload["stem"],
        "answer": payload["answer"],
        "explanation": payload["explanation"],
        "points": float(payload["points"]),
        "rubric": payload["rubric"],
    }
    values |= {f"option{i}": text for i, text in enumerate(payload["options"])}
    if part:
        values["kind"] = f"{LABEL_BY_KIND[Kind.CASE]}/{values['kind']}"
        return values
    return values | {
        "difficulty": _zh(Difficulty(payload["difficulty"])),
        "articles": "；".join(article["label"] for article in payload["articles"]),
        "category": payload["category"],
        "tags": "，".join(payload["tags"]),
        "status": _zh(Question.Status(status)) if status else "",
    }


# Sample rows for the 说明 sheet: file content in the format's language, not UI text.
EXAMPLES = (
    {"kind": "单选", "stem": "罚款属于下列哪一类行为？", "option0": "行政处罚",
     "option1": "行政强制", "answer": "A", "difficulty": "易",
     "articles": "《行政处罚法》第九条", "category": "行政处罚法"},
    {"kind": "多选", "stem": "下列属于行政处罚的有？", "option0": "警告", "option1": "罚款",
     "option2": "记过", "answer": "AB", "points": 2, "tags": "处罚种类，基础"},
    {"kind": "判断", "stem": "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。",
     "answer": "对"},
    {"kind": "填空", "stem": "行政处罚遵循____、____的原则。", "answer": "公正；公开"},
    {"kind": "简答", "stem": "简述听证程序的主要环节。", "answer": "（参考答案）",
     "rubric": "告知、申请、通知、举行听证各 1 分", "points": 4},
    {"kind": "案例分析", "stem": "某网吧接纳未成年人进入营业场所……", "category": "网吧管理"},
    {"kind": "案例分析/单选", "stem": "对该网吧应如何处理？", "option0": "警告", "option1": "罚款",
     "option2": "责令停业整顿", "answer": "C", "points": 2},
    {"kind": "案例分析/简答", "stem": "请说明执法程序要点。", "rubric": "立案、调查取证……",
     "points": 5},
)  # fmt: skip


def _guide(workbook: Workbook):
    guide = workbook.create_sheet(GUIDE_SHEET)
    for letter, width in zip("ABC", (12, 70, 50), strict=True):
        guide.column_dimensions[letter].width = width
    guide.append([_("填写说明")])
    guide.append([_("“试题”表每行一道题，表头须保留。导入前会逐行检查，有任何问题都不会导入。")])
    guide.append([_("案例分析题：先写一行题型为“案例分析”的题目（题干写案情），")])
    guide.append([_("紧接着每道小题一行，题型写“案例分析/单选”“案例分析/简答”等。")])
    guide.append([_("已存在于同一分类、题型和题干都相同的题目不会重复导入。")])
    guide.append([])
    guide.append([_("列名"), _("说明")])
    for column in COLUMNS:
        guide.append([column.header, str(column.note)])
    guide.append([])
    guide.append([_("示例")])
    guide.append([column.header for column in COLUMNS])
    for example in EXAMPLES:
        guide.append([example.get(column.field, "") for column in COLUMNS])


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(items) -> bytes:
    """A workbook in the template's layout for (payload, status) pairs, in the order given."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(workbook)
    fields = [column.field for column in COLUMNS]
    for payload, status in items:
        rows = [_values(payload, status)]
        rows += [_values(part, part=True) for part in payload.get("parts") or ()]
        for values in rows:
            sheet.append([_cell(sheet, values.get(field, "")) for field in fields])
    _guide(workbook)
    return _save(workbook)


def template_workbook() -> bytes:
    """The empty import template: the 试题 sheet's header and the 说明 sheet."""
    workbook = Workbook(write_only=True)
    _sheet(workbook)
    _guide(workbook)
    return _save(workbook)
