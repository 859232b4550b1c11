"""`manage.py import_questions` and `export_questions`: JSON on stdout, problems on stderr."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from quizzes.models import Category, Question
from tests.quizzes.transfer_factory import bank_of_every_kind, penalty_law

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"


def run(command: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_one_json_summary_and_saves_nothing():
    out, err = run("import_questions", str(SAMPLES / "moodle_export.gift"), "--dry-run")

    assert err == "" and len(out.splitlines()) == 1
    summary = json.loads(out)
    assert summary["by_type"] == {"single": 2, "multiple": 1, "truefalse": 2, "fill": 1, "short": 1}
    assert summary["categories"] == [
        "Default for 执法人员培训 / 行政处罚法",
        "Default for 执法人员培训 / 行政处罚法 / 程序",
    ]
    assert summary["unsupported"] == [
        {"line": 37, "type": "description"},
        {"line": 40, "type": "matching"},
        {"line": 51, "type": "numerical"},
    ]
    assert "执法人员培训" in out  # ensure_ascii=False: readable Chinese
    assert not Question.objects.exists()


def test_import_with_a_format_and_a_default_category():
    path = SAMPLES / "moodle_export.xml"

    out, _err = run(
        "import_questions", str(path), "--format", "moodlexml", "--category", "外来/题库"
    )

    assert json.loads(out)["created"] == 6
    assert Question.objects.count() == 6
    again, _err = run("import_questions", str(path))
    assert json.loads(again)["unchanged"] == 6


@pytest.mark.parametrize(
    "name, expected",
    [
        ("broken_unclosed.gift", ["第 6 行“答案”：大括号不配对：“{”后面缺少“}”"]),
        ("broken_no_answer.gift", ["第 4 行“答案”：缺少答案", "第 10 行“答案”：第 1 个空没有答案"]),
        ("broken_malformed.xml", ["第 13 行：XML 格式错误：mismatched tag"]),
        ("broken_no_answer.xml", ["第 6 行“答案”：缺少答案", "第 14 行“答案”：第 1 个空没有答案"]),
    ],
)
def test_broken_files_fail_with_every_problem_on_stderr(name, expected):
    path = str(SAMPLES / name)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="未保存任何内容"):
        call_command("import_questions", path, stdout=out, stderr=err)

    lines = err.getvalue().splitlines()
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}: {start}")
    assert out.getvalue() == ""
    assert not Question.objects.exists() and not Category.objects.exists()


def test_the_exit_status_is_non_zero(capsys):
    path = str(SAMPLES / "broken_unclosed.gift")

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_questions", "--dry-run", path])

    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{path}: 第 6 行" in captured.err


def test_a_missing_file_is_an_error():
    with pytest.raises(CommandError, match="文件不存在"):
        run("import_questions", "/nonexistent/questions.gift")


def test_export_to_a_file_and_to_stdout(tmp_path):
    penalty_law()
    bank_of_every_kind()

    run("export_questions", "-o", str(tmp_path / "bank.xml"))
    run("export_questions", "--format", "xlsx", "-o", str(tmp_path / "bank.xlsx"))
    out, _err = run("export_questions", "--category", "行政处罚法/程序")

    assert (tmp_path / "bank.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert (tmp_path / "bank.xlsx").read_bytes()[:2] == b"PK"
    assert "$CATEGORY: $course$/top/行政处罚法/程序" in out
    assert "罚款" not in out.split("$CATEGORY")[1].split("\n", 1)[0]  # one category only
    assert "简述听证程序的主要环节" in out and "依照《行政处罚法》" not in out
    Question.objects.all().delete()
    summary, _err = run("import_questions", str(tmp_path / "bank.xml"), "--dry-run")
    assert json.loads(summary)["total"] == 7


def test_export_refusals():
    with pytest.raises(CommandError, match="不存在"):
        run("export_questions", "--category", "没有这个分类")
    with pytest.raises(CommandError, match="-o"):
        run("export_questions", "--format", "xlsx")
