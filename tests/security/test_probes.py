"""Reading and writing others' records by changing ids in URLs: refused, and nothing changes.

Officer B (district 2) goes after officer A's (district 1) records; district 2's HR goes after
district 1's officers, and district 1's HR after district 2's. Then every id-taking URL of the
matrix gets ids that do not exist: a 404 (or 403), never a server error.
"""

import json
import uuid

import pytest
from django.urls import reverse

from certificates.models import Certificate
from courses.models import Attendance, StudyNote
from people.models import HourEntry, User
from quizzes.models import Attempt
from tests.factories import PASSWORD
from tests.security.conftest import client_for
from tests.security.patterns import Outcome, outcome
from tests.security.probe import request
from tests.security.rules import RULES
from tests.security.world import ROLES

# --- Officer B against officer A ------------------------------------------------------------


def test_another_officer_cannot_answer_or_submit_an_officers_exam(world, db):
    client = client_for(world, "other_officer")
    attempt = world.attempt
    item = next(i for i in attempt.items.all() if i.version.payload["kind"] == "single")
    before = (item.response, item.response_seq)
    save = client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        json.dumps({"position": item.position, "response": 0, "seq": 10_000}),
        content_type="application/json",
    )
    assert save.status_code == 404
    item.refresh_from_db()
    assert (item.response, item.response_seq) == before
    assert client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("quizzes:event", args=[attempt.pk])).status_code == 404
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.IN_PROGRESS
    assert not attempt.events.exists()


@pytest.mark.parametrize("name", ["quizzes:take", "quizzes:result"])
def test_another_officer_cannot_read_an_officers_attempt_or_result(world, db, name):
    for attempt in (world.attempt, world.finished_attempt):
        response = client_for(world, "other_officer").get(reverse(name, args=[attempt.pk]))
        assert response.status_code == 404
        assert world.officer_a.name not in response.content.decode()


def test_another_officer_cannot_download_an_officers_certificate_or_evidence(world, db):
    client = client_for(world, "other_officer")
    certificate = client.get(reverse("certificates:download", args=[world.certificate.pk]))
    evidence = client.get(reverse("hours:evidence", args=[world.hour_entry.pk]))
    assert certificate.status_code == evidence.status_code == 404


def test_another_officer_cannot_read_an_officers_hours_or_annual_record(world, db):
    client = client_for(world, "other_officer")
    assert client.get(reverse("hours:officer", args=[world.officer_a.pk])).status_code == 403
    mine = client.get(reverse("hours:mine")).content.decode()
    assert "省厅执法骨干培训班" not in mine and world.officer_a.name not in mine
    annual = client.post(
        reverse("certificates:annual"), {"number": world.officer_a.employee_number, "year": 2026}
    )
    assert annual.status_code == 403
    assert not Certificate.objects.filter(kind=Certificate.Kind.ANNUAL_RECORD).exists()


def test_another_officer_cannot_read_or_overwrite_an_officers_note_or_progress(world, db):
    client = client_for(world, "other_officer")
    lesson = world.lesson
    url = reverse("courses:note", args=[lesson.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "乙改写了笔记"}).status_code == 404
    assert client.post(reverse("courses:lesson_done", args=[lesson.pk])).status_code == 404
    assert client.post(reverse("courses:heartbeat", args=[lesson.pk])).status_code == 404
    assert StudyNote.objects.get(officer=world.officer_a, lesson=lesson).text == "甲的笔记"
    assert not StudyNote.objects.filter(officer=world.officer_b).exists()
    page = client.get(reverse("courses:my")).content.decode()
    assert world.course.title not in page


def test_another_officer_cannot_read_an_officers_competition_entry(world, db):
    url = reverse("competitions:entry_document", args=[world.competition.pk, world.entry.pk])
    assert client_for(world, "other_officer").get(url).status_code == 404


# --- HR of one district against the other ---------------------------------------------------


def test_hr_of_another_district_does_not_see_its_officers_anywhere(world, db):
    client = client_for(world, "other_hr")
    a = world.officer_a
    for name in ("hr:officers", "tallies:officers", "certificates:register", "hours:pending"):
        page = client.get(reverse(name)).content.decode()
        assert a.name not in page and a.employee_number not in page, name
    assert world.officer_b.name in client.get(reverse("hr:officers")).content.decode()


def test_hr_of_another_district_cannot_change_its_officers_records(world, db):
    client = client_for(world, "other_hr")
    a, entry, certificate = world.officer_a, world.hour_entry, world.certificate
    password = User.objects.get(pk=a.user_id).password
    assert client.post(reverse("hr:password_reset", args=[a.pk])).status_code == 404
    assert User.objects.get(pk=a.user_id).password == password
    manual = client.post(
        reverse("hours:manual", args=[a.pk]),
        {"kind": "external", "date": "2026-01-05", "hours": "5", "title": "伪造"},
    )
    assert manual.status_code == 404
    for name in ("hours:review", "hours:reverse"):
        response = client.post(reverse(name, args=[entry.pk]), {"decision": "approve"})
        assert response.status_code == 404
    assert HourEntry.objects.filter(officer=a).count() == 1
    assert HourEntry.objects.get(pk=entry.pk).status == entry.status
    revoke = client.post(reverse("certificates:revoke", args=[certificate.pk]), {"reason": "x"})
    assert revoke.status_code == 404
    assert Certificate.objects.get(pk=certificate.pk).is_valid
    remove = client.post(reverse("classes:attendance_remove", args=[world.attendance.pk]))
    assert remove.status_code == 404
    assert Attendance.objects.filter(pk=world.attendance.pk).exists()
    annual = client.post(
        reverse("certificates:annual"), {"number": a.employee_number, "year": 2026}
    )
    assert annual.status_code == 200 and "找不到或无权管理该工号" in annual.content.decode()
    assert not Certificate.objects.filter(kind=Certificate.Kind.ANNUAL_RECORD).exists()


def test_unit_hr_cannot_open_the_other_districts_officers(world, db):
    client = client_for(world, "unit_hr")
    b = world.officer_b
    assert client.get(reverse("hours:officer", args=[b.pk])).status_code == 404
    assert client.get(reverse("hours:manual", args=[b.pk])).status_code == 404
    assert client.post(reverse("hr:password_reset", args=[b.pk])).status_code == 404
    listed = client.get(reverse("hr:officers")).content.decode()
    assert b.name not in listed and world.officer_a.name in listed
    exported = client.get(reverse("hr:export"))
    assert exported.status_code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exported.content)).active
    numbers = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert b.employee_number not in numbers and world.officer_a.employee_number in numbers


def test_a_unit_filter_outside_ones_scope_is_a_404(world, db):
    response = client_for(world, "unit_hr").get(reverse("tallies:units"), {"unit": world.west.pk})
    assert response.status_code == 404


# --- Forged ids: every id-taking URL of the matrix, with ids that do not exist --------------

FORGED = {"int": 987_654, "uuid": uuid.UUID(int=7), "str": "forged-token-0000"}
ID_RULES = [key for key, rule in RULES.items() if rule.kwargs]


def _forged(world, key):
    rule = RULES[key]
    kwargs = {}
    for name in rule.kwargs:
        if name in ("position", "window"):
            kwargs[name] = 987
        elif name.endswith("attempt_id"):
            kwargs[name] = FORGED["uuid"]
        elif name in ("token", "code"):
            kwargs[name] = FORGED["str"]
        else:
            kwargs[name] = FORGED["int"]
    return reverse(key, kwargs=kwargs)


@pytest.mark.parametrize("key", ID_RULES)
def test_forged_ids_give_404_or_403_never_a_server_error(world, db, key):
    path = _forged(world, key)
    for role in ROLES:
        response, got = request(world, client_for(world, role), key, path)
        assert got in (Outcome.HIDDEN, Outcome.DENY, Outcome.LOGIN), (
            f"{path} as {role}: {got} ({response.status_code})"
        )


def test_a_tampered_check_in_code_is_a_404(world, db):
    path = world.check_in_path.rstrip("/").rsplit("/", 1)[0] + "/tampered/"
    response = client_for(world, "officer").get(path)
    assert response.status_code == 404
    assert outcome(response) is Outcome.HIDDEN


def test_logging_in_as_another_officer_needs_their_password(world, db, client):
    assert not client.login(username=world.officer_a.employee_number, password="wrong")
    assert client.login(username=world.officer_a.employee_number, password=PASSWORD)
