"""Demo content for the portal: the announcements a service would really post."""

import datetime

from lianbing.models import HomePage
from people.demo import DemoConfig, StepReport

ANNOUNCEMENTS = [
    {
        "title": "关于开展2026年文化市场综合执法“能力提升年”活动的通知",
        "date": datetime.date(2026, 1, 12),
        "body": (
            "<p>全年分动员部署（1月至4月）、推进实施（5月至11月）、总结表彰（12月）三个阶段。"
            "各区（市）执法局、市局各处室（支队）要制定活动方案，落实分期分批轮训。</p>"
        ),
        "important": True,
    },
    {
        "title": "第一期全市文化行政执法人员法律法规集中培训班报名",
        "date": datetime.date(2026, 3, 2),
        "body": (
            "<p>培训内容以《行政处罚法》《著作权法》《文物保护法》为重点，请各单位按名额报名。</p>"
        ),
        "important": False,
    },
    {
        "title": "全市文化市场法律法规知识竞赛初赛安排",
        "date": datetime.date(2026, 9, 8),
        "body": "<p>初赛在线上进行，各单位参赛率计入单位排名。决赛定于10月下旬举行。</p>",
        "important": False,
    },
]


def load_announcements(config: DemoConfig) -> StepReport:
    """Publishes the demo announcements on the home page, once."""
    home = HomePage.objects.get()
    if len(home.announcements) == 0:
        home.announcements = [("announcement", item) for item in ANNOUNCEMENTS]
        home.save_revision().publish()
        line = f"首页通知公告：新增 {len(ANNOUNCEMENTS)} 条"
    else:
        line = "首页通知公告：已有内容，未改动"
    return StepReport(title="门户首页", lines=[line])
