from django.urls import path

from people import hr_views

app_name = "hr"
urlpatterns = [
    path("", hr_views.officer_list, name="officers"),
    path("import/", hr_views.roster_import, name="import"),
    path("import/credentials/", hr_views.credentials_download, name="credentials"),
    path(
        "officers/<int:officer_id>/reset-password/", hr_views.password_reset, name="password_reset"
    ),
    path("template/", hr_views.roster_template, name="template"),
    path("export/", hr_views.roster_export, name="export"),
]
