"""URLs of 由条文生成试题, to mount inside the Wagtail admin.

quizzes.wagtail_hooks registers them (namespace "quiz_drafting", from app_name):

    @hooks.register("register_admin_urls")
    def register_quiz_drafting_urls():
        return [path("quizzes/draft/", include("quizzes.admin_draft_urls"))]

An article's inspect page can link to `reverse("quiz_drafting:draft") + f"?article={pk}"`.
"""

from django.urls import path

from quizzes import admin_draft_views as views

app_name = "quiz_drafting"
urlpatterns = [
    path("", views.DraftFromArticleView.as_view(), name="draft"),
]
