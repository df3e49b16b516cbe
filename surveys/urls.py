"""Tenant URLs of the surveys app, mounted under /t/<slug>/surveys/."""

from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.form_list, name="form_list"),
    path("new/", views.form_create, name="form_create"),
    path("<int:pk>/", views.form_detail, name="form_detail"),
    path("<int:pk>/edit/", views.form_edit, name="form_edit"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/results/", views.round_results, name="round_results"),
    path("rounds/<int:pk>/dates/", views.round_dates, name="round_dates"),
    path("rounds/<int:pk>/sync/", views.round_sync, name="round_sync"),
    path("rounds/<int:pk>/links/", views.links_send_all, name="links_send_all"),
    path("responses/<int:pk>/", views.response_fill, name="response_fill"),
    path("responses/<int:pk>/link/", views.link_send, name="link_send"),
    path("links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("mine/", views.my_surveys, name="my_surveys"),
    # The emailed link for partner people: no account, no sign-in (tenant_public).
    path("s/<str:token>/", views.survey_link, name="survey_link"),
]
