"""Signals other apps listen to: certificates follow a graded attempt."""

from django.dispatch import Signal

# Sent with sender=Attempt and attempt=<the Attempt> inside the grading transaction, once the
# attempt is graded (objective answers at submission, or the last written answer graded).
attempt_graded = Signal()
