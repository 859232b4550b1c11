"""Building ledger situations for tests: programmes with rules, evidence files."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from people.models import AnnualProgramme, CreditRule, HourRequirement


def make_programme(year: int, *, required=40, caps=None, by_position=None) -> AnnualProgramme:
    """caps: {kind: (daily_cap, annual_cap)}; by_position: {职务: hours}."""
    programme = AnnualProgramme.objects.create(
        year=year, title=f"{year}年能力提升年", required_hours=Decimal(required)
    )
    for kind, (daily, annual) in (caps or {}).items():
        CreditRule.objects.create(
            programme=programme,
            kind=kind,
            daily_cap=None if daily is None else Decimal(daily),
            annual_cap=None if annual is None else Decimal(annual),
        )
    for position, hours in (by_position or {}).items():
        HourRequirement.objects.create(programme=programme, position=position, hours=hours)
    return programme


def evidence(name="证明.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")
