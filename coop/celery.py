import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")

app = Celery("coop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _refuse_without_secret_key(**kwargs):
    from coop.checks import require_secret_key  # Django's settings are read once the worker starts

    require_secret_key()
