from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import saml_views, views

admin.site.login = secure_admin_login(admin.site.login)  # allauth's login, with its rate limits

app_name = "coop"

tenant_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("help/", views.help_page, name="help"),
    path("members/", views.members, name="members"),
    path("members/<int:pk>/", views.member_update, name="member_update"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("settings/", views.tenant_settings, name="tenant_settings"),
    path("settings/deadlines/", views.deadline_settings, name="deadline_settings"),
    path("settings/saml/", saml_views.saml_settings, name="saml_settings"),
    path("members/requests/<int:pk>/", saml_views.membership_request_decide, name="membership_request_decide"),
    path("saml/pending/", saml_views.saml_pending, name="saml_pending"),
    path("reminders/", views.reminder_list, name="reminders"),
    path("reminders/<int:pk>/read/", views.reminder_read, name="reminder_read"),
    path("reminders/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<str:table>.<str:fmt>", views.export_download, name="export_download"),
    path("exports/<str:table>.<str:fmt>/start/", views.export_start, name="export_start"),
    path("exports/jobs/<int:pk>/", views.export_job, name="export_job"),
    path("exports/jobs/<int:pk>/file/", views.export_job_file, name="export_job_file"),
]

coop_patterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("operator/institutions/", views.operator_tenants, name="operator_tenants"),
    path("operator/institutions/<int:pk>/invite/", views.operator_invite_admin, name="operator_invite_admin"),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
]

urlpatterns = [
    path("", include((coop_patterns, "coop"))),
    path("t/<slug:tenant_slug>/", include("placements.urls")),
    path("t/<slug:tenant_slug>/reports/", include("reports.urls")),
    path("t/<slug:tenant_slug>/rubrics/", include("rubrics.urls")),
    path("t/<slug:tenant_slug>/surveys/", include("surveys.urls")),
    path("t/<slug:tenant_slug>/consortium/", include("consortium.urls_member")),
    path("c/<slug:slug>/", include("consortium.urls_site")),
    path("t/<slug:tenant_slug>/settings/api/", include("api.urls_tokens")),
    path("api/v1/", include("api.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# Uploaded and generated files are never served from MEDIA_URL: every download goes through a
# view that checks access (agreement PDFs, application files, signed scans).
