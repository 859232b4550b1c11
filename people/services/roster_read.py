"""Reading a roster spreadsheet (.xlsx or .csv) into validated rows.

Rosters are typed by hand in Excel or WPS: headers carry "*" markers, padding spaces and
full-width punctuation, a title row may sit above the header, numbers come back as floats
and dates as text in half a dozen styles. The reader absorbs all of that and reports
everything else as problems located by sheet, row and column. It reads the database
(units, domains) to resolve references but never writes it.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, replace
from pathlib import PurePath

import openpyxl
from django.utils.translation import gettext as _

from people.models import Officer, Unit
from people.services.roster_cells import (
    STATUS_SYNONYMS,
    choice_parser,
    domain_parser,
    header_key,
    nfkc,
    parse_date,
    parse_order,
    parse_phone,
    text_of,
)
from people.services.roster_export import (
    OFFICER_COLUMNS,
    OFFICER_SHEET,
    UNIT_COLUMNS,
    UNIT_SHEET,
)
from people.services.roster_import import check_references
from people.services.roster_types import OfficerRow, Roster, RosterInvalid, RosterProblem, UnitRow

# A title row or two ("某某局执法人员花名册") often sits above the header.
HEADER_SEARCH_ROWS = 10
EMPLOYEE_NUMBER = re.compile(r"[\w.@+-]+")  # what a Django username may hold


def _malformed(message: str) -> RosterInvalid:
    return RosterInvalid([RosterProblem(message)])


@dataclass(eq=False)
class _Table:
    sheet: str
    rows: list  # (spreadsheet row number, cell values), completely empty rows left out
    index: dict | None = None  # field -> column position, once the header row is matched
    headers: dict | None = None  # field -> header text as the file writes it


def _lookup(columns):
    return {header_key(text): col for col in columns for text in (col.header, *col.aliases)}


OFFICER_LOOKUP, UNIT_LOOKUP = _lookup(OFFICER_COLUMNS), _lookup(UNIT_COLUMNS)
OFFICER_LIMITS = {
    f: Officer._meta.get_field(f).max_length
    for f in ("employee_number", "name", "position", "phone", "certificate_number")
}
UNIT_LIMITS = {f: Unit._meta.get_field(f).max_length for f in ("code", "name")}


def _match(value, lookup):
    key = header_key(value) if value is not None else ""
    # "发证日期（格式：2024-01-05）", "工号(必填)": also try without the trailing note.
    return lookup.get(key) or lookup.get(re.sub(r"\(.*\)$", "", key).strip("*"))


def _named(values, lookup) -> set[str]:
    return {column.field for value in values if (column := _match(value, lookup))}


def _header_row(table: _Table, lookup, keys: set[str]) -> int | None:
    """The row holding the table's header: the first of the top rows naming its key columns."""
    scored = [(n, _named(values, lookup)) for n, values in table.rows[:HEADER_SEARCH_ROWS]]
    for test in (keys.issubset, keys.intersection):
        if found := next((n for n, fields in scored if test(fields)), None):
            return found
    # Neither key column: still the header, if it names other columns (reported as missing).
    best = max(scored, key=lambda item: len(item[1]), default=(None, ()))
    return best[0] if len(best[1]) >= 2 else None


def _xlsx_tables(data: bytes) -> list[_Table]:
    try:
        # Not read-only: merged cells (one 单位 cell spanning its officers) need the full sheet.
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl fails in many ways on damaged or foreign files
        raise _malformed(
            _("无法读取 Excel 文件：文件已损坏，或不是 .xlsx 格式（若设置了打开密码，请先取消）。")
        ) from exc
    tables = []
    for sheet in workbook.worksheets:
        merged = {}
        for cells in sheet.merged_cells.ranges:
            value = sheet.cell(cells.min_row, cells.min_col).value
            for r in range(cells.min_row, min(cells.max_row, sheet.max_row) + 1):
                for c in range(cells.min_col, min(cells.max_col, sheet.max_column) + 1):
                    merged[(r, c)] = value
        rows = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            if merged:
                values = [merged.get((number, c), v) for c, v in enumerate(values, start=1)]
            if any(text_of(v) for v in values):
                rows.append((number, values))
        tables.append(_Table(sheet.title, rows))
    return tables


def _csv_table(data: bytes, sheet: str) -> _Table:
    if data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]  # Excel's "Unicode 文本"
    else:
        encodings = ["utf-8", "gb18030"]  # Chinese Excel saves "CSV (逗号分隔)" as GBK
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            break
    else:
        raise _malformed(_("无法读取 CSV 文件：不是文本，或编码无法识别（请用 UTF-8 或 GBK）。"))
    if not text.strip():
        raise _malformed(_("文件是空的。"))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _malformed(_("无法读取 CSV 文件：%(error)s") % {"error": exc}) from exc
    rows = [(n, r) for n, r in enumerate(records, start=1) if any(text_of(v) for v in r)]
    return _Table(sheet, rows)


def _is(table: _Table, kind: str) -> bool:
    """Does one of the table's top rows name the key columns of an officers'/units' table?"""
    top = [values for _n, values in table.rows[:HEADER_SEARCH_ROWS]]
    officers = any("employee_number" in _named(values, OFFICER_LOOKUP) for values in top)
    units = any({"code", "name"} <= _named(values, UNIT_LOOKUP) for values in top)
    return officers if kind == "officers" else units and not officers


def _pick_tables(tables: list[_Table]):
    """The officers' and the units' tables among a workbook's sheets (either may be None)."""
    named = {header_key(t.sheet): t for t in tables}
    officers, units = named.get(OFFICER_SHEET), named.get(UNIT_SHEET)
    others = [t for t in tables if "说明" not in t.sheet and t not in (officers, units)]
    officers = officers or next((t for t in others if _is(t, "officers")), None)
    units = units or next((t for t in others if t is not officers and _is(t, "units")), None)
    # An empty sheet is no table: a units-only file may keep the template's blank 人员 sheet.
    return (t if t and t.rows else None for t in (officers, units))


def _map(table: _Table, columns, lookup, keys, problems) -> bool:
    """Match the header row's cells to fields; False if the table has no header at all."""
    number = _header_row(table, lookup, keys)
    if number is None:
        wanted = "”“".join(c.header for c in columns if c.required)
        message = _("没有找到表头行（应包含“%(columns)s”等列）。") % {"columns": wanted}
        problems.append(RosterProblem(message, table.sheet))
        return False
    table.index, table.headers = {}, {}
    for position, value in enumerate(next(v for n, v in table.rows if n == number)):
        column = _match(value, lookup)
        if column is None:
            continue  # 序号, 性别, 备注…: columns the platform does not keep
        written = str(value).strip().strip("*＊").strip()
        if column.field in table.index:
            message = _("与“%(other)s”列重复，请只保留一列。")
            other = table.headers[column.field]
            problems.append(RosterProblem(message % {"other": other}, table.sheet, number, written))
        else:
            table.index[column.field], table.headers[column.field] = position, written
    for column in columns:
        if column.required and column.field not in table.index:
            message = _("缺少必填列“%(column)s”。") % {"column": column.header}
            problems.append(RosterProblem(message, table.sheet, None, column.header))
    table.rows = [(n, v) for n, v in table.rows if n > number]
    return True


class _Cells:
    """One data row: typed access to its cells, recording problems against them."""

    def __init__(self, table: _Table, number: int, values, problems: list, limits=None):
        self.table, self.number, self.values = table, number, values
        self.problems, self.limits, self.failed = problems, limits or {}, False

    def raw(self, field):
        position = self.table.index.get(field, len(self.values))
        return self.values[position] if position < len(self.values) else None

    def problem(self, field, message):
        self.failed = True
        column = self.table.headers.get(field, "")
        self.problems.append(RosterProblem(message, self.table.sheet, self.number, column))

    def text(self, field, *, required=False, code=False) -> str:
        text = nfkc(text_of(self.raw(field))) if code else text_of(self.raw(field))
        if required and not text and field in self.table.index:
            self.problem(field, _("不能为空。"))
        if len(text) > self.limits.get(field, len(text)):
            message = _("内容过长：最多 %(limit)d 个字符，现有 %(length)d 个。")
            self.problem(field, message % {"limit": self.limits[field], "length": len(text)})
        return text

    def parse(self, field, parser, *args):
        try:
            return parser(self.raw(field), *args)
        except ValueError as exc:
            self.problem(field, str(exc))
            return None


class _UnitNames:
    """Resolves a unit reference (code, or a unique name) against the file and the database."""

    def __init__(self, file_names: dict[str, str]):
        self.name_of = dict(Unit.objects.values_list("code", "name")) | file_names
        self.codes_named: dict[str, set[str]] = {}
        for code, name in self.name_of.items():
            self.codes_named.setdefault(name, set()).add(code)

    def resolve(self, value: str, *, names_first: bool) -> str:
        by_code = {nfkc(value)} & self.name_of.keys()
        by_name = self.codes_named.get(value, set())
        for codes in (by_name, by_code) if names_first else (by_code, by_name):
            if len(codes) > 1:
                message = _("单位名称“%(name)s”对应多个单位（%(codes)s），请改用单位编码。")
                raise ValueError(message % {"name": value, "codes": "、".join(sorted(codes))})
            if codes:
                return next(iter(codes))
        message = _("单位“%(unit)s”不存在：文件的单位表和系统中都没有这个单位。")
        raise ValueError(message % {"unit": value})


def _parse_units(table: _Table | None, problems) -> tuple[list[UnitRow], _UnitNames]:
    rows = table.rows if table else []
    # Gathered before validating, so the officers of a unit whose own row has a problem are
    # not reported a second time as belonging to an unknown unit.
    file_names = {}
    for number, values in rows:
        cells = _Cells(table, number, values, [])
        file_names.setdefault(cells.text("code", code=True), cells.text("name"))
    names = _UnitNames({code: name for code, name in file_names.items() if code})
    kinds = choice_parser(Unit.Kind, _("类型"))
    keep = frozenset(f for f in ("kind", "order") if table and f not in table.index)
    # Without a required column every row would repeat that problem: it is reported once.
    complete = table is not None and {"code", "name"} <= table.index.keys()
    units = []
    for number, values in rows:
        cells = _Cells(table, number, values, problems, UNIT_LIMITS)
        code = cells.text("code", required=True, code=True)
        name = cells.text("name", required=True)
        parent = cells.text("parent_code") and cells.parse(
            "parent_code", lambda v: names.resolve(text_of(v), names_first=False)
        )
        kind, order = cells.parse("kind", kinds), cells.parse("order", parse_order)
        if complete and not cells.failed:
            units.append(UnitRow(number, code, name, parent or "", kind, order, keep_fields=keep))
    return units, names


def _officer_unit(cells: _Cells, names: _UnitNames) -> str:
    code, name = cells.text("unit_code"), cells.text("unit_name")
    if not code and not name:
        field = "unit_code" if "unit_code" in cells.table.index else "unit_name"
        if field in cells.table.index:
            cells.problem(field, _("不能为空。"))
        return ""
    field = "unit_code" if code else "unit_name"
    resolved = cells.parse(field, lambda _v: names.resolve(code or name, names_first=not code))
    if resolved and code and name and names.name_of[resolved] != name:
        message = _("单位名称“%(name)s”与单位编码“%(code)s”（%(actual)s）不一致。")
        cells.problem(
            "unit_name",
            message % {"name": name, "code": resolved, "actual": names.name_of[resolved]},
        )
    return resolved or ""


def _name(text: str) -> str:
    # "王　强": two-character names are padded to line up with three-character ones.
    return re.sub(r"\s+", "", text) if re.fullmatch(r"[\u4e00-\u9fff·\s]+", text) else text


def _parse_officers(table: _Table, names: _UnitNames, problems) -> list[OfficerRow]:
    domains = domain_parser()
    statuses = choice_parser(
        Officer.Status, _("状态"), Officer.Status.ACTIVE.value, STATUS_SYNONYMS
    )
    # Optional columns the file lacks: existing officers keep their values for those fields.
    keep = frozenset(
        "domain_codes" if column.field == "domains" else column.field
        for column in OFFICER_COLUMNS
        if not column.required
        and column.field not in table.index.keys() | {"unit_code", "unit_name"}
    )
    has_unit = bool(table.index.keys() & {"unit_code", "unit_name"})
    if not has_unit:
        message = _("缺少必填列“单位编码”（或“单位名称”）。")
        problems.append(RosterProblem(message, table.sheet, None, "单位编码"))
    # Without a required column every row would repeat that problem: it is reported once.
    complete = has_unit and {"employee_number", "name"} <= table.index.keys()
    officers = []
    for number, values in table.rows:
        cells = _Cells(table, number, values, problems, OFFICER_LIMITS)
        employee_number = cells.text("employee_number", required=True, code=True)
        if employee_number and not EMPLOYEE_NUMBER.fullmatch(employee_number):
            message = _("工号“%(value)s”含有不允许的字符（只能是字母、数字和 _ . @ + -）。")
            cells.problem("employee_number", message % {"value": employee_number})
        issued = cells.parse("certificate_issued", parse_date)
        expires = cells.parse("certificate_expires", parse_date, True)
        if issued and expires and expires < issued:
            message = _("有效期至（%(expires)s）早于发证日期（%(issued)s）。")
            cells.problem("certificate_expires", message % {"expires": expires, "issued": issued})
        cells.text("phone")  # the length check, on the value as written
        row = OfficerRow(
            row=number,
            employee_number=employee_number,
            name=_name(cells.text("name", required=True)),
            unit_code=_officer_unit(cells, names),
            position=cells.text("position"),
            phone=cells.parse("phone", parse_phone) or "",
            certificate_number=cells.text("certificate_number", code=True),
            certificate_issued=issued,
            certificate_expires=expires,
            domain_codes=cells.parse("domains", domains) or (),
            status=cells.parse("status", statuses) or Officer.Status.ACTIVE.value,
            keep_fields=keep,
        )
        if complete and not cells.failed:
            officers.append(row)
    return officers


def read_roster(data: bytes, *, filename: str) -> Roster:
    """Parse and validate a roster file; raises RosterInvalid listing every problem found."""
    name = PurePath(filename or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in (".xlsx", ".csv"):
        message = _("不支持的文件类型“%(ext)s”：请上传 .xlsx 或 .csv 文件。")
        hint = _("（.xls 文件请在 Excel 中另存为 .xlsx）") if extension == ".xls" else ""
        raise _malformed(message % {"ext": extension or name} + hint)
    if not data.strip():
        raise _malformed(_("文件是空的。"))
    if extension == ".xlsx":
        officer_table, unit_table = _pick_tables(_xlsx_tables(data))
    else:
        table = _csv_table(data, name)
        officer_table = table if _is(table, "officers") else None
        unit_table = table if _is(table, "units") else None
    if officer_table is None and unit_table is None:
        raise _malformed(
            _(
                "没有找到人员表或单位表：人员表须有“工号”“姓名”列，单位表须有“单位编码”“单位名称”列。"
            )
        )

    problems: list[RosterProblem] = []
    if unit_table and not _map(unit_table, UNIT_COLUMNS, UNIT_LOOKUP, {"code", "name"}, problems):
        unit_table = None
    officer_keys = {"employee_number", "name"}
    if officer_table and not _map(
        officer_table, OFFICER_COLUMNS, OFFICER_LOOKUP, officer_keys, problems
    ):
        officer_table = None
    units, names = _parse_units(unit_table, problems)
    officers = _parse_officers(officer_table, names, problems) if officer_table else []
    roster = Roster(
        units=tuple(units),
        officers=tuple(officers),
        unit_sheet=unit_table.sheet if unit_table else UNIT_SHEET,
        officer_sheet=officer_table.sheet if officer_table else OFFICER_SHEET,
    )
    # Cross-row checks name the template's headers; show the headers this file uses.
    written = {
        (table.sheet, column.header): table.headers.get(column.field, column.header)
        for table, columns in ((unit_table, UNIT_COLUMNS), (officer_table, OFFICER_COLUMNS))
        if table
        for column in columns
    }
    for problem in check_references(roster):
        column = written.get((problem.sheet, problem.column), problem.column)
        problems.append(replace(problem, column=column))
    if not problems and not roster.units and not roster.officers:
        problems.append(RosterProblem(_("文件中没有可导入的数据行。")))
    if problems:
        order = {roster.unit_sheet: 1, roster.officer_sheet: 2}
        problems.sort(key=lambda p: (order.get(p.sheet, 0), p.row or 0))
        raise RosterInvalid(problems)
    return roster
