from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = _("Portal core")

    def ready(self):
        from allauth.account.signals import authentication_step_completed  # the app registry is ready now

        from . import checks, rls  # noqa: F401  (not before the app registry is ready: checks registers the deploy checks, rls its signals)

        # Row-level security after every migrate: a new tenant table gets its policy at once.
        post_migrate.connect(rls.install, sender=self, dispatch_uid="coop.rls.install")

        authentication_step_completed.connect(_code_proves_email, weak=False, dispatch_uid="coop.code_proves_email")

        from . import saml  # coop.saml reads models: not before the app registry is ready
        from .registry import register_waiting_provider  # (with it)

        register_waiting_provider(saml.waiting)


def _code_proves_email(sender, request, method, user, **extra):
    """A sign-in code reached the address: it is verified (allauth verifies only an address it
    already has a row for, and would otherwise ask the person to confirm it again)."""
    if method == "code":
        from .services import email_address_proven  # services import models: not at app loading

        email_address_proven(user=user, email=extra.get("email"))
