"""Training hours for online courses: a completed course credits its hours to the ledger."""

from django.dispatch import receiver
from django.utils import timezone

from courses.models import Enrollment
from courses.signals import course_completed
from people.models import HourEntry
from people.services.ledger import credit


@receiver(course_completed, sender=Enrollment, dispatch_uid="courses.hours.credit_course")
def credit_completed_course(sender, enrollment, **kwargs):
    course = enrollment.course
    credit(
        officer_id=enrollment.officer_id,
        kind=HourEntry.Kind.ONLINE,
        hours=course.credit_hours,
        on=timezone.localdate(enrollment.completed_at),
        source_type=HourEntry.Source.COURSE,
        source_id=str(course.pk),
        title=course.title,
    )
