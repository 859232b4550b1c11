"""The admin pages: upload (dry run, import, problems), template download, export."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import AuditEntry
from quizzes.models import Question
from quizzes.services.bank import category_for_path
from tests.factories import UserFactory
from tests.quizzes.transfer_factory import make_question

pytestmark = pytest.mark.django_db
# Wagtail answers a refused script request with 403 (a page request is redirected).
XHR = {"X-Requested-With": "XMLHttpRequest"}
SAMPLES = Path(__file__).parent / "samples"


def staff(client, *codenames):
    """A logged-in admin user holding exactly the given quizzes permissions."""
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames),
    )
    client.force_login(user)
    client.user = user
    return client


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes())


def test_importing_needs_the_add_permission(client):
    viewer = staff(client, "view_question")

    assert viewer.get(reverse("question_io:import"), headers=XHR).status_code == 403
    assert viewer.get(reverse("question_io:template"), headers=XHR).status_code == 403
    assert viewer.get(reverse("question_io:export")).status_code == 200


def test_exporting_needs_the_view_permission(client):
    adder = staff(client, "add_question")

    assert adder.get(reverse("question_io:export"), headers=XHR).status_code == 403
    assert adder.get(reverse("question_io:import")).status_code == 200


def test_a_dry_run_upload_shows_the_summary_and_saves_nothing(client):
    trainer = staff(client, "add_question")

    response = trainer.post(
        reverse("question_io:import"), {"file": upload("moodle_export.gift"), "dry_run": "on"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "检查通过（未保存）" in html
    assert 'data-testid="import-created">7<' in html
    assert "matching" in html and "numerical" in html and "第 40 行" in html
    assert not Question.objects.exists()


def test_an_upload_imports_with_the_default_category(client):
    trainer = staff(client, "add_question")

    response = trainer.post(
        reverse("question_io:import"),
        {"file": upload("moodle_export.xml"), "format": "moodlexml", "category": "外来"},
    )

    assert "导入成功" in response.content.decode()
    assert Question.objects.count() == 6
    assert set(Question.objects.values_list("created_by", flat=True)) == {trainer.user.pk}
    assert AuditEntry.objects.filter(action="questions.imported").count() == 1


def test_a_broken_upload_shows_a_table_of_problems(client):
    trainer = staff(client, "add_question")

    response = trainer.post(reverse("question_io:import"), {"file": upload("broken_no_answer.xml")})

    html = response.content.decode()
    assert "未通过检查，没有保存任何内容" in html
    assert html.count('data-testid="import-problem"') == 2
    assert "第 6 行" in html and "第 14 行" in html and "答案" in html
    assert not Question.objects.exists()


def test_the_template_downloads_as_a_workbook(client):
    trainer = staff(client, "add_question")

    response = trainer.get(reverse("question_io:template"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["试题", "说明"]


@pytest.mark.parametrize("fmt, start", [("gift", b"//"), ("moodlexml", b"<?xml"), ("xlsx", b"PK")])
def test_export_downloads_a_category(client, fmt, start):
    viewer = staff(client, "view_question")
    make_question("行政处罚法 / 罚款", kind="truefalse", stem="罚款是行政处罚。", answer="对")
    make_question("出版管理", kind="truefalse", stem="出版需要许可。", answer="对")
    category = category_for_path("行政处罚法", create=False)

    response = viewer.get(reverse("question_io:export"), {"format": fmt, "category": category.pk})

    assert response.status_code == 200
    assert response.content.startswith(start)
    if fmt != "xlsx":
        text = response.content.decode()
        assert "罚款是行政处罚。" in text and "出版需要许可。" not in text
    entry = AuditEntry.objects.get(action="questions.exported")
    assert entry.data == {"format": fmt, "count": 1}


def test_the_export_page_shows_the_form(client):
    viewer = staff(client, "view_question")
    category_for_path("行政处罚法 / 罚款")

    html = viewer.get(reverse("question_io:export")).content.decode()

    assert "导出格式" in html and "Moodle XML" in html and "　罚款" in html
    invalid = viewer.get(reverse("question_io:export"), {"format": "pdf"})
    assert invalid.status_code == 200 and "导出格式" in invalid.content.decode()
