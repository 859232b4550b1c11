from django.urls import path

from . import award_views, judge_views, views

app_name = "competitions"

urlpatterns = [
    path("", views.competition_list, name="list"),
    path("<int:competition_id>/", views.competition_detail, name="detail"),
    path("<int:competition_id>/release/", views.release_view, name="release"),
    path("<int:competition_id>/unrelease/", views.unrelease_view, name="unrelease"),
    path(
        "<int:competition_id>/entries/<int:entry_id>/document/",
        views.entry_document,
        name="entry_document",
    ),
    path("<int:competition_id>/judge/", judge_views.judge_entries, name="judge"),
    path("<int:competition_id>/judge/<int:entry_id>/", judge_views.judge_sheet, name="judge_sheet"),
    path(
        "<int:competition_id>/judging/close/", judge_views.close_judging_view, name="close_judging"
    ),
    path(
        "<int:competition_id>/judging/reopen/",
        judge_views.reopen_judging_view,
        name="reopen_judging",
    ),
    path("<int:competition_id>/awards/", award_views.awards_page, name="awards"),
]
