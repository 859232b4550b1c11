from django.urls import path

from quizzes import notebook_views, views

app_name = "quizzes"

urlpatterns = [
    path("", views.my_quizzes, name="mine"),
    path("<int:quiz_id>/", views.quiz_detail, name="detail"),
    path("<int:quiz_id>/start/", views.start, name="start"),
    path("attempt/<uuid:attempt_id>/", views.take, name="take"),
    path("attempt/<uuid:attempt_id>/save/", views.save, name="save"),
    path("attempt/<uuid:attempt_id>/check/<int:position>/", views.check, name="check"),
    path("attempt/<uuid:attempt_id>/submit/", views.submit, name="submit"),
    path("attempt/<uuid:attempt_id>/event/", views.event, name="event"),
    path("attempt/<uuid:attempt_id>/result/", views.result, name="result"),
    path("notebook/", notebook_views.notebook_page, name="notebook"),
    path("notebook/practice/", notebook_views.notebook_practice, name="notebook_practice"),
]
