"""The consortium's own pages under /c/<slug>/ (consortium.urls)."""

from .urls import consortium_patterns

urlpatterns, app_name = consortium_patterns
