"""Offline training classes: HR pages, the venue screen and the officers' QR sign-in."""

from django.urls import path

from courses import class_views as views

app_name = "classes"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", views.class_create, name="create"),
    path("<int:class_id>/", views.class_detail, name="detail"),
    path("<int:class_id>/edit/", views.class_edit, name="edit"),
    path("<int:class_id>/roster/", views.roster, name="roster"),
    path("<int:class_id>/roster/add/", views.roster_add, name="roster_add"),
    path(
        "<int:class_id>/roster/<int:officer_id>/remove/",
        views.roster_remove,
        name="roster_remove",
    ),
    path("sessions/<int:session_id>/venue/", views.venue, name="venue"),
    path("sessions/<int:session_id>/venue/state/", views.venue_state, name="venue_state"),
    path("sessions/<int:session_id>/attendance/", views.attendance_sheet, name="attendance"),
    path(
        "attendance/<int:attendance_id>/remove/",
        views.attendance_remove,
        name="attendance_remove",
    ),
    # The service builds these URLs (sign_in_path): keep the name and the kwargs.
    path(
        "check-in/<int:session_id>/<int:window>/<str:code>/",
        views.check_in_page,
        name="check_in",
    ),
]
