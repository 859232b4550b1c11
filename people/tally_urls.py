"""Training tallies for HR: by unit, officer and domain, and the annual summary."""

from django.urls import path

from people import tally_views

app_name = "tallies"
urlpatterns = [
    path("", tally_views.units, name="units"),
    path("officers/", tally_views.officers, name="officers"),
    path("domains/", tally_views.domains, name="domains"),
    path("summary/", tally_views.summary, name="summary"),
]
