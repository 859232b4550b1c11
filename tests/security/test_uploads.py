"""Upload limits: every file upload refuses a file over its size limit and a file of the wrong
type, says so plainly, and changes nothing."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Regulation
from people.hours_forms import EVIDENCE_MAX_SIZE
from people.models import HourEntry, Officer
from quizzes.admin_import_views import MAX_UPLOAD_BYTES as QUESTION_LIMIT
from quizzes.models import Question
from tests.security.conftest import client_for

REGULATION_LIMIT = 1024 * 1024  # courses.admin_views.MAX_UPLOAD_BYTES


def oversized(name: str, limit: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"a" * (limit + 1))


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Roster import (people) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: oversized("名册.xlsx", settings.IMPORT_MAX_UPLOAD_SIZE), "文件过大"),
        (lambda: SimpleUploadedFile("名册.exe", b"MZ\x90\x00"), "只能上传 .xlsx 或 .csv 文件"),
        (lambda: SimpleUploadedFile("名册.xls", b"\xd0\xcf\x11\xe0"), "另存为 .xlsx"),
        (lambda: SimpleUploadedFile("名册.xlsx", b"not a workbook"), "无法读取 Excel 文件"),
    ],
    ids=["too large", "wrong type", "old excel", "not really xlsx"],
)
def test_the_roster_import_refuses_bad_files_and_adds_nobody(world, db, upload, message):
    before = Officer.objects.count()
    page = _page(client_for(world, "city_hr").post(reverse("hr:import"), {"file": upload()}))
    assert message in page
    assert Officer.objects.count() == before


# --- Question import (quizzes admin) --------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: oversized("题库.xml", QUESTION_LIMIT), "文件过大（上限 10 MB）"),
        (lambda: SimpleUploadedFile("题库.exe", b"::Q1:: stem {=a ~b}"), "只能上传"),
        (lambda: SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n"), "只能上传"),
        (lambda: SimpleUploadedFile("题库.xls", b"\xd0\xcf\x11\xe0"), "另存为 .xlsx"),
    ],
    ids=["too large", "wrong type", "an image", "old excel"],
)
def test_the_question_import_refuses_bad_files_and_saves_nothing(world, db, upload, message):
    before = Question.objects.count()
    page = _page(
        client_for(world, "trainer").post(reverse("question_io:import"), {"file": upload()})
    )
    assert message in page
    assert Question.objects.count() == before


def test_the_question_import_still_takes_a_gift_file(world, db):
    gift = SimpleUploadedFile("题库.gift", "::Q1:: 行政处罚的种类包括警告。{T}\n".encode())
    before = Question.objects.count()
    page = _page(
        client_for(world, "trainer").post(
            reverse("question_io:import"), {"file": gift, "dry_run": "on"}
        )
    )
    assert "只能上传" not in page and Question.objects.count() == before


# --- Regulation import (courses admin) ------------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: oversized("条例.md", REGULATION_LIMIT), "文件过大（上限 1 MB）"),
        (lambda: SimpleUploadedFile("条例.docx", b"PK\x03\x04"), "只接受 .md 或 .txt 文件"),
        (lambda: SimpleUploadedFile("条例.md", "# 标题".encode("gb18030") + b"\xff"), "UTF-8"),
    ],
    ids=["too large", "wrong type", "not utf-8"],
)
def test_the_regulation_import_refuses_bad_files_and_saves_nothing(world, db, upload, message):
    before = Regulation.objects.count()
    page = _page(
        client_for(world, "admin").post(reverse("regulation_admin:import"), {"file": upload()})
    )
    assert message in page
    assert Regulation.objects.count() == before


# --- Evidence of training hours (people) ----------------------------------------------------


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: oversized("证明.pdf", EVIDENCE_MAX_SIZE), "文件过大"),
        (lambda: SimpleUploadedFile("证明.html", b"<script>alert(1)</script>"), "只能是 PDF"),
    ],
    ids=["too large", "wrong type"],
)
def test_evidence_uploads_refuse_bad_files_and_record_nothing(world, db, upload, message):
    before = HourEntry.objects.count()
    response = client_for(world, "unit_hr").post(
        reverse("hours:manual", args=[world.officer_a.pk]),
        {
            "kind": "external",
            "date": "2026-01-05",
            "hours": "2",
            "title": "外部培训",
            "evidence": upload(),
        },
    )
    assert message in _page(response)
    assert HourEntry.objects.count() == before


# --- Wagtail documents (trainers' course files) ---------------------------------------------


def test_document_uploads_refuse_types_outside_the_allowed_list(world, db):
    from wagtail.documents.models import Document

    before = Document.objects.count()
    response = client_for(world, "trainer").post(
        reverse("wagtaildocs:add"),
        {"title": "病毒", "file": SimpleUploadedFile("tool.exe", b"MZ"), "collection": 1},
    )
    assert response.status_code == 200  # the form again, with its error
    assert Document.objects.count() == before
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE <= 20 * 1024 * 1024


# --- Competition entries (documents of judged contests, uploaded in the admin) ---------------


def _entry_form(world, document) -> dict:
    return {
        "competition": world.competition.pk,
        "title": "乙的作品",
        "unit": world.west.pk,
        "officers": [world.officer_b.pk],
        "document": document,
        "created_at": "2026-05-01 09:00:00",
    }


def test_competition_entry_uploads_refuse_executables(world, db):
    from quizzes.competitions.models import Entry

    before = Entry.objects.count()
    response = client_for(world, "trainer").post(
        reverse("wagtailsnippets_competitions_entry:add"),
        _entry_form(world, SimpleUploadedFile("作品.exe", b"MZ\x90\x00")),
    )
    assert "exe" in _page(response)  # the error names the refused extension
    assert Entry.objects.count() == before


def test_competition_entry_uploads_refuse_files_over_a_size_limit(world, db):
    from quizzes.competitions.models import Entry

    before = Entry.objects.count()
    response = client_for(world, "trainer").post(
        reverse("wagtailsnippets_competitions_entry:add"),
        _entry_form(world, oversized("作品.pdf", 50 * 1024 * 1024)),
    )
    assert "文件过大" in _page(response)
    assert Entry.objects.count() == before


def test_a_valid_competition_entry_upload_is_accepted(world, db):
    from quizzes.competitions.models import Entry

    before = Entry.objects.count()
    response = client_for(world, "trainer").post(
        reverse("wagtailsnippets_competitions_entry:add"),
        _entry_form(world, SimpleUploadedFile("作品.pdf", b"%PDF-1.4 ok")),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Entry.objects.count() == before + 1
