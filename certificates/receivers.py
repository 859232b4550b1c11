"""Automatic issue: a completed course earns its 结业证书, a passed exam its 合格证书.

Receivers run inside the completing (grading) transaction, so a certificate commits or
rolls back with the completion. Each issue runs in a savepoint and never raises: a missing
template or a duplicate must not undo a completion, and the PDF is rendered after commit.
"""

import logging

from django.db import transaction
from django.dispatch import receiver

from certificates.models import Certificate, CertificateTemplate, Source
from certificates.services.data import course_fields, quiz_fields
from certificates.services.issue import CertificateError, issue_certificate
from courses.models import Enrollment
from courses.signals import course_completed

log = logging.getLogger(__name__)


def _issue_quietly(**kwargs) -> Certificate | None:
    template = CertificateTemplate.active_for(kwargs["kind"])
    if template is None:
        return None
    try:
        with transaction.atomic():
            return issue_certificate(template=template, **kwargs)
    except CertificateError as error:
        if error.code != "duplicate":
            log.warning("certificate not issued: %s", error)
    except Exception:
        log.exception("certificate not issued")
    return None


@receiver(course_completed, sender=Enrollment, dispatch_uid="certificates.course_completed")
def issue_course_certificate(sender, enrollment, **kwargs):
    course = enrollment.course
    return _issue_quietly(
        kind=Certificate.Kind.COURSE,
        title=course.title,
        officer=enrollment.officer,
        fields=course_fields(enrollment),
        source_type=Source.COURSE,
        source_id=str(course.pk),
    )


def issue_exam_certificate(attempt) -> Certificate | None:
    """For a graded attempt: a 合格证书 when it passed an exam (not a practice quiz)."""
    if not attempt.passed or attempt.practice or attempt.quiz_id is None:
        return None
    quiz = attempt.quiz
    if quiz.mode != quiz.Mode.EXAM:
        return None
    return _issue_quietly(
        kind=Certificate.Kind.EXAM,
        title=quiz.title,
        officer=attempt.officer,
        fields=quiz_fields(attempt),
        source_type=Source.QUIZ,
        source_id=str(quiz.pk),
    )


def attempt_graded_receiver(sender, attempt, **kwargs):
    issue_exam_certificate(attempt)


def connect_quiz_signal() -> bool:
    """Listen to quizzes.signals.attempt_graded where the quizzes app sends it."""
    try:
        from quizzes.signals import attempt_graded
    except ImportError:
        return False
    attempt_graded.connect(attempt_graded_receiver, dispatch_uid="certificates.attempt_graded")
    return True
