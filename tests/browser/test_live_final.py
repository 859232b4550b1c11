"""A live final as it is held: the host console, two team phones and the projector at once.

The pages are served by a real uvicorn process (WebSockets need ASGI; pytest-django's live
server is WSGI), on the database that `FinalSite` builds.
"""

import contextlib
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.login import log_in
from tests.quizzes.finals.live_site import PASSWORD, FinalSite


@pytest.fixture
def stage(tmp_path):
    site = FinalSite(tmp_path, teams=3, members=2)
    try:
        site.set_up()
        yield site, site.start_server()
    finally:
        site.tear_down()


# The browser suite restores pytest-django's seeded test database around each test; this one
# does not use that database, but the fixture needs it set up.
pytestmark = pytest.mark.django_db(transaction=True)


def test_host_runs_a_buzzer_question_with_two_phones_and_the_scoreboard(
    chromium, stage, screenshot
):
    site, base = stage
    final, teams = site.final_id, site.info["teams"]
    errors = []
    with contextlib.ExitStack() as stack:

        def context(**options):
            ctx = chromium.new_context(base_url=base, locale="zh-CN", **options)
            stack.callback(ctx.close)
            page = ctx.new_page()
            page.set_default_timeout(15_000)
            page.on("pageerror", lambda error: errors.append(error))
            return page

        host = context(viewport={"width": 1366, "height": 900})
        first = context(**{k: v for k, v in PHONE.items() if k != "locale"})
        second = context(**{k: v for k, v in PHONE.items() if k != "locale"})
        projector = context(viewport={"width": 1600, "height": 900})

        log_in(host, site.info["host"], PASSWORD)
        host.goto(f"/finals/{final}/host/")
        log_in(first, teams[0]["members"][0], PASSWORD)
        first.goto(f"/finals/{final}/team/")
        log_in(second, teams[1]["members"][0], PASSWORD)
        second.goto(f"/finals/{final}/team/")
        projector.goto(f"/finals/screen/{site.info['screen_token']}/")
        for page in (host, first, second, projector):
            expect(page.locator("[data-live-status]")).to_have_attribute("data-connected", "1")
        expect(first.get_by_test_id("team-message")).to_have_text("等待比赛开始")

        # The buzzer round: the question reaches both phones and the projector.
        # A double click acts once: the buttons are off until the new state's panel arrives.
        posts = []
        host.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        host.get_by_role("button", name=re.compile("进入：抢答题")).dblclick()
        expect(host.get_by_test_id("host-round")).to_have_text("抢答题")
        expect(host.get_by_test_id("host-panel")).to_have_attribute("data-version", "1")
        assert len(posts) == 1, posts
        host.get_by_test_id("show-question").first.click()
        stem = host.get_by_test_id("host-stem")
        expect(stem).to_contain_text("网吧每日营业时间")
        expect(host.get_by_test_id("host-answer")).to_have_text("A")
        for page, testid in (
            (first, "team-stem"),
            (second, "team-stem"),
            (projector, "screen-stem"),
        ):
            expect(page.get_by_test_id(testid)).to_contain_text("网吧每日营业时间")
        expect(projector.get_by_test_id("screen-answer")).to_be_hidden()
        expect(first.get_by_test_id("team-message")).to_contain_text("抢答尚未开放")
        screenshot(first, "phone-question-shown")

        host.get_by_test_id("act-open_buzzers").click()
        expect(second.get_by_test_id("team-message")).to_have_text("抢答开始！")
        second.get_by_test_id("buzz").click()
        expect(second.get_by_test_id("buzz-result")).to_have_text("本队第 1 个抢答")
        expect(second.get_by_test_id("team-message")).to_have_text("请本队作答")
        expect(first.get_by_test_id("team-message")).to_have_text("第2队 作答中")
        expect(host.get_by_test_id("host-answering")).to_have_text("第2队")
        expect(projector.get_by_test_id("screen-message")).to_have_text("第2队 作答中")
        screenshot(second, "phone-answering")
        screenshot(host, "host-answering")

        host.get_by_test_id("judge-right").click()
        expect(projector.get_by_test_id("screen-answer")).to_contain_text(
            "8时至24时" if False else "A"
        )
        leader = projector.get_by_test_id("screen-scores").locator(".lb-score-row").first
        expect(leader).to_contain_text("第2队")
        expect(leader.get_by_test_id("score")).to_have_text("110")
        expect(first.get_by_test_id("team-message")).to_have_text("第2队 答对 10")
        screenshot(projector, "scoreboard-after-right-answer")

        # An early buzz on the next question costs the penalty and voids it; undo restores it.
        host.get_by_test_id("show-question").first.click()
        expect(first.get_by_test_id("team-message")).to_contain_text("抢答尚未开放")
        first.get_by_test_id("buzz").click()
        expect(projector.get_by_test_id("screen-message")).to_have_text(
            "第1队 提前抢答犯规，本题作废"
        )
        row = projector.locator(f".lb-score-row[data-team-id='{teams[0]['id']}']")
        expect(row.get_by_test_id("score")).to_have_text("90")
        screenshot(projector, "scoreboard-early-buzz")
        host.once("dialog", lambda dialog: dialog.accept())
        host.get_by_test_id("undo").click()
        expect(row.get_by_test_id("score")).to_have_text("100")
        expect(host.get_by_test_id("host-log").locator("li").first).to_have_class(
            re.compile("text-decoration-line-through")
        )

        # A phone that reloads (or reconnects) shows the present at once.
        first.reload()
        expect(first.get_by_test_id("team-message")).to_contain_text("抢答尚未开放")
        screenshot(host, "host-after-undo")

        # Nobody answers it; the risk round follows, in the order of the ranking (第2队 leads).
        host.get_by_test_id("act-reveal").click()
        # The panel reloads after each action: click the next button only once it has.
        expect(host.get_by_test_id("host-phase")).to_have_text("已公布答案")
        host.get_by_role("button", name=re.compile("进入：风险题")).click()
        expect(host.get_by_test_id("host-risk-turn")).to_contain_text("轮到 第2队")
        expect(second.get_by_test_id("risk-pick")).to_be_visible()
        expect(first.get_by_test_id("risk-pick")).to_be_hidden()
        expect(first.get_by_test_id("team-message")).to_have_text("等待 第2队 选择风险分值")
        screenshot(second, "phone-risk-pick")
        second.get_by_test_id("risk-pick").get_by_role("button", name="20 分").click()
        expect(second.get_by_test_id("risk-picked")).to_have_text("本队风险分值：20")
        # The pick reloads the host's panel too: a click during the reload would be lost.
        picked = second.locator("#live-root").get_attribute("data-version")
        expect(host.get_by_test_id("host-panel")).to_have_attribute("data-version", picked)
        host.get_by_test_id("show-question").first.click()
        expect(second.get_by_test_id("team-message")).to_have_text("请本队作答")
        host.get_by_test_id("judge-wrong").click()
        leader_row = projector.locator(f".lb-score-row[data-team-id='{teams[1]['id']}']")
        expect(leader_row.get_by_test_id("score")).to_have_text("90")
        expect(host.get_by_test_id("host-risk-turn")).to_contain_text("轮到 第1队")
        screenshot(projector, "scoreboard-after-risk")

        # The host ends the final; the standings page ranks the teams, and phones are told.
        host.once("dialog", lambda dialog: dialog.accept())
        host.get_by_test_id("finish").click()
        expect(first.get_by_test_id("team-message")).to_have_text("比赛结束")
        host.get_by_role("link", name="最终排名").click()
        rows = host.get_by_test_id("standings").locator("tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(2)).to_contain_text("第2队")
        screenshot(host, "standings")
        first.goto("/finals/")
        expect(first.get_by_test_id("final-row")).to_contain_text("已结束")
        expect(first.get_by_role("link", name=re.compile("进入答题器"))).to_be_visible()
    assert errors == []
