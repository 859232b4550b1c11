"""The project's URLs with certificates mounted where the lead agreed (/certificates/),
for as long as lianbing.urls does not include them itself."""

from django.urls import include, path

from lianbing import urls as project


def _mounted() -> bool:
    return any(getattr(p, "namespace", None) == "certificates" for p in project.urlpatterns)


urlpatterns = list(project.urlpatterns)
if not _mounted():
    # Before Wagtail's catch-all page route, which is last.
    urlpatterns.insert(len(urlpatterns) - 1, path("certificates/", include("certificates.urls")))
