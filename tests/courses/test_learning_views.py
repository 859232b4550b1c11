"""Learning views: one's own rows only, HR scope, and lessons showing the law as in force."""

import json
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment, LessonProgress, StudyNote
from courses.services import learning
from tests.courses.course_factory import build_course, import_tiny_regulation
from tests.factories import OfficerFactory, UserFactory, make_hr

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def built(db):
    return build_course(lessons=3)


@pytest.fixture
def alice(city, built):
    officer = OfficerFactory(unit=city["east_squad"], name="甲学员")
    learning.enroll(officer=officer, course=built.course)
    return officer


@pytest.fixture
def bob(city):
    return OfficerFactory(unit=city["east_squad"], name="乙学员")


def urls(built):
    lesson = built.lessons[0].pk
    return {
        "panel": reverse("courses:lesson_panel", args=[lesson]),
        "heartbeat": reverse("courses:heartbeat", args=[lesson]),
        "done": reverse("courses:lesson_done", args=[lesson]),
        "note": reverse("courses:note", args=[lesson]),
        "enroll": reverse("courses:enroll", args=[built.course.pk]),
    }


def test_anonymous_users_are_sent_to_log_in(client, built):
    for url in [*urls(built).values(), reverse("courses:my"), reverse("courses:assign")]:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 405), url
            if response.status_code == 302:
                assert response.url.startswith("/accounts/login/"), url
    assert client.get(built.lessons[0].url).url.startswith("/accounts/login/")
    assert client.get(built.course.url).url.startswith("/accounts/login/")


def test_state_changes_are_post_only(client, alice, built):
    client.force_login(alice.user)
    for name in ("heartbeat", "done", "enroll"):
        assert client.get(urls(built)[name]).status_code == 405
    assert client.post(urls(built)["panel"]).status_code == 405


def panel(client, lesson) -> str:
    """What the lesson page fetches once loaded: the reader's own progress, note, prompt."""
    response = client.get(reverse("courses:lesson_panel", args=[lesson.pk]), **HTMX)
    assert response.status_code == 200
    return response.text


def test_an_officer_cannot_touch_a_lesson_of_a_course_they_are_not_in(client, alice, bob, built):
    client.force_login(alice.user)
    panel(client, built.lessons[0])
    learning.save_note(officer=alice, lesson=built.lessons[0], text="甲的私人笔记")
    learning.mark_lesson_done(officer=alice, lesson=built.lessons[0])
    before = list(LessonProgress.objects.values_list("officer_id", "seconds", "done_at"))

    client.force_login(bob.user)
    links = urls(built)
    assert client.post(links["heartbeat"], {"seconds": 9999}).status_code == 404
    assert client.post(links["done"]).status_code == 404
    assert client.get(links["note"]).status_code == 404
    assert client.post(links["note"], {"text": "乙想改", "officer": alice.pk}).status_code == 404

    assert list(LessonProgress.objects.values_list("officer_id", "seconds", "done_at")) == before
    assert StudyNote.objects.get().text == "甲的私人笔记"
    own = panel(client, built.lessons[0])
    assert "甲的私人笔记" not in own and "报名后才能记录学习进度" in own
    assert "甲的私人笔记" not in client.get(built.lessons[0].url).text
    assert not LessonProgress.objects.filter(officer=bob).exists()


def test_notes_and_progress_shown_are_always_ones_own(client, alice, bob, built):
    lesson = built.lessons[0]
    learning.enroll(officer=bob, course=built.course)
    learning.save_note(officer=alice, lesson=lesson, text="甲的私人笔记")
    for item in built.lessons:
        learning.mark_lesson_done(officer=alice, lesson=item)

    client.force_login(bob.user)
    note_url = urls(built)["note"]
    assert "甲的私人笔记" not in client.get(note_url).text
    # Whatever officer the request names, the note saved is the requester's.
    response = client.post(note_url, {"text": "乙的笔记", "officer": alice.pk}, **HTMX)
    assert "已保存" in response.text and "本课 4 字" in response.text
    assert StudyNote.objects.get(officer=alice).text == "甲的私人笔记"
    assert StudyNote.objects.get(officer=bob).text == "乙的笔记"

    own = panel(client, lesson)
    assert "乙的笔记" in own and "甲的私人笔记" not in own
    course_page = client.get(built.course.url).text
    assert "0/3 课时" in course_page and "已结业" not in course_page
    assert "0/3 课时" in client.get(reverse("courses:my")).text

    client.post(urls(built)["done"])
    assert LessonProgress.objects.get(officer=bob, lesson=lesson).done_at
    assert Enrollment.objects.get(officer=alice).completed_at  # untouched, still complete


def test_staff_without_an_officer_profile_get_404_not_an_error(client, built):
    client.force_login(UserFactory(roles=["教员"]))
    for name, url in urls(built).items():
        if name != "panel":
            assert client.post(url).status_code == 404
    assert client.get(reverse("courses:my")).status_code == 404
    assert client.get(built.lessons[0].url).status_code == 200
    assert "lesson-bar" in panel(client, built.lessons[0])  # neighbours, no progress


def test_enrolling_leads_to_the_first_lesson(client, bob, built):
    client.force_login(bob.user)
    response = client.post(urls(built)["enroll"])
    assert response.status_code == 302 and response.url == built.lessons[0].url
    assert Enrollment.objects.get(officer=bob).source == "self"

    closed = build_course(self_enrollment=False)
    response = client.post(reverse("courses:enroll", args=[closed.course.pk]), follow=True)
    assert "不接受自行报名" in response.text
    assert not Enrollment.objects.filter(course=closed.course).exists()


def test_heartbeat_answers_204_and_ignores_any_duration_sent(client, alice, built):
    client.force_login(alice.user)
    panel(client, built.lessons[0])
    response = client.post(urls(built)["heartbeat"], {"seconds": 3600, "duration": 3600})
    assert response.status_code == 204
    assert LessonProgress.objects.get(officer=alice).seconds <= 60


def test_done_returns_the_bar_to_htmx_and_redirects_otherwise(client, alice, built):
    client.force_login(alice.user)
    first, second, third = built.lessons
    fragment = client.post(urls(built)["done"], **HTMX)
    assert fragment.status_code == 200
    assert 'id="lesson-bar"' in fragment.text and "1/3 课时" in fragment.text
    assert "<html" not in fragment.text

    response = client.post(reverse("courses:lesson_done", args=[second.pk]))
    assert response.url == third.url
    response = client.post(reverse("courses:lesson_done", args=[third.pk]))
    assert response.url == built.course.url
    page = client.get(built.course.url).text
    assert "已结业" in page and f"{timezone.localdate():%Y-%m-%d} 结业" in page


def test_a_too_long_note_is_refused_but_kept_in_the_form(client, alice, built):
    client.force_login(alice.user)
    text = "字" * (learning.MAX_NOTE_CHARS + 1)
    response = client.post(urls(built)["note"], {"text": text}, **HTMX)
    assert "笔记过长" in response.text and text in response.text
    assert not StudyNote.objects.exists()


# --- HR assignment page ------------------------------------------------------------------


def test_assign_page_is_for_hr_only_and_limited_to_their_units(client, city, built):
    officer = OfficerFactory(unit=city["east_squad"])
    OfficerFactory(unit=city["west"])
    client.force_login(officer.user)
    assert client.get(reverse("courses:assign")).status_code == 403

    client.force_login(make_hr(city["east"]))
    page = client.get(reverse("courses:assign")).text
    assert "东区一中队" in page and "西区文化执法局" not in page

    refused = client.post(
        reverse("courses:assign"), {"course": built.course.pk, "units": [city["west"].pk]}
    )
    assert refused.status_code == 200 and not Enrollment.objects.exists()

    response = client.post(
        reverse("courses:assign"),
        {"course": built.course.pk, "units": [city["east"].pk]},
        follow=True,
    )
    assert "已为 1 名学员指派《文化市场管理条例精讲》" in response.text
    assert list(Enrollment.objects.values_list("officer_id", flat=True)) == [officer.pk]


# --- articles as in force ----------------------------------------------------------------


def test_a_lesson_shows_the_current_text_of_a_renumbered_article(client, alice, city):
    old = import_tiny_regulation()
    cited = build_course(cited=[old["第二条"], old["第三条"], old["第四条"]])
    import_tiny_regulation(amended=True)  # 第二条 → 第三条, 第三条 → 第四条, 第四条 removed
    learning.enroll(officer=alice, course=cited.course)
    client.force_login(alice.user)

    page = client.get(cited.lessons[0].url).text

    assert "第三条</strong>" in page and "（原第二条）" in page
    assert "第四条</strong>" in page and "（原第三条）" in page
    assert "（二）接纳未成年人进入互联网上网服务营业场所；" in page
    assert "《测试市文化市场管理条例》" in page
    assert "该条已在现行文本中删除" in page
    assert "第一条" not in page  # only what the lesson cites


def body_citing(articles, blocks: int) -> str:
    def block(article):
        item = {"type": "item", "value": article.pk, "id": str(uuid.uuid4())}
        value = {"heading": "条文", "articles": [item]}
        return {"type": "articles", "value": value, "id": str(uuid.uuid4())}

    return json.dumps([block(articles[i % len(articles)]) for i in range(blocks)])


def test_a_lesson_with_thirty_article_blocks_renders_in_a_bounded_number_of_queries(
    client, alice, django_assert_max_num_queries
):
    old = list(import_tiny_regulation().values())
    import_tiny_regulation(amended=True)
    few = build_course(lessons=1, bodies=[body_citing(old, 3)])
    many = build_course(lessons=1, bodies=[body_citing(old, 30)])
    for built in (few, many):
        learning.enroll(officer=alice, course=built.course)
    client.force_login(alice.user)
    client.get(few.lessons[0].url)  # warm caches (site root paths, content types)

    with CaptureQueriesContext(connection) as small:
        client.get(few.lessons[0].url)
    with django_assert_max_num_queries(40):
        response = client.get(many.lessons[0].url)
    assert response.text.count('data-testid="article"') == 24  # 30 blocks, 1 in 5 removed
    with CaptureQueriesContext(connection) as large:
        client.get(many.lessons[0].url)
    assert len(large) <= len(small) + 2


def test_video_and_document_blocks_render_for_phones(client, alice, settings, tmp_path):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    settings.MEDIA_ROOT = tmp_path
    video = Document.objects.create(
        title="检查示范", file=ContentFile(b"\0" * 10, name="demo.mp4"), file_size=10
    )
    form = Document.objects.create(
        title="现场检查笔录范本", file=ContentFile(b"x" * 2048, name="form.pdf"), file_size=2048
    )
    body = json.dumps(
        [
            {"type": "video", "value": {"title": "现场检查示范", "file": video.pk, "caption": ""}},
            {"type": "document", "value": {"document": form.pk, "description": "打印使用"}},
        ]
    )
    built = build_course(lessons=1, bodies=[body])
    client.force_login(alice.user)

    page = client.get(built.lessons[0].url).text

    assert '<video class="w-100 rounded bg-dark" controls preload="metadata" playsinline' in page
    assert f'src="{video.url}"' in page
    assert f'href="{form.url}" download' in page
    import re

    print(re.search(r"lb-doc.*?</a>", page, re.S)[0])
    assert "现场检查笔录范本" in page and "（2.0\xa0KB）" in page


def test_reloading_a_lesson_reads_without_writing(client, alice, built):
    client.force_login(alice.user)
    lesson = built.lessons[1]
    panel(client, lesson)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(lesson.url)
        own = panel(client, lesson)
    assert page.status_code == 200
    sql = [query["sql"].upper() for query in queries.captured_queries]
    assert not [s for s in sql if s.startswith(("UPDATE", "INSERT", "SAVEPOINT"))], sql
    assert Enrollment.objects.get(officer=alice).last_lesson_id == lesson.pk
    assert built.course.title in page.text and "0/3 课时" in own


def test_opening_a_lesson_is_recorded_by_its_panel_not_by_the_page(client, alice, built):
    client.force_login(alice.user)
    lesson = built.lessons[2]
    client.get(lesson.url)
    assert not LessonProgress.objects.exists()  # a prefetch or a crawler opens nothing

    panel(client, lesson)

    progress = LessonProgress.objects.get(officer=alice)
    assert progress.lesson_id == lesson.pk and progress.opened_at
    assert Enrollment.objects.get(officer=alice).last_lesson_id == lesson.pk


def test_the_lesson_page_is_the_same_for_every_reader(client, alice, bob, built):
    lesson = built.lessons[0]
    learning.save_note(officer=alice, lesson=lesson, text="甲的私人笔记")
    learning.mark_lesson_done(officer=alice, lesson=lesson)

    def page_of(officer) -> str:
        client.force_login(officer.user)
        text = client.get(lesson.url).text
        # Only the navigation's name and the CSRF token are the reader's.
        text = text.replace(officer.user.get_full_name() or officer.user.username, "NAME")
        return re.sub(r'"[A-Za-z0-9]{64}"', '"TOKEN"', text)

    seen_by_alice, seen_by_bob = page_of(alice), page_of(bob)
    assert seen_by_alice == seen_by_bob
    assert "甲的私人笔记" not in seen_by_alice and "已完成" not in seen_by_alice
    assert reverse("courses:lesson_panel", args=[lesson.pk]) in seen_by_alice
    client.force_login(alice.user)
    own = panel(client, lesson)
    assert "甲的私人笔记" in own and "已完成" in own and "1/3 课时" in own


def test_the_panel_of_a_private_or_unpublished_lesson_is_not_found(client, alice, built):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    client.force_login(alice.user)
    lesson = built.lessons[0]
    assert client.get(urls(built)["panel"]).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=built.course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="专项组")])
    for name in ("panel", "note"):
        assert client.get(urls(built)[name]).status_code == 404
    assert client.post(urls(built)["done"]).status_code == 404
    assert not LessonProgress.objects.filter(done_at__isnull=False).exists()

    restriction.delete()
    lesson.unpublish()
    assert client.get(urls(built)["panel"]).status_code == 404


def test_lessons_route_to_their_pages(client, alice, built):
    client.force_login(alice.user)
    for lesson in built.lessons:
        assert client.get(lesson.url).context["page"] == lesson
    assert client.get(built.course.url + "no-such-lesson/").status_code == 404
