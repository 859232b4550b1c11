"""The officer's annual training record (年度培训档案): a multi-page PDF certificate.

Everything printed is snapshotted into Certificate.data at issue — every approved ledger
entry of the year with totals by kind, completed courses, graded exams and the year's
certificates — so the stored record never changes when the ledger later does; a newer
record is a re-issue.
"""

from datetime import date, datetime
from html import escape

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateTemplate, Kind, Source
from certificates.placeholders import DEFAULT_BODIES, DEFAULT_TITLES, SAMPLE
from certificates.rendering.engine import Renderer, qr_data_uri
from certificates.rendering.layout import paragraphs
from certificates.services.data import hours_text
from certificates.services.issue import issue_certificate
from people.models import HourEntry, OfficerYearHours
from people.models.ledger import KIND_FIELDS, HourKind

RECORD_CSS = """
.record { padding: 16mm 16mm 14mm; }
.record h1 { margin: 0 0 6mm; }
.record h2 { font-size: 12pt; margin: 6mm 0 2mm; border-left: 1.2mm solid var(--accent);
  padding-left: 2mm; }
.record .body p { font-size: 11pt; line-height: 1.7; }
.record table { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
.record th, .record td { border: 0.3mm solid #999; padding: 1.2mm 1.6mm; text-align: left; }
.record th { background: #f3ede0; }
.record td.n { text-align: right; white-space: nowrap; }
.record .foot { margin-top: 8mm; display: flex; justify-content: space-between; }
.record .verify { position: static; }
.record .sign { position: relative; right: auto; bottom: auto; }
.record thead { display: table-header-group; }
.record tr { break-inside: avoid; }
"""


def _year_bounds(year: int):
    start = timezone.make_aware(datetime(year, 1, 1))
    return start, timezone.make_aware(datetime(year + 1, 1, 1))


def exam_day(attempt) -> date:
    """The day an exam counts on: the local date it was handed in (ended_at; graded_at for
    an attempt without one). The rule the ledger dates an exam credit by
    (quizzes.services.grading) and the tallies count exams by: an exam started on
    31 December and handed in after midnight belongs to the new year everywhere."""
    return timezone.localdate(attempt.ended_at or attempt.graded_at)


def exam_attempts(officer, year: int) -> list[tuple[date, object]]:
    """The officer's graded exams of the year with the day each counts on.

    The ledger entry's date is authoritative: the attempt an exam credit was booked for
    is dated by its entry (the first attempt handed in on the entry's date, else the first
    passed one), every other attempt by `exam_day`.
    """
    from quizzes.models import Attempt

    start, end = _year_bounds(year)
    credits = HourEntry.objects.filter(
        officer=officer,
        source_type=HourEntry.Source.QUIZ,
        kind=HourEntry.Kind.EXAM,
        reverses__isnull=True,
    )
    credited_on = {}
    for source_id, day in credits.order_by("date").values_list("source_id", "date"):
        if source_id.isdigit():
            credited_on.setdefault(int(source_id), day)
    in_year = Q(ended_at__gte=start, ended_at__lt=end) | Q(
        ended_at__isnull=True, graded_at__gte=start, graded_at__lt=end
    )
    attempts = (
        Attempt.objects.filter(
            officer=officer, practice=False, state=Attempt.State.GRADED, quiz__isnull=False
        )
        # A credited quiz's sittings of every year: which one was booked decides its year.
        .filter(in_year | Q(quiz_id__in=list(credited_on)))
        .select_related("quiz")
        .order_by("ended_at", "graded_at", "pk")
    )
    by_quiz: dict[int, list] = {}
    for attempt in attempts:
        by_quiz.setdefault(attempt.quiz_id, []).append(attempt)
    dated = []
    for quiz_id, sittings in by_quiz.items():
        booked = credited_on.get(quiz_id)
        credited = None
        if booked is not None:
            credited = next((a for a in sittings if exam_day(a) == booked), None) or next(
                (a for a in sittings if a.passed), sittings[0]
            )
        for attempt in sittings:
            day = booked if attempt is credited else exam_day(attempt)
            if day.year == year:
                dated.append((day, attempt))
    dated.sort(key=lambda pair: (pair[0], pair[1].ended_at or pair[1].graded_at, pair[1].pk))
    return dated


def snapshot(officer, year: int) -> dict:
    from courses.models import Enrollment
    from quizzes.services.grading import release_for

    start, end = _year_bounds(year)
    entries = HourEntry.objects.filter(
        officer=officer, year=year, status=HourEntry.Status.APPROVED
    ).order_by("date", "id")
    totals = OfficerYearHours.objects.filter(officer=officer, year=year).first()
    by_kind = totals.by_kind() if totals else {}
    courses = Enrollment.objects.filter(
        officer=officer, completed_at__gte=start, completed_at__lt=end
    ).select_related("course")
    exams = exam_attempts(officer, year)
    certificates = Certificate.objects.filter(
        officer=officer, issued_at__gte=start, issued_at__lt=end, status=Certificate.Status.VALID
    ).exclude(kind=Kind.ANNUAL_RECORD)
    return {
        "entries": [
            [f"{e.date:%Y-%m-%d}", str(HourKind(e.kind).label), e.title, hours_text(e.hours)]
            for e in entries
        ],
        "totals": [
            [str(HourKind(kind).label), hours_text(by_kind.get(kind, 0))] for kind in KIND_FIELDS
        ],
        "total": hours_text(totals.total if totals else 0),
        "courses": [
            [e.course.title, f"{timezone.localdate(e.completed_at):%Y-%m-%d}"] for e in courses
        ],
        "exams": [
            [
                a.quiz.title,
                f"{day:%Y-%m-%d}",
                # The record shows no score the quiz has not released to the officer.
                hours_text(a.score) if release_for(a).score else "—",
                _("合格") if a.passed else _("不合格"),
            ]
            for day, a in exams
        ],
        "certificates": [[c.serial, c.get_kind_display(), c.title] for c in certificates],
    }


def issue_annual_record(*, officer, year: int, actor) -> Certificate:
    record = snapshot(officer, year)
    existing = Certificate.objects.filter(
        officer=officer,
        kind=Kind.ANNUAL_RECORD,
        source_type=Source.ANNUAL,
        source_id=str(year),
        status=Certificate.Status.VALID,
    ).first()
    if existing is not None:
        from certificates.services.issue import reissue_certificate

        return reissue_certificate(
            certificate_id=existing.pk,
            actor=actor,
            reason=_("更新年度档案"),
            fields={"record": record, "year": str(year)},
        )
    return issue_certificate(
        kind=Kind.ANNUAL_RECORD,
        title=_("%(year)d年度培训档案") % {"year": year},
        officer=officer,
        template=CertificateTemplate.active_for(Kind.ANNUAL_RECORD),
        fields={"record": record, "year": str(year)},
        source_type=Source.ANNUAL,
        source_id=str(year),
        actor=actor,
    )


def _table(headers, rows, numeric=()) -> str:
    if not rows:
        return f'<p class="empty">{escape(_("无"))}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if i in numeric else ''}>{escape(str(v))}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def record_html(layout, data: dict, qr_uri: str) -> str:
    record = data.get("record") or {}
    totals = [*record.get("totals", []), [_("合计"), record.get("total", "0")]]
    sections = [
        (_("学时汇总"), _table([_("类别"), _("学时")], totals, numeric=(1,))),
        (
            _("学时明细"),
            _table([_("日期"), _("类别"), _("内容"), _("学时")], record.get("entries", []), (3,)),
        ),
        (_("完成课程"), _table([_("课程"), _("结业日期")], record.get("courses", []))),
        (
            _("参加考试"),
            _table([_("考试"), _("日期"), _("成绩"), _("结果")], record.get("exams", []), (2,)),
        ),
        (
            _("获得证书"),
            _table([_("证书编号"), _("类型"), _("事项")], record.get("certificates", [])),
        ),
    ]
    body = "".join(f"<h2>{escape(title)}</h2>{table}" for title, table in sections)
    qr = f'<img src="{qr_uri}" alt="">' if qr_uri else ""
    serial = escape(str(data.get("serial", "")))
    return (
        '<section class="record">'
        f"<h1>{escape(layout.title)}</h1>"
        f'<div class="body">{paragraphs(layout.body, data)}</div>{body}'
        f'<div class="foot"><div class="verify">{qr}<div>证书编号：{serial}</div>'
        "<div>扫码验证真伪</div></div>"
        '<div class="sign"><div class="seal"></div><div class="signature"></div>'
        f"<div>{escape(layout.issuer)}</div><div>{escape(str(data.get('date', '')))}</div>"
        "</div></div></section>"
    )


def _render(layout, data: dict, verify_url: str) -> bytes:
    from certificates.rendering.engine import _wrap

    # A record runs over several pages: the page box is the page, not a fixed-size section.
    html = _wrap([record_html(layout, data, qr_data_uri(verify_url))])
    characters = set(layout.text()) | set(html)
    extra = RECORD_CSS.replace("var(--accent)", layout.accent_color)
    renderer = Renderer(layout, characters, extra_css=extra + "@page { margin: 0 0 10mm; }")
    return renderer.render_html(html)


def render_annual_record(certificate: Certificate) -> bytes:
    from certificates.services.pdfs import layout_for, verify_url

    layout = layout_for(certificate.template, kind=Kind.ANNUAL_RECORD)
    return _render(_portrait(layout), certificate.data, verify_url(certificate.verify_code))


def _portrait(layout):
    from dataclasses import replace

    return replace(layout, orientation="portrait", page_size="A4")


def sample_annual_record(template) -> bytes:
    from certificates.services.pdfs import layout_for, public_base_url

    data = dict(SAMPLE)
    data["record"] = {
        "entries": [["2026-03-05", "网络课程", SAMPLE["course"], "12"]],
        "totals": [[str(HourKind(k).label), "0"] for k in KIND_FIELDS],
        "total": "12",
        "courses": [[SAMPLE["course"], "2026-03-05"]],
        "exams": [[SAMPLE["exam"], "2026-04-01", "92", "合格"]],
        "certificates": [[SAMPLE["serial"], "结业证书", SAMPLE["course"]]],
    }
    layout = _portrait(layout_for(template))
    return _render(layout, data, public_base_url() + "/certificates/verify/SAMPLE/")


__all__ = ["DEFAULT_BODIES", "DEFAULT_TITLES", "issue_annual_record", "render_annual_record"]
