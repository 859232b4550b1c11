"""The training-hour ledger: the officer's own hours, HR's manual entries, review and reversal."""

from django.urls import path

from people import hours_views

app_name = "hours"
urlpatterns = [
    path("", hours_views.my_hours, name="mine"),
    path("officers/<int:officer_id>/", hours_views.officer_hours, name="officer"),
    path("officers/<int:officer_id>/add/", hours_views.manual_entry, name="manual"),
    path("pending/", hours_views.pending, name="pending"),
    path("entries/<int:entry_id>/review/", hours_views.review, name="review"),
    path("entries/<int:entry_id>/reverse/", hours_views.reverse, name="reverse"),
    path("entries/<int:entry_id>/evidence/", hours_views.evidence, name="evidence"),
]
