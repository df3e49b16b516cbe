from django.urls import path

from . import views

app_name = "api_tokens"

# /t/<slug>/settings/api/: tokens, for the institution's administrators
urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/", views.token_detail, name="token_detail"),
    path("<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
