from django.urls import path

from . import views

app_name = "finals"

urlpatterns = [
    path("", views.final_list, name="list"),
    path("<int:final_id>/host/", views.host_console, name="host"),
    path("<int:final_id>/host/panel/", views.host_panel, name="host_panel"),
    path("<int:final_id>/host/act/", views.host_act, name="host_act"),
    path("<int:final_id>/team/", views.team_device, name="team"),
    path("<int:final_id>/team/act/", views.team_act, name="team_act"),
    path("<int:final_id>/state/", views.state, name="state"),
    path("<int:final_id>/results/", views.results, name="results"),
    path("screen/<str:token>/", views.screen, name="screen"),
    path("screen/<str:token>/state/", views.screen_state, name="screen_state"),
]
