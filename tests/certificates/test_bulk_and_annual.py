"""Bulk issue on the task worker with progress; the annual training record."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from certificates.models import BulkIssueJob, Certificate
from certificates.services.bulk import run_bulk_issue, start_bulk_issue
from tests.certificates.conftest import make_template
from tests.certificates.pdf_tools import page_count, pdf_text
from tests.factories import PASSWORD, OfficerFactory


def test_bulk_issue_from_the_page_queues_a_job_and_runs_it(
    client, city, city_hr, django_capture_on_commit_callbacks
):
    template = make_template("award")
    winners = [OfficerFactory(unit=city["east_squad"], name=n) for n in ("周喆", "吴堃", "郑燚")]
    client.login(username=city_hr.username, password=PASSWORD)
    lines = "\n".join(
        f"{o.employee_number} {award}"
        for o, award in zip(winners, ["一等奖", "二等奖", "三等奖"], strict=True)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("certificates:bulk"),
            {
                "template": template.pk,
                "title": "全市执法技能竞赛",
                "mode": "winners",
                "lines": lines,
                "competition": "2026年全市执法技能竞赛",
            },
        )
    job = BulkIssueJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/bulk/{job.pk}/")
    assert len(callbacks) == 1 and job.state == "queued"
    progress = client.get(reverse("certificates:job_progress", args=[job.pk])).content.decode()
    assert 'data-state="queued"' in progress and "hx-get" in progress

    assert run_bulk_issue(job.pk) == "done"
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    certificates = Certificate.objects.filter(source_type="competition").order_by("serial")
    assert [c.data["award"] for c in certificates] == ["一等奖", "二等奖", "三等奖"]
    for certificate, winner in zip(certificates, winners, strict=True):
        text = pdf_text(certificate.pdf.read())
        assert winner.name in text and certificate.data["award"] in text
        assert "2026年全市执法技能竞赛" in text
    progress = client.get(reverse("certificates:job_progress", args=[job.pk])).content.decode()
    assert 'data-state="done"' in progress and "hx-get" not in progress

    # The same competition again: everyone already holds theirs.
    again = start_bulk_issue(
        template=template,
        recipients=[{"officer_id": w.pk} for w in winners],
        title="全市执法技能竞赛",
        actor=city_hr,
        source_type="competition",
        source_id="2026年全市执法技能竞赛",
    )
    run_bulk_issue(again.pk)
    again.refresh_from_db()
    assert (again.total, again.skipped) == (0, 3)


def test_bulk_issue_for_a_unit_stays_in_scope(client, city, east_hr):
    template = make_template("model_officer")
    inside = [OfficerFactory(unit=city["east_squad"]) for _ in range(3)]
    OfficerFactory(unit=city["west"])
    client.login(username=east_hr.username, password=PASSWORD)
    client.post(
        reverse("certificates:bulk"),
        {"template": template.pk, "title": "执法练兵标兵", "mode": "unit", "unit": city["east"].pk},
    )
    run_bulk_issue(BulkIssueJob.objects.get().pk)
    assert set(Certificate.objects.values_list("officer_id", flat=True)) == {o.pk for o in inside}
    # A unit outside the HR's scope is not offered.
    response = client.post(
        reverse("certificates:bulk"),
        {"template": template.pk, "title": "x", "mode": "unit", "unit": city["west"].pk},
    )
    assert response.status_code == 200 and BulkIssueJob.objects.count() == 1


def test_bulk_serials_are_consecutive_and_unique(city, city_hr):
    template = make_template("course")
    officers = [OfficerFactory(unit=city["bureau"]) for _ in range(60)]
    job = start_bulk_issue(
        template=template,
        recipients=[{"officer_id": o.pk, "fields": {"course": "课程"}} for o in officers],
        title="课程",
        actor=city_hr,
    )
    run_bulk_issue(job.pk)
    serials = list(Certificate.objects.order_by("serial").values_list("serial", flat=True))
    assert len(set(serials)) == 60
    assert serials[0].endswith("000001") and serials[-1].endswith("000060")
    assert not Certificate.objects.filter(pdf="").exists()


def test_annual_training_record(client, city, officer, city_hr):
    from people.models import HourEntry
    from people.services.ledger import credit

    year = date.today().year
    credit(
        officer_id=officer.pk,
        kind=HourEntry.Kind.ONLINE,
        hours=Decimal("6"),
        on=date(year, 3, 5),
        source_type=HourEntry.Source.COURSE,
        source_id="1",
        title="行政处罚法精讲",
    )
    credit(
        officer_id=officer.pk,
        kind=HourEntry.Kind.EXAM,
        hours=Decimal("2"),
        on=date(year, 4, 1),
        source_type=HourEntry.Source.QUIZ,
        source_id="2",
        title="执法资格考试",
    )
    client.login(username=city_hr.username, password=PASSWORD)
    response = client.post(
        reverse("certificates:annual"), {"number": officer.employee_number, "year": year}
    )
    record = Certificate.objects.get(kind="annual_record")
    assert response.status_code == 302
    assert record.data["record"]["total"] == "8"
    pdf = b"".join(client.get(response["Location"]).streaming_content)
    text = pdf_text(pdf)
    for value in ("年度培训档案", "王喆堃", "行政处罚法精讲", "执法资格考试", record.serial):
        assert value in text
    assert page_count(pdf) >= 1
    # Generating it again supersedes the old record.
    client.post(reverse("certificates:annual"), {"number": officer.employee_number, "year": year})
    record.refresh_from_db()
    assert record.status == "superseded"
