"""Tenant URLs of the rubrics app, mounted under /t/<slug>/rubrics/."""

from django.urls import path

from . import views

app_name = "rubrics"

urlpatterns = [
    path("", views.rubric_list, name="rubric_list"),
    path("new/", views.rubric_create, name="rubric_create"),
    path("<int:pk>/", views.rubric_detail, name="rubric_detail"),
    path("<int:pk>/edit/", views.rubric_edit, name="rubric_edit"),
    path("windows/", views.window_list, name="window_list"),
    path("windows/new/", views.window_create, name="window_create"),
    path("windows/<int:pk>/", views.window_detail, name="window_detail"),
    path("windows/<int:pk>/dates/", views.window_dates, name="window_dates"),
    path("windows/<int:pk>/links/", views.links_send_all, name="links_send_all"),
    path("windows/<int:pk>/placements/<int:placement_pk>/link/", views.link_send, name="link_send"),
    path(
        "windows/<int:pk>/placements/<int:placement_pk>/<str:rater>/",
        views.assessment_fill,
        name="assessment_fill",
    ),
    path("links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("mine/", views.my_assessments, name="my_assessments"),
    path("placements/<int:pk>/growth/", views.placement_growth, name="placement_growth"),
    path("growth/", views.cohort_growth, name="cohort_growth"),
    # The emailed link for partner people: no account, no sign-in (tenant_public).
    path("r/<str:token>/", views.rater_link, name="rater_link"),
]
