"""The regulation library in the Wagtail admin: upload, diff, review queue, course builder."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.admin.admin_url_finder import AdminURLFinder

from courses.models import Article, CoursePage, LessonPage, Regulation, ReviewFlag
from courses.services.regulation_import import import_regulation
from people.models import AuditEntry
from people.roles import Role
from tests.courses.conftest import regulation_text
from tests.factories import UserFactory

INTERNET = "internet-access-service-premises-regulations.md"
INTERNET_2022 = "previous/internet-access-service-premises-regulations.2022-03-29.md"
INTERNET_TITLE = "互联网上网服务营业场所管理条例"
NO_CHAPTERS = "copyright-law-implementing-regulations.md"

pytestmark = pytest.mark.django_db
# Wagtail turns a refusal into a redirect to the dashboard, or a 403 for script requests.
XHR = {"x-requested-with": "XMLHttpRequest"}


def load(name):
    return import_regulation(text=regulation_text(name), source_name=name)


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name.rsplit("/", 1)[-1], data, content_type="text/markdown")


@pytest.fixture
def trainer(client):
    user = UserFactory(roles=[Role.TRAINER])
    client.force_login(user)
    client.user = user
    return client


def test_upload_dry_run_checks_without_saving(trainer):
    response = trainer.post(
        reverse("regulation_admin:import"),
        {"file": upload(INTERNET, regulation_text(INTERNET)), "dry_run": "on"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "检查通过（未保存）" in html and INTERNET_TITLE in html
    assert 'data-testid="import-articles">38<' in html
    assert not Regulation.objects.exists()


def test_upload_imports_and_an_amendment_links_to_its_diff(trainer):
    url = reverse("regulation_admin:import")
    first = trainer.post(url, {"file": upload(INTERNET_2022, regulation_text(INTERNET_2022))})
    assert "导入成功" in first.content.decode()
    assert 'data-testid="diff-link"' not in first.content.decode()

    second = trainer.post(url, {"file": upload(INTERNET, regulation_text(INTERNET))})

    html = second.content.decode()
    regulation = Regulation.objects.get()
    assert regulation.current_revision.revision_date.isoformat() == "2024-12-06"
    assert regulation.current_revision.imported_by == trainer.user
    assert "已修改 2 条" in html
    assert reverse("regulation_admin:diff", args=[regulation.pk]) in html
    again = trainer.post(url, {"file": upload(INTERNET, regulation_text(INTERNET))})
    assert "该文本已导入过，没有变化" in again.content.decode()
    assert AuditEntry.objects.filter(action="regulation.imported").count() == 2


def test_a_broken_file_shows_every_problem_and_saves_nothing(trainer):
    text = re.sub(r"(?m)^第十三条 ", "第十二条 ", regulation_text(INTERNET))
    url = reverse("regulation_admin:import")

    response = trainer.post(url, {"file": upload("broken.md", text)})

    problems = response.content.decode()
    assert 'data-testid="import-problems"' in problems
    assert "第十二条 重复" in problems and "第十四条：条文编号不连续，前一条为第十二条" in problems
    assert not Regulation.objects.exists() and not AuditEntry.objects.exists()
    gbk = trainer.post(url, {"file": upload("gbk.md", "# 条例".encode("gb18030"))})
    assert "UTF-8" in gbk.content.decode()
    wrong_type = trainer.post(url, {"file": upload("law.docx", regulation_text(INTERNET))})
    assert "只接受 .md 或 .txt 文件" in wrong_type.content.decode()
    assert not Regulation.objects.exists()


def test_diff_page_shows_changed_articles_with_inline_highlights(trainer):
    load(INTERNET_2022)
    load(INTERNET)
    regulation = Regulation.objects.get()

    response = trainer.get(reverse("regulation_admin:diff", args=[regulation.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="diff-row"') == 2
    assert 'id="article-11"' in html and 'id="article-32"' in html
    assert re.search(r'data-kind="changed"><strong>2</strong>', html)
    assert re.search(r'data-kind="unchanged"><strong>36</strong>', html)
    assert "<del>" in html and "<ins>" in html
    old, new = regulation.revisions.order_by("revision_date")
    reverse_diff = trainer.get(
        reverse("regulation_admin:diff", args=[regulation.pk]), {"from": new.pk, "to": old.pk}
    )
    assert reverse_diff.content.decode().count('data-testid="diff-row"') == 2


def test_diff_shows_renumbering(trainer):
    load("previous/cultural-relics-protection-law.2017-11-04.md")
    load("cultural-relics-protection-law.md")

    response = trainer.get(reverse("regulation_admin:diff", args=[Regulation.objects.get().pk]))

    assert "第八十条 → 第一百零一条" in response.content.decode()


def create_course(client, regulation, **data):
    return client.post(
        reverse("regulation_admin:create_course"), {"regulation": regulation.pk, **data}
    )


def test_create_course_builds_a_draft_lesson_per_chapter(trainer):
    load(INTERNET)
    regulation = Regulation.objects.get()
    preview = trainer.get(reverse("regulation_admin:create_course"), {"regulation": regulation.pk})
    assert "第四章 罚则" in preview.content.decode()

    response = create_course(trainer, regulation)

    course = CoursePage.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[course.pk])
    assert course.title == f"《{INTERNET_TITLE}》精讲" and course.regulation == regulation
    assert not course.live and course.latest_revision is not None
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))
    assert [lesson.title for lesson in lessons] == [
        "第一章 总则",
        "第二章 设立",
        "第三章 经营",
        "第四章 罚则",
        "第五章 附则",
    ]
    assert not any(lesson.live for lesson in lessons)
    assert all(lesson.latest_revision_id for lesson in lessons)
    chapter_three = regulation.current_revision.chapters.get(number=3)
    assert lessons[2].article_ids() == list(
        chapter_three.articles.order_by("position").values_list("pk", flat=True)
    )
    assert set(lessons[2].cited_articles.all()) == set(chapter_three.articles.all())
    assert sum(len(lesson.article_ids()) for lesson in lessons) == 38
    assert course.get_parent().specific.__class__.__name__ == "CourseIndexPage"
    assert AuditEntry.objects.filter(action="course.created_from_regulation").exists()

    edit = trainer.get(response.url)
    assert edit.status_code == 200


def test_a_regulation_without_chapters_gets_lessons_of_ten_articles(trainer):
    load(NO_CHAPTERS)

    create_course(trainer, Regulation.objects.get(), title="著作权法实施条例导读")

    course = CoursePage.objects.get(title="著作权法实施条例导读")
    titles = [lesson.title for lesson in LessonPage.objects.child_of(course).order_by("path")]
    assert titles == [
        "第一条至第十条",
        "第十一条至第二十条",
        "第二十一条至第三十条",
        "第三十一条至第三十八条",
    ]


def test_review_queue_lists_flagged_lessons_and_resolving_clears_them(trainer):
    load(INTERNET_2022)
    create_course(trainer, Regulation.objects.get())
    for page in [CoursePage.objects.get(), *LessonPage.objects.all()]:
        page.get_latest_revision().publish()
    load(INTERNET)  # articles 11 (第二章) and 32 (第四章) changed
    queue_url = reverse("regulation_admin:review")

    response = trainer.get(queue_url)

    html = response.content.decode()
    assert html.count('data-testid="review-group"') == 2
    assert "第二章 设立" in html and "第四章 罚则" in html
    assert "第十一条内容已修改" in html and "第三十二条内容已修改" in html
    lesson = LessonPage.objects.get(title="第二章 设立")
    assert reverse("wagtailadmin_pages:edit", args=[lesson.pk]) in html
    assert "#article-11" in html
    home = trainer.get(reverse("wagtailadmin_home")).content.decode()
    assert json.dumps("待复核（2）")[1:-1] in home  # the sidebar menu is JSON
    assert 'data-testid="review-panel"' in home

    flag = ReviewFlag.objects.for_object(lesson).get()
    assert trainer.get(reverse("regulation_admin:resolve")).status_code == 405
    done = trainer.post(reverse("regulation_admin:resolve"), {"flag": [flag.pk]})

    assert done.status_code == 302 and done.url == queue_url
    flag.refresh_from_db()
    assert flag.resolved_at and flag.resolved_by == trainer.user
    assert ReviewFlag.objects.open().count() == 1
    assert AuditEntry.objects.filter(action="review_flag.resolved").count() == 1
    assert trainer.get(queue_url).content.decode().count('data-testid="review-group"') == 1


def test_articles_are_read_only_but_choosable(trainer, admin_client):
    load(INTERNET_2022)
    load(INTERNET)
    article = Article.objects.filter(number=21).order_by("-revision__revision_date").first()

    for client in (trainer, admin_client):
        for url in (
            reverse("wagtailsnippets_courses_article:add"),
            reverse("wagtailsnippets_courses_article:edit", args=[article.pk]),
            reverse("wagtailsnippets_courses_article:delete", args=[article.pk]),
        ):
            assert client.get(url, headers=XHR).status_code == 403, url
            assert client.post(url, headers=XHR).status_code == 403, url
    assert Article.objects.filter(pk=article.pk).exists()

    listing = trainer.get(reverse("wagtailsnippets_courses_article:list"), {"q": "未成年人"})
    assert listing.status_code == 200 and "第二十一条" in listing.content.decode()
    choose = reverse("wagtailsnippetchoosers_courses_article:choose")
    chooser = trainer.get(choose, {"q": "第二十一条"}).json()["html"]
    assert chooser.count(f"{INTERNET_TITLE}第二十一条") == 1  # current revision only
    everything = trainer.get(choose, {"q": "第二十一条", "all_revisions": "on"}).json()["html"]
    assert everything.count(f"{INTERNET_TITLE}第二十一条") == 2
    # A chosen article "opens" read-only: the chooser's link goes to the inspect view.
    inspect = reverse("wagtailsnippets_courses_article:inspect", args=[article.pk])
    assert AdminURLFinder(trainer.user).get_edit_url(article) == inspect
    assert "未成年人" in trainer.get(inspect).content.decode()
    add = trainer.get(reverse("wagtailsnippets_courses_regulation:add"))
    assert add.status_code == 302 and add.url == reverse("regulation_admin:import")


def test_regulation_inspect_page_offers_the_diff_and_the_course_builder(trainer):
    load(INTERNET_2022)
    load(INTERNET)
    regulation = Regulation.objects.get()

    response = trainer.get(
        reverse("wagtailsnippets_courses_regulation:inspect", args=[regulation.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("regulation_admin:diff", args=[regulation.pk]) in html
    assert f"{reverse('regulation_admin:create_course')}?regulation={regulation.pk}" in html


@pytest.mark.parametrize("role", [Role.OFFICER, Role.HR, None])
def test_others_are_refused_every_admin_page(client, role):
    load(INTERNET_2022)
    load(INTERNET)
    regulation = Regulation.objects.get()
    flag_free_urls = [
        reverse("regulation_admin:import"),
        reverse("regulation_admin:diff", args=[regulation.pk]),
        reverse("regulation_admin:review"),
        reverse("regulation_admin:create_course"),
        reverse("wagtailsnippets_courses_regulation:list"),
        reverse("wagtailsnippets_courses_article:list"),
    ]
    if role is not None:
        client.force_login(UserFactory(roles=[role]))

    for url in flag_free_urls:
        assert client.get(url).status_code in (302, 403), url
    assert client.post(reverse("regulation_admin:resolve"), {"flag": [1]}).status_code in (
        302,
        403,
    )
    posted = client.post(reverse("regulation_admin:create_course"), {"regulation": regulation.pk})
    assert posted.status_code in (302, 403)
    assert not CoursePage.objects.exists()


def test_admin_views_check_their_own_permission_even_with_admin_access(client):
    """A user who may enter the admin but holds no library permission gets 403, not the page."""
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    load(INTERNET)

    for url in (
        reverse("regulation_admin:import"),
        reverse("regulation_admin:diff", args=[Regulation.objects.get().pk]),
        reverse("regulation_admin:review"),
        reverse("regulation_admin:create_course"),
    ):
        assert client.get(url, headers=XHR).status_code == 403, url
        refused = client.get(url)
        assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home"), url
    assert client.post(reverse("regulation_admin:resolve"), headers=XHR).status_code == 403


def test_article_list_shows_current_texts_by_default_and_filters_by_regulation(trainer):
    load(INTERNET_2022)
    load(INTERNET)
    load("copyright-law.md")
    url = reverse("wagtailsnippets_courses_article:list")
    internet = Regulation.objects.get(title=INTERNET_TITLE)

    def total(**params):
        return re.search(r"(\d+) 条文", trainer.get(url, params).content.decode())[1]

    assert total() == str(38 + 67)
    assert total(revisions="all") == str(38 + 38 + 67)
    assert total(regulation=internet.pk) == "38"
    assert total(regulation=internet.pk, revisions="all") == "76"
