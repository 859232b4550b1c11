import datetime

from wagtail.models import Site

from lianbing.models import HomePage


def test_home_page_is_the_sites_root_and_speaks_chinese(client, db):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text
    assert "通知公告" in response.text
    assert "工号登录" in response.text


def test_announcements_edited_in_wagtail_appear_on_the_home_page(client, db):
    home = HomePage.objects.get()
    home.announcements = [
        (
            "announcement",
            {
                "title": "关于开展2026年度全市文化市场执法人员轮训的通知",
                "date": datetime.date(2026, 3, 2),
                "body": "<p>第一期培训班将于3月中旬开班。</p>",
                "important": True,
            },
        )
    ]
    home.save_revision().publish()
    page = client.get("/").text
    assert "关于开展2026年度全市文化市场执法人员轮训的通知" in page
    assert "第一期培训班将于3月中旬开班" in page
    assert "2026-03-02" in page


def test_english_can_be_chosen_instead_of_chinese(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/accounts/login/")
    assert '<html lang="en">' in response.text


def test_english_interface_is_translated_not_just_relabelled(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/accounts/login/").text
    assert "Employee No." in page
    assert "工号" not in page
