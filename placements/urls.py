"""Tenant URLs of the placements app, mounted under /t/<slug>/. Each area's views module
owns its `urlpatterns`; this file only joins them."""

from .views import (
    agreements,
    education,
    entries,
    imports,
    meetings,
    partners,
    placements,
    programs,
    selection,
    summary,
    themes,
)

app_name = "placements"

urlpatterns = [
    *partners.urlpatterns,
    *programs.urlpatterns,
    *themes.urlpatterns,
    *entries.urlpatterns,
    *agreements.urlpatterns,
    *education.urlpatterns,
    *selection.urlpatterns,
    *placements.urlpatterns,
    *meetings.urlpatterns,
    *imports.urlpatterns,
    *summary.urlpatterns,
]
