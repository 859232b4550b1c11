"""Background work on the django.tasks worker (`manage.py db_worker`). Tasks take ids."""

from django.tasks import task


@task()
def finalize_when_time_is_up(attempt_id: str) -> str:
    """Queued when a timed attempt starts, to run at its deadline."""
    from quizzes.services.attempts import finalize_if_due

    attempt = finalize_if_due(attempt_id)
    return attempt.state if attempt else "missing"


@task()
def expire_overdue_attempts() -> int:
    """Safety net for a lost task: finalise every attempt whose time is up."""
    from quizzes.services.attempts import expire_overdue

    return expire_overdue()
