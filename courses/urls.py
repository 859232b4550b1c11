from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("my/", views.my_courses, name="my"),
    path("enroll/<int:course_id>/", views.enroll, name="enroll"),
    path("lessons/<int:lesson_id>/panel/", views.lesson_panel, name="lesson_panel"),
    path("lessons/<int:lesson_id>/heartbeat/", views.heartbeat, name="heartbeat"),
    path("lessons/<int:lesson_id>/done/", views.lesson_done, name="lesson_done"),
    path("lessons/<int:lesson_id>/note/", views.note, name="note"),
    path("assign/", views.assign, name="assign"),
]
