"""Admin URLs for question import/export; included under the Wagtail admin by wagtail_hooks:

path("questions/transfer/", include("quizzes.admin_import_urls"))  # namespace question_io
"""

from django.urls import path

from quizzes import admin_import_views as views

app_name = "question_io"

urlpatterns = [
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template/", views.TemplateDownloadView.as_view(), name="template"),
    path("export/", views.ExportView.as_view(), name="export"),
]
