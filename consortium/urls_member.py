"""A member's consortium pages under /t/<slug>/consortium/ (consortium.urls)."""

from .urls import member_patterns

urlpatterns, app_name = member_patterns
