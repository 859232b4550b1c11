"""Serial numbers: LB2026-000123, unique under concurrent issue.

One counter row per year, locked while numbers are handed out: on PostgreSQL the row lock
queues concurrent issuers, on SQLite the write transaction does (IMMEDIATE mode). The
unique constraint on Certificate.serial stays the last guard.
"""

from django.conf import settings
from django.db import transaction

from certificates.models import SerialCounter


def serial_prefix() -> str:
    return getattr(settings, "CERTIFICATE_SERIAL_PREFIX", "LB")


def format_serial(year: int, number: int) -> str:
    return f"{serial_prefix()}{year}-{number:06d}"


def allocate(*, year: int, count: int = 1) -> list[str]:
    """`count` consecutive serials of `year`; call inside the transaction that uses them."""
    if count <= 0:
        return []
    with transaction.atomic():
        # INSERT … ON CONFLICT DO NOTHING: two first issuers of a year cannot collide.
        SerialCounter.objects.bulk_create([SerialCounter(year=year)], ignore_conflicts=True)
        counter = SerialCounter.objects.select_for_update().get(year=year)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
    return [format_serial(year, number) for number in range(first, first + count)]
