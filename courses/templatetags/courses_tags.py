"""Template helpers for course pages; the page models stay free of per-user state.

Course and index pages have no view of their own (Wagtail serves them), so the officer's
progress is looked up here, from the logged-in user only.
"""

from dataclasses import dataclass

from django import template

from courses.services.completion import Tally, unmet_requirements
from courses.services.learning import officer_of
from courses.services.progress import CourseProgress, progress_for_courses, resume_lesson
from lianbing.content_cache import remember

register = template.Library()


@register.filter
def current_of(current_articles, article):
    """The cited article as it reads today (None if it was removed): `current_articles` is
    the page's {stored article id: current article} map from `current_versions`."""
    if not current_articles or article is None:
        return None
    return current_articles.get(article.pk)


@dataclass(frozen=True)
class CourseState:
    course: object
    progress: CourseProgress
    resume: object  # the LessonPage to open with 开始学习/继续学习, or None
    unmet: list


@register.simple_tag(takes_context=True)
def course_states(context, courses) -> list[CourseState]:
    """The requesting officer's state in each course, in three queries for the whole list."""
    courses = list(courses)
    officer = officer_of(context["request"].user)
    progress = progress_for_courses(
        officer=officer, courses=courses, request=context.get("request")
    )
    states = []
    for course in courses:
        item = progress[course.pk]
        unmet = []
        if item.enrollment is not None and item.completed_at is None:
            item.enrollment.course = course  # already loaded: saves a query
            counts = Tally(item.lessons_total, item.lessons_done, item.seconds)
            unmet = unmet_requirements(item.enrollment, counts)
        states.append(CourseState(course, item, resume_lesson(item), unmet))
    return states


@register.simple_tag(takes_context=True)
def course_state(context, course) -> CourseState:
    return course_states(context, [course])[0]


@register.simple_tag(takes_context=True)
def course_index_url(context) -> str:
    """Where 课程中心 lives: a Wagtail page whose slug editors choose."""
    from courses.models import CourseIndexPage

    request = context.get("request")
    cached = getattr(request, "_course_index_url", None)  # base.html and the page both ask
    if cached is not None:
        return cached

    def find() -> str:
        index = CourseIndexPage.objects.live().first()
        # With the request, Wagtail reads the site root paths once per request, not per URL.
        return index.get_url(request=request) if index else ""

    if request is None:
        return find()
    key = ("course-index-url", request._get_raw_host())
    request._course_index_url = remember(request, key, find)
    return request._course_index_url


@register.inclusion_tag("courses/_progress_bar.html")
def progress_bar(progress, size="", label=True):
    return {"progress": progress, "size": size, "label": label}
