"""URLs of a quiz's analysis, to mount inside the Wagtail admin.

quizzes.wagtail_hooks registers them (namespace "quiz_analysis", from app_name):

    @hooks.register("register_admin_urls")
    def register_quiz_analysis_urls():
        return [path("quizzes/analysis/", include("quizzes.admin_analysis_urls"))]
"""

from django.urls import path

from quizzes import admin_analysis_views as views

app_name = "quiz_analysis"
urlpatterns = [
    path("<int:quiz_id>/", views.ReportView.as_view(), name="report"),
    path("<int:quiz_id>/export/", views.ExportView.as_view(), name="export"),
]
