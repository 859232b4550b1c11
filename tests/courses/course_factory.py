"""Build published courses for tests: a tiny synthetic regulation, lessons citing it.

    articles = import_tiny_regulation()            # {"第三条": Article, ...}
    course, lessons = build_course(lessons=3, cited=[articles["第三条"]])

Other apps' tests (quizzes, certificates) reuse these helpers.
"""

import itertools
import json
import uuid
from dataclasses import dataclass

from courses.models import Article, CourseIndexPage, CoursePage, LessonPage
from courses.services.regulation_import import import_regulation
from lianbing.models import HomePage

TINY_TITLE = "测试市文化市场管理条例"

# 2020 text: five articles; 第四条 is dropped in 2024 and a new 第二条 is inserted, so the
# old 第二条/第三条 become 第三条/第四条.
TINY_2020 = """# 测试市文化市场管理条例

2020年1月1日 测试市人民代表大会常务委员会公告第1号公布

<!-- INFO END -->

## 第一章　总 则

第一条 为了加强文化市场管理，维护文化市场经营秩序，根据有关法律、法规，制定本条例。

第二条 文化市场综合执法部门负责本行政区域内文化市场的监督检查和行政处罚工作。

第三条 文化市场经营者不得有下列行为：
（一）未经许可从事营业性演出；
（二）接纳未成年人进入互联网上网服务营业场所；
（三）经营含有禁止内容的音像制品。

## 第二章　附 则

第四条 鼓励公民举报违法经营行为，对查证属实的举报给予奖励，奖励办法另行制定公布。

第五条 本条例自2020年3月1日起施行。
"""

TINY_2024 = """# 测试市文化市场管理条例

2020年1月1日 测试市人民代表大会常务委员会公告第1号公布
2024年6月1日 测试市人民代表大会常务委员会第一次修订

<!-- INFO END -->

## 第一章　总 则

第一条 为了加强文化市场管理，维护文化市场经营秩序，根据有关法律、法规，制定本条例。

第二条 市人民政府应当将文化市场管理工作纳入国民经济和社会发展规划，所需经费列入财政预算。

第三条 文化市场综合执法部门负责本行政区域内文化市场的监督检查和行政处罚工作。

第四条 文化市场经营者不得有下列行为：
（一）未经许可从事营业性演出；
（二）接纳未成年人进入互联网上网服务营业场所；
（三）经营含有禁止内容的音像制品。

## 第二章　附 则

第五条 本条例自2024年8月1日起施行。
"""

_slugs = itertools.count(1)


def import_tiny_regulation(*, amended: bool = False) -> dict[str, Article]:
    """Import the 2020 text (and, if amended, the 2024 one); the articles of the text just
    imported, keyed by display (第三条…)."""
    import_regulation(text=TINY_2020, source_name="tiny-2020.md")
    text = TINY_2024 if amended else TINY_2020
    summary = import_regulation(text=text, source_name="tiny.md")
    articles = Article.objects.filter(revision_id=summary.details["revision_id"])
    return {article.display: article for article in articles.select_related("revision")}


def _refresh(page):
    # treebeard keeps numchild on the instance: a stale parent would reuse a child's path.
    return type(page).objects.get(pk=page.pk)


def course_index() -> CourseIndexPage:
    """The site's 课程中心, created under the home page on first use."""
    index = CourseIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.get()
        index = home.add_child(instance=CourseIndexPage(title="课程中心", slug="courses"))
        index.save_revision().publish()
    return _refresh(index)


def lesson_body(cited=(), *, number: int = 1, case_study: bool = True) -> str:
    """A lesson body with rich text, an articles block, key points and a case study."""

    def block(kind, value):
        return {"type": kind, "value": value, "id": str(uuid.uuid4())}

    body = [
        block(
            "text",
            f"<p>第{number}课导读：执法人员应当熟悉条文的适用条件，做到依法行政、规范执法。</p>",
        )
    ]
    if cited:
        body.append(
            block(
                "articles",
                {
                    "heading": "相关条文",
                    "articles": [
                        {"type": "item", "value": article.pk, "id": str(uuid.uuid4())}
                        for article in cited
                    ],
                },
            )
        )
    body.append(
        block(
            "key_points",
            {
                "title": "要点",
                "points": [
                    {"type": "item", "value": text, "id": str(uuid.uuid4())}
                    for text in ("检查时应当出示执法证件。", "现场检查应当制作笔录。")
                ],
            },
        )
    )
    if case_study:
        body.append(
            block(
                "case_study",
                {
                    "title": "某网吧接纳未成年人案",
                    "facts": "<p>执法人员夜间检查时发现某网吧内有三名未成年人上网。</p>",
                    "analysis": "<p>当事人的行为违反了有关规定，依法责令改正并给予警告。</p>",
                    "basis": "《互联网上网服务营业场所管理条例》第二十一条",
                },
            )
        )
    return json.dumps(body, ensure_ascii=False)


@dataclass
class BuiltCourse:
    course: CoursePage
    lessons: list[LessonPage]

    def __iter__(self):  # course, lessons = build_course(...)
        return iter((self.course, self.lessons))


def build_course(
    *,
    title: str = "文化市场管理条例精讲",
    lessons: int = 3,
    cited=(),
    bodies=None,
    domains=(),
    **fields,
) -> BuiltCourse:
    """A published course with `lessons` published lessons under the 课程中心.

    `cited` articles go into every lesson's articles block unless `bodies` (one raw JSON
    StreamField body per lesson) is given. Other keyword arguments are CoursePage fields
    (completion_rule, completion_percent, min_study_minutes, self_enrollment…).
    """
    index = course_index()
    n = next(_slugs)
    fields.setdefault("summary", "<p>结合执法实践逐条讲解，适合一线执法人员学习。</p>")
    course = index.add_child(instance=CoursePage(title=title, slug=f"course-{n}", **fields))
    if domains:
        course.domains.set(domains)
    course.save_revision().publish()
    course = _refresh(course)
    pages = []
    for i in range(lessons):
        body = bodies[i] if bodies else lesson_body(cited, number=i + 1)
        lesson = _refresh(course).add_child(
            instance=LessonPage(
                title=f"第{i + 1}讲 课时{i + 1}",
                slug=f"course-{n}-lesson-{i + 1}",
                summary=f"第{i + 1}课的学习提要。",
                estimated_minutes=15,
                body=body,
            )
        )
        lesson.save_revision().publish()
        pages.append(_refresh(lesson))
    return BuiltCourse(_refresh(course), pages)
