from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = _("Portal core")

    def ready(self):
        from . import checks, rls  # noqa: F401  (not before the app registry is ready: checks registers the deploy checks, rls its signals)

        # Row-level security after every migrate: a new tenant table gets its policy at once.
        post_migrate.connect(rls.install, sender=self, dispatch_uid="coop.rls.install")
