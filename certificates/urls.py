from django.urls import path

from certificates import register_views, views

app_name = "certificates"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("<int:pk>/download/", views.download, name="download"),
    path("register/", register_views.register_list, name="register"),
    path("register/export/", register_views.export, name="export"),
    path("register/zip/", register_views.unit_zip, name="zip"),
    path("register/<int:pk>/revoke/", register_views.revoke, name="revoke"),
    path("register/<int:pk>/reissue/", register_views.reissue, name="reissue"),
    path("bulk/", register_views.bulk_new, name="bulk"),
    path("bulk/<int:pk>/", register_views.job, name="job"),
    path("bulk/<int:pk>/progress/", register_views.job_progress, name="job_progress"),
    path("bulk/<int:pk>/resume/", register_views.job_resume, name="job_resume"),
    path("annual/", register_views.annual_record, name="annual"),
    path("courses/", register_views.course_certificates, name="courses"),
]
