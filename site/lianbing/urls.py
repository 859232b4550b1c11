from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lianbing import views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("people.urls")),
    path("hr/", include("people.hr_urls")),
    path("my/", views.dashboard, name="dashboard"),
    path("learn/", include("courses.urls")),
    path("search/", include("courses.search_urls")),
    path("exams/", include("quizzes.urls")),
    path("hours/", include("people.hours_urls")),
    path("tallies/", include("people.tally_urls")),
    path("classes/", include("courses.class_urls")),
    path("certificates/", include("certificates.urls")),
    path("competitions/", include("quizzes.competitions.urls")),
    path("finals/", include("quizzes.finals.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving comes last: it matches every other path. Its front-end login
# (for private pages) would be a login without throttling: it goes to ours instead.
urlpatterns += [
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="people:login", query_string=True),
        name="frontend_login",
    ),
    path("", include(wagtail_urls)),
]
