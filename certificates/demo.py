"""The load_demo step for certificates: one active template of every kind, and a few
certificates for the demo officers (a course completion, a competition's winners, a model
officer), rendered so they can be downloaded at once."""

from certificates.models import Certificate, CertificateTemplate, Kind, Source
from certificates.placeholders import DEFAULT_BODIES, DEFAULT_TITLES
from people.demo import DemoConfig, StepReport

ISSUER = "市文化市场综合执法局"
COMPETITION = "2026年全市文化市场执法技能竞赛"


def ensure_default_templates() -> list[CertificateTemplate]:
    templates = []
    for kind, label in Kind.choices:
        template = CertificateTemplate.objects.filter(kind=kind).first()
        if template is None:
            template = CertificateTemplate.objects.create(
                kind=kind,
                name=f"{label}（默认）",
                title=DEFAULT_TITLES[kind],
                body=DEFAULT_BODIES[kind],
                issuer=ISSUER,
                orientation="portrait" if kind == Kind.ANNUAL_RECORD else "landscape",
            )
        templates.append(template)
    return templates


def load_demo_certificates(config: DemoConfig) -> StepReport:
    from certificates.services.issue import issue_certificate
    from certificates.services.pdfs import render_missing
    from people.models import Officer

    ensure_default_templates()
    if Certificate.objects.exists():
        return StepReport(title="证书", lines=["演示证书：已存在，未改动"])
    officers = list(Officer.objects.select_related("unit").order_by("pk")[:6])
    awards = ["一等奖", "二等奖", "三等奖"]
    for officer in officers[:3]:
        issue_certificate(
            kind=Kind.COURSE,
            title="行政处罚法精讲",
            officer=officer,
            fields={"course": "行政处罚法精讲", "hours": "12"},
            source_type=Source.MANUAL,
            actor=config.actor,
            render=False,
        )
    for officer, award in zip(officers[3:6], awards, strict=False):
        issue_certificate(
            kind=Kind.AWARD,
            title=COMPETITION,
            officer=officer,
            fields={"competition": COMPETITION, "award": award},
            source_type=Source.COMPETITION,
            source_id=COMPETITION,
            actor=config.actor,
            render=False,
        )
    if officers:
        issue_certificate(
            kind=Kind.MODEL_OFFICER,
            title="执法练兵标兵",
            officer=officers[0],
            actor=config.actor,
            render=False,
        )
    rendered = render_missing()
    return StepReport(
        title="证书",
        lines=[f"演示证书：{rendered} 份（结业、获奖、标兵），模板 {len(Kind.choices)} 个"],
    )
