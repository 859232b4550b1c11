"""Officer-facing search of the regulation library and courses (see services.search)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from courses.models import Article
from courses.services.search import (
    highlight_full,
    lessons_citing,
    parse_query,
    search_articles,
    search_pages,
)

MAX_QUERY_LENGTH = 100
CITING_HITS = 5
MAX_LESSONS = 20


@login_required
def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    hits, pages, lessons = [], {"courses": [], "lessons": []}, []
    if query:
        hits = search_articles(query)
        pages = search_pages(query)
        found = pages["lessons"]
        # Lessons teaching the best articles count too: "网吧 营业时间" finds the lesson
        # citing the opening-hours article, though neither word is in its title.
        for lesson in lessons_citing([hit.article.pk for hit in hits[:CITING_HITS]]):
            if lesson not in found:
                found.append(lesson)
        # The course a lesson belongs to, for the result line; the list is short.
        lessons = [(lesson, lesson.get_parent()) for lesson in found[:MAX_LESSONS]]
    return render(
        request,
        "courses/search.html",
        {
            "query": query,
            "hits": hits,
            "courses": pages["courses"],
            "lessons": lessons,
            "page_count": len(pages["courses"]) + len(lessons),
            "searched": bool(query),
        },
    )


@login_required
def article_detail(request, pk):
    article = get_object_or_404(
        Article.objects.select_related("revision__regulation", "chapter", "section"), pk=pk
    )
    regulation = article.revision.regulation
    is_current = article.revision_id == regulation.current_revision_id
    if not is_current:
        current = article.current()
        if current is not None:
            return redirect("search:article", pk=current.pk)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    variants = parse_query(query).variants if query else []
    paragraphs = [
        {
            "text": highlight_full(paragraph.get("text", ""), variants),
            "items": [
                {"label": item["label"], "text": highlight_full(item["text"], variants)}
                for item in paragraph.get("items", ())
            ],
        }
        for paragraph in article.paragraphs
    ]
    siblings = Article.objects.filter(revision=article.revision).order_by("position")
    return render(
        request,
        "courses/search/article.html",
        {
            "article": article,
            "regulation": regulation,
            "revision": article.revision,
            "is_current": is_current,
            "paragraphs": paragraphs,
            "query": query,
            "lessons": [
                (lesson, lesson.get_parent().specific) for lesson in lessons_citing([article.pk])
            ],
            "previous": siblings.filter(position__lt=article.position).last(),
            "next": siblings.filter(position__gt=article.position).first(),
        },
    )
