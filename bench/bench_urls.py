"""The project's URLs plus `/bench/bare/`, the baseline of bench/exam_day.py."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The cheapest Django response: the full middleware stack, no view work."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("lianbing.urls")),
]
