"""A trainer's walk in the Wagtail admin: import a regulation, build a draft course from it,
find it in the page explorer, publish it with its lessons — and an officer opens it and
searches the library. Then the amendment arrives: the diff, and the 待复核 work queue."""

import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect
from wagtail.models import GroupPagePermission, Locale, Page, Site

from courses.models import CourseIndexPage, CoursePage, LessonPage, ReviewFlag
from lianbing.models import HomePage
from people.roles import Role
from tests.browser.login import log_in, log_in_to_admin
from tests.courses.conftest import REGULATIONS_DIR
from tests.factories import UserFactory

INTERNET = REGULATIONS_DIR / "internet-access-service-premises-regulations.md"
INTERNET_2022 = (
    REGULATIONS_DIR / "previous" / "internet-access-service-premises-regulations.2022-03-29.md"
)
TITLE = "互联网上网服务营业场所管理条例"
COURSE = f"《{TITLE}》精讲"

TRAINER_MIGRATION = importlib.import_module("courses.migrations.0003_trainer_permissions")


@pytest.fixture
def migrated_data(transactional_db):
    """What the data migrations create and this walk needs: the site's home page and the
    教员 group's permissions. Browser tests truncate every table after they run, and
    serialized rollback cannot restore them here (Playwright's greenlet gets its own
    database connection objects), so a later test puts back what it needs.
    """
    locale, _ = Locale.objects.get_or_create(language_code="zh-hans")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    if not HomePage.objects.exists():
        home = root.add_child(instance=HomePage(title="练兵", slug="home", locale=locale))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "练兵"},
        )
    trainer, _ = Group.objects.get_or_create(name=Role.TRAINER.value)
    for spec in ["wagtailadmin.access_admin", *TRAINER_MIGRATION.LIBRARY]:
        app_label, codename = spec.split(".")
        trainer.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    for codename in TRAINER_MIGRATION.PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=trainer,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


def settled(page, query):
    """Run an ORM query from the test once the page has loaded, between server requests."""
    page.wait_for_load_state("networkidle")
    return query()


def upload(page, path):
    page.goto("/admin/regulations/import/")
    page.locator("#id_file").set_input_files(
        {"name": path.name, "mimeType": "text/markdown", "buffer": path.read_bytes()}
    )
    page.get_by_role("button", name="上传").click()
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_contain_text("导入成功")
    return summary


def test_trainer_imports_a_regulation_builds_and_publishes_a_course(
    migrated_data, desktop, phone, screenshot
):
    trainer = UserFactory(roles=[Role.TRAINER], last_name="王", first_name="教员")
    officer = UserFactory(roles=[Role.OFFICER])

    log_in_to_admin(desktop, trainer.username)
    summary = upload(desktop, INTERNET_2022)
    expect(desktop.get_by_test_id("import-articles")).to_have_text("38")
    screenshot(desktop, "imported")

    summary.get_by_role("link", name="由法规生成课程").click()
    expect(desktop.get_by_test_id("lesson-preview")).to_contain_text("第五章 附则")
    screenshot(desktop, "create-course")
    desktop.get_by_role("button", name="生成课程草稿").click()

    expect(desktop).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(desktop.locator("#id_title")).to_have_value(COURSE)
    screenshot(desktop, "course-editor")

    index = settled(desktop, lambda: CourseIndexPage.objects.get())
    desktop.goto(f"/admin/pages/{index.pk}/")
    row = desktop.locator("tr", has_text=COURSE)
    expect(row).to_contain_text("草稿")
    screenshot(desktop, "explorer-draft")

    # Wagtail's bulk "publish" can include the draft subpages: the course and its lessons.
    row.locator("input[data-bulk-action-checkbox]").check()
    desktop.locator("[data-bulk-action-footer]").get_by_text("发布", exact=True).click()
    include = desktop.locator("#id_include_descendants")
    expect(include).to_be_visible()
    include.check()
    screenshot(desktop, "bulk-publish")
    desktop.get_by_role("button", name="是，发布").click()
    # Wagtail has no Chinese for this message yet: "1 page and 5 child pages have been published".
    expect(desktop.locator(".messages")).to_contain_text(re.compile("5 child pages|5 个子页面"))

    def published():
        course = CoursePage.objects.get()
        return course.live, LessonPage.objects.child_of(course).live().count(), course.url

    live, live_lessons, course_url = settled(desktop, published)
    assert live and live_lessons == 5

    log_in(phone, officer.username)
    phone.goto(course_url)
    expect(phone.get_by_role("heading", name=COURSE)).to_be_visible()
    expect(phone.get_by_text("第三章 经营").first).to_be_visible()
    screenshot(phone, "officer-course")

    phone.goto("/search/")
    phone.get_by_label("法规与课程检索").fill("网吧 营业时间")
    phone.get_by_role("button", name="搜索").click()
    first = phone.get_by_test_id("article-hit").first
    expect(first).to_contain_text("第二十二条")
    expect(first.locator("mark").first).to_be_visible()
    # The lesson citing article 22 is found too, though its title has neither word.
    expect(phone.get_by_test_id("lesson-hit")).to_have_text(["第三章 经营", "第四章 罚则"])
    screenshot(phone, "officer-search")
    first.get_by_role("link").click()
    expect(phone.get_by_test_id("article-title")).to_have_text("第二十二条")
    expect(phone.get_by_test_id("citing-lessons")).to_contain_text("第三章 经营")
    screenshot(phone, "officer-article")

    # The 2024 amendment changes articles 11 and 32, cited by chapters two and four.
    summary = upload(desktop, INTERNET)
    expect(desktop.get_by_test_id("import-amendment")).to_contain_text("已修改 2 条")
    screenshot(desktop, "amendment-imported")
    summary.get_by_test_id("diff-link").click()
    expect(desktop.get_by_test_id("diff-row")).to_have_count(2)
    expect(desktop.locator("#article-11 ins").first).to_be_visible()
    screenshot(desktop, "diff")

    desktop.goto("/admin/regulations/review/")
    groups = desktop.get_by_test_id("review-group")
    expect(groups).to_have_count(2)
    expect(groups.first).to_contain_text("第十一条内容已修改")
    screenshot(desktop, "review-queue")
    groups.first.get_by_role("button", name="已复核").click()
    expect(desktop.get_by_test_id("review-group")).to_have_count(1)
    assert settled(desktop, lambda: ReviewFlag.objects.open().count()) == 1
    screenshot(desktop, "review-resolved")

    # The lesson editor: cited articles are chosen with the library's own search.
    desktop.get_by_test_id("review-edit-link").click()
    chooser = desktop.locator("[data-chooser-url*='/courses/article/']").first
    chooser.get_by_role("button").first.click()  # the chosen article's actions menu
    chooser.get_by_role("button", name=re.compile("选择另一个")).click()
    modal = desktop.locator(".modal-dialog")
    modal.locator("#id_q").fill("未成年人 罚款")
    expect(modal.locator("tbody")).to_contain_text("第三十一条")
    expect(modal.locator("tbody tr")).to_have_count(1)
    screenshot(desktop, "article-chooser")
