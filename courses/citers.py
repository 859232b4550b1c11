"""Tell the amendment machinery which lessons cite an article (see services.amendments).

`LessonPage.cited_articles` follows the body of the page's last save, which for a page with
an unpublished draft is the draft; the live body may still cite other articles. Lessons with
drafts are therefore also read from their stored body and latest revision, so an amendment
flags a lesson whichever of its versions cites the article.
"""

import json

from courses.models import LessonPage
from courses.services.amendments import register_article_citer


def article_ids_in_stream(raw) -> set[int]:
    """Article ids cited by a lesson body in its stored (raw JSON) form."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "[]")
        except ValueError:
            return set()
    ids = set()
    for block in raw or ():
        if not isinstance(block, dict) or block.get("type") != "articles":
            continue
        value = block.get("value") or {}
        for item in value.get("articles") or ():
            # ListBlock items are {"type": "item", "value": pk}; very old data is a bare pk.
            pk = item.get("value") if isinstance(item, dict) else item
            if isinstance(pk, int) or (isinstance(pk, str) and pk.isdigit()):
                ids.add(int(pk))
    return ids


def _drafts_citing(ids: set[int], exclude: set[int]) -> set[int]:
    found = set()
    drafts = (
        LessonPage.objects.filter(has_unpublished_changes=True)
        .exclude(pk__in=exclude)
        .values_list("pk", "body", "latest_revision__content")
    )
    for pk, body, revision_content in drafts:
        cited = article_ids_in_stream(getattr(body, "raw_data", body))
        if revision_content:
            cited |= article_ids_in_stream(revision_content.get("body"))
        if cited & ids:
            found.add(pk)
    return found


@register_article_citer
def lessons_citing(articles) -> list[LessonPage]:
    """Lesson pages (live or draft) citing any of `articles`."""
    ids = set(articles.values_list("pk", flat=True))
    if not ids:
        return []
    direct = set(
        LessonPage.objects.filter(cited_articles__in=ids).values_list("pk", flat=True).distinct()
    )
    pks = direct | _drafts_citing(ids, exclude=direct)
    return list(LessonPage.objects.filter(pk__in=pks).order_by("path"))
