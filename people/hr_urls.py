from django.urls import path

from people import hr_views

app_name = "hr"
urlpatterns = [
    path("", hr_views.officer_list, name="officers"),
]
