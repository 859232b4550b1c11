"""The per-process content cache: pages are routed from memory, and no edit is ever missed."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from courses.services import learning
from lianbing import content_cache
from tests.courses.course_factory import build_course, import_tiny_regulation
from tests.factories import OfficerFactory


@pytest.fixture
def built(db):
    return build_course(lessons=2)


@pytest.fixture
def reader(client, city, built):
    officer = OfficerFactory(unit=city["east_squad"])
    learning.enroll(officer=officer, course=built.course)
    client.force_login(officer.user)
    return officer


def another_process_sees_the_commit():
    """What other processes do once an edit commits: their memory is behind the stamp."""
    content_cache.forget()


def test_a_page_seen_before_is_served_without_routing_queries(client, reader, built):
    lesson = built.lessons[0]
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(lesson.url)
    assert response.status_code == 200 and response.context["page"] == lesson
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "wagtailcore_page" not in tables and "wagtailcore_site" not in tables
    assert "wagtailcore_pageviewrestriction" not in tables


def test_an_unpublished_lesson_is_gone_at_the_next_request(client, reader, built):
    lesson = built.lessons[1]
    assert client.get(lesson.url).status_code == 200
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404
    another_process_sees_the_commit()
    assert client.get(lesson.url).status_code == 404


def test_a_renamed_lesson_moves_to_its_new_address(client, reader, built):
    lesson = built.lessons[0]
    old_url = lesson.url
    assert client.get(old_url).status_code == 200
    lesson.slug = "renamed"
    lesson.save_revision().publish()
    assert client.get(old_url).status_code == 404
    assert client.get(built.course.url + "renamed/").status_code == 200


def test_a_view_restriction_added_after_caching_is_enforced(client, reader, built):
    lesson = built.lessons[0]
    assert client.get(lesson.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=built.course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="专项组")])
    response = client.get(lesson.url)
    assert response.status_code in (302, 403)
    assert "lesson-body" not in response.content.decode()


def test_a_published_title_change_reaches_the_cached_page(client, reader, built):
    lesson = built.lessons[0]
    assert "第1讲" in client.get(lesson.url).text
    lesson.title = "第1讲 修订后的标题"
    lesson.save_revision().publish()
    assert "修订后的标题" in client.get(lesson.url).text


def test_a_new_revision_of_a_cited_regulation_rerenders_the_lesson(client, city, db):
    old = import_tiny_regulation()
    cited = build_course(cited=[old["第二条"]])
    officer = OfficerFactory(unit=city["east_squad"])
    client.force_login(officer.user)
    before = client.get(cited.lessons[0].url).text
    assert "第二条</strong>" in before and "（原" not in before

    import_tiny_regulation(amended=True)  # 第二条 becomes 第三条

    after = client.get(cited.lessons[0].url).text
    assert "第三条</strong>" in after and "（原第二条）" in after


def test_an_edit_gives_the_shared_stamp_a_new_value_when_it_commits(
    built, django_capture_on_commit_callbacks
):
    before = content_cache.content_stamp()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        built.lessons[0].save_revision().publish()
    during = cache.get(content_cache.STAMP_KEY)
    assert during != before  # this transaction's own requests see the edit at once
    for callback in pending:
        callback()
    assert cache.get(content_cache.STAMP_KEY) not in (before, during)


def test_each_request_gets_its_own_copy_of_a_cached_page(client, reader, built):
    lesson = built.lessons[0]
    first = client.get(lesson.url).context["page"]
    first.title = "changed in one request only"
    second = client.get(lesson.url).context["page"]
    assert second is not first and second.title == lesson.title
