"""Importing an amendment flags the lessons citing a changed article, drafts included."""

import pytest

from courses.citers import article_ids_in_stream, lessons_citing
from courses.models import Article, LessonPage, Regulation, ReviewFlag
from courses.services.course_builder import get_or_create_course_index
from courses.services.regulation_import import import_regulation
from lianbing.models import HomePage
from tests.courses.conftest import regulation_text

INTERNET = "internet-access-service-premises-regulations.md"
INTERNET_2022 = "previous/internet-access-service-premises-regulations.2022-03-29.md"

pytestmark = pytest.mark.django_db


def load(name):
    return import_regulation(text=regulation_text(name), source_name=name)


def make_lesson(parent, title, articles, *, live=True) -> LessonPage:
    lesson = LessonPage(
        title=title,
        live=live,
        body=[("articles", {"heading": "", "articles": list(articles)})],
    )
    parent.add_child(instance=lesson)
    revision = lesson.save_revision()
    if live:
        revision.publish()
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.fixture
def index():
    return get_or_create_course_index(home=HomePage.objects.get())


def old_articles(*numbers):
    revision = Regulation.objects.get().current_revision
    return [revision.articles.get(number=number) for number in numbers]


def test_a_newer_revision_flags_lessons_citing_changed_articles_only(index):
    load(INTERNET_2022)
    eleven, one, two = old_articles(11, 1, 2)
    cites_changed = make_lesson(index, "设立条件", [one, eleven])
    cites_unchanged = make_lesson(index, "总则", [one, two])

    summary = load(INTERNET)

    flags = ReviewFlag.objects.open()
    assert summary.details["flags"] == 1
    assert [flag.content_object for flag in flags] == [cites_changed]
    assert flags.get().article == eleven and "第十一条" in flags.get().reason
    assert not ReviewFlag.objects.for_object(cites_unchanged).exists()


def test_a_lesson_citing_a_changed_article_only_in_its_unpublished_draft_is_flagged(index):
    load(INTERNET_2022)
    one, thirty_two, eleven = old_articles(1, 32, 11)
    lesson = make_lesson(index, "罚则", [one])
    # A trainer adds article 32 in a draft; the live page still cites article 1 only.
    draft = lesson.get_latest_revision_as_object()
    draft.body = [("articles", {"heading": "", "articles": [one, thirty_two]})]
    draft.save_revision()
    # And a lesson whose live body cites article 11 while its draft dropped it.
    other = make_lesson(index, "设立", [eleven])
    dropped = other.get_latest_revision_as_object()
    dropped.body = [("articles", {"heading": "", "articles": [one]})]
    dropped.save_revision()

    assert set(LessonPage.objects.get(pk=other.pk).cited_articles.all()) == {one}
    load(INTERNET)

    flagged = {(flag.object_id, flag.article.number) for flag in ReviewFlag.objects.open()}
    assert flagged == {(lesson.pk, 32), (other.pk, 11)}


def test_the_citer_reads_stored_stream_data(index):
    load(INTERNET_2022)
    (article,) = old_articles(5)
    lesson = make_lesson(index, "第五条", [article], live=False)

    assert article_ids_in_stream(lesson.body.raw_data) == {article.pk}
    stored = '[{"type": "articles", "value": {"articles": [7, "8"]}}]'
    assert article_ids_in_stream(stored) == {7, 8}
    assert article_ids_in_stream("not json") == set()
    assert lessons_citing(Article.objects.filter(pk=article.pk)) == [lesson]
    assert lessons_citing(Article.objects.none()) == []
