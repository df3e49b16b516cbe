from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
        return [
            Error(
                "SECRET_KEY is not set in the environment.",
                hint="Set SECRET_KEY to 50 or more random characters, the same for every web and worker process.",
                id="coop.E001",
            )
        ]
    return []


def require_secret_key():
    """Called by the web and worker entry points: a production process needs a real key."""

    if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for a development machine).")
