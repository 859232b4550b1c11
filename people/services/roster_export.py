"""The roster file layout, and the workbooks written in it: template, export, 初始密码单.

The column definitions here are the one description of the format: the template and the
export write them, `roster_read` reads them (with the aliases real spreadsheets use), so an
export imports back unchanged.
"""

import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from people.models import Domain, Officer, Unit
from people.services.roster_types import Credential
from people.utils import visible_officers, visible_units

OFFICER_SHEET = "人员"
UNIT_SHEET = "单位"
GUIDE_SHEET = "说明"


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # part of the file format: never translated
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 14
    note: str = ""


OFFICER_COLUMNS = (
    Column(
        "employee_number",
        "工号",
        ("员工号", "员工编号", "人员编号", "职工号"),
        True,
        12,
        gettext_lazy("登录账号，全市唯一；再次导入时按工号更新人员。"),
    ),
    Column("name", "姓名", ("人员姓名",), True, 10),
    Column(
        "unit_code",
        "单位编码",
        ("单位代码", "所属单位编码"),
        False,
        12,
        gettext_lazy("与“单位名称”至少填一项；单位须在“单位”表或系统中已存在。"),
    ),
    Column(
        "unit_name",
        "单位名称",
        ("单位", "所属单位", "工作单位"),
        False,
        22,
        gettext_lazy("未填单位编码时按名称查找（名称须唯一）；两项都填时须一致。"),
    ),
    Column("position", "职务", ("职位", "职务职级", "职务/职级"), False, 12),
    Column(
        "phone",
        "手机号",
        ("手机", "手机号码", "联系电话", "电话", "联系方式"),
        False,
        14,
        gettext_lazy("7–20 位数字，可含空格、短横线和 +。"),
    ),
    Column(
        "certificate_number",
        "执法证号",
        ("执法证编号", "执法证号码", "执法证件号", "执法证件号码", "证件号", "证件编号"),
        False,
        16,
    ),
    Column(
        "certificate_issued",
        "发证日期",
        ("发证时间", "领证日期"),
        False,
        12,
        gettext_lazy("日期，如 2024-01-05、2024/1/5、2024年1月5日。"),
    ),
    Column(
        "certificate_expires",
        "有效期至",
        ("证件有效期", "有效期", "有效期限", "证件有效期至", "到期日期"),
        False,
        12,
        gettext_lazy("日期，不得早于发证日期；“长期”表示无期限。"),
    ),
    Column(
        "domains",
        "执法领域",
        ("领域", "执法门类"),
        False,
        24,
        gettext_lazy("可填多个，用顿号、逗号或空格分隔。"),
    ),
    Column(
        "status",
        "状态",
        ("人员状态", "在岗状态"),
        False,
        8,
        gettext_lazy("在岗、离岗或调离，空白为在岗；调离人员不能登录。"),
    ),
)
UNIT_COLUMNS = (
    Column(
        "code",
        "单位编码",
        ("单位代码", "编码"),
        True,
        12,
        gettext_lazy("全市唯一；再次导入时按编码更新单位。"),
    ),
    Column("name", "单位名称", ("名称", "单位"), True, 24),
    Column(
        "parent_code",
        "上级单位编码",
        ("上级单位代码", "上级编码", "上级单位"),
        False,
        14,
        gettext_lazy("空白表示顶级单位；上级单位须在本表或系统中已存在。"),
    ),
    Column("kind", "类型", ("单位类型",), False, 14),
    Column("order", "排序", ("排序号", "顺序"), False, 8, gettext_lazy("非负整数，越小越靠前。")),
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FDE9D9")


def zh_label(choice) -> str:
    """A choice's label in Chinese: files always carry the Chinese labels."""
    with translation.override("zh-hans"):
        return str(choice.label)


def _sheet(workbook: Workbook, title: str, columns):
    sheet = workbook.create_sheet(title)
    for position, column in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + position)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = _BOLD
        if column.required:
            cell.fill = _REQUIRED_FILL
        header.append(cell)
    sheet.append(header)
    return sheet


def _guide_rows():
    """The 说明 sheet: every column, whether required, its format and allowed values."""
    domains = "、".join(Domain.objects.values_list("name", flat=True))
    kinds = "、".join(zh_label(kind) for kind in Unit.Kind)
    statuses = "、".join(zh_label(status) for status in Officer.Status)
    allowed = {"domains": domains, "status": statuses, "kind": kinds}
    yield [_("填写说明")]
    yield [_("“人员”表每行一名执法人员，“单位”表每行一个单位（可省略）。表头须保留在第一行。")]
    yield [_("导入前会逐行校验，发现任何问题都不会导入，并列出问题所在的行和列。")]
    yield [_("新账号的初始密码在导入后由人事下载，首次登录须修改密码。")]
    yield []
    yield [_("工作表"), _("列名"), _("是否必填"), _("说明"), _("可选值")]
    for sheet, columns in ((OFFICER_SHEET, OFFICER_COLUMNS), (UNIT_SHEET, UNIT_COLUMNS)):
        for column in columns:
            required = _("必填") if column.required else _("选填")
            yield [sheet, column.header, required, str(column.note), allowed.get(column.field, "")]
    yield []
    yield [_("示例（“人员”表）")]
    yield [c.header for c in OFFICER_COLUMNS]
    yield ["10023", "欧阳明", "C01", "", "科员", "13800138000", "A3301000123", "2024-01-05"]
    yield ["10024", "李娜", "", "市文化市场综合执法局", "", "", "", "", "", "新闻出版、版权"]


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _new_roster_workbook() -> tuple[Workbook, object, object]:
    workbook = Workbook(write_only=True)
    return (
        workbook,
        _sheet(workbook, OFFICER_SHEET, OFFICER_COLUMNS),
        _sheet(workbook, UNIT_SHEET, UNIT_COLUMNS),
    )


def _add_guide(workbook: Workbook):
    guide = workbook.create_sheet(GUIDE_SHEET)
    for letter, width in zip("ABCDE", (10, 14, 10, 60, 50), strict=True):
        guide.column_dimensions[letter].width = width
    for values in _guide_rows():
        guide.append(values)


def template_workbook() -> bytes:
    """An empty roster with Chinese headers, and a 说明 sheet explaining every column."""
    workbook, _officers, _units = _new_roster_workbook()
    _add_guide(workbook)
    return _save(workbook)


def export_roster(*, user) -> bytes:
    """The units and officers in the user's scope (everything for user=None), as a roster.

    Streams rows into a write-only workbook, so memory stays flat however many officers.
    """
    units = Unit.objects.all() if user is None else visible_units(user)
    officers = Officer.objects.all() if user is None else visible_officers(user)
    # HR sees its own profile too; it is not part of the roster it may change.
    officers = officers.filter(unit__in=units) if user is not None else officers
    workbook, officer_sheet, unit_sheet = _new_roster_workbook()

    units = list(units.order_by("path").values_list("path", "code", "name", "kind", "order"))
    code_of = {path: code for path, code, *_rest in units}
    missing = {p[: -Unit.steplen] for p, *_rest in units} - code_of.keys() - {""}
    code_of.update(Unit.objects.filter(path__in=missing).values_list("path", "code"))
    kinds = {kind.value: zh_label(kind) for kind in Unit.Kind}
    for path, code, name, kind, order in units:
        unit_sheet.append([code, name, code_of.get(path[: -Unit.steplen], ""), kinds[kind], order])

    statuses = {status.value: zh_label(status) for status in Officer.Status}
    # Plain tuples and one query for all domains: model instances and a prefetch per chunk
    # made 20,000 officers take half a minute.
    domains = {}
    pairs = Officer.domains.through.objects.filter(officer__in=officers)
    for officer_id, name in pairs.order_by("domain__order", "domain__code").values_list(
        "officer_id", "domain__name"
    ):
        domains.setdefault(officer_id, []).append(name)
    rows = officers.order_by("unit__path", "employee_number").values_list(
        "pk",
        "employee_number",
        "name",
        "unit__code",
        "unit__name",
        "position",
        "phone",
        "certificate_number",
        "certificate_issued",
        "certificate_expires",
        "status",
    )
    for pk, *values, status in rows.iterator(chunk_size=2000):
        officer_sheet.append([*values, "、".join(domains.get(pk, ())), statuses[status]])
    _add_guide(workbook)
    return _save(workbook)


def credentials_workbook(credentials: list[Credential]) -> bytes:
    """初始密码单: one row per new account, to hand out with the login instructions."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("初始密码"))
    for letter, width in zip("ABCD", (12, 12, 28, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    headers = []
    for text in (_("工号"), _("姓名"), _("单位"), _("初始密码")):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = _BOLD
        headers.append(cell)
    sheet.append(headers)
    for item in credentials:
        sheet.append([item.employee_number, item.name, item.unit, item.password])
    sheet.append([])
    note = _("初始密码仅用于首次登录，登录后须立即修改密码。请妥善保管本表，发放后销毁。")
    note = WriteOnlyCell(sheet, value=note)
    note.font = _BOLD
    sheet.append([note])
    return _save(workbook)
