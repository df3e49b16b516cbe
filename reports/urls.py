"""Tenant URLs of the reports app, mounted under /t/<slug>/reports/."""

import datetime

from django.urls import path, register_converter

from . import views


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return datetime.date.fromisoformat(value)

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


class YearMonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        year, month = value.split("-")
        return datetime.date(int(year), int(month), 1)

    def to_url(self, value):
        return f"{value:%Y-%m}" if isinstance(value, datetime.date) else str(value)


register_converter(IsoDateConverter, "reports_date")
register_converter(YearMonthConverter, "reports_month")

app_name = "reports"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("today/", views.today, name="today"),
    path("monthly/", views.monthly_list, name="monthly_list"),
    path("settings/", views.report_settings, name="settings"),
    path("settings/closures/", views.closure_add, name="closure_add"),
    path("closures/<int:pk>/delete/", views.closure_delete, name="closure_delete"),
    path("placements/<int:pk>/suspensions/", views.placement_suspension_add, name="suspension_add"),
    path("placements/<int:pk>/", views.placement_reports, name="placement"),
    path("placements/<int:pk>/days/<reports_date:day>/", views.daily_edit, name="daily_edit"),
    path("placements/<int:pk>/days/<reports_date:day>/unlock/", views.daily_unlock, name="daily_unlock"),
    path("placements/<int:pk>/months/<reports_month:month>/", views.monthly_detail, name="monthly_detail"),
    path("placements/<int:pk>/months/<reports_month:month>/feedback/", views.monthly_feedback, name="monthly_feedback"),
    path("placements/<int:pk>/months/<reports_month:month>/comment/", views.monthly_comment, name="monthly_comment"),
    path("placements/<int:pk>/months/<reports_month:month>/return/", views.monthly_return, name="monthly_return"),
    path("placements/<int:pk>/final/", views.final_report, name="final_report"),
    path("placements/<int:pk>/final/reopen/", views.final_reopen, name="final_reopen"),
    path("final-files/<int:pk>/", views.final_file, name="final_file"),
    path("final-files/<int:pk>/delete/", views.final_file_delete, name="final_file_delete"),
    path("presentations/", views.presentation_list, name="presentation_list"),
    path("presentations/new/", views.presentation_create, name="presentation_create"),
    path("presentations/<int:pk>/", views.presentation_detail, name="presentation_detail"),
    path("presentations/<int:pk>/edit/", views.presentation_edit, name="presentation_edit"),
    path("compliance/", views.compliance, name="compliance"),
    path("programs/<int:pk>/guide/", views.report_guide, name="report_guide"),
    path("evaluation-form/", views.evaluation_form_settings, name="evaluation_form"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("placements/<int:pk>/evaluations/", views.evaluations, name="evaluations"),
    path("placements/<int:pk>/evaluations/<str:kind>/", views.evaluation_edit, name="evaluation_edit"),
    path("placements/<int:pk>/evaluations/<str:kind>/reopen/", views.evaluation_reopen, name="evaluation_reopen"),
    path("placements/<int:pk>/result/", views.result_save, name="result_save"),
    path("placements/<int:pk>/result/agree/", views.result_agree, name="result_agree"),
    path("placements/<int:pk>/links/", views.link_send, name="link_send"),
    path("links/", views.link_list, name="link_list"),
    path("links/<int:pk>/", views.link_detail, name="link_detail"),
    path("links/<int:pk>/revoke/", views.link_revoke, name="link_revoke"),
    # The emailed link: no account, no sign-in (tenant_public).
    path("l/<str:token>/", views.link, name="link"),
]
