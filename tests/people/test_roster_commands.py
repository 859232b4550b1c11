"""`manage.py import_roster` and `export_roster`: the same services, from a shell."""

import io
import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from people.models import Officer, Unit
from tests.people.roster_files import OFFICERS, replaced, snapshot, xlsx


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def roster_path(tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(xlsx())
    return path


def test_dry_run_prints_the_counts_as_one_json_line_and_writes_nothing(city, roster_path):
    before = snapshot()
    out, _err = run("import_roster", str(roster_path), "--dry-run")
    assert out.count("\n") == 1
    summary = json.loads(out)
    assert summary == {
        "units_created": 3,
        "units_updated": 0,
        "units_unchanged": 0,
        "officers_created": 4,
        "officers_updated": 0,
        "officers_unchanged": 0,
        "dry_run": True,
    }
    assert snapshot() == before


def test_real_run_imports_and_writes_the_credentials_file(city, roster_path, tmp_path):
    credentials = tmp_path / "初始密码单.xlsx"
    out, err = run("import_roster", str(roster_path), "--credentials-out", str(credentials))
    summary = json.loads(out)
    assert (summary["officers_created"], summary["dry_run"]) == (4, False)
    assert Officer.objects.filter(employee_number__in=["10023", "10026"]).count() == 2
    assert "4" in err
    sheet = load_workbook(credentials).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("工号", "姓名", "单位", "初始密码")
    number, name, unit, password = rows[1]
    assert (number, name, unit) == ("10023", "欧阳明", "东区二中队")
    assert authenticate(username=number, password=password) is not None
    assert "首次登录" in str(rows[-1][0])

    out, _err = run("import_roster", str(roster_path))
    assert json.loads(out)["officers_unchanged"] == 4


def test_generated_passwords_without_an_output_file_are_warned_about(city, roster_path):
    _out, err = run("import_roster", str(roster_path))
    assert "4 个初始密码" in err and "--credentials-out" in err


def test_fixed_initial_password_generates_no_credentials(city, roster_path):
    _out, err = run("import_roster", str(roster_path), "--initial-password", "Demo#2026")
    assert "初始密码" not in err
    assert authenticate(username="10023", password="Demo#2026") is not None


def test_broken_file_prints_every_problem_on_stderr_and_fails(city, tmp_path):
    rows = replaced(OFFICERS, 1, "单位编码", "X99")
    rows = replaced(rows, 2, "发证日期", "2024-02-30")
    path = tmp_path / "broken.xlsx"
    path.write_bytes(xlsx(rows))
    before = snapshot()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(path), stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert lines == [
        "工作表“人员”，第 3 行，“单位编码”列："
        "单位“X99”不存在：文件的单位表和系统中都没有这个单位。",
        "工作表“人员”，第 4 行，“发证日期”列："
        "日期“2024-02-30”无法识别，请写成 2024-01-05 这样的格式。",
    ]
    assert "2 个问题" in str(caught.value)
    assert out.getvalue() == ""
    assert snapshot() == before


def test_command_exits_non_zero_from_the_shell_for_a_malformed_file(city, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError):
        run("import_roster", str(path))
    with pytest.raises(CommandError):
        run("import_roster", str(tmp_path / "missing.xlsx"))


def test_export_command_writes_the_whole_service_in_the_import_layout(city, roster_path, tmp_path):
    run("import_roster", str(roster_path))
    target = tmp_path / "export.xlsx"
    run("export_roster", str(target))
    workbook = load_workbook(target)
    assert workbook.sheetnames[:2] == ["人员", "单位"]
    assert workbook["单位"].max_row - 1 == Unit.objects.count()
    out, _err = run("import_roster", str(target), "--dry-run")
    summary = json.loads(out)
    assert summary["officers_unchanged"] == Officer.objects.count()
    assert summary["units_unchanged"] == Unit.objects.count()
