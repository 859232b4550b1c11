"""Start-up work shared by the WSGI and ASGI entry points."""

import gc

# Templates behind the pages officers hit hardest (lessons, exams, live finals).
HOT_TEMPLATES = (
    "base.html",
    "lianbing/home_page.html",
    "courses/lesson_page.html",
    "courses/_lesson_panel.html",
    "quizzes/take.html",
    "quizzes/_question.html",
    "quizzes/result.html",
)


def warm_up_and_freeze(templates=HOT_TEMPLATES) -> None:
    """Import every view and compile the hot templates now, then exempt all of it from
    garbage collection.

    It lives as long as the process; left in the collector's care, every full pass walks
    it again, which stalled live-final devices for 100–150 ms (bench/final_live.py) and
    shows as the slowest requests of exam day (bench/exam_day.py).
    """
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module
    for name in templates:
        get_template(name)
    gc.collect()
    gc.freeze()
