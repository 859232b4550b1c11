"""Applying rosters: all or nothing, idempotent by 工号, scoped to the importing HR user."""

import io
import time
from datetime import date, datetime

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from openpyxl import Workbook, load_workbook

from people.models import AuditEntry, Officer, Unit, User
from people.roles import Role
from people.services.roster_export import export_roster
from people.services.roster_import import generate_password, import_roster, split_name
from people.services.roster_read import read_roster
from people.services.roster_types import OfficerRow, Roster, RosterInvalid, UnitRow
from tests.factories import OfficerFactory, UserFactory, make_hr
from tests.people.roster_files import OFFICERS, UNITS, replaced, snapshot, xlsx


def apply(data: bytes, actor=None, filename="roster.xlsx", **options):
    return import_roster(roster=read_roster(data, filename=filename), actor=actor, **options)


def refusal(data: bytes, actor=None, filename="roster.xlsx"):
    before = snapshot()
    with pytest.raises(RosterInvalid) as caught:
        apply(data, actor, filename)
    assert snapshot() == before, "a refused roster must change nothing"
    return caught.value.problems


def test_good_roster_creates_units_officers_domains_and_accounts(city):
    result = apply(xlsx())
    assert result.as_dict() == {
        "units_created": 3,
        "units_updated": 0,
        "units_unchanged": 0,
        "officers_created": 4,
        "officers_updated": 0,
        "officers_unchanged": 0,
        "dry_run": False,
    }
    south = Unit.objects.get(code="E01")
    assert south.get_parent() == city["root"] and south.kind == Unit.Kind.DISTRICT_BUREAU
    assert Unit.objects.get(code="E0101").get_parent() == south
    assert Unit.objects.get(code="D0102").get_parent() == city["east"]

    officer = Officer.objects.get(employee_number="10023")
    assert (officer.name, officer.unit.code, officer.position, officer.phone) == (
        "欧阳明",
        "D0102",
        "中队长",
        "13800138000",
    )
    assert (officer.certificate_issued, officer.certificate_expires) == (
        date(2024, 1, 5),
        date(2029, 1, 4),
    )
    assert set(officer.domains.values_list("code", flat=True)) == {"press", "copyright"}
    user = officer.user
    assert (user.username, user.last_name, user.first_name) == ("10023", "欧阳", "明")
    assert user.must_change_password and user.is_active
    assert list(user.groups.values_list("name", flat=True)) == [Role.OFFICER.value]
    assert Officer.objects.get(employee_number="10026").user.is_active is False  # 调离

    assert [c.employee_number for c in result.credentials] == ["10023", "10024", "10025", "10026"]
    assert AuditEntry.objects.filter(action="roster.imported").count() == 1


def test_generated_initial_password_logs_in_and_must_be_changed(city):
    credential = apply(xlsx()).credentials[0]
    assert (credential.name, credential.unit) == ("欧阳明", "东区二中队")
    user = authenticate(username=credential.employee_number, password=credential.password)
    assert user is not None and user.must_change_password
    # The initial passwords use the lighter hasher meant for them.
    hashed = User.objects.get(username="10024").password
    assert hashed.startswith("pbkdf2_sha256_initial$")


def test_reimporting_the_same_file_reports_all_unchanged_and_writes_nothing(city):
    apply(xlsx())
    stamps = list(Officer.objects.order_by("pk").values_list("updated_at", flat=True))
    before = snapshot()
    result = apply(xlsx())
    assert (result.units_unchanged, result.officers_unchanged) == (3, 4)
    assert result.units_created + result.units_updated == 0
    assert result.officers_created + result.officers_updated == 0
    assert result.credentials == []
    assert snapshot() == before
    assert list(Officer.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    assert AuditEntry.objects.filter(action="roster.imported").count() == 2  # one per import


def test_changed_row_updates_the_officer_found_by_employee_number(city):
    apply(xlsx())
    rows = replaced(OFFICERS, 0, "单位编码", "D0101")
    rows = replaced(rows, 0, "执法领域", "文物")
    rows = replaced(rows, 0, "姓名", "欧阳明月")
    result = apply(xlsx(rows))
    assert (result.officers_updated, result.officers_unchanged) == (1, 3)
    officer = Officer.objects.get(employee_number="10023")
    assert officer.unit == city["east_squad"] and officer.name == "欧阳明月"
    assert list(officer.domains.values_list("code", flat=True)) == ["relics"]
    assert officer.user.get_full_name() == "欧阳明月"
    assert Officer.objects.filter(employee_number="10023").count() == 1


def test_roster_without_optional_columns_keeps_what_it_does_not_carry(city):
    apply(xlsx())
    headers = ["工号", "姓名", "单位编码"]
    result = apply(xlsx([["10023", "欧阳明", "D0102"]], False, officer_headers=headers))
    assert result.officers_unchanged == 1
    officer = Officer.objects.get(employee_number="10023")
    assert officer.phone == "13800138000" and officer.domains.count() == 2


def test_transferred_officer_cannot_log_in_and_returning_reactivates_the_account(city):
    officer = OfficerFactory(unit=city["east_squad"], employee_number="10099")
    row = ["10099", officer.name, "D0101", "", "", "", "", "", "", "调离"]
    apply(xlsx([row], False))
    officer.user.refresh_from_db()
    assert officer.user.is_active is False
    apply(xlsx([row[:-1] + ["在岗"]], False))
    officer.user.refresh_from_db()
    assert officer.user.is_active is True


def test_dry_run_counts_like_a_real_run_but_writes_nothing(city):
    before = snapshot()
    result = apply(xlsx(), dry_run=True)
    assert (result.units_created, result.officers_created, result.dry_run) == (3, 4, True)
    assert result.credentials == []
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="roster.imported").exists()


def test_fixed_initial_password_is_hashed_once_and_returns_no_credentials(city):
    rows = [[f"2{n:04d}", f"测试{n}", "D0101"] for n in range(300)]
    data = xlsx(rows, False, officer_headers=["工号", "姓名", "单位编码"])
    started = time.monotonic()
    result = apply(data, initial_password="Demo#2026")
    assert time.monotonic() - started < 5
    assert result.officers_created == 300 and result.credentials == []
    hashes = set(User.objects.filter(username__startswith="2").values_list("password", flat=True))
    assert len(hashes) == 1 and check_password("Demo#2026", hashes.pop())


@pytest.mark.parametrize(
    ("rows", "units", "row", "column", "fragment"),
    [
        (replaced(OFFICERS, 3, "工号", "10023"), None, 5, "工号", "第 2 行"),
        (replaced(OFFICERS, 1, "单位编码", "X99"), None, 3, "单位编码", "X99"),
        (replaced(OFFICERS, 1, "发证日期", "2023-13-01"), None, 3, "发证日期", "2023-13-01"),
        (replaced(OFFICERS, 0, "执法领域", "烟草专卖"), None, 2, "执法领域", "烟草专卖"),
        (OFFICERS, [*UNITS, ["E02", "北区", "NOPE", "", 0]], 5, "上级单位编码", "NOPE"),
    ],
)
def test_broken_variant_is_refused_by_row_and_changes_nothing(
    city, rows, units, row, column, fragment
):
    problem = next(p for p in refusal(xlsx(rows, units)) if p.row == row)
    assert problem.column == column and fragment in problem.message


def test_missing_column_is_refused_and_changes_nothing(city):
    headers = ["工号", "姓名"]
    (problem,) = refusal(xlsx([["10023", "欧阳明"]], False, officer_headers=headers))
    assert (problem.sheet, problem.row, problem.column) == ("人员", None, "单位编码")


@pytest.mark.parametrize(
    ("data", "filename"),
    [(b"\x13\x37" * 500, "roster.xlsx"), (b"", "roster.xlsx"), (xlsx(), "roster.txt")],
)
def test_malformed_file_is_refused_and_changes_nothing(city, data, filename):
    (problem,) = refusal(data, filename=filename)
    assert problem.row is None


def test_employee_number_of_a_staff_account_is_refused(city):
    UserFactory(username="10024", roles=[Role.TRAINER])
    problem = next(p for p in refusal(xlsx()) if p.row == 3)
    assert problem.column == "工号" and "非执法人员" in problem.message


def test_east_hr_cannot_import_into_west_and_the_problem_names_the_row(city):
    hr = make_hr(city["east"])
    rows = [OFFICERS[0], ["10061", "周瑜", "D02", "", "", "", "", "", "", ""]]
    problems = refusal(xlsx(rows, [UNITS[0]]), actor=hr)
    assert [(p.sheet, p.row, p.column) for p in problems] == [("人员", 3, "单位编码")]
    assert "管辖范围" in problems[0].message


def test_east_hr_cannot_create_a_unit_outside_its_subtree(city):
    problems = refusal(xlsx([], [UNITS[1]]), actor=make_hr(city["east"]))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("单位", 2, "上级单位编码")]


def test_east_hr_cannot_take_over_a_west_officer(city):
    OfficerFactory(unit=city["west"], employee_number="10071")
    rows = [["10071", "孙权", "D0101", "", "", "", "", "", "", ""]]
    problems = refusal(xlsx(rows, False), actor=make_hr(city["east"]))
    assert [(p.row, p.column) for p in problems] == [(2, "工号")]


def test_east_hr_may_add_units_and_officers_within_its_subtree(city):
    rows = [OFFICERS[0], OFFICERS[2]]
    result = apply(xlsx(rows, [UNITS[0]]), actor=make_hr(city["east"]))
    assert (result.units_created, result.officers_created) == (1, 2)


def test_unit_moves_to_its_new_parent_and_is_renamed(city):
    units = [["D0101", "东区一中队（更名）", "D02", "中队", 0]]
    result = apply(xlsx([], units))
    assert result.units_updated == 1
    squad = Unit.objects.get(code="D0101")
    assert squad.get_parent() == Unit.objects.get(code="D02") and squad.name.endswith("（更名）")


def test_roster_built_in_code_is_checked_against_the_database_too(city):
    roster = Roster(
        units=(UnitRow(row=2, code="Z1", name="Z", parent_code="C00", kind="nonsense"),),
        officers=(OfficerRow(row=2, employee_number="1", name="甲", unit_code="NOPE"),),
    )
    with pytest.raises(RosterInvalid) as caught:
        import_roster(roster=roster, actor=None)
    assert {(p.sheet, p.row, p.column) for p in caught.value.problems} == {
        ("单位", 2, "类型"),
        ("人员", 2, "单位编码"),
    }


def test_export_then_import_round_trips_unchanged(city):
    apply(xlsx())
    OfficerFactory(unit=city["west"], domains=["internet"])
    hr = make_hr(city["root"])
    result = apply(export_roster(user=hr), actor=hr)
    assert result.units_created + result.units_updated == 0
    assert result.officers_created + result.officers_updated == 0
    assert result.units_unchanged == Unit.objects.count()
    assert result.officers_unchanged == Officer.objects.count()


def test_east_export_round_trips_for_east_hr_and_holds_only_its_scope(city):
    apply(xlsx())
    hr = make_hr(city["east"])
    data = export_roster(user=hr)
    sheet = load_workbook(io.BytesIO(data))["人员"]
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == {"10023", "10025"}
    result = apply(data, actor=hr)
    assert (result.units_unchanged, result.officers_unchanged) == (3, 2)


def test_names_split_into_surname_and_given_name():
    assert split_name("欧阳明月") == ("欧阳", "明月")
    assert split_name("司马光") == ("司马", "光")
    assert split_name("王强") == ("王", "强")
    assert split_name("阿依古丽·买买提") == ("", "阿依古丽·买买提")


def test_generated_passwords_mix_unambiguous_letters_and_digits():
    for _ in range(200):
        password = generate_password()
        assert len(password) == 10
        assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)
        assert not set(password) & set("0O1lIo")


def test_changing_a_units_order_resorts_it_among_its_siblings_and_keeps_the_tree_sound(city):
    apply(xlsx([], [["D02", "西区文化执法局", "C00", "区(市)执法局", 0]]))
    apply(xlsx([], [["C01", "市文化市场综合执法局", "C00", "市局", 9]]))
    siblings = [u.code for u in city["root"].get_children()]
    assert siblings == ["D01", "D02", "C01"]  # sorted by (order, code)
    apply(xlsx([], [["D02", "西区文化执法局", "", "区(市)执法局", 0]]))  # to the top level
    assert Unit.objects.get(code="D02").is_root()
    assert all(not problems for problems in Unit.find_problems())
    assert [u.code for u in Unit.objects.get(code="C01").get_children()] == ["C0101"]


def test_a_roster_laid_out_differently_imports_correctly(city):
    workbook = Workbook()
    officers = workbook.active
    officers.title = "Sheet1"
    officers.append(["2026年执法人员名单"])
    officers.append(
        ["序号", "姓  名", "工号＊", "所属单位", "职务/职级", "联系电话"]
        + ["执法证件号码", "发证时间", "证件有效期", "执法门类", "人员状态", "备注"]
    )
    officers.append(
        [1, "皇甫嵩", "Z-0001", "北区一中队", "队长", 13512345678.0, "ZF001"]
        + [datetime(2023, 5, 6), "2028.5.5", "文物，广播影视", "在职", ""]
    )
    officers.append(
        [2, "张\u3000飞", "Z-0002", "北区文化执法局", "", "", "", "", "长期"] + ["", "", "新调入"]
    )
    units = workbook.create_sheet("单位信息")
    units.append(["单位编码", "单位名称", "上级单位编码", "单位类型", "排序"])
    units.append(["N01", "北区文化执法局", "C00", "区执法局", 3.0])
    units.append(["N0101", "北区一中队", "N01", "中队", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = apply(buffer.getvalue(), filename="北区名单.xlsx")
    assert (result.units_created, result.officers_created) == (2, 2)
    north = Unit.objects.get(code="N01")
    assert (north.kind, north.order, north.get_parent()) == ("district_bureau", 3, city["root"])
    first = Officer.objects.get(employee_number="Z-0001")
    assert (first.unit.code, first.phone, first.status) == ("N0101", "13512345678", "active")
    assert (first.certificate_issued, first.certificate_expires) == (
        date(2023, 5, 6),
        date(2028, 5, 5),
    )
    assert set(first.domains.values_list("code", flat=True)) == {"relics", "broadcasting"}
    second = Officer.objects.get(employee_number="Z-0002")
    assert (second.name, second.unit.code, second.certificate_expires) == ("张飞", "N01", None)
    assert (second.user.last_name, second.user.first_name) == ("张", "飞")
