"""Issue, revoke, re-issue; automatic issue from course completion and exam passes."""

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.services.issue import (
    CertificateError,
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
)
from certificates.services.pdfs import ensure_pdf, render_missing
from people.models import AuditEntry
from tests.certificates.conftest import make_template
from tests.certificates.pdf_tools import pdf_text


def _issue(officer, **kwargs):
    kwargs.setdefault("kind", "course")
    kwargs.setdefault("title", "行政处罚法精讲")
    kwargs.setdefault("fields", {"course": "行政处罚法精讲", "hours": "12"})
    return issue_certificate(officer=officer, **kwargs)


def test_issue_snapshots_data_and_audits(officer, course_template, city_hr):
    certificate = _issue(officer, actor=city_hr)
    year = timezone.localdate().year
    assert certificate.serial == f"LB{year}-000001"
    assert certificate.unit == officer.unit
    assert certificate.data["name"] == "王喆堃"
    assert certificate.data["unit"] == "执法一支队"
    assert certificate.data["course"] == "行政处罚法精讲"
    assert certificate.issued_by == city_hr
    assert len(certificate.verify_code) >= 22
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 1


def test_pdf_is_rendered_after_commit(officer, course_template, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        certificate = _issue(officer)
    assert len(callbacks) == 1  # the render task is queued only once the issue commits
    assert not certificate.pdf
    assert render_missing([certificate.pk]) == 1
    certificate.refresh_from_db()
    text = pdf_text(certificate.pdf.read())
    assert certificate.serial in text and "王喆堃" in text and "行政处罚法精讲" in text


def test_no_active_template_refuses(officer, db):
    make_template("course", active=False)
    with pytest.raises(CertificateError) as error:
        _issue(officer)
    assert error.value.code == "no_template"


def test_one_valid_certificate_per_source(officer, course_template):
    _issue(officer, source_type="course", source_id="7")
    with pytest.raises(CertificateError) as error:
        _issue(officer, source_type="course", source_id="7")
    assert error.value.code == "duplicate"


def test_hr_outside_scope_cannot_issue_or_revoke(officer, course_template, east_hr):
    with pytest.raises(CertificateError) as error:
        _issue(officer, actor=east_hr)
    assert error.value.code == "forbidden"
    certificate = _issue(officer)
    with pytest.raises(CertificateError):
        revoke_certificate(certificate_id=certificate.pk, actor=east_hr, reason="错发")


def test_revoke_needs_a_reason(officer, course_template, city_hr):
    certificate = _issue(officer)
    with pytest.raises(CertificateError) as error:
        revoke_certificate(certificate_id=certificate.pk, actor=city_hr, reason="  ")
    assert error.value.code == "reason_required"
    revoke_certificate(certificate_id=certificate.pk, actor=city_hr, reason="考试作弊")
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revoke_reason == "考试作弊"
    assert certificate.revoked_by == city_hr
    with pytest.raises(CertificateError) as error:
        revoke_certificate(certificate_id=certificate.pk, actor=city_hr, reason="again")
    assert error.value.code == "not_valid"


def test_reissue_gives_a_new_serial_and_supersedes(officer, course_template, city_hr):
    old = _issue(officer, source_type="course", source_id="7")
    officer.name = "王喆"  # the correction the re-issue is for
    officer.save()
    new = reissue_certificate(certificate_id=old.pk, actor=city_hr, reason="姓名有误")
    old.refresh_from_db()
    assert old.status == "superseded" and old.superseded_by == new
    assert new.serial != old.serial and new.status == "valid"
    assert new.data["name"] == "王喆" and new.data["course"] == "行政处罚法精讲"
    assert (new.source_type, new.source_id) == ("course", "7")
    ensure_pdf(new)
    assert "王喆" in pdf_text(new.pdf.read())
    with pytest.raises(CertificateError):
        reissue_certificate(certificate_id=old.pk, actor=city_hr)


def test_unit_award(city, db):
    make_template("unit_award")
    certificate = issue_certificate(
        kind="unit_award",
        title="优秀组织奖",
        unit=city["east"],
        fields={"competition": "全市执法技能竞赛"},
    )
    assert certificate.officer is None and certificate.holder_name == "东区文化执法局"
    ensure_pdf(certificate)
    text = pdf_text(certificate.pdf.read())
    assert "东区文化执法局" in text and "全市执法技能竞赛" in text and "优秀组织奖" in text


def test_completed_course_issues_a_certificate(officer, course_template):
    from courses.models import Enrollment
    from courses.signals import course_completed
    from tests.courses.course_factory import build_course

    course, _lessons = build_course(title="娱乐场所管理条例", lessons=1, credit_hours=6)
    enrollment = Enrollment.objects.create(
        officer=officer, course=course, source="self", completed_at=timezone.now()
    )
    course_completed.send(sender=Enrollment, enrollment=enrollment)
    course_completed.send(sender=Enrollment, enrollment=enrollment)  # idempotent
    certificate = Certificate.objects.get(officer=officer)
    assert certificate.kind == "course" and certificate.source_id == str(course.pk)
    assert certificate.data["course"] == "娱乐场所管理条例" and certificate.data["hours"] == "6"


def test_completion_without_template_issues_nothing_and_does_not_fail(officer, db):
    from courses.models import Enrollment
    from courses.signals import course_completed
    from tests.courses.course_factory import build_course

    course, _lessons = build_course(lessons=1)
    enrollment = Enrollment.objects.create(
        officer=officer, course=course, source="self", completed_at=timezone.now()
    )
    course_completed.send(sender=Enrollment, enrollment=enrollment)
    assert not Certificate.objects.exists()


def test_passed_exam_issues_a_certificate(officer, db):
    from certificates.receivers import issue_exam_certificate
    from tests.quizzes.factories import analysis_attempt, analysis_quiz, analysis_version

    make_template("exam")
    quiz = analysis_quiz(title="2026年度执法资格考试", pass_percent=60)
    version = analysis_version()
    attempt = analysis_attempt(quiz, officer, [(version, "B", 1)])
    assert attempt.passed
    certificate = issue_exam_certificate(attempt)
    assert certificate.kind == "exam" and certificate.data["exam"] == "2026年度执法资格考试"
    failed = analysis_attempt(quiz, officer, [(version, "A", 0)], number=2)
    assert issue_exam_certificate(failed) is None


def test_exam_certificate_withholds_an_unreleased_score_and_skips_practice(officer, db):
    from certificates.receivers import issue_exam_certificate
    from tests.quizzes.factories import analysis_attempt, analysis_quiz, analysis_version

    make_template("exam")
    version = analysis_version()
    hidden = analysis_quiz(title="闭卷考试", show_score="after_close")
    certificate = issue_exam_certificate(analysis_attempt(hidden, officer, [(version, "B", 1)]))
    assert certificate.data["score"] == ""
    practice = analysis_quiz(title="练习", mode="practice")
    assert issue_exam_certificate(analysis_attempt(practice, officer, [(version, "B", 1)])) is None


def test_render_certificates_command(officer, course_template):
    from io import StringIO

    from django.core.management import call_command

    certificate = _issue(officer)
    out = StringIO()
    call_command("render_certificates", stdout=out)
    assert "rendered 1" in out.getvalue()
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.rendered_at
