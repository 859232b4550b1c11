"""Chinese search over the real regulation texts: substring terms, article numbers, synonyms."""

import pytest
from django.urls import reverse

from courses.models import Article, Regulation
from courses.services.course_builder import (
    create_course_from_regulation,
    get_or_create_course_index,
)
from courses.services.regulation_import import import_regulation
from courses.services.search import highlight, parse_query, search_articles, search_pages
from lianbing.models import HomePage
from people.roles import Role
from tests.courses.conftest import regulation_text
from tests.factories import UserFactory

PENALTY = "administrative-penalty-law.md"
INTERNET = "internet-access-service-premises-regulations.md"
INTERNET_2022 = "previous/internet-access-service-premises-regulations.2022-03-29.md"
PUBLICATION = "publication-administration-regulations.md"
ENTERTAINMENT = "entertainment-venues-regulations.md"
INTERNET_TITLE = "互联网上网服务营业场所管理条例"


@pytest.fixture
def library(db):
    for name in (PENALTY, INTERNET_2022, INTERNET, PUBLICATION, ENTERTAINMENT):
        import_regulation(text=regulation_text(name), source_name=name)


def found(hits) -> list[tuple[str, int]]:
    return [(hit.regulation.title, hit.article.number) for hit in hits]


def test_parse_query_tells_article_numbers_from_words():
    parsed = parse_query("  第二十五条 第25条　第十二条之一 第２６条 罚款，《出版管理条例》 罚款 ")

    assert parsed.numbers == [(25, 0), (12, 1), (26, 0)]  # 第25条 is 第二十五条 again
    assert [term.text for term in parsed.terms] == ["罚款", "出版管理条例"]
    assert "互联网上网服务营业场所" in parse_query("网吧").terms[0].variants
    assert not parse_query("   ")


def test_fine_finds_articles_containing_it(library):
    hits = search_articles("罚款", limit=1000)

    assert hits and all("罚款" in hit.article.text for hit in hits)
    assert ("中华人民共和国行政处罚法", 9) in found(hits)  # 罚款 among the kinds of penalty
    current = [
        article
        for article in Article.objects.select_related("revision__regulation")
        if article.revision_id == article.revision.regulation.current_revision_id
        and "罚款" in article.text
    ]
    assert len(hits) == len(current)


def test_minors_finds_the_internet_cafe_rule(library):
    hits = search_articles("未成年人")

    assert all("未成年人" in hit.article.text for hit in hits)
    assert (INTERNET_TITLE, 21) in found(hits[:10])
    assert "<mark>未成年人</mark>" in hits[0].snippet


def test_article_number_finds_that_article_in_each_current_text(library):
    hits = search_articles("第二十五条")

    assert {hit.article.number for hit in hits} == {25}
    # Two texts of the internet regulation are imported; only the current one is searched.
    assert sorted(found(hits)) == sorted(
        (title, 25) for title in Regulation.objects.values_list("title", flat=True)
    )
    assert found(search_articles("第25条")) == found(hits)
    assert found(search_articles("出版管理条例 第二十五条")) == [("出版管理条例", 25)]


def test_colloquial_internet_cafe_and_opening_hours_rank_the_hours_rule_first(library):
    hits = search_articles("网吧 营业时间")

    assert found(hits)[0] == (INTERNET_TITLE, 22)
    assert hits[0].article.text.startswith("互联网上网服务营业场所每日营业时间限于8时至24时")
    assert all(hit.regulation.title == INTERNET_TITLE for hit in hits)
    assert "<mark>营业时间</mark>" in hits[0].snippet
    assert "<mark>互联网上网服务营业场所</mark>" in hits[0].snippet


def test_every_term_must_match(library):
    assert search_articles("未成年人 营业时间 不存在的词") == []
    both = search_articles("未成年人 罚款")
    assert both and all(
        "未成年人" in hit.article.text and "罚款" in hit.article.text for hit in both
    )


def test_highlight_escapes_html_before_marking():
    snippet = highlight("<b>罚款</b> & 罚款", ["罚款", "<b>"])

    assert snippet == "<mark>&lt;b&gt;罚款</mark>&lt;/b&gt; &amp; <mark>罚款</mark>"
    long = highlight("甲" * 300 + "罚款" + "乙" * 300, ["罚款"])
    assert long.startswith("…") and long.endswith("…") and "<mark>罚款</mark>" in long


@pytest.fixture
def officer_client(client, db):
    client.force_login(UserFactory(roles=[Role.OFFICER]))
    return client


def test_search_page_lists_articles_with_highlighted_snippets(library, officer_client):
    response = officer_client.get(reverse("search:search"), {"q": "网吧 营业时间"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>营业时间</mark>" in html and "第二十二条" in html
    article = Article.objects.get(
        revision__regulation__title=INTERNET_TITLE,
        revision__revision_date__year=2024,
        number=22,
    )
    assert reverse("search:article", args=[article.pk]) in html


def test_html_in_the_query_is_escaped(library, officer_client):
    response = officer_client.get(reverse("search:search"), {"q": "<script>alert(1)</script>"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_empty_query_shows_no_results(library, officer_client):
    response = officer_client.get(reverse("search:search"), {"q": "  "})

    assert response.status_code == 200
    assert 'data-testid="article-results"' not in response.content.decode()


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(reverse("search:search"), {"q": "罚款"})
    article_response = client.get(reverse("search:article", args=[1]))

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert article_response.status_code == 302


def publish_tree(course):
    for page in [course, *course.get_descendants().specific()]:
        page.get_latest_revision().publish()


def test_article_page_shows_the_current_text_and_lessons_citing_any_version(
    library, officer_client
):
    regulation = Regulation.objects.get(title=INTERNET_TITLE)
    old, new = regulation.revisions.order_by("revision_date")
    home = HomePage.objects.get()
    # The course is built on the current text; a lesson citing the 2022 article also counts.
    course = create_course_from_regulation(
        regulation=regulation, parent=get_or_create_course_index(home=home), actor=None
    )
    publish_tree(course)
    old_article = old.articles.get(number=22)
    current_article = new.articles.get(number=22)

    response = officer_client.get(reverse("search:article", args=[old_article.pk]))
    assert response.status_code == 302
    assert response.url == reverse("search:article", args=[current_article.pk])
    response = officer_client.get(response.url, {"q": "营业时间"})
    html = response.content.decode()
    assert "<mark>营业时间</mark>" in html
    assert "第三章 经营" in html  # the lesson for chapter three cites article 22


def test_pages_search_finds_live_courses_only(library):
    regulation = Regulation.objects.get(title=INTERNET_TITLE)
    index = get_or_create_course_index(home=HomePage.objects.get())
    draft = create_course_from_regulation(regulation=regulation, parent=index, actor=None)

    assert search_pages("网吧")["courses"] == []
    publish_tree(draft)
    pages = search_pages("网吧")
    assert [course.pk for course in pages["courses"]] == [draft.pk]
    assert search_pages("第三章 经营")["lessons"][0].title == "第三章 经营"
