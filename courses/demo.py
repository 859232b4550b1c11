"""Demo content for courses: the 13 regulations, one published course each, some enriched.

Goes through the same services trainers use: the regulation importer and the
course-from-regulation builder, then Wagtail revisions for enrichment and publishing.
"""

from courses.models import CoursePage, LessonPage, Regulation
from courses.services.regulation_import import import_regulation, regulations_dir
from lianbing.models import HomePage
from people.demo import DemoConfig, StepReport

# Built from the older text before the amendment is imported, so the demo's review queue
# shows what an amendment does to existing lessons.
BUILT_BEFORE_AMENDMENT = "internet-access-service-premises-regulations"

KEY_POINTS = {
    "中华人民共和国行政处罚法": [
        "行政处罚的种类：警告、通报批评；罚款、没收违法所得、没收非法财物；暂扣许可证件、"
        "降低资质等级、吊销许可证件；限制开展生产经营活动、责令停产停业、责令关闭、限制从业；"
        "行政拘留；法律、行政法规规定的其他行政处罚。",
        "违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且有危害"
        "后果的，上述期限延长至五年。",
        "执法人员不得少于两人，并应当主动出示执法证件。",
        "当事人有权进行陈述和申辩；行政机关不得因当事人陈述、申辩而给予更重的处罚。",
    ],
    "互联网上网服务营业场所管理条例": [
        "中学、小学校园周围200米范围内和居民住宅楼（院）内不得设立互联网上网服务营业场所。",
        "不得接纳未成年人进入营业场所，并应当在营业场所入口处的显著位置悬挂未成年人禁入标志。",
        "每日0时至8时，不得向上网消费者提供上网服务。",
        "应当对上网消费者的身份证等有效证件进行核对、登记，并记录有关上网信息。",
    ],
}

CASE_STUDIES = {
    "互联网上网服务营业场所管理条例": {
        "title": "某网吧接纳未成年人案",
        "facts": (
            "<p>执法人员在周末夜间对辖区网吧开展检查，发现某网吧内有3名未成年人上网，"
            "网吧未核对其身份证件，也未在入口处悬挂未成年人禁入标志。</p>"
        ),
        "analysis": (
            "<p>当事人接纳未成年人进入营业场所，违反条例关于不得接纳未成年人的规定，"
            "应依法责令改正、给予警告，可以并处罚款；情节严重的，责令停业整顿直至吊销许可证。"
            "执法中应注意制作现场检查笔录、对未成年人身份进行核实并固定证据。</p>"
        ),
        "basis": "《互联网上网服务营业场所管理条例》第二十一条、第三十一条",
    },
    "中华人民共和国著作权法": {
        "title": "某复印店复制销售盗版教材案",
        "facts": (
            "<p>根据举报，执法人员在某高校周边复印店查获未经许可复制的教材200余册，"
            "现场有复印设备和销售记录。</p>"
        ),
        "analysis": (
            "<p>当事人未经著作权人许可复制、发行其作品，同时损害公共利益，属于著作权法规定的"
            "应当承担行政责任的侵权行为。可责令停止侵权行为，予以警告，没收违法所得，没收、"
            "无害化销毁处理侵权复制品以及主要用于制作侵权复制品的材料、工具、设备等，并处罚款。</p>"
        ),
        "basis": "《中华人民共和国著作权法》第五十三条",
    },
    "中华人民共和国文物保护法": {
        "title": "擅自在文物保护单位保护范围内施工案",
        "facts": "<p>某企业未经批准，在省级文物保护单位的保护范围内开挖地基。</p>",
        "analysis": (
            "<p>在文物保护单位的保护范围内进行建设工程或者爆破、钻探、挖掘等作业，须依法履行"
            "批准手续。执法人员应当责令立即停止施工，调查核实对文物造成的影响，依法处罚。</p>"
        ),
        "basis": "《中华人民共和国文物保护法》相关条款",
    },
}


def _enrich(course: CoursePage) -> int:
    """Adds key points and a case study to the course's first lesson; returns blocks added."""
    title = course.regulation.title if course.regulation else ""
    lesson = LessonPage.objects.child_of(course).order_by("path").first()
    if lesson is None or (title not in KEY_POINTS and title not in CASE_STUDIES):
        return 0
    lesson = lesson.get_latest_revision_as_object()
    added = 0
    if title in KEY_POINTS:
        lesson.body.append(("key_points", {"title": "要点", "points": KEY_POINTS[title]}))
        added += 1
    if title in CASE_STUDIES:
        lesson.body.append(("case_study", CASE_STUDIES[title]))
        added += 1
    lesson.save_revision().publish()
    return added


def _publish_tree(course: CoursePage) -> None:
    for page in [course, *LessonPage.objects.child_of(course).order_by("path")]:
        page.get_latest_revision_as_object().save_revision().publish()


def load_courses(config: DemoConfig) -> StepReport:
    from courses.services.course_builder import (
        create_course_from_regulation,
        get_or_create_course_index,
    )

    folder = regulations_dir()
    index = get_or_create_course_index(home=HomePage.objects.get())
    lines = []
    imported = built = enriched = 0
    current = sorted(folder.glob("*.md"))
    current = [path for path in current if path.name != "SOURCES.md"]
    previous = {path.name.split(".")[0]: path for path in (folder / "previous").glob("*.md")}

    def build(regulation: Regulation) -> None:
        nonlocal built, enriched
        if CoursePage.objects.filter(regulation=regulation).exists():
            return
        course = create_course_from_regulation(
            regulation=regulation, parent=index, actor=config.actor
        )
        _publish_tree(course)
        enriched += _enrich(CoursePage.objects.get(pk=course.pk))
        built += 1

    for path in current:
        stem = path.stem
        if stem in previous:
            summary = import_regulation(
                text=previous[stem].read_text(encoding="utf-8"), source_name=previous[stem].name
            )
            imported += summary.details.get("created", False)
            if stem == BUILT_BEFORE_AMENDMENT:
                build(Regulation.objects.get(title=summary.title))
        summary = import_regulation(text=path.read_text(encoding="utf-8"), source_name=path.name)
        imported += summary.details.get("created", False)
        build(Regulation.objects.get(title=summary.title))
    index.get_latest_revision_as_object().save_revision().publish()
    lines.append(f"法规修订文本：新导入 {imported} 个")
    lines.append(f"课程：新建并发布 {built} 门，充实要点与案例 {enriched} 处")
    return StepReport(title="法规与课程", lines=lines)
