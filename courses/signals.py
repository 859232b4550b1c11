"""Signals other apps listen to: training hours and certificates follow course completion."""

from django.dispatch import Signal

# Sent once per enrollment, inside the transaction that sets `completed_at`, with
# sender=Enrollment and enrollment=<the Enrollment>. Receivers that write rows (hours,
# certificates) therefore commit or roll back together with the completion itself.
course_completed = Signal()
