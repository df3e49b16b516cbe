from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import endpoints, views

app_name = "api"

# /api/v1/ (not under /t/<slug>/: the tenant comes from the token)
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"),
    path("docs/", views.docs, name="docs"),
    path("ping/", endpoints.Ping.as_view(), name="ping"),
    path("students/", endpoints.StudentList.as_view(), name="students"),
    path("students/bulk/", endpoints.StudentBulk.as_view(), name="students_bulk"),
    path("students/<str:student_number>/", endpoints.StudentDetail.as_view(), name="student"),
    path("partners/", endpoints.PartnerList.as_view(), name="partners"),
    path("themes/", endpoints.ThemeList.as_view(), name="themes"),
    path("placements/", endpoints.PlacementList.as_view(), name="placements"),
    path("placements/<int:pk>/", endpoints.PlacementDetail.as_view(), name="placement"),
    path("placements/<int:pk>/outcome/", endpoints.PlacementOutcome.as_view(), name="placement_outcome"),
    path("reports/daily/", endpoints.DailyReportList.as_view(), name="daily_reports"),
    path("reports/monthly/", endpoints.MonthlyReportList.as_view(), name="monthly_reports"),
    path("evaluations/", endpoints.EvaluationList.as_view(), name="evaluations"),
    path("results/", endpoints.ResultList.as_view(), name="results"),
    path("outcomes/", endpoints.OutcomeList.as_view(), name="outcomes"),
    path("terms/", endpoints.TermList.as_view(), name="terms"),
    path("terms/<int:pk>/summary/", endpoints.TermSummary.as_view(), name="term_summary"),
]
