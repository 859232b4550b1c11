"""The site's URLs plus 由条文生成试题, for tests run before quizzes.wagtail_hooks mounts it."""

from django.urls import include, path

from lianbing import urls as site_urls

urlpatterns = [
    path("admin/quizzes/draft/", include("quizzes.admin_draft_urls")),
    *site_urls.urlpatterns,
]
