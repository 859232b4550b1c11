from django.urls import path

from courses import search_views

app_name = "search"
urlpatterns = [
    path("", search_views.search, name="search"),
    path("articles/<int:pk>/", search_views.article_detail, name="article"),
]
