"""Flag objects for review ("needs review") after an amendment, whatever app they belong to.

Lessons and questions register a citer: `fn(articles) -> objects citing any of them`. When a
revision is imported, every article that was changed, removed or renumbered is put to every
citer, and each object returned gets a ReviewFlag naming that article.
"""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from courses.models import Article, ArticleChange, ReviewFlag

ArticleCiter = Callable[[QuerySet], Iterable]

_citers: list[ArticleCiter] = []


def register_article_citer(fn: ArticleCiter) -> ArticleCiter:
    """Register `fn(articles: QuerySet[Article]) -> Iterable[model instance]`.

    Returns fn, so it also works as a decorator.
    """
    if fn not in _citers:
        _citers.append(fn)
    return fn


def unregister_article_citer(fn: ArticleCiter) -> None:
    if fn in _citers:
        _citers.remove(fn)


def registered_citers() -> tuple[ArticleCiter, ...]:
    return tuple(_citers)


def review_reason(change: ArticleChange) -> str:
    old = change.old_article.display
    if change.kind == ArticleChange.Kind.REMOVED:
        return _("%(article)s已在新文本中删除") % {"article": old}
    if change.kind == ArticleChange.Kind.RENUMBERED:
        new = change.new_article.display
        if change.text_changed:
            return _("%(article)s改为%(new)s，且内容有修改") % {"article": old, "new": new}
        return _("%(article)s改为%(new)s") % {"article": old, "new": new}
    return _("%(article)s内容已修改") % {"article": old}


def flag_citing_objects(changes: Iterable[ArticleChange]) -> list[ReviewFlag]:
    """Write a ReviewFlag per citing object and touched article; existing flags are kept."""
    created = []
    citers = registered_citers()
    if not citers:
        return created
    for change in changes:
        if change.kind not in ArticleChange.NEEDS_REVIEW or change.old_article_id is None:
            continue
        # One article at a time, so each flag names the article its object actually cites.
        articles = Article.objects.filter(pk=change.old_article_id)
        for citer in citers:
            for obj in citer(articles):
                flag, is_new = ReviewFlag.objects.get_or_create(
                    content_type=ContentType.objects.get_for_model(obj),
                    object_id=obj.pk,
                    article_id=change.old_article_id,
                    defaults={"change": change, "reason": review_reason(change)},
                )
                if is_new:
                    created.append(flag)
                elif flag.change_id is None:
                    # Its change row was replaced when a revision was inserted in between.
                    flag.change = change
                    flag.save(update_fields=["change"])
    return created


def open_flags_for(obj) -> QuerySet:
    return ReviewFlag.objects.for_object(obj).open()
