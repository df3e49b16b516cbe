from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API for student-record systems")

    def ready(self):
        from coop.registry import register_sweeper  # the registry is filled once the apps are ready

        from .services import api_rows_sweep  # models are importable only once the apps are ready

        register_sweeper(api_rows_sweep)
