"""Background work on the django.tasks worker (`manage.py db_worker`). Tasks take ids."""

from django.tasks import task


@task()
def finalize_due(quiz_id: int) -> int:
    """Queued for a few seconds' worth of a quiz's deadlines, to run at their end
    (quizzes.services.attempts.FINALIZE_BATCH_SECONDS): finalises its attempts whose
    time is up."""
    from quizzes.services.attempts import expire_overdue

    return expire_overdue(quiz_id=quiz_id)


@task()
def finalize_when_time_is_up(attempt_id: str) -> str:
    """Queued when a timed attempt without a quiz (a notebook practice) starts, to run at
    its deadline; exam attempts share finalize_due."""
    from quizzes.services.attempts import finalize_if_due

    attempt = finalize_if_due(attempt_id)
    return attempt.state if attempt else "missing"


@task()
def expire_overdue_attempts() -> int:
    """Safety net for a lost task: finalise every attempt whose time is up."""
    from quizzes.services.attempts import expire_overdue

    return expire_overdue()
