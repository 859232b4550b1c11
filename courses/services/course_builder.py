"""Build a draft course from a regulation: one lesson per chapter, citing its articles.

The result is only a skeleton for trainers to enrich: every page is a draft with a saved
revision, so it shows up in Wagtail's explorer as a draft and goes through the usual
editing, moderation and publishing.
"""

import math
from decimal import Decimal

from django.db import transaction
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from wagtail.rich_text import RichText

from courses.models import Article, CourseIndexPage, CoursePage, LessonPage, Regulation
from lianbing.errors import DomainError
from people.services import audit

# A regulation without chapters is cut into lessons of this many articles.
ARTICLES_PER_LESSON = 10
# The service's rule of thumb for a lecture on a regulation: about twenty articles per
# class hour (学时), never less than one hour, in half hours.
ARTICLES_PER_CREDIT_HOUR = 20
MINUTES_PER_ARTICLE = 3
MIN_LESSON_MINUTES = 10


def get_or_create_course_index(*, home) -> CourseIndexPage:
    """The one 课程中心 page under the home page; created live if missing.

    The index only lists live courses, so publishing it costs nothing and saves the trainer
    a step that has nothing to do with the course they are building.
    """
    existing = CourseIndexPage.objects.first()
    if existing is not None:
        return existing
    index = CourseIndexPage(title=_("课程中心"))
    if not home.get_children().filter(slug="courses").exists():
        index.slug = "courses"  # else Wagtail derives one from the title
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def default_course_title(regulation: Regulation) -> str:
    return _("《%(title)s》精讲") % {"title": regulation.title}


def credit_hours_for(article_count: int) -> Decimal:
    halves = max(2, math.ceil(article_count * 2 / ARTICLES_PER_CREDIT_HOUR))
    return Decimal(halves) / 2


def create_course_from_regulation(
    *, regulation: Regulation, parent: CourseIndexPage, actor, title: str | None = None
) -> CoursePage:
    """A draft CoursePage with one draft LessonPage per chapter of the current revision."""
    revision = regulation.current_revision
    if revision is None:
        raise DomainError(_("该法规还没有导入文本。"), code="regulation_empty")
    articles = list(
        Article.objects.filter(revision=revision).select_related("chapter").order_by("position")
    )
    if not articles:
        raise DomainError(_("该法规的现行文本没有条文。"), code="regulation_empty")
    with transaction.atomic():
        course = CoursePage(
            title=(title or "").strip() or default_course_title(regulation),
            summary=_summary_html(regulation, revision),
            regulation=regulation,
            credit_hours=credit_hours_for(len(articles)),
            live=False,
        )
        parent.add_child(instance=course)
        course.save_revision(user=actor, log_action=True, clean=False)
        lessons = []
        for lesson_title, group in lesson_groups(articles):
            lesson = LessonPage(
                title=lesson_title,
                summary=_lesson_summary(group),
                estimated_minutes=max(MIN_LESSON_MINUTES, MINUTES_PER_ARTICLE * len(group)),
                body=_lesson_body(regulation, lesson_title, group),
                live=False,
            )
            course.add_child(instance=lesson)
            lesson.save_revision(user=actor, log_action=True, clean=False)
            lessons.append(lesson)
        audit.record(
            actor=actor,
            action="course.created_from_regulation",
            target=course,
            regulation=regulation.title,
            revision_date=revision.revision_date.isoformat(),
            lessons=len(lessons),
            articles=len(articles),
        )
    return course


def lesson_groups(articles: list[Article]) -> list[tuple[str, list[Article]]]:
    """(lesson title, articles) per chapter, or per ten articles when there are no chapters."""
    if all(article.chapter_id for article in articles):
        groups: dict[int, list[Article]] = {}
        for article in articles:
            groups.setdefault(article.chapter_id, []).append(article)
        return [(str(group[0].chapter), group) for group in groups.values()]
    # Articles outside any chapter (a text without chapters, or a preamble) go in runs.
    result, run = [], []
    for article in articles:
        if article.chapter_id is None:
            run.append(article)
            continue
        result.extend(_runs(run))
        run = []
        if result and result[-1][1][0].chapter_id == article.chapter_id:
            result[-1][1].append(article)
        else:
            result.append((str(article.chapter), [article]))
    result.extend(_runs(run))
    return result


def _runs(articles: list[Article]) -> list[tuple[str, list[Article]]]:
    return [
        (_range_title(chunk), chunk)
        for start in range(0, len(articles), ARTICLES_PER_LESSON)
        if (chunk := articles[start : start + ARTICLES_PER_LESSON])
    ]


def _range_title(articles: list[Article]) -> str:
    first, last = articles[0], articles[-1]
    if first.pk == last.pk:
        return first.display
    # 第一条至第十条: the second 条 of "第一至第十条" reads oddly in a lesson list.
    return _("%(first)s至%(last)s") % {"first": first.display, "last": last.display}


def _lesson_summary(articles: list[Article]) -> str:
    return _("共%(count)d条：%(range)s") % {
        "count": len(articles),
        "range": _range_title(articles),
    }


def _lesson_body(regulation: Regulation, lesson_title: str, articles: list[Article]):
    intro = format_html(
        "<p>{}</p>",
        _("本课学习《%(regulation)s》%(lesson)s，共%(count)d条。请先通读条文，再结合案例理解要点。")
        % {"regulation": regulation.title, "lesson": lesson_title, "count": len(articles)},
    )
    return [
        ("text", RichText(intro)),
        ("articles", {"heading": lesson_title, "articles": articles}),
    ]


def _summary_html(regulation: Regulation, revision) -> str:
    lines = [
        _("本课程逐章讲解《%(title)s》（%(date)s修订文本）。")
        % {"title": regulation.title, "date": _date(revision.revision_date)}
    ]
    lines += [line.strip("（）() ") for line in revision.header_lines if line.strip()]
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


__all__ = [
    "create_course_from_regulation",
    "credit_hours_for",
    "default_course_title",
    "get_or_create_course_index",
    "lesson_groups",
]
